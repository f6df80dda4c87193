"""Hyperparameter search inside the training set.

Tuned predictors pick their hyperparameters by K-fold cross-validation on the rows they are fitted
on — never on the test split — and score a candidate by Kendall τ, the metric the benchmark reports
(ranking architectures is the job, not regressing their accuracy). A constant fold prediction has
no ranking; it scores 0 rather than NaN so that it never wins.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import kendalltau
from sklearn.base import clone
from sklearn.model_selection import KFold, ParameterSampler

#: Below this many training rows a search is pointless: the predictor keeps its defaults.
MIN_ROWS_TO_TUNE: int = 10


def kendall_score(y_true: Any, y_pred: Any) -> float:
    """Kendall τ-b of predictions vs truth; 0.0 when undefined (constant input)."""
    tau = kendalltau(y_true, y_pred).statistic
    return 0.0 if not np.isfinite(tau) else float(tau)


def random_search(
    estimator: Any,
    distributions: dict[str, Any],
    X: np.ndarray,
    y: np.ndarray,
    *,
    n_iter: int,
    cv: int,
    seed: int,
    adjust: Any = None,
) -> tuple[dict[str, Any], float]:
    """Best of ``n_iter`` random settings of ``estimator`` by mean K-fold Kendall τ.

    Parameters
    ----------
    estimator
        Unfitted estimator; each candidate is ``clone(estimator).set_params(**params)``.
    distributions
        As for :class:`sklearn.model_selection.ParameterSampler`.
    X, y
        The training rows only.
    n_iter, cv
        Number of candidates, number of folds (shuffled, seeded).
    seed
        Seeds both the sampler and the folds.
    adjust
        Optional ``callable(params, n_rows) -> params`` that clamps a candidate to the fold size.

    Returns
    -------
    (best_params, best_score)
    """
    folds = KFold(n_splits=min(cv, len(y)), shuffle=True, random_state=seed)
    best: tuple[dict[str, Any], float] = ({}, -np.inf)
    for params in ParameterSampler(distributions, n_iter=n_iter, random_state=seed):
        scores = []
        for train, test in folds.split(X):
            candidate = dict(params) if adjust is None else adjust(dict(params), len(train))
            model = clone(estimator).set_params(**candidate)
            model.fit(X[train], y[train])
            scores.append(kendall_score(y[test], model.predict(X[test])))
        score = float(np.mean(scores))
        if score > best[1]:
            best = (params, score)
    return best
