"""NGBoost and OMNI (White et al. 2021, "How powerful are performance predictors in NAS?").

OMNI is White et al.'s "omnipotent" predictor: NGBoost (Normal distribution, log score, shallow
regression trees) over the concatenation of an architecture encoding, zero-cost proxy scores and
learning-curve features, with its hyperparameters drawn at random and scored by 3-fold CV on the
training set. We follow NASLib's ``OmniNGBPredictor``:

* **Inputs.** Every non-proxy column of the feature table (the encoding: one-hot, path, GRAF, …)
  plus the ``zcp:`` columns named in ``zero_cost`` (White et al. used Jacobian covariance,
  ``("jacov",)``, the default; ``"all"`` keeps every proxy column). Learning-curve features
  (SoTL-E, partial validation accuracy) need partially trained networks, which no recorded task
  provides, so OMNI here is *encoding + zero-cost*, i.e. NASLib's OMNI with ``lce=[]``.
* **Search space** of hyperparameters, as NASLib's: rounds log-uniform in [128, 512], learning rate
  log-uniform in [0.001, 0.1], minibatch fraction U(0.1, 1), tree depth 1–24, max features
  U(0.1, 1), min samples per leaf / split 2–19 (capped at a third of the rows each boosting
  round sees: NASLib caps at a third of the fold, which can forbid every split).
* **Selection.** NASLib keeps the candidate with the *lowest* mean R² (it minimises a score that
  scikit-learn orients as higher-is-better); we keep the highest mean Kendall τ, the metric reported.
* The target is standardised before fitting (as NASLib does); trees make input scaling irrelevant.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy.stats import loguniform, randint, uniform
from sklearn.utils.validation import check_is_fitted, validate_data

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


def _ngb(seed: int, **params: Any) -> Any:
    """An NGBRegressor (Normal, log score) whose base learner is a friedman-MSE regression tree.

    ``params`` prefixed ``base__`` go to the tree, the others to NGBoost.
    """
    from ngboost import NGBRegressor
    from ngboost.distns import Normal
    from ngboost.scores import LogScore
    from sklearn.tree import DecisionTreeRegressor

    base = {k.removeprefix("base__"): v for k, v in params.items() if k.startswith("base__")}
    own = {k: v for k, v in params.items() if not k.startswith("base__")}
    tree = DecisionTreeRegressor(criterion="friedman_mse", random_state=seed, **base)
    return NGBRegressor(
        Dist=Normal, Score=LogScore, Base=tree, random_state=seed, verbose=False, **own
    )


class _NGBModel:
    """Minimal fit/predict object around :func:`_ngb` so it can be tuned by :func:`random_search`."""

    def __init__(self, seed: int, **params: Any):
        self.seed = seed
        self.params = params

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"seed": self.seed, **self.params}

    def set_params(self, **params: Any) -> _NGBModel:
        self.params.update(params)
        return self

    def fit(self, X: np.ndarray, y: np.ndarray) -> _NGBModel:
        self.model_ = _ngb(self.seed, **self.params).fit(X, y)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.model_.predict(X)


class NGBoostPredictor(BasePredictor):
    """NGBoost: natural-gradient boosting of a Normal predictive distribution; predicts its mean.

    Parameters
    ----------
    n_estimators, learning_rate, minibatch_frac
        As in :class:`ngboost.NGBRegressor`.
    max_depth
        Depth of the regression-tree base learner.
    n_jobs
        BLAS threads (1 by default).
    random_state
        Seed for minibatches and the trees.
    """

    library = "ngboost"
    summary = "natural-gradient boosting (probabilistic)"

    _parameter_constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "n_estimators": positive_int(),
        "learning_rate": positive_real(),
        "minibatch_frac": fraction(),
        "max_depth": positive_int(),
    }

    def __init__(
        self,
        n_estimators: int = 500,
        learning_rate: float = 0.01,
        minibatch_frac: float = 1.0,
        max_depth: int = 3,
        n_jobs: int = 1,
        random_state: Any = None,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.minibatch_frac = minibatch_frac
        self.max_depth = max_depth
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _build_model(self, seed: int, n_samples: int, n_features: int) -> Any:
        return _StandardisedTarget(
            _NGBModel(
                seed,
                n_estimators=self.n_estimators,
                learning_rate=self.learning_rate,
                minibatch_frac=self.minibatch_frac,
                base__max_depth=self.max_depth,
            )
        )


class _StandardisedTarget:
    """Fit ``model`` on (y − mean) / std and undo it at prediction (NGBoost's Normal is happier).

    A constant target (e.g. a single training row) has no spread for a Normal to fit: the
    prediction is then that constant.
    """

    def __init__(self, model: Any):
        self.model = model

    def fit(self, X: np.ndarray, y: np.ndarray) -> _StandardisedTarget:
        self.mean_ = float(np.mean(y))
        self.std_ = float(np.std(y))
        if self.std_ > 0:
            self.model.fit(X, (y - self.mean_) / self.std_)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        if self.std_ == 0:
            return np.full(X.shape[0], self.mean_)
        return self.model.predict(X) * self.std_ + self.mean_


def omni_search_space(
    n_estimators: tuple[int, int] = (128, 512), learning_rate: tuple[float, float] = (0.001, 0.1)
) -> dict[str, Any]:
    """NASLib's OMNI hyperparameter distributions (see the module docstring)."""
    low, high = n_estimators
    return {
        "n_estimators": randint(low, high + 1),
        "learning_rate": loguniform(*learning_rate),
        "minibatch_frac": uniform(0.1, 0.9),
        "base__max_depth": randint(1, 25),
        "base__max_features": uniform(0.1, 0.9),
        "base__min_samples_leaf": randint(2, 20),
        "base__min_samples_split": randint(2, 20),
    }


def _fit_to_rows(params: dict[str, Any], n_rows: int) -> dict[str, Any]:
    """Clamp a candidate to ``n_rows`` training rows.

    NASLib caps the leaf/split minimums at a third of the rows (and at least 2). Each boosting
    round fits its trees on a *minibatch* of ``minibatch_frac · n_rows`` rows, though, and with 32
    training cells a minimum of 9 rows per leaf on a 9-row minibatch forbids every split: the model
    predicts a constant. Here the cap is a third of the minibatch, and a minibatch holds at least
    6 rows (or all of them).
    """
    frac = float(params.get("minibatch_frac", 1.0))
    frac = min(1.0, max(frac, 6.0 / max(n_rows, 1)))
    if "minibatch_frac" in params:
        params["minibatch_frac"] = frac
    batch = int(n_rows * frac)
    for key in ("base__min_samples_leaf", "base__min_samples_split"):
        if key in params:
            params[key] = max(2, min(int(params[key]), batch // 3 - 1))
    return params


def _omni_columns(zero_cost: tuple[str, ...] | str, names: list[str]) -> np.ndarray:
    """Positions of the encoding columns and of the ``zcp:`` columns ``zero_cost`` keeps."""
    names = [str(n) for n in names]
    wanted = None if zero_cost == "all" else {f"zcp:{p}" for p in zero_cost}
    if wanted is not None:
        missing = sorted(wanted - set(names))
        if missing:
            raise ValueError(
                f"OMNI(zero_cost={zero_cost!r}): the feature table has no column {missing}; "
                "add the 'zcp' family to the feature set or change zero_cost"
            )
    keep = [
        i
        for i, name in enumerate(names)
        if not name.startswith("zcp:") or wanted is None or name in wanted
    ]
    return np.asarray(keep, dtype=int)


class OMNIPredictor(BasePredictor):
    """OMNI: NGBoost on encoding + zero-cost features, hyperparameters tuned on the training set.

    Parameters
    ----------
    zero_cost
        Names of the proxies (``zcp:<name>`` columns) to keep, or ``"all"``. Every column that is
        not a ``zcp:`` column (the encoding) is always kept. Without feature names (a bare array)
        every column is used.
    n_hypers
        Number of random hyperparameter settings tried (NASLib: 35; lower is faster).
    n_estimators
        Range of boosting rounds searched (NASLib: 128–512).
    learning_rate
        Range of learning rates searched, log-uniformly (NASLib: 0.001–0.1).
    cv
        Folds of the inner cross-validation.
    n_jobs
        BLAS threads (1 by default).
    random_state
        Seeds the search, the folds, NGBoost and its trees.

    Attributes
    ----------
    columns_ : ndarray of int
        Positions of the input columns OMNI uses.
    best_params_ : dict
        Chosen hyperparameters (empty below 10 training rows, where NGBoost's defaults are used).
    """

    library = "ngboost"
    summary = "OMNI (White et al. 2021): tuned NGBoost on encoding + zero-cost proxies"
    inputs = "encoding columns + the zcp: columns named by zero_cost (default jacov)"

    def __init__(
        self,
        zero_cost: tuple[str, ...] | str = ("jacov",),
        n_hypers: int = 10,
        n_estimators: tuple[int, int] = (128, 512),
        learning_rate: tuple[float, float] = (0.001, 0.1),
        cv: int = 3,
        n_jobs: int = 1,
        random_state: Any = None,
    ):
        self.zero_cost = zero_cost
        self.n_hypers = n_hypers
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state

    def check_feature_names(self, names: list[str]) -> None:
        """Raise ``ValueError`` if a proxy named by ``zero_cost`` is not among ``names``."""
        _omni_columns(self.zero_cost, list(names))

    def _select_columns(self) -> np.ndarray:
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            return np.arange(self.n_features_in_)
        return _omni_columns(self.zero_cost, list(names))

    def fit(self, X: Any, y: Any) -> OMNIPredictor:
        """Select columns, tune NGBoost by inner CV on ``(X, y)``, refit the best on all rows."""
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        self.columns_ = self._select_columns()
        X = X[:, self.columns_]
        seed = seed_from(self.random_state)
        self.best_params_: dict[str, Any] = {}
        std = float(np.std(y))
        z = (y - float(np.mean(y))) / (std or 1.0)
        with blas_threads(self):
            if X.shape[0] >= MIN_ROWS_TO_TUNE and std > 0:
                self.best_params_, _ = random_search(
                    _NGBModel(seed),
                    omni_search_space(tuple(self.n_estimators), tuple(self.learning_rate)),
                    X,
                    z,
                    n_iter=self.n_hypers,
                    cv=self.cv,
                    seed=seed,
                    adjust=_fit_to_rows,
                )
            params = _fit_to_rows(dict(self.best_params_), X.shape[0])
            self.model_ = _StandardisedTarget(_NGBModel(seed, **params)).fit(X, y)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted target for each row of ``X``."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with blas_threads(self):
            prediction = self.model_.predict(X[:, self.columns_])
        return np.asarray(prediction, dtype=np.float64)
