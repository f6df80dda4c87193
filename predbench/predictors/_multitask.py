"""Predictors that learn the scored target together with auxiliary targets of the same cells.

Why: adversarial robustness (accuracy under PGD, APGD-CE, Square at ε = 1/255) is much harder to
rank from zero-cost proxies and graph features than clean accuracy, yet every architecture whose
robustness is measured also has its clean accuracy and its accuracy under cheaper attacks (FGSM)
measured. Those columns share structure with the target — which cells are dead, which train well,
which are smooth — so fitting them jointly can steer the model toward splits that generalise.

Contract with the harness (multi-output regressors in scikit-learn's sense): ``fit(X, Y)`` with a
2-D ``Y`` whose column 0 is the scored target and the others auxiliary targets returns 2-D
predictions with the same columns (column 0 is scored); a 1-D ``y`` gives 1-D predictions, so a
member also runs on single-target suites (it is then its base model). Auxiliary targets are only
needed for the *training* cells: nothing auxiliary is read at prediction time.

Three ways of sharing, each a library piece rather than hand-written learning:

:class:`MultiOutputForestPredictor`
    One random forest fitted to all columns at once (scikit-learn's native multi-output trees):
    every split minimises the summed squared error over the columns, each auxiliary one rescaled
    to the target's spread and weighted by ``aux_weight``. The auxiliary columns act as a
    regulariser of the tree structure.
:class:`ChainedPredictor`
    :class:`sklearn.multioutput.RegressorChain`: the auxiliary targets are predicted first (from
    the features) and appended, as out-of-fold predictions (``cv`` folds), to the features of the
    model of the scored target — a stacked predictor whose second stage sees what the first learned
    about clean accuracy or a cheaper attack.
:class:`MultiOutputXGBPredictor`
    XGBoost's multi-output trees (one vector-leaf tree for all columns per boosting round).

Measured on the NB201 robustness targets (``benchmarks/results/robustness.md``; chosen on the
tuning seeds, reported on others): :class:`MultiOutputXGBPredictor` with clean accuracy and FGSM at
every ε as auxiliary targets ranks PGD ε = 1 at τ 0.723 from 1,024 cells (GRAF-protocol random
forest 0.698, single-target XGBoost 0.714).
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from predbench.predictors._base import (
    COMMON_CONSTRAINTS,
    BasePredictor,
    blas_threads,
    seed_from,
)
from predbench.predictors._trees import RandomForestPredictor, XGBPredictor

#: Zoo members a :class:`ChainedPredictor` may chain (tree models: fast, scale-free inputs).
CHAIN_BASES: tuple[str, ...] = ("rf", "xgb", "lgbm")


def _targets(y: np.ndarray) -> tuple[np.ndarray, bool]:
    """``y`` as a 2-D float array and whether it came in 1-D (or as one column of 2-D)."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        return y.reshape(-1, 1), True
    return y, False


class _MultiTargetBase(BasePredictor):
    """Validation and output shapes shared by the multi-target members."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def _validate(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        if getattr(self, "_parameter_constraints", None):
            self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        Y, one_d = _targets(y)
        self.n_targets_ = Y.shape[1]
        self._one_d = one_d
        return X, Y

    def _shape(self, prediction: np.ndarray) -> np.ndarray:
        prediction = np.asarray(prediction, dtype=np.float64).reshape(-1, self.n_targets_)
        return prediction[:, 0] if self._one_d else prediction

    def _weighted(self, Y: np.ndarray) -> np.ndarray:
        """Columns to fit jointly: column 0 as it is, each auxiliary one rescaled (``aux_weight``).

        An auxiliary column is centred and scaled to column 0's standard deviation times
        ``sqrt(aux_weight)``, so its units do not matter and its share of a summed squared error
        is ``aux_weight`` times column 0's. With one column, or ``aux_weight = 0``, only column 0
        (1-D) is returned: the model is then the single-target one.
        """
        spread = Y.std(axis=0)
        spread[spread == 0] = 1.0
        self.center_ = np.zeros(Y.shape[1])
        self.scale_ = np.ones(Y.shape[1])
        self.center_[1:] = Y[:, 1:].mean(axis=0)
        self.scale_[1:] = spread[1:] / (spread[0] * np.sqrt(self.aux_weight or 1.0))
        if Y.shape[1] == 1 or self.aux_weight == 0:
            return Y[:, 0]
        return (Y - self.center_) / self.scale_

    def _joint_model(self, seed: int, several: bool) -> Any:
        """The unfitted library model of a member, for one column or ``several`` (weighted)."""
        raise NotImplementedError

    def fit(self, X: Any, y: Any) -> _MultiTargetBase:
        """Fit the member's model to the weighted columns of ``y`` (:meth:`_weighted`)."""
        X, Y = self._validate(X, y)
        Z = self._weighted(Y)
        self.model_ = self._joint_model(seed_from(self.random_state), several=Z.ndim == 2)
        with blas_threads(self):
            self.model_.fit(X, Z)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets in their own units: 1-D or (n, n_targets_), as ``y`` was."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with blas_threads(self):
            return self._unweighted(self.model_.predict(X))

    def _unweighted(self, Z: np.ndarray) -> np.ndarray:
        """Predictions of :meth:`_weighted`'s columns back in the units (and shape) of ``y``."""
        Z = np.asarray(Z, dtype=np.float64)
        if Z.ndim == 1:  # fitted to column 0 alone: the other columns are predicted by their mean
            Z = np.column_stack([Z, np.zeros((Z.shape[0], self.n_targets_ - 1))])
        return self._shape(Z * self.scale_ + self.center_)


class MultiOutputForestPredictor(_MultiTargetBase):
    """One random forest fitted to the scored target and its auxiliary targets jointly.

    Each auxiliary column is rescaled on the training rows to the spread (standard deviation) of
    the scored column times ``sqrt(aux_weight)`` — so a column's units do not decide the splits
    and its share of the split criterion (summed squared error) is ``aux_weight`` times the scored
    column's. Predictions are mapped back to each column's units. With a 1-D target, or with
    ``aux_weight = 0``, this is the plain :class:`~predbench.predictors.RandomForestPredictor` on
    the scored column (auxiliary columns are then predicted by their training mean).

    Parameters
    ----------
    n_estimators, max_features, min_samples_leaf, max_depth
        As in :class:`sklearn.ensemble.RandomForestRegressor`.
    aux_weight
        Weight of each auxiliary column in the split criterion relative to the scored column
        (0: the auxiliary columns are ignored).
    n_jobs
        Threads for fitting and prediction.
    random_state
        Seed (int), RandomState or None.

    Attributes
    ----------
    n_targets_ : int
        Columns of the target seen in :meth:`fit` (1 for a 1-D target).
    """

    library = "scikit-learn"
    summary = "random forest fitted jointly to the target and auxiliary targets (multi-output)"

    _parameter_constraints: ClassVar[dict] = {
        **RandomForestPredictor._parameter_constraints,
        "aux_weight": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_estimators: int = 100,
        max_features: float | str | None = 1.0,
        min_samples_leaf: int = 1,
        max_depth: int | None = None,
        aux_weight: float = 1.0,
        n_jobs: int = 1,
        random_state: Any = None,
    ):
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.max_depth = max_depth
        self.aux_weight = aux_weight
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _joint_model(self, seed: int, several: bool) -> Any:
        params = self.get_params()
        params.pop("aux_weight")
        return RandomForestPredictor(**params)._build_model(seed, 0, 0)  # natively multi-output


class MultiOutputXGBPredictor(_MultiTargetBase):
    """Gradient-boosted multi-output trees (XGBoost) fitted to the target and auxiliary targets.

    XGBoost's ``multi_strategy="multi_output_tree"``: each tree has vector leaves, one value per
    column, and its splits maximise the gain summed over the columns — the boosting counterpart of
    :class:`MultiOutputForestPredictor`, with the same column weighting (``aux_weight``). With a
    1-D target, or ``aux_weight = 0``, it is :class:`~predbench.predictors.XGBPredictor` (same
    defaults) on the scored column.

    Parameters
    ----------
    n_estimators, learning_rate, max_depth, subsample, colsample_bytree, min_child_weight, reg_lambda
        As in :class:`xgboost.XGBRegressor`; defaults as :class:`~predbench.predictors.XGBPredictor`.
    aux_weight
        Weight of each auxiliary column in the split gain relative to the scored column.
    n_jobs
        Threads (1 by default).
    random_state
        Seed (int), RandomState or None.

    Attributes
    ----------
    n_targets_ : int
        Columns of the target seen in :meth:`fit` (1 for a 1-D target).
    """

    library = "xgboost"
    summary = "XGBoost multi-output trees over the target and auxiliary targets"

    _parameter_constraints: ClassVar[dict] = {
        **XGBPredictor._parameter_constraints,
        "aux_weight": [Interval(Real, 0, None, closed="left")],
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
        aux_weight: float = 1.0,
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
        self.aux_weight = aux_weight
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _joint_model(self, seed: int, several: bool) -> Any:
        params = self.get_params()
        params.pop("aux_weight")
        model = XGBPredictor(**params)._build_model(seed, 0, 0)
        return model.set_params(multi_strategy="multi_output_tree") if several else model


class ChainedPredictor(_MultiTargetBase):
    """Auxiliary targets predicted first, then fed to the model of the scored target.

    A :class:`sklearn.multioutput.RegressorChain` over a zoo member (``base``) with the chain
    order *auxiliary columns first, scored column last*: the model of column ``k`` sees the
    features plus the predictions of the columns before it. During fitting those predictions are
    out-of-fold (``cv`` folds, :func:`sklearn.model_selection.cross_val_predict`), so the scored
    model learns how much to trust *predicted* — not true — auxiliary values, which is all it gets
    at prediction time. With a 1-D target this is the base member alone.

    Parameters
    ----------
    base
        Zoo member fitted at each link: ``"rf"``, ``"xgb"`` or ``"lgbm"``.
    base_params
        Keyword arguments of the base member (``None``: its defaults). ``random_state`` and
        ``n_jobs`` are set from this predictor's own.
    cv
        Folds for the out-of-fold auxiliary predictions; ``None`` feeds in-sample predictions
        (faster, but the scored model then over-trusts them).
    n_jobs
        Threads of each base model.
    random_state
        Seed (int), RandomState or None.

    Attributes
    ----------
    n_targets_ : int
        Columns of the target seen in :meth:`fit`.
    """

    library = "scikit-learn"
    summary = "regressor chain: auxiliary targets predicted out-of-fold, then the scored target"

    _parameter_constraints: ClassVar[dict] = {
        **COMMON_CONSTRAINTS,
        "base": [StrOptions(set(CHAIN_BASES))],
        "base_params": [dict, None],
        "cv": [Interval(Integral, 2, None, closed="left"), None],
    }

    def __init__(
        self,
        base: str = "rf",
        base_params: dict | None = None,
        cv: int | None = 5,
        n_jobs: int = 1,
        random_state: Any = None,
    ):
        self.base = base
        self.base_params = base_params
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _base(self, seed: int) -> BasePredictor:
        from predbench.predictors import make_predictor

        params = {**(self.base_params or {}), "n_jobs": self.n_jobs, "random_state": seed}
        return make_predictor(self.base, **params)

    def fit(self, X: Any, y: Any) -> ChainedPredictor:
        """Fit the chain (auxiliary columns first, column 0 last) on ``(X, y)``."""
        from sklearn.multioutput import RegressorChain

        X, Y = self._validate(X, y)
        seed = seed_from(self.random_state)
        if Y.shape[1] == 1:
            self.model_ = self._base(seed).fit(X, Y[:, 0])
            return self
        order = [*range(1, Y.shape[1]), 0]
        cv = None if self.cv is None else min(self.cv, X.shape[0])
        cv = None if cv is not None and cv < 2 else cv
        self.model_ = RegressorChain(self._base(seed), order=order, cv=cv, random_state=seed)
        with blas_threads(self):
            self.model_.fit(X, Y)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets: 1-D or (n, n_targets_) in the columns of ``y``."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with blas_threads(self):
            prediction = self.model_.predict(X)
        return self._shape(prediction)
