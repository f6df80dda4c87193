"""Single-proxy baseline: rank architectures by one recorded zero-cost proxy, with no training.

It is what a zero-cost-proxy NAS paper would do, and it belongs in every comparison table so the
reader sees what *learning* adds on top of the best single proxy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from predbench.predictors._base import BasePredictor
from predbench.predictors._preprocessing import FAILED_THRESHOLD


class SingleProxy(BasePredictor):
    """Predict ``sign · X[proxy]``: one column of the feature table, untouched by ``y``.

    Parameters
    ----------
    proxy
        Column to rank by: a feature name (``"zcp:synflow"``; a bare ``"synflow"`` means
        ``"zcp:synflow"``), which needs ``X`` to be a DataFrame, or a column position (int).
    sign
        ``1`` (higher proxy → better) or ``-1`` (lower is better, e.g. flops against latency).

    Notes
    -----
    A failed proxy (−1e8) always ranks last whichever ``sign``: its prediction stays −1e8.
    ``fit`` only checks that the column exists; ``y`` is accepted and ignored.

    Attributes
    ----------
    column_ : int
        Position of the proxy column.
    """

    library = "numpy"
    summary = "rank by one proxy column (no training)"
    inputs = "one column, by name (DataFrame) or position"

    def __init__(self, proxy: str | int = "zcp:synflow", sign: int = 1):
        self.proxy = proxy
        self.sign = sign

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # It ignores y by design, so scikit-learn's "fits the training data" check cannot hold.
        tags.regressor_tags.poor_score = True
        return tags

    def check_feature_names(self, names: list[str]) -> None:
        """Raise ``ValueError`` unless the proxy is a column of a table with these ``names``."""
        _resolve(self.proxy, len(names), list(names))

    def _column(self) -> int:
        return _resolve(self.proxy, self.n_features_in_, getattr(self, "feature_names_in_", None))

    def fit(self, X: Any, y: Any) -> SingleProxy:
        """Locate the proxy column (``y`` is ignored)."""
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        if self.sign not in (1, -1):
            raise ValueError(f"SingleProxy: sign must be 1 or -1, got {self.sign!r}")
        self.column_ = self._column()
        return self

    def predict(self, X: Any) -> np.ndarray:
        """``sign`` times the proxy column; failed scores stay at the bottom."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        values = X[:, self.column_]
        return np.where(values <= FAILED_THRESHOLD, values, self.sign * values)


def _resolve(proxy: str | int, n_features: int, names: Any) -> int:
    """Position of ``proxy`` (a name, bare proxy name or position) among the columns."""
    if isinstance(proxy, int | np.integer) and not isinstance(proxy, bool):
        if not 0 <= proxy < n_features:
            raise ValueError(
                f"SingleProxy(proxy={proxy}) is out of range: X has {n_features} columns"
            )
        return int(proxy)
    if not isinstance(proxy, str):
        raise TypeError(f"proxy must be a column name or position, got {proxy!r}")
    if names is None:
        raise ValueError(
            f"SingleProxy(proxy={proxy!r}) needs feature names: fit it on a pandas "
            "DataFrame (a FeatureTable), or give the column position as an int"
        )
    names = [str(n) for n in names]
    for candidate in (proxy, f"zcp:{proxy}"):
        if candidate in names:
            return names.index(candidate)
    proxies = [n for n in names if n.startswith("zcp:")] or names[:10]
    raise ValueError(
        f"SingleProxy: no column {proxy!r} in the feature table; proxy columns: {proxies}"
    )
