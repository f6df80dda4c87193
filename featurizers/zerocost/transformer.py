"""Computed zero-cost proxies as features: a scikit-learn transformer and a DataFrame helper.

The feature family is ``zcp``: one column ``zcp:<proxy>`` per proxy, the same names a feature
table built from *recorded* proxies uses, so computed and recorded scores are interchangeable.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .engine import ProxyEngine, ProxyScores, resolve_proxies

FAMILY = "zcp"


def _seed(random_state: object) -> int:
    """An int seed: an int is used as is (so it matches ``--seed``), anything else draws one."""
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(0, 2**31 - 1))


class ZeroCostProxies(TransformerMixin, BaseEstimator):
    """Zero-cost proxy scores of architectures, computed on the fly.

    Parameters
    ----------
    space
        Search space name: any space with a network module (``"nb101"``, ``"nb201"``,
        ``"nb301"``, ...).
    proxies
        ``"all"`` or a list of NAS-Bench-Suite-Zero proxy names.
    dataset
        A dataset or task of the space's network (``"cifar10"``, ``"ImageNet16-120"``,
        ``"ninapro"``, ...).
    batch_size
        Minibatch size (64 reproduces the recorded NB201 values).
    random_state
        Seed of the minibatch and weights. An int is the run seed itself (same scores as
        ``predbench proxies --seed``); ``None`` or a ``RandomState`` draws one at ``fit``.
    device
        ``"auto"``, ``"cpu"`` or ``"cuda[:i]"``.
    data_root
        Local dataset folder for a real minibatch; synthetic when ``None``.
    chunk_size
        Archs per grouped computation (``None``: from free memory).
    cache_dir
        When given, :meth:`transform` reads and fills the computed-score cache in this folder
        (:func:`~featurizers.zerocost.cache.computed_proxies`): each (arch, proxy, setting) is
        computed once across fits, suites and processes.

    Attributes
    ----------
    proxies_
        The resolved proxy names, in output column order.
    seed_
        The integer seed used.
    engine_
        The :class:`~featurizers.zerocost.engine.ProxyEngine` doing the work.

    Examples
    --------
    >>> zcp = ZeroCostProxies(proxies=["params", "flops"]).fit()
    >>> zcp.transform(["(2, 2, 2, 2, 2, 2)"])  # columns in PROXIES order
    array([[222.860992,   1.531546]])
    >>> list(zcp.get_feature_names_out())
    ['zcp:flops', 'zcp:params']
    """

    def __init__(
        self,
        space: str = "nb201",
        proxies: str | Iterable[str] = "all",
        dataset: str = "cifar10",
        batch_size: int = 64,
        random_state: object = 0,
        device: str = "auto",
        data_root: str | Path | None = None,
        chunk_size: int | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.space = space
        self.proxies = proxies
        self.dataset = dataset
        self.batch_size = batch_size
        self.random_state = random_state
        self.device = device
        self.data_root = data_root
        self.chunk_size = chunk_size
        self.cache_dir = cache_dir

    def fit(self, X: object = None, y: object = None) -> ZeroCostProxies:
        """Validate the settings and build the engine (nothing is learnt from ``X``)."""
        self.proxies_ = resolve_proxies(self.proxies)
        self.seed_ = _seed(self.random_state)
        self.engine_ = ProxyEngine(
            self.space,
            self.proxies_,
            self.dataset,
            self.batch_size,
            self.seed_,
            self.device,
            self.data_root,
            self.chunk_size,
        )
        return self

    def score_frame(self, X: Iterable[object], progress: bool = False) -> ProxyScores:
        """Scores, times and failure flags of ``X`` (unique archs), as DataFrames."""
        check_is_fitted(self)
        return self.engine_.score(X, progress=progress)

    def transform(self, X: Iterable[object]) -> np.ndarray:
        """``(n_archs, n_proxies)`` scores in the order of ``X`` (any accepted arch form)."""
        check_is_fitted(self)
        ids = self.engine_.space.parse_many(X)
        if self.cache_dir is not None:
            from .cache import computed_proxies

            scores = computed_proxies(
                self.engine_.space.NAME, ids, list(self.proxies_), dataset=self.dataset,
                batch_size=self.batch_size, seed=self.seed_, device=self.device,
                data_root=self.data_root, cache_dir=self.cache_dir,
            )  # fmt: skip
        else:
            scores = self.engine_.score(ids).scores
        return scores.loc[ids, list(self.proxies_)].to_numpy(dtype=np.float64)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """``zcp:<proxy>`` per output column."""
        check_is_fitted(self)
        return np.asarray([f"{FAMILY}:{p}" for p in self.proxies_], dtype=object)


def proxies_frame(
    archs: Iterable[object],
    proxies: str | Iterable[str] = "all",
    *,
    space: str = "nb201",
    dataset: str = "cifar10",
    batch_size: int = 64,
    seed: int = 0,
    device: str = "auto",
    data_root: str | Path | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Scores as a DataFrame indexed by canonical arch id, one column per proxy (bare names)."""
    engine = ProxyEngine(space, proxies, dataset, batch_size, seed, device, data_root, chunk_size)
    return engine.score(archs, progress=progress).scores
