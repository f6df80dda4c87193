"""Acquisition functions: turn a predictive mean and spread into a "worth evaluating" score.

All work on larger-is-better scores, over a whole candidate pool at once.

``its``
    Independent Thompson sampling (BANANAS' default): one draw from N(mean, std) per candidate.
``ucb``
    Upper confidence bound, mean + ``explore`` × std.
``ei``
    Expected improvement over the best score seen, (mean − best)·Φ(z) + std·φ(z), z = (mean −
    best)/std; with std = 0 it is max(mean − best, 0).
``greedy``
    The mean alone (exploitation only).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

ACQUISITIONS: tuple[str, ...] = ("its", "ucb", "ei", "greedy")


def acquire(
    name: str,
    mean: np.ndarray,
    std: np.ndarray,
    *,
    best: float,
    rng: np.random.Generator,
    explore: float = 0.5,
) -> np.ndarray:
    """Acquisition value of each candidate (larger is better)."""
    mean = np.asarray(mean, dtype=np.float64)
    std = np.maximum(np.asarray(std, dtype=np.float64), 0.0)
    if name == "its":
        return rng.normal(mean, std)
    if name == "ucb":
        return mean + explore * std
    if name == "ei":
        gain = mean - best
        safe = np.where(std > 0, std, 1.0)
        z = gain / safe
        ei = gain * norm.cdf(z) + safe * norm.pdf(z)
        return np.where(std > 0, ei, np.maximum(gain, 0.0))
    if name == "greedy":
        return mean
    raise KeyError(f"unknown acquisition function {name!r}; choose from {list(ACQUISITIONS)}")
