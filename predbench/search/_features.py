"""Features of candidate archs for a surrogate, from the featurizers package.

A feature set is written as in the comparison suites and parsed by the same function
(:func:`predbench.evaluation.suite.parse_feature_set`): ``"path"``, ``"zcp+graf"``,
``"path+zcp[zen]"``. Each family's featurizer is built and fitted once per search
(:func:`featurizers.make_featurizer`) and then only transforms candidates, which keeps a search
step well under the cost of rebuilding a feature table per round. The ``zcp`` family reads the
task's *recorded* proxies (``Task.proxies``), so a candidate without a recorded score raises
``KeyError`` naming it: pick proxies recorded for the whole domain (``zcp[zen]`` on NB201 CIFAR-10)
or restrict the domain (``domain = "proxies"`` / ``"valid"``) — or let the zero-cost engine
compute them (``proxies_from = "computed"``): then every candidate gets its scores from the
computed-score cache (:func:`featurizers.zerocost.cache.computed_proxies`), each (arch, proxy,
minibatch, network version) computed once across rounds, runs and processes, with the settings
of a comparison suite's ``proxies_from = "computed"`` (the task's dataset, batch 64, seed 0), so
that both read the same cached scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd


class TaskFeaturizer:
    """Callable from canonical arch ids to a FeatureTable (DataFrame, ``"<family>:<name>"``).

    Parameters
    ----------
    space
        Space name of the archs.
    features
        Feature set, e.g. ``"zcp+graf"``.
    proxies
        Recorded proxy table for the ``zcp`` family (a task's ``proxies``).
    zcp_names
        Proxies to use (default: every recorded column).
    computed
        Instead of ``proxies``: how the engine computes them, as the dict of
        :func:`predbench.evaluation.runspec.computed_source` (``dataset``, ``batch_size``,
        ``seed``); ``zcp_names`` default to all 13.
    cache_dir
        Folder of the computed-score cache (default: the engine's default cache folder).
    """

    def __init__(
        self,
        space: str,
        features: str,
        proxies: pd.DataFrame | None = None,
        zcp_names: Sequence[str] | None = None,
        computed: dict[str, Any] | None = None,
        cache_dir: str | None = None,
    ):
        from featurizers import make_featurizer, parse_families

        self.space = space
        self.features = features
        self.families = parse_families(features)
        parts = []
        for family in self.families:
            params: dict[str, Any] = {}
            if family == "zcp" and computed is not None:
                parts.append(ComputedProxies(space, zcp_names, computed, cache_dir))
                continue
            if family == "zcp":
                if proxies is None:
                    raise ValueError(
                        f"feature set {features!r} uses 'zcp' but no proxies were given"
                    )
                params["proxies"] = proxies
                if zcp_names is not None:
                    params["names"] = list(zcp_names)
            parts.append(make_featurizer(family, space, **params).fit())
        self._parts = parts

    def __call__(self, archs: Sequence[str]) -> pd.DataFrame:
        frames = [part.transform_frame(list(archs)) for part in self._parts]
        return pd.concat(frames, axis=1) if len(frames) > 1 else frames[0]

    def __repr__(self) -> str:
        return f"TaskFeaturizer(space={self.space!r}, features={self.features!r})"


class ComputedProxies:
    """The ``zcp`` family from the proxy engine through the computed-score cache.

    Columns ``zcp:<proxy>`` as the recorded family's, so a surrogate sees the same names either
    way; rows in the order asked, indexed by canonical id.
    """

    def __init__(
        self,
        space: str,
        names: Sequence[str] | None,
        how: dict[str, Any],
        cache_dir: str | None = None,
    ) -> None:
        from featurizers.zerocost import PROXIES

        self.space = space
        self.names = tuple(names) if names is not None else tuple(PROXIES)
        unknown = [n for n in self.names if n not in PROXIES]
        if unknown:
            raise KeyError(f"no zero-cost proxy {unknown}; the engine computes {list(PROXIES)}")
        self.how = dict(how)
        self.cache_dir = cache_dir

    def transform_frame(self, archs: Sequence[str]) -> pd.DataFrame:
        from featurizers.spaces import get_space
        from featurizers.zerocost.cache import computed_proxies

        ids = get_space(self.space).parse_many(list(archs))
        table = computed_proxies(
            self.space, ids, list(self.names), dataset=self.how["dataset"],
            batch_size=int(self.how["batch_size"]), seed=int(self.how["seed"]), device="auto",
            cache_dir=self.cache_dir,
        )  # fmt: skip
        out = table.loc[ids, list(self.names)].astype("float64")
        out.columns = [f"zcp:{n}" for n in self.names]
        out.index = pd.Index(ids, name="arch")
        return out


def task_featurizer(
    task: Any, features: str, proxies_from: str = "recorded", cache_dir: str | None = None
) -> TaskFeaturizer:
    """The featurizer of the feature set ``features`` (``"graf+zcp[nwot,synflow]"``) for
    ``task``'s space, ``zcp`` reading its recorded proxies (all recorded ones unless the set names
    some) or, with ``proxies_from="computed"``, scores the engine computes for any candidate (all
    13 unless the set names some). Only the proxy table is handed over: targets never reach a
    featurizer.
    """
    from predbench.evaluation.suite import parse_feature_set

    fs = parse_feature_set(features)
    if fs.uses_transfer:
        raise ValueError(
            f"feature set {features!r}: the transfer family (other tasks' recorded accuracy) is "
            "available in comparison suites, not in search; drop transfer[...] from the strategy"
        )
    if proxies_from not in ("recorded", "computed"):
        raise ValueError(f"proxies_from must be 'recorded' or 'computed', got {proxies_from!r}")
    if proxies_from == "computed" and fs.uses_proxies:
        return TaskFeaturizer(
            task.space,
            "+".join(fs.families),
            zcp_names=fs.proxies,
            computed=computed_settings(task),
            cache_dir=cache_dir,
        )
    proxies = task.proxies if fs.uses_proxies else None
    zcp_names = fs.proxies
    if proxies is not None and zcp_names is None:
        zcp_names = tuple(c for c in proxies.columns if proxies[c].notna().any())
    return TaskFeaturizer(task.space, "+".join(fs.families), proxies=proxies, zcp_names=zcp_names)


def computed_settings(task: Any) -> dict[str, Any]:
    """How proxies of ``task`` are computed: the settings of a comparison suite's
    ``proxies_from = "computed"`` (:func:`predbench.evaluation.runspec.computed_source`), so
    search and suites share cached scores."""
    import json

    from predbench.evaluation.runspec import computed_source
    from predbench.evaluation.suite import _proxy_dataset

    key = str(getattr(task, "key", ""))
    name = key.partition("/")[2] if "/" in key else key
    return json.loads(computed_source(task.space, _proxy_dataset(task.space, name)))
