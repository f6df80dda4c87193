"""Training objectives: squared error, or a pairwise ranking hinge.

Kendall τ, the metric predbench reports, only looks at the order of predictions. The pairwise loss
optimises that order directly: for every pair ``(i, j)`` of a mini-batch whose targets differ,
``max(0, margin − sign(y_i − y_j) · (s_i − s_j))`` — the "margin_linear" comparator loss of GATES /
TA-GATES (margin 0.1 there). Scores then carry no unit; the estimator maps them back to the target
scale with a monotone linear fit on the training set (see ``_estimator``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def pairwise_hinge(scores: torch.Tensor, y: torch.Tensor, margin: float) -> torch.Tensor:
    """Mean hinge over all ordered pairs of the batch with ``y_i > y_j``; 0 when there are none."""
    diff_y = y[:, None] - y[None, :]
    diff_s = scores[:, None] - scores[None, :]
    better = diff_y > 0
    if not bool(better.any()):
        return scores.sum() * 0.0
    return F.relu(margin - diff_s[better]).mean()


def training_loss(name: str, scores: torch.Tensor, y: torch.Tensor, margin: float) -> torch.Tensor:
    if name == "mse":
        return F.mse_loss(scores, y)
    return pairwise_hinge(scores, y, margin)
