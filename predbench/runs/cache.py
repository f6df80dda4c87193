"""Tasks loaded once per process, and the fingerprint of the data a task was read from.

Whichever process executes a run — this one, a loky worker, a Dask worker — loads each task once
and keeps it for the runs that follow (:func:`functools.lru_cache` lives as long as the worker).
Comparison, search and explanation runs all go through :func:`cached_task`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from predbench.data.task import Task
from predbench.runs.identity import digest


@lru_cache(maxsize=8)
def cached_task(key: str) -> Task:
    """The task ``key``, loaded once per process."""
    from predbench.data import load_task

    return load_task(key)


@lru_cache(maxsize=32)
def task_fingerprint(key: str) -> str:
    """Hash of the data files behind task ``key`` — part of every run id on it.

    A shipped task is fingerprinted by the registry's sha256 of each source file (what the
    download was checked against), so a registry update that changes a file changes the ids of the
    runs that read it. A task without registry sources is fingerprinted by its tables' content.
    """
    return data_fingerprint(cached_task(key))


def data_fingerprint(task: Task) -> str:
    """See :func:`task_fingerprint`; works on any :class:`~predbench.data.Task` value."""
    if task.sources:
        from predbench.data import load_registry

        registry = load_registry()
        return digest({name: registry[name].sha256 for name in task.sources}, 16)
    content: dict[str, Any] = {
        name: int(pd.util.hash_pandas_object(table, index=True).sum() % (1 << 63))
        for name, table in (("targets", task.targets), ("proxies", task.proxies))
    }
    return digest(content, 16)


def clear() -> None:
    """Forget every cached task of this process."""
    cached_task.cache_clear()
    task_fingerprint.cache_clear()
