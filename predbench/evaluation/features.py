"""Pools and feature tables for runs, cached once per process.

A suite runs hundreds of runs over a handful of (task, pool, feature set) triples. Whichever
process executes a run — the parent, a loky worker, a Dask worker — builds each pool and feature
table once and keeps it for the runs that follow; tasks come from the one task cache
(:func:`predbench.runs.cache.cached_task`). Runs are sent grouped by task and feature set, so a
worker mostly reuses what it just built.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from featurizers.featureset import FeatureSet, parse_feature_set
from predbench.data.task import Task
from predbench.runs import cache as _tasks
from predbench.runs.cache import cached_task, task_fingerprint

#: Feature tables kept per process (NB201: ~9,445 × ≤ 400 small-int/float columns each).
_TABLES_CACHED: int = 16

__all__ = [
    "TRANSFER_ALL",
    "TRANSFER_TARGET",
    "build_table",
    "cached_pool",
    "cached_table",
    "cached_task",
    "feature_columns",
    "transfer_sources",
    "transfer_table",
]

#: The column of a source task that the ``transfer`` family reads.
TRANSFER_TARGET: str = "val_accuracy"


#: ``transfer[all]``: every other task of the space that records the target for the whole pool.
TRANSFER_ALL: str = "all"


def transfer_sources(
    task: Task, sources: tuple[str, ...], archs: Any = None, known: Any = None
) -> dict[str, str]:
    """Source name as written (``"cifar100"``) → task key (``"nb201/cifar100"``), checked.

    A name without ``/`` is a task of ``task``'s space; a full key is taken as it is.
    ``transfer[all]`` resolves to every other shipped task of the space whose
    :data:`TRANSFER_TARGET` covers ``archs`` (a rule, so nobody picks sources by their score).
    Raises ``ValueError`` naming the source: the task itself (its own labels would leak into its
    features), an unknown task, another space, no :data:`TRANSFER_TARGET`, or archs it lacks.
    """
    from predbench.data import list_tasks

    known = [info.key for info in list_tasks()] if known is None else list(known)
    space_tasks = [k for k in known if k.split("/")[0] == task.space and k != task.key]
    if tuple(sources) == (TRANSFER_ALL,):
        keys = {k.split("/", 1)[1]: k for k in space_tasks if _covers(k, archs)}
        if not keys:
            raise ValueError(
                f"transfer[all]: no other task of space {task.space!r} records {TRANSFER_TARGET!r} "
                f"for every arch of the pool (tasks of the space: {space_tasks})"
            )
        return keys
    keys = {name: name if "/" in name else f"{task.space}/{name}" for name in sources}
    for name, key in keys.items():
        if key == task.key:
            raise ValueError(
                f"transfer[{name}] is task {task.key!r} itself: its labels cannot be its "
                "features; name other tasks of the space"
            )
        if key not in known:
            raise ValueError(f"transfer[{name}]: no task {key!r}; choose from {space_tasks}")
        source = cached_task(key)
        if source.space != task.space:
            raise ValueError(
                f"transfer[{name}]: task {key!r} is in space {source.space!r}, not {task.space!r}"
            )
        if TRANSFER_TARGET not in source.targets.columns:
            raise ValueError(
                f"transfer[{name}]: task {key!r} has no {TRANSFER_TARGET!r} column; it has "
                f"{list(source.targets.columns)}"
            )
        if archs is not None and not _covers(key, archs):
            values = source.targets[TRANSFER_TARGET].reindex(pd.Index(archs))
            lacking = values.index[values.isna()]
            raise ValueError(
                f"transfer[{name}]: {len(lacking):,} of the {len(values):,} archs have no "
                f"{TRANSFER_TARGET!r} on task {key!r} (e.g. {lacking[0]!r})"
            )
    return keys


def _covers(key: str, archs: Any) -> bool:
    source = cached_task(key)
    if TRANSFER_TARGET not in source.targets.columns:
        return False
    if archs is None:
        return True
    return bool(source.targets[TRANSFER_TARGET].reindex(pd.Index(archs)).notna().all())


def transfer_table(task: Task, sources: tuple[str, ...], archs: Any = None) -> pd.DataFrame:
    """Each source task's recorded :data:`TRANSFER_TARGET`, one column per source name
    (:func:`transfer_sources` resolves and checks the names against ``archs``)."""
    keys = transfer_sources(task, sources, archs)
    return pd.DataFrame(
        {name: cached_task(key).targets[TRANSFER_TARGET] for name, key in keys.items()}
    )


def cached_pool(key: str, target: str, pool: str) -> pd.Index:
    """The pool (a resolved rule such as ``"valid"``) of a task (:mod:`.splits`)."""
    return _pool(key, task_fingerprint(key), target, pool)


@lru_cache(maxsize=32)
def _pool(key: str, data: str, target: str, pool: str) -> pd.Index:
    from predbench.evaluation.splits import pool_of

    del data  # part of the cache key: an edited own file gives a new pool
    return pool_of(cached_task(key), target, pool)


def build_table(
    task: Task, spec: str | FeatureSet, archs: Any, proxy_source: str = "recorded"
) -> pd.DataFrame:
    """Feature table of ``archs`` for the feature set ``spec`` (``"graf+zcp[flops,params]"``).

    ``transfer[...]`` reads other tasks' recorded accuracy (:func:`transfer_table`). ``zcp``
    reads the task's recorded proxies, or — with a computed ``proxy_source``
    (:func:`predbench.evaluation.runspec.computed_source`) — scores the proxy engine computes
    for these archs (cached by space, arch, proxy, minibatch and network version, so each is
    computed once: :func:`featurizers.zerocost.cache.computed_proxies`).
    """
    import json

    from featurizers import feature_table

    fs = parse_feature_set(spec)
    zcp = None
    if fs.uses_proxies and proxy_source == "recorded":
        zcp = task.proxies
    elif fs.uses_proxies:
        from featurizers.zerocost.cache import computed_proxies

        how = json.loads(proxy_source)
        names = fs.proxies if fs.proxies is not None else "all"
        zcp = computed_proxies(
            task.space,
            list(archs),
            names,
            dataset=how["dataset"],
            batch_size=how["batch_size"],
            seed=how["seed"],
            device="cpu",
        )
    params = {}
    if fs.uses_transfer:
        params["transfer"] = {"targets": transfer_table(task, fs.sources or (), archs)}
    return feature_table(
        task.space, archs, list(fs.families), zcp=zcp, zcp_names=fs.proxies, params=params
    )


def cached_table(
    key: str, target: str, pool: str, spec: str, proxy_source: str = "recorded"
) -> pd.DataFrame:
    """Feature table ``spec`` of every architecture of the pool, built once per process."""
    return _table(key, task_fingerprint(key), target, pool, spec, proxy_source)


@lru_cache(maxsize=_TABLES_CACHED)
def _table(
    key: str, data: str, target: str, pool: str, spec: str, proxy_source: str
) -> pd.DataFrame:
    return build_table(cached_task(key), spec, cached_pool(key, target, pool), proxy_source)


def proxies_read(task: Task, feature_set: str | FeatureSet) -> tuple[str, ...]:
    """Recorded proxies a feature set reads on ``task`` (``zcp`` alone: every proxy column)."""
    fs = parse_feature_set(feature_set)
    if not fs.uses_proxies:
        return ()
    return tuple(fs.proxies) if fs.proxies is not None else tuple(task.proxies.columns)


def feature_columns(task: Task, feature_set: str | FeatureSet) -> list[str]:
    """Column names of a feature set on ``task``, computed on one arch that has its proxies."""
    fs = parse_feature_set(feature_set)
    archs = task.archs_with(None, proxies_read(task, fs))
    if len(archs) == 0:
        raise ValueError(f"no architecture of task {task.key} has every proxy of {fs.spec!r}")
    return list(build_table(task, fs, archs[:1]).columns)


def clear_caches() -> None:
    """Forget every cached task, pool and table of this process."""
    _tasks.clear()
    _pool.cache_clear()
    _table.cache_clear()


def table_cache_info() -> Any:
    """Hits and misses of the feature-table cache."""
    return _table.cache_info()
