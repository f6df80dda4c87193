"""Benchmark data: the file registry, checksummed downloads, and tasks built from the files.

Typical use::

    from predbench.data import load_task
    task = load_task("nb201/cifar10")
    task.targets["val_accuracy"], task.proxies["synflow"]

* :func:`fetch` / :func:`fetch_all` — registry files into the cache (sha256-checked; pooch).
  ``PREDBENCH_MIRROR`` (folder or URL) replaces the upstream hosts, ``PREDBENCH_CACHE`` the cache.
* :func:`list_tasks` / :func:`task_info` / :data:`TASKS` — the task catalog (:mod:`.catalog`).
* :func:`load_task` — a shipped task, read, merged and cached (:mod:`.loading`).
* :func:`load_task_from_file` — a task from a user's own JSON or CSV.
* :func:`load_tagates_split` — the TA-GATES NB201 train/test split (CIFAR-10 test accuracy).
"""

from ._cache import CacheIntegrityWarning
from .byo import load_task_from_file
from .catalog import TASKS, TaskInfo, list_tasks, task_info
from .download import DataIntegrityError, cache_dir, fetch, fetch_all
from .loading import build_task, load_task, merge_tables
from .readers import ArchParseError, MalformedFileError
from .registry import RegistryEntry, load_registry
from .tagates import TAGatesSplit, load_tagates_split
from .task import FAILED_PROXY, PROXY_NAMES, FlaggedTargetError, Task

__all__ = [
    "FAILED_PROXY",
    "PROXY_NAMES",
    "TASKS",
    "ArchParseError",
    "CacheIntegrityWarning",
    "DataIntegrityError",
    "FlaggedTargetError",
    "MalformedFileError",
    "RegistryEntry",
    "TAGatesSplit",
    "Task",
    "TaskInfo",
    "build_task",
    "cache_dir",
    "fetch",
    "fetch_all",
    "list_tasks",
    "load_registry",
    "load_tagates_split",
    "load_task",
    "load_task_from_file",
    "merge_tables",
    "task_info",
]
