"""Surrogates: what a predictor-guided strategy consults instead of the oracle.

A surrogate maps canonical arch ids to a predicted larger-is-better score and, when the
acquisition function needs one, a spread. Two kinds:

:class:`PredictorSurrogate`
    Any scikit-learn-compatible regressor (every predictor of the zoo) over the features a
    featurizer computes from arch ids. The regressor is either trained online on the archs the
    search has evaluated, refitted every ``refit_every`` new results, or *pre-trained* (a fitted
    estimator, e.g. loaded with :func:`~predbench.search.load_predictor`) and used as is
    (``refit_every=0``). Uncertainty comes from an ensemble of copies seeded differently and fitted
    on bootstrap resamples (BANANAS' recipe, for any regressor), from the regressor's own
    predictive distribution (a ``predict_dist`` method, NGBoost's ``pred_dist``, a GP's
    ``return_std``), or not at all.
:class:`ProxySurrogate`
    A recorded zero-cost score (``nwot``, ``synflow``, ...) read from the task: no training, the
    "fitness approximation" costs nothing.

Features are computed once per arch and cached, so a candidate pool that overlaps the previous
one (mutations of the same parents) is featurized only for its new archs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

UNCERTAINTIES: tuple[str, ...] = ("ensemble", "native", "none")

Featurizer = Callable[[Sequence[str]], "np.ndarray | pd.DataFrame"]


def _rng(random_state: Any) -> np.random.Generator:
    return np.random.default_rng(random_state)


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(np.iinfo(np.int32).max))


def is_fitted(estimator: Any) -> bool:
    """Whether a scikit-learn estimator has been fitted."""
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    except TypeError:
        return False
    return True


class FeatureCache:
    """Features of arch ids, computed by ``featurizer`` once per arch and kept.

    ``featurizer(archs)`` must return a 2-D array or a DataFrame (one row per arch, in order).
    Column names of a DataFrame are kept so that predictors fitted on a FeatureTable receive the
    same names.
    """

    def __init__(self, featurizer: Featurizer):
        self.featurizer = featurizer
        self._rows: dict[str, int] = {}
        self._blocks: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        self.columns: pd.Index | None = None

    def __call__(self, archs: Sequence[str]) -> np.ndarray:
        archs = list(archs)
        new = [a for a in dict.fromkeys(archs) if a not in self._rows]
        if new:
            block = self.featurizer(new)
            if isinstance(block, pd.DataFrame):
                if self.columns is None:
                    self.columns = block.columns
                block = block.to_numpy(dtype=np.float64)
            block = np.asarray(block, dtype=np.float64)
            if block.ndim != 2 or block.shape[0] != len(new):
                raise ValueError(
                    f"featurizer returned shape {block.shape} for {len(new)} archs; expected "
                    "(n_archs, n_features)"
                )
            start = len(self._rows)
            self._rows.update((a, start + i) for i, a in enumerate(new))
            self._blocks.append(block)
            self._matrix = None
        if self._matrix is None:
            self._matrix = np.vstack(self._blocks)
        return self._matrix[[self._rows[a] for a in archs]]

    def frame(self, archs: Sequence[str]) -> np.ndarray | pd.DataFrame:
        """Features as the predictor expects them (a DataFrame when the featurizer names columns)."""
        matrix = self(archs)
        if self.columns is None:
            return matrix
        return pd.DataFrame(matrix, columns=self.columns, copy=False)


class PredictorSurrogate:
    """A regressor over arch features, trained online or pre-trained, with optional uncertainty.

    Parameters
    ----------
    predictor
        A scikit-learn-compatible regressor. Unfitted: trained on the search's results. Fitted and
        ``refit_every=0``: used as is (pre-trained).
    featurizer
        Callable from a list of canonical arch ids to a feature matrix or DataFrame.
    uncertainty
        ``"ensemble"`` (``n_members`` copies, different seeds, bootstrap resamples when
        ``bootstrap``), ``"native"`` (the regressor's ``predict_dist``, ``pred_dist`` or
        ``predict(return_std=True)``)
        or ``"none"`` (spread 0).
    n_members, bootstrap
        Ensemble size and whether each member sees a bootstrap resample of the data.
    refit_every
        Refit after at least this many new results; 0 never refits a fitted predictor.
    random_state
        Seed (int), ``numpy.random.Generator`` or ``None``; member seeds are drawn from it.
    """

    def __init__(
        self,
        predictor: Any,
        featurizer: Featurizer,
        uncertainty: str = "ensemble",
        n_members: int = 5,
        bootstrap: bool = True,
        refit_every: int = 1,
        random_state: Any = None,
    ):
        self.predictor = predictor
        self.featurizer = featurizer
        self.uncertainty = uncertainty
        self.n_members = n_members
        self.bootstrap = bootstrap
        self.refit_every = refit_every
        self.random_state = random_state

    def copy(self, random_state: Any = None) -> PredictorSurrogate:
        """An unfitted surrogate with the same settings (a pre-trained predictor stays shared)."""
        out = PredictorSurrogate(
            predictor=self.predictor,
            featurizer=self.featurizer,
            uncertainty=self.uncertainty,
            n_members=self.n_members,
            bootstrap=self.bootstrap,
            refit_every=self.refit_every,
            random_state=self.random_state if random_state is None else random_state,
        )
        out.features_ = getattr(self, "features_", None)
        return out

    # --------------------------------------------------------------- fitting
    def _setup(self) -> None:
        if hasattr(self, "rng_"):
            return
        if self.uncertainty not in UNCERTAINTIES:
            raise KeyError(
                f"unknown uncertainty {self.uncertainty!r}; choose from {list(UNCERTAINTIES)}"
            )
        self.rng_ = _rng(self.random_state)
        if getattr(self, "features_", None) is None:
            self.features_ = (
                self.featurizer
                if isinstance(self.featurizer, FeatureCache)
                else FeatureCache(self.featurizer)
            )
        self.pretrained_ = is_fitted(self.predictor)
        self.members_: list[Any] = [self.predictor] if self.pretrained_ else []
        self.n_fitted_on_ = 0

    def fit(self, archs: Sequence[str], y: Sequence[float]) -> PredictorSurrogate:
        """Train on evaluated archs (or keep the current fit; see ``refit_every``)."""
        self._setup()
        archs = list(archs)
        y = np.asarray(y, dtype=np.float64)
        if len(archs) != y.shape[0]:
            raise ValueError(f"fit(): {len(archs)} archs but {y.shape[0]} targets")
        if self.members_ and (
            self.refit_every == 0 or len(archs) - self.n_fitted_on_ < self.refit_every
        ):
            return self
        if len(archs) < 2:
            raise ValueError(f"fit(): need at least 2 evaluated archs to train, got {len(archs)}")
        X = self.features_.frame(archs)
        n_members = self.n_members if self.uncertainty == "ensemble" else 1
        members = []
        for m in range(n_members):
            est = clone(self.predictor)
            if "random_state" in est.get_params():
                est.set_params(random_state=_seed(self.rng_))
            rows = np.arange(len(archs))
            if self.uncertainty == "ensemble" and self.bootstrap and n_members > 1 and m > 0:
                rows = self.rng_.integers(0, len(archs), size=len(archs))
            Xm = X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]
            est.fit(Xm, y[rows])
            members.append(est)
        self.members_ = members
        self.n_fitted_on_ = len(archs)
        return self

    # ------------------------------------------------------------ prediction
    def _check(self) -> None:
        if not getattr(self, "members_", None):
            self._setup()
            if not self.members_:
                raise NotFittedError("surrogate: call fit() first (its predictor is not fitted)")

    def predict(self, archs: Sequence[str]) -> np.ndarray:
        """Predicted score of each arch (ensemble mean)."""
        return self.predict_dist(archs)[0]

    def predict_dist(self, archs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Mean and spread of the predicted score of each arch."""
        self._check()
        X = self.features_.frame(list(archs))
        if self.uncertainty == "native":
            return _native_dist(self.members_[0], X)
        preds = np.stack(
            [np.asarray(m.predict(X), dtype=np.float64).ravel() for m in self.members_]
        )
        if preds.shape[0] == 1:
            return preds[0], np.zeros(preds.shape[1])
        return preds.mean(axis=0), preds.std(axis=0, ddof=1)


def _native_dist(estimator: Any, X: Any) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std from an estimator's own predictive distribution.

    Tried in order: ``predict_dist(X) -> (mean, std)`` (the protocol a predictor implements to
    offer its uncertainty), NGBoost's ``pred_dist(X).params["loc" / "scale"]``, and scikit-learn's
    ``predict(X, return_std=True)`` (Gaussian processes).
    """
    if hasattr(estimator, "predict_dist"):
        mean, std = estimator.predict_dist(X)
        return np.asarray(mean, float).ravel(), np.asarray(std, float).ravel()
    if hasattr(estimator, "pred_dist"):
        params = estimator.pred_dist(X).params
        if "loc" in params and "scale" in params:
            return np.asarray(params["loc"], float), np.asarray(params["scale"], float)
    try:
        mean, std = estimator.predict(X, return_std=True)
    except TypeError:
        raise TypeError(
            f"{type(estimator).__name__} has no predictive distribution (predict_dist, pred_dist "
            "or predict(X, return_std=True)); use uncertainty='ensemble'"
        ) from None
    return np.asarray(mean, float).ravel(), np.asarray(std, float).ravel()


class ProxySurrogate:
    """A recorded zero-cost score as the surrogate: no training, no uncertainty.

    Parameters
    ----------
    task
        The :class:`~predbench.data.task.Task` holding the recorded proxies. Only the named column
        is copied; archs without a recorded value score ``-inf`` (ranked last).
    proxy
        Proxy column, e.g. ``"nwot"``. Larger is taken as better (true of the 13
        NAS-Bench-Suite-Zero proxies as recorded); ``sign=-1`` flips it.
    """

    def __init__(self, task: Any, proxy: str = "nwot", sign: float = 1.0):
        # Only the proxy column is kept: the task itself (targets, test accuracy) must not be
        # reachable from a strategy.
        self.task_key = str(getattr(task, "key", ""))
        self.proxy = proxy
        self.sign = sign
        if proxy not in task.proxies.columns:
            raise KeyError(
                f"task {getattr(task, 'key', '')} has no recorded proxy {proxy!r}; it has "
                f"{list(task.proxies.columns)}"
            )
        column = task.proxies[proxy]
        self._score = {
            a: float(v) * sign
            for a, v in zip(column.index, column.to_numpy(float), strict=True)
            if v == v
        }

    def copy(self, random_state: Any = None) -> ProxySurrogate:
        return self

    def fit(self, archs: Sequence[str], y: Sequence[float]) -> ProxySurrogate:
        return self

    def predict(self, archs: Sequence[str]) -> np.ndarray:
        score = self._score
        return np.array([score.get(a, -np.inf) for a in archs], dtype=np.float64)

    def predict_dist(self, archs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        mean = self.predict(archs)
        return mean, np.zeros_like(mean)
