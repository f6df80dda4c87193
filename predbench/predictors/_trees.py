"""Tree ensembles: random forest, XGBoost, LightGBM, and XGBoost tuned on the training set.

Trees are invariant to monotone rescaling of each input, so they take the feature table as it is;
a failed proxy (−1e8) is simply the lowest value of its column.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
from scipy.stats import loguniform, randint, uniform
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import validate_data

from predbench.predictors._base import (
    COMMON_CONSTRAINTS,
    BasePredictor,
    blas_threads,
    fraction,
    positive_int,
    positive_real,
    seed_from,
)
from predbench.predictors._tuning import MIN_ROWS_TO_TUNE, random_search


class RandomForestPredictor(BasePredictor):
    """Random forest (scikit-learn), the predictor of the GRAF paper.

    Parameters
    ----------
    n_estimators, max_features, min_samples_leaf, max_depth
        As in :class:`sklearn.ensemble.RandomForestRegressor`. The defaults are scikit-learn's
        (100 trees, all features per split), which is what GRAF used.
    n_jobs
        Threads for fitting and prediction (1: parallelism belongs to the suite runner).
    random_state
        Seed (int), RandomState or None.
    """

    library = "scikit-learn"
    summary = "random forest regressor"
    multi_output = True  # one forest for several targets (auxiliary targets in a suite)

    _parameter_constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "n_estimators": positive_int(),
        "max_features": [
            *fraction(),
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "min_samples_leaf": positive_int(),
        "max_depth": [*positive_int(), None],
    }

    def __init__(
        self,
        n_estimators: int = 100,
        max_features: float | str | None = 1.0,
        min_samples_leaf: int = 1,
        max_depth: int | None = None,
        n_jobs: int = 1,
        random_state: Any = None,
    ):
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.max_depth = max_depth
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _build_model(self, seed: int, n_samples: int, n_features: int) -> Any:
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(
            n_estimators=self.n_estimators,
            max_features=self.max_features,
            min_samples_leaf=self.min_samples_leaf,
            max_depth=self.max_depth,
            n_jobs=self.n_jobs,
            random_state=seed,
        )


class XGBPredictor(BasePredictor):
    """Gradient-boosted trees (XGBoost, ``hist`` tree method).

    Parameters
    ----------
    n_estimators, learning_rate, max_depth, subsample, colsample_bytree, min_child_weight, reg_lambda
        As in :class:`xgboost.XGBRegressor`. Defaults: a slow learning rate with many rounds and
        row/column subsampling, the regime that works on small NAS training sets.
    n_jobs
        Threads (1 by default).
    random_state
        Seed (int), RandomState or None.
    """

    library = "xgboost"
    summary = "gradient-boosted trees"

    _parameter_constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "n_estimators": positive_int(),
        "learning_rate": positive_real(),
        "max_depth": [Interval(Integral, 0, None, closed="left")],
        "subsample": fraction(),
        "colsample_bytree": fraction(),
        "min_child_weight": [Interval(Real, 0, None, closed="left")],
        "reg_lambda": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_estimators: int = 500,
        learning_rate: float = 0.03,
        max_depth: int = 6,
        subsample: float = 0.9,
        colsample_bytree: float = 0.9,
        min_child_weight: float = 1.0,
        reg_lambda: float = 1.0,
        n_jobs: int = 1,
        random_state: Any = None,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.reg_lambda = reg_lambda
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _build_model(self, seed: int, n_samples: int, n_features: int) -> Any:
        from xgboost import XGBRegressor

        return XGBRegressor(
            tree_method="hist",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            max_depth=self.max_depth,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            min_child_weight=self.min_child_weight,
            reg_lambda=self.reg_lambda,
            n_jobs=self.n_jobs,
            random_state=seed,
        )


class TunedXGBPredictor(BasePredictor):
    """XGBoost whose hyperparameters are searched on the training set.

    ``n_iter`` random settings (learning rate, depth, rounds, subsampling, regularisation) are
    scored by ``cv``-fold cross-validated Kendall τ on the training rows only; the best is refitted
    on all of them. With fewer than 10 training rows the defaults of :class:`XGBPredictor` are kept.

    Parameters
    ----------
    n_iter
        Number of candidate settings.
    cv
        Number of folds.
    n_jobs, random_state
        As for :class:`XGBPredictor`; ``random_state`` also seeds the search.

    Attributes
    ----------
    best_params_ : dict
        The chosen setting (empty when the defaults were kept).
    best_score_ : float
        Its mean cross-validated Kendall τ (NaN when not tuned).
    """

    library = "xgboost"
    summary = "XGBoost, hyperparameters tuned by inner CV (Kendall τ) on the training set"

    _parameter_constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "n_iter": positive_int(),
        "cv": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, n_iter: int = 20, cv: int = 3, n_jobs: int = 1, random_state: Any = None):
        self.n_iter = n_iter
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X: Any, y: Any) -> TunedXGBPredictor:
        """Search hyperparameters on ``(X, y)`` by inner CV, then refit the best on all rows."""
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        seed = seed_from(self.random_state)
        model = XGBPredictor(n_jobs=self.n_jobs)._build_model(seed, *X.shape)
        self.best_params_: dict[str, Any] = {}
        self.best_score_ = float("nan")
        with blas_threads(self):
            if X.shape[0] >= MIN_ROWS_TO_TUNE:
                self.best_params_, self.best_score_ = random_search(
                    model,
                    {
                        "n_estimators": randint(100, 1000),
                        "learning_rate": loguniform(0.005, 0.3),
                        "max_depth": randint(2, 10),
                        "subsample": uniform(0.5, 0.5),
                        "colsample_bytree": uniform(0.3, 0.7),
                        "min_child_weight": loguniform(0.5, 20),
                        "reg_lambda": loguniform(1e-3, 10),
                    },
                    X,
                    y,
                    n_iter=self.n_iter,
                    cv=self.cv,
                    seed=seed,
                )
                model.set_params(**self.best_params_)
            self.model_ = model.fit(X, y)
        return self


class LGBMPredictor(BasePredictor):
    """Gradient-boosted trees (LightGBM), deterministic row-wise histogram mode.

    Parameters
    ----------
    n_estimators, learning_rate, num_leaves, min_child_samples, subsample, colsample_bytree
        As in :class:`lightgbm.LGBMRegressor`. ``min_child_samples`` defaults to 5 (LightGBM's 20
        forbids almost every split on a 32-architecture training set).
    n_jobs
        Threads (1 by default).
    random_state
        Seed (int), RandomState or None.
    """

    library = "lightgbm"
    summary = "gradient-boosted trees (leaf-wise)"

    _parameter_constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "n_estimators": positive_int(),
        "learning_rate": positive_real(),
        "num_leaves": [Interval(Integral, 2, None, closed="left")],
        "min_child_samples": positive_int(),
        "subsample": fraction(),
        "colsample_bytree": fraction(),
    }

    def __init__(
        self,
        n_estimators: int = 500,
        learning_rate: float = 0.03,
        num_leaves: int = 31,
        min_child_samples: int = 5,
        subsample: float = 0.9,
        colsample_bytree: float = 0.9,
        n_jobs: int = 1,
        random_state: Any = None,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _build_model(self, seed: int, n_samples: int, n_features: int) -> Any:
        from lightgbm import LGBMRegressor

        return LGBMRegressor(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=self.subsample,
            subsample_freq=1 if self.subsample < 1.0 else 0,
            colsample_bytree=self.colsample_bytree,
            n_jobs=self.n_jobs,
            random_state=seed,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
