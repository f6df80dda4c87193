"""The shape every predictor of the zoo shares.

A predictor is a scikit-learn regressor over a numeric feature matrix (a FeatureTable, i.e. a
DataFrame whose columns are ``"<family>:<name>"``, or any 2-D array). Each zoo member is a thin
wrapper that builds its underlying model in :meth:`fit` from its own keyword arguments, so that

* ``__init__`` only stores parameters (``clone``/``set_params`` behave, the registry can list
  defaults without importing xgboost or lightgbm),
* ``random_state`` is turned into one integer seed per fit, handed to the library: same
  ``random_state`` → same predictions,
* ``n_jobs`` defaults to 1: a benchmark parallelises across runs, not inside one. It bounds the
  library's own threads *and* the BLAS threads numpy uses underneath (through threadpoolctl):
  several BLAS pools each spinning two threads on a shared two-core machine made a 200-row
  Gaussian-process fit 20× slower than a single thread.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits


def seed_from(random_state: Any) -> int:
    """One 31-bit integer seed drawn from ``random_state`` (an int, a RandomState or None)."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def blas_threads(estimator: Any) -> AbstractContextManager:
    """Limit BLAS threads to the estimator's ``n_jobs`` (1 when it has none) for a ``with`` block."""
    n_jobs = getattr(estimator, "n_jobs", 1)
    limit = None if n_jobs is None or n_jobs < 0 else max(1, int(n_jobs))
    return threadpool_limits(limits=limit, user_api="blas")


#: Constraints every wrapper shares (scikit-learn's declaration format).
COMMON_CONSTRAINTS: dict[str, list] = {
    "n_jobs": [Interval(Integral, 1, None, closed="left"), None],
    "random_state": ["random_state"],
}


def positive_int() -> list:
    return [Interval(Integral, 1, None, closed="left")]


def fraction(low_open: bool = True) -> list:
    return [Interval(Real, 0, 1, closed="right" if low_open else "both")]


def positive_real() -> list:
    return [Interval(Real, 0, None, closed="neither")]


class BasePredictor(RegressorMixin, BaseEstimator):
    """Validation, fitting and prediction shared by the zoo's wrappers.

    Subclasses implement :meth:`_build_model` (return an unfitted object with ``fit``/``predict``)
    and describe themselves through the class attributes below, which ``predbench predictors``
    prints. They declare their parameters' valid values in scikit-learn's
    ``_parameter_constraints`` format, so a suite with ``n_estimators = -5`` is refused when it is
    loaded (:func:`predbench.evaluation.suite.check_params`) and :meth:`fit` checks them too.
    """

    #: Library that does the learning.
    library: ClassVar[str] = "scikit-learn"
    #: What the predictor reads from the feature table.
    inputs: ClassVar[str] = "any numeric features"
    #: One line saying what it is.
    summary: ClassVar[str] = ""
    #: Whether it learns a 2-D target (several columns at once) and predicts one: what
    #: ``auxiliary_targets`` in a suite needs.
    multi_output: ClassVar[bool] = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = self.multi_output
        return tags

    def _build_model(self, seed: int, n_samples: int, n_features: int) -> Any:
        raise NotImplementedError

    def fit(self, X: Any, y: Any) -> BasePredictor:
        """Fit on a feature matrix ``X`` (n_archs × n_features) and targets ``y``.

        Returns
        -------
        self
        """
        if getattr(self, "_parameter_constraints", None):
            self._validate_params()
        X, y = validate_data(
            self, X, y, dtype=np.float64, y_numeric=True, multi_output=self.multi_output
        )
        seed = seed_from(self.random_state)
        self.model_ = self._build_model(seed, X.shape[0], X.shape[1])
        with blas_threads(self):
            self.model_.fit(X, y)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted target for each row of ``X`` (1-D float array; one column per target for a
        multi-output predictor fitted on a 2-D target)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with blas_threads(self):
            prediction = np.asarray(self.model_.predict(X), dtype=np.float64)
        return prediction if prediction.ndim == 2 else prediction.reshape(-1)
