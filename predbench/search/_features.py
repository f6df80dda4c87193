"""Features of candidate archs for a surrogate, from the featurizers package.

A feature set is written as for the comparison suites (``"path"``, ``"zcp+graf"``,
``"onehot+path"``). Each family's featurizer is built and fitted once per search
(:func:`featurizers.make_featurizer`); the ``zcp`` family reads the task's *recorded* proxies
(``Task.proxies``), so a candidate without recorded scores raises ``KeyError`` naming it — restrict
the search domain to archs with recorded proxies (``domain="proxies"``) when using ``zcp``.
Proxies computed on the fly (the zero-cost engine) are not wired in here yet.
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


def task_featurizer(
    task: Any, features: str, zcp_names: Sequence[str] | None = None
) -> TaskFeaturizer:
    """The featurizer of ``features`` for ``task``'s space, ``zcp`` reading its recorded proxies.

    Only the proxy table is handed over: targets never reach a featurizer.
    """
    proxies = task.proxies if "zcp" in features.split("+") else None
    if proxies is not None and zcp_names is None:
        zcp_names = [c for c in proxies.columns if proxies[c].notna().any()]
    return TaskFeaturizer(task.space, features, proxies=proxies, zcp_names=zcp_names)
