"""Tasks, pools and feature tables for runs, cached once per process.

A suite runs hundreds of runs over a handful of (task, feature set) pairs. Whichever process
executes a run — the parent, a loky worker, a Dask worker — loads each task and builds each
feature table once and keeps it for the runs that follow (:func:`functools.lru_cache` lives as
long as the worker process). Runs are sent grouped by task and feature set, so a worker mostly
reuses what it just built.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from predbench.data.task import Task

#: Feature tables kept per process (NB201: ~9,445 × ≤ 400 small-int/float columns each).
_TABLES_CACHED: int = 16


@lru_cache(maxsize=8)
def cached_task(key: str) -> Task:
    """The task ``key``, loaded once per process."""
    from predbench.data import load_task

    return load_task(key)


@lru_cache(maxsize=32)
def cached_pool(key: str, target: str, proxies: tuple[str, ...], valid_only: bool) -> pd.Index:
    """The pool of a task for these settings (see :mod:`predbench.evaluation.splits`)."""
    from predbench.evaluation.splits import pool_of

    return pool_of(cached_task(key), target, proxies, valid_only=valid_only)


def build_table(task: Task, spec: str, archs: Any) -> pd.DataFrame:
    """Feature table of ``archs`` for the feature set ``spec`` (``"graf+zcp[flops,params]"``)."""
    from featurizers import feature_table
    from predbench.evaluation.suite import parse_feature_set

    fs = parse_feature_set(spec)
    zcp = task.proxies if fs.uses_proxies else None
    return feature_table(task.space, archs, list(fs.families), zcp=zcp, zcp_names=fs.proxies)


@lru_cache(maxsize=_TABLES_CACHED)
def cached_table(
    key: str, target: str, proxies: tuple[str, ...], valid_only: bool, spec: str
) -> pd.DataFrame:
    """Feature table ``spec`` of every architecture of the pool, built once per process."""
    return build_table(cached_task(key), spec, cached_pool(key, target, proxies, valid_only))


def feature_columns(task: Task, feature_set: Any) -> list[str]:
    """Column names of a feature set (a spec string or a parsed one) on ``task``.

    Computed on one architecture that has the proxies the set reads.
    """
    from predbench.evaluation.suite import parse_feature_set

    fs = parse_feature_set(feature_set) if isinstance(feature_set, str) else feature_set
    needed = () if not fs.uses_proxies else fs.proxies or tuple(task.proxies.columns)
    archs = task.archs_with(None, needed)
    if len(archs) == 0:
        raise ValueError(f"no architecture of task {task.key} has every proxy of {fs.spec!r}")
    return list(build_table(task, fs.spec, archs[:1]).columns)


def clear_caches() -> None:
    """Forget every cached task, pool and table of this process."""
    cached_task.cache_clear()
    cached_pool.cache_clear()
    cached_table.cache_clear()
