"""Features of candidate archs for a surrogate, from the featurizers package.

A feature set is written as in the comparison suites and parsed by the same function
(:func:`predbench.evaluation.suite.parse_feature_set`): ``"path"``, ``"zcp+graf"``,
``"path+zcp[zen]"``. Each family's featurizer is built and fitted once per search
(:func:`featurizers.make_featurizer`) and then only transforms candidates, which keeps a search
step well under the cost of rebuilding a feature table per round. The ``zcp`` family reads the
task's *recorded* proxies (``Task.proxies``), so a candidate without a recorded score raises
``KeyError`` naming it: pick proxies recorded for the whole domain (``zcp[zen]`` on NB201 CIFAR-10)
or restrict the domain (``domain = "proxies"`` / ``"valid"``). Proxies computed on the fly (the
zero-cost engine) are not wired in here.
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
    """

    def __init__(
        self,
        space: str,
        features: str,
        proxies: pd.DataFrame | None = None,
        zcp_names: Sequence[str] | None = None,
    ):
        from featurizers import make_featurizer, parse_families

        self.space = space
        self.features = features
        self.families = parse_families(features)
        parts = []
        for family in self.families:
            params: dict[str, Any] = {}
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


def task_featurizer(task: Any, features: str) -> TaskFeaturizer:
    """The featurizer of the feature set ``features`` (``"graf+zcp[nwot,synflow]"``) for
    ``task``'s space, ``zcp`` reading its recorded proxies (all recorded ones unless the set names
    some). Only the proxy table is handed over: targets never reach a featurizer.
    """
    from predbench.evaluation.suite import parse_feature_set

    fs = parse_feature_set(features)
    proxies = task.proxies if fs.uses_proxies else None
    zcp_names = fs.proxies
    if proxies is not None and zcp_names is None:
        zcp_names = tuple(c for c in proxies.columns if proxies[c].notna().any())
    return TaskFeaturizer(task.space, "+".join(fs.families), proxies=proxies, zcp_names=zcp_names)
