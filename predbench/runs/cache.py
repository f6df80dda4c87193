"""Tasks loaded once per process, and the fingerprint of the data a task was read from.

Whichever process executes a run — this one, a loky worker, a Dask worker — loads each task once
and keeps it for the runs that follow (:func:`functools.lru_cache` lives as long as the worker).
Comparison, search and explanation runs all go through :func:`cached_task`.

A user's own benchmark file is a task too: :func:`register_file_task` names it (``"nb201/mine"``)
with its *source* — the canonical JSON of :func:`predbench.data.load_task_from_file`'s arguments,
the file as an absolute path. A run carries that source, so a worker process that has never seen
the suite registers it before loading; the task's fingerprint is the file's sha256, so editing the
file changes the ids of every run on it.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from predbench.data.task import Task
from predbench.runs.identity import digest

#: Own-file tasks of this process: key → source (canonical JSON of the reader's arguments).
_FILE_TASKS: dict[str, str] = {}


def register_file_task(key: str, source: str) -> None:
    """Make ``key`` load the user's file described by ``source`` in this process (the latest
    suite read wins; loaded tables are cached by source and content, never by key alone)."""
    _FILE_TASKS[key] = source


def file_task_source(key: str) -> str | None:
    """The source of own-file task ``key`` in this process (``None``: a shipped task)."""
    return _FILE_TASKS.get(key)


def cached_task(key: str) -> Task:
    """The task ``key`` (shipped, or an own file registered here), loaded once per process.

    An own file is read again when its content changed (its sha256 is part of the cache key).
    """
    source = _FILE_TASKS.get(key)
    if source is not None:
        return _file_task(source, _file_sha256(source))
    return _shipped_task(key)


@lru_cache(maxsize=8)
def _shipped_task(key: str) -> Task:
    from predbench.data import load_task

    return load_task(key)


@lru_cache(maxsize=8)
def _file_task(source: str, sha256: str) -> Task:
    from predbench.data import load_task_from_file

    del sha256  # part of the cache key only
    args = json.loads(source)
    return load_task_from_file(args.pop("path"), **args)


def _file_sha256(source: str) -> str:
    return hashlib.sha256(Path(json.loads(source)["path"]).read_bytes()).hexdigest()


def task_fingerprint(key: str) -> str:
    """Hash of the data files behind task ``key`` — part of every run id on it.

    A shipped task is fingerprinted by the registry's sha256 of each source file (what the
    download was checked against), so a registry update that changes a file changes the ids of the
    runs that read it. A task without registry sources is fingerprinted by its tables' content.
    """
    source = _FILE_TASKS.get(key)
    if source is not None:
        return "sha256:" + _file_sha256(source)
    return _shipped_fingerprint(key)


@lru_cache(maxsize=32)
def _shipped_fingerprint(key: str) -> str:
    return data_fingerprint(_shipped_task(key))


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


def task_cache_info() -> Any:
    """Hits and misses of the shipped-task cache (``functools`` cache statistics)."""
    return _shipped_task.cache_info()


def clear() -> None:
    """Forget every cached task of this process."""
    _shipped_task.cache_clear()
    _file_task.cache_clear()
    _shipped_fingerprint.cache_clear()
