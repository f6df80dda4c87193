"""Parsed tasks on disk: one parquet file per task, keyed by what went into it.

The key hashes the task's sources (reader, options, registry sha256 of every file) and the source
code that reads and canonicalizes them (this package's readers and the search-space modules), so a
changed file or reader never serves a stale table and nothing needs clearing by hand. Files are
written to a temporary name and renamed, so concurrent test workers or a killed process never
leave a half-written cache entry.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import featurizers.spaces
from featurizers.io import atomic_write

from .catalog import TaskInfo
from .download import cache_dir
from .registry import load_registry
from .task import Task

_META_KEY = b"predbench.task"
_PREFIX = {"target": "target:", "proxy": "proxy:", "time": "time:"}
FORMAT_VERSION = 1


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 over the source of the data package and the search-space modules."""
    here = Path(__file__).resolve().parent
    spaces = Path(featurizers.spaces.__file__).resolve().parent
    files = sorted(here.rglob("*.py")) + sorted(spaces.glob("*.py"))
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def task_cache_path(info: TaskInfo) -> Path:
    """Where the parsed ``info`` task is cached."""
    registry = load_registry()
    recipe = {
        "code": code_digest(),
        "task": info.key,
        "sources": [[s.reader, list(s.files), [list(o) for o in s.options]] for s in info.sources],
        "sha256": [registry[f].sha256 for f in info.files],
    }
    key = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:20]
    return cache_dir() / "tasks" / f"{info.space}__{info.name}-{key}.parquet"


def save_task(task: Task, path: Path) -> None:
    """Write ``task`` to ``path`` atomically (temp file + rename); drop older versions of it."""
    frame = pd.concat(
        [
            task.targets.add_prefix(_PREFIX["target"]),
            task.proxies.add_prefix(_PREFIX["proxy"]),
            task.proxy_times.add_prefix(_PREFIX["time"]),
        ],
        axis=1,
    )
    meta = {
        "space": task.space,
        "name": task.name,
        "sources": list(task.sources),
        "notes": list(task.notes),
        "units": task.units,
        "cross_checks": None
        if task.cross_checks is None
        else json.loads(task.cross_checks.to_json(orient="split", index=False)),
    }
    table = pa.Table.from_pandas(frame, preserve_index=True)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), _META_KEY: json.dumps(meta).encode()}
    )
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))
    stem = path.name.rsplit("-", 1)[0]
    for old in path.parent.glob(f"{stem}-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)


def load_cached_task(path: Path) -> Task:
    """Read a task written by :func:`save_task`."""
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[_META_KEY])
    frame = table.to_pandas()

    def part(kind: str) -> pd.DataFrame:
        prefix = _PREFIX[kind]
        cols = [c for c in frame.columns if c.startswith(prefix)]
        return frame[cols].rename(columns=lambda c: c[len(prefix) :])

    checks = meta["cross_checks"]
    return Task(
        space=meta["space"],
        name=meta["name"],
        targets=part("target"),
        proxies=part("proxy"),
        proxy_times=part("time"),
        sources=tuple(meta["sources"]),
        notes=tuple(meta["notes"]),
        units=dict(meta["units"]),
        cross_checks=None
        if checks is None
        else pd.DataFrame(checks["data"], columns=checks["columns"]),
    )
