"""Parsed tasks on disk: one parquet file per task, keyed by what went into it, and verified.

The key hashes the task's sources (reader, options, registry sha256 of every file) and the source
code that reads and canonicalizes them (this package's readers and the search-space modules), so a
changed file or reader never serves a stale table and nothing needs clearing by hand. Files are
written to a temporary name and renamed, so concurrent test workers or a killed process never
leave a half-written cache entry.

The key says which inputs a file was built from, not that its bytes are still those written: a
flipped bit in a parquet data page can change one number and still decode. So :func:`save_task`
records the sha256 of the written file beside it (``<file>.sha256``) and :func:`load_cached_task`
refuses a file whose bytes no longer have that hash (or that has no record) with
:class:`CacheMismatchError`; :func:`predbench.data.load_task` then warns
(:class:`CacheIntegrityWarning`) and rebuilds the entry from the verified downloads.
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
from featurizers.io import atomic_write, atomic_write_text

from .catalog import TaskInfo
from .download import cache_dir
from .registry import load_registry
from .task import Task

_META_KEY = b"predbench.task"
_HASH_SUFFIX = ".sha256"
_CHUNK = 1 << 20
_PREFIX = {"target": "target:", "proxy": "proxy:", "time": "time:"}
FORMAT_VERSION = 2


class CacheMismatchError(ValueError):
    """A cached task file whose bytes differ from the ones written (or with no hash record)."""


class CacheIntegrityWarning(UserWarning):
    """A derived cache entry failed verification and was rebuilt from the verified downloads."""


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_record_path(path: Path) -> Path:
    """Where the sha256 of cache file ``path`` is recorded."""
    return path.with_name(path.name + _HASH_SUFFIX)


def verify(path: Path) -> None:
    """Raise :class:`CacheMismatchError` unless ``path`` has the sha256 recorded at write time."""
    record = hash_record_path(path)
    try:
        expected = record.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise CacheMismatchError(f"{path}: no hash record ({record.name}) to verify it") from None
    actual = file_sha256(path)
    if actual != expected:
        raise CacheMismatchError(
            f"{path}: sha256 {actual[:16]}... differs from {expected[:16]}... recorded when it "
            "was written (the file changed on disk)"
        )


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
        "flags": task.flags,
        "cross_checks": None
        if task.cross_checks is None
        else json.loads(task.cross_checks.to_json(orient="split", index=False)),
    }
    table = pa.Table.from_pandas(frame, preserve_index=True)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), _META_KEY: json.dumps(meta).encode()}
    )
    digest: list[str] = []

    def write(tmp: Path) -> None:
        pq.write_table(table, tmp)
        digest.append(file_sha256(tmp))

    atomic_write(path, write)
    # The record is written after the file: a process killed in between leaves a file without a
    # record, which verify() refuses, so the entry is rebuilt rather than trusted.
    atomic_write_text(hash_record_path(path), digest[0] + "\n")
    stem = path.name.rsplit("-", 1)[0]
    for old in path.parent.glob(f"{stem}-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)
            hash_record_path(old).unlink(missing_ok=True)


def load_cached_task(path: Path) -> Task:
    """Read a task written by :func:`save_task`, after checking its bytes (:func:`verify`)."""
    verify(path)
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
        flags=dict(meta.get("flags", {})),
        cross_checks=None
        if checks is None
        else pd.DataFrame(checks["data"], columns=checks["columns"]),
    )
