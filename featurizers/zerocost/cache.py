"""Computed proxy scores, cached so that each (arch, proxy, setting) is computed once.

:func:`computed_proxies` is what the rest of the project calls to get proxies for arbitrary
architectures: it returns the scores of every requested (arch, proxy), reading the cache and
computing only what is missing (with :class:`~.engine.ProxyEngine`), then storing what it computed.

A score is keyed by

* the space and the arch's **canonical id** (so any accepted form of an arch hits the same row);
* the **proxy**;
* the **minibatch definition**: dataset/task, batch size, seed, source (``synthetic`` or the data
  folder) and float type — everything the minibatch and the seeded weights depend on;
* the space's ``NETWORK_VERSION`` — bumped whenever a network change alters numbers, so stale
  scores are never served.

The cache is one SQLite file (``proxies.sqlite`` in the cache folder: the ``cache_dir`` argument,
else ``$PREDBENCH_CACHE/zerocost``, else ``~/.cache/predbench/zerocost``). Writes happen in one
transaction per computed chunk, so a killed computation keeps every finished chunk and the file
is never left half-written (SQLite's journal); several processes may share it.

Only *computed* scores live here. Recorded benchmark values stay in the benchmark files; callers
that merge the two must prefer the recorded value (this module never sees it, so it can never
overwrite it).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..spaces import get_space
from .engine import ProxyEngine, resolve_proxies

FILE_NAME = "proxies.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (
    space TEXT NOT NULL,
    arch TEXT NOT NULL,
    proxy TEXT NOT NULL,
    minibatch TEXT NOT NULL,
    network_version INTEGER NOT NULL,
    score REAL NOT NULL,
    failed INTEGER NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (space, arch, proxy, minibatch, network_version)
)
"""


def default_cache_dir() -> Path:
    """``$PREDBENCH_CACHE/zerocost`` when set, else ``~/.cache/predbench/zerocost``."""
    base = os.environ.get("PREDBENCH_CACHE")
    root = Path(base) if base else Path.home() / ".cache" / "predbench"
    return root / "zerocost"


@dataclass(frozen=True)
class MinibatchKey:
    """Everything a computed score depends on besides the network and the arch."""

    dataset: str
    batch_size: int
    seed: int
    source: str
    dtype: str

    def text(self) -> str:
        """A stable string form (the cache column)."""
        return json.dumps(
            {
                "dataset": self.dataset,
                "batch_size": self.batch_size,
                "seed": self.seed,
                "source": self.source,
                "dtype": self.dtype,
            },
            sort_keys=True,
        )


class ScoreCache:
    """The SQLite table of computed scores in ``folder``."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_cache_dir()
        self.path = self.folder / FILE_NAME

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=60)
        con.execute(_SCHEMA)
        return con

    def get(
        self, space: str, archs: list[str], proxies: Iterable[str], key: MinibatchKey, version: int
    ) -> pd.DataFrame:
        """Cached scores as an ``archs × proxies`` frame (NaN where missing)."""
        proxies = list(proxies)
        out = pd.DataFrame(np.nan, index=pd.Index(archs, name="arch"), columns=proxies)
        if not self.path.exists() or not archs:
            return out
        wanted = set(archs)
        marks = ",".join("?" * len(proxies))
        query = (
            "SELECT arch, proxy, score FROM scores WHERE space = ? AND minibatch = ? "
            f"AND network_version = ? AND proxy IN ({marks})"
        )
        with closing(self._connect()) as con:
            rows = con.execute(query, [space, key.text(), int(version), *proxies]).fetchall()
        for arch, proxy, score in rows:
            if arch in wanted:
                out.at[arch, proxy] = score
        return out

    def put(
        self,
        space: str,
        scores: pd.DataFrame,
        failed: pd.DataFrame,
        seconds: pd.DataFrame,
        key: MinibatchKey,
        version: int,
    ) -> None:
        """Store computed scores (one transaction)."""
        rows = [
            (
                space,
                arch,
                proxy,
                key.text(),
                int(version),
                float(scores.at[arch, proxy]),
                int(bool(failed.at[arch, proxy])),
                float(seconds.at[arch, proxy]),
            )
            for arch in scores.index
            for proxy in scores.columns
            if not pd.isna(scores.at[arch, proxy])
        ]
        with closing(self._connect()) as con, con:
            con.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def computed_proxies(
    space: str,
    archs: Iterable[object],
    proxies: str | Iterable[str] = "all",
    *,
    dataset: str = "cifar10",
    batch_size: int = 64,
    seed: int = 0,
    device: str = "auto",
    data_root: str | Path | None = None,
    dtype: str = "float32",
    cache_dir: str | Path | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Proxy scores of ``archs`` (any accepted form) as an ``archs × proxies`` frame indexed by
    canonical id, computing only the (arch, proxy) pairs not in the cache.

    Scores are as recorded (NaN/inf → −1e8, synflow logged). Duplicate archs are scored once;
    the result has one row per distinct canonical id, in first-seen order.
    """
    space_mod = get_space(space)
    ids = list(dict.fromkeys(space_mod.parse_many(archs)))
    names = list(resolve_proxies(proxies))
    engine = ProxyEngine(
        space_mod.NAME, names, dataset, batch_size, seed, device, data_root, dtype=dtype
    )
    key = MinibatchKey(
        engine.dataset,
        len(engine.batch),
        engine.seed,
        engine.batch.source,
        str(engine.dtype).removeprefix("torch."),
    )
    version = int(engine.network.NETWORK_VERSION)
    cache = ScoreCache(cache_dir)
    table = cache.get(space_mod.NAME, ids, names, key, version)
    # group archs by the set of proxies they miss, so each group is one engine run
    missing: dict[tuple[str, ...], list[str]] = {}
    for arch, row in table.iterrows():
        lacking = tuple(p for p in names if pd.isna(row[p]))
        if lacking:
            missing.setdefault(lacking, []).append(arch)
    for lacking, group in missing.items():
        run = ProxyEngine(
            space_mod.NAME, list(lacking), dataset, batch_size, seed, device, data_root,
            minibatch=engine.batch, dtype=dtype,
        )  # fmt: skip
        for chunk in run.iter_chunks(group, progress=progress):
            result = run.collect(chunk.archs, [chunk], 0.0)
            cache.put(space_mod.NAME, result.scores, result.failed, result.times, key, version)
            table.loc[chunk.archs, list(lacking)] = result.scores.to_numpy()
    return table
