"""Input preprocessing for the predictors that are not scale-free (GP, MLP, ridge).

Recorded zero-cost proxies mark a failed score with −1e8 (:data:`predbench.data.task.FAILED_PROXY`).
Trees only compare values, so for them −1e8 is just "lower than everything", which is the meaning
the benchmarks intend (a cell without an input→output path is the worst). A scaler, a kernel or a
linear model would instead see a point 10⁸ away from the rest and squash every other value.

:class:`FailedProxyClipper` replaces each failed score by a *finite floor* learnt on the training
rows: the column's smallest non-failed value minus one standard deviation of its non-failed values
(1.0 when that spread is 0, 0.0 when the column has nothing but failures). A failed cell thus stays
the lowest, but at a sensible distance. After it, :func:`make_scaler` either standardises the
columns (``"standard"``) or maps each column through its empirical CDF onto a normal
(``"quantile"``, rank-based, robust to the heavy tails of raw proxies such as ``grad_norm``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.preprocessing import QuantileTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

#: Scores at or below this count as failed (the sentinel is −1e8; real scores are far above).
FAILED_THRESHOLD: float = -1e7

#: Accepted values of the ``scaling`` parameter of GP, MLP and ridge.
SCALINGS: tuple[str, ...] = ("quantile", "standard")


class FailedProxyClipper(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Replace failed-proxy sentinels (≤ ``threshold``) by a per-column floor learnt in ``fit``.

    Parameters
    ----------
    threshold
        Values at or below it are failed scores. The default sits between the −1e8 sentinel and
        every real proxy value.

    Attributes
    ----------
    floor_ : ndarray of shape (n_features,)
        Value that replaces a failed score in each column.
    """

    def __init__(self, threshold: float = FAILED_THRESHOLD):
        self.threshold = threshold

    def fit(self, X: Any, y: Any = None) -> FailedProxyClipper:
        X = validate_data(self, X, dtype=np.float64)
        failed = X <= self.threshold
        ok = np.where(failed, np.nan, X)
        has_ok = ~failed.all(axis=0)
        floor = np.zeros(X.shape[1])
        if has_ok.any():
            lowest = np.nanmin(ok[:, has_ok], axis=0)
            spread = np.nanstd(ok[:, has_ok], axis=0)
            floor[has_ok] = lowest - np.where(spread > 0, spread, 1.0)
        self.floor_ = floor
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False, copy=True)
        failed = X <= self.threshold
        if failed.any():
            X[failed] = np.broadcast_to(self.floor_, X.shape)[failed]
        return X


def make_scaler(scaling: str, n_samples: int, seed: int) -> Any:
    """The scaler named by ``scaling`` ("quantile" or "standard"), sized for ``n_samples`` rows."""
    if scaling == "standard":
        return StandardScaler()
    if scaling == "quantile":
        return QuantileTransformer(
            n_quantiles=max(1, min(1000, n_samples)),
            output_distribution="normal",
            random_state=seed,
        )
    raise ValueError(f"unknown scaling {scaling!r}; choose from {list(SCALINGS)}")
