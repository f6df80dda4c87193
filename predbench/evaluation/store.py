"""The results store: one embedded DuckDB file, one row per run.

Design
------
* **One row per run, written once, whole.** A row is inserted only after its run has finished,
  in one transaction; DuckDB's write-ahead log makes that transaction all-or-nothing, so a process
  killed at any instant (even SIGKILL) leaves finished rows intact and no partial row. The run that
  was in flight has no row and is simply redone by the next invocation.
* **Identity = settings.** ``run_id`` (the hash of the run's settings) is the primary key; an
  ``ok`` row is never replaced (``ON CONFLICT DO NOTHING``), so rerunning a suite — or two
  overlapping suites — cannot duplicate a result. A failed run's row (``status = 'error'``, with
  its error text) *is* replaced when the run is tried again.
* **One writer.** Only the process that drives a suite writes; parallel workers hand their rows
  back to it. DuckDB lets one process at a time open a file for writing, so the store opens a short
  connection per operation and retries while another process holds the lock: two ``predbench
  compare`` commands on the same file take turns instead of failing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from featurizers.io import atomic_write

#: Default location of the store, relative to the working directory.
DEFAULT_STORE = Path("results") / "predbench.duckdb"

#: Column name → DuckDB type, in table order.
COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR PRIMARY KEY",
    "suite": "VARCHAR",
    "task": "VARCHAR",
    "target": "VARCHAR",
    "features": "VARCHAR",
    "predictor": "VARCHAR",
    "predictor_name": "VARCHAR",
    "params": "VARCHAR",
    "train_size": "INTEGER",
    "seed": "BIGINT",
    "test_size": "INTEGER",
    "valid_only": "BOOLEAN",
    "top_k": "DOUBLE",
    "pool_proxies": "VARCHAR",
    "pool_size": "INTEGER",
    "pool_hash": "VARCHAR",
    "harness": "INTEGER",
    "status": "VARCHAR",
    "error": "VARCHAR",
    "kendall_tau": "DOUBLE",
    "spearman": "DOUBLE",
    "precision_at_k": "DOUBLE",
    "r2": "DOUBLE",
    "mae": "DOUBLE",
    "n_train": "INTEGER",
    "n_test": "INTEGER",
    "n_features": "INTEGER",
    "fit_seconds": "DOUBLE",
    "predict_seconds": "DOUBLE",
    "versions": "VARCHAR",
    "host": "VARCHAR",
    "started_at": "VARCHAR",
    "finished_at": "VARCHAR",
}

#: Export formats of :meth:`ResultsStore.export` / :func:`write_frame`.
FORMATS: tuple[str, ...] = ("csv", "parquet", "markdown")


class StoreBusyError(RuntimeError):
    """Another process kept the store locked longer than the wait allowed."""


class ResultsStore:
    """Results of runs in a DuckDB file.

    Parameters
    ----------
    path
        The DuckDB file (created with its parent folder on first write).
    lock_timeout
        Seconds to keep retrying while another process holds the file.
    """

    def __init__(self, path: str | Path = DEFAULT_STORE, lock_timeout: float = 120.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    # -------------------------------------------------------------------------- connection
    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Any]:
        """A short-lived DuckDB connection that waits (up to ``lock_timeout``) for another
        process's lock; the search and explanation tables share the file through it."""
        import duckdb

        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.IOException as err:
                if "lock" not in str(err).lower() or time.monotonic() > deadline:
                    if "lock" in str(err).lower():
                        raise StoreBusyError(
                            f"results store {self.path} stayed locked by another process for "
                            f"{self.lock_timeout:.0f} s: {err}"
                        ) from err
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        try:
            if not read_only:
                columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
                con.execute(f"CREATE TABLE IF NOT EXISTS runs ({columns})")
            yield con
        finally:
            con.close()

    def exists(self) -> bool:
        return self.path.exists()

    # ------------------------------------------------------------------------------ writes
    def add(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert finished runs in one transaction; returns how many rows were new.

        An existing ``ok`` row is kept; an existing ``error`` row is replaced.
        """
        rows = [dict(r) for r in rows]
        if not rows:
            return 0
        for row in rows:
            unknown = set(row) - set(COLUMNS)
            if unknown:
                raise KeyError(f"result row has columns the store does not know: {sorted(unknown)}")
        frame = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
        frame = frame.astype({"valid_only": "boolean"})
        names = ", ".join(COLUMNS)
        with self.connect() as con:
            con.register("incoming", frame)
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(
                    "DELETE FROM runs WHERE status <> 'ok' AND run_id IN "
                    "(SELECT run_id FROM incoming)"
                )
                kept = con.execute("SELECT count(*) FROM runs").fetchone()[0]
                con.execute(
                    f"INSERT INTO runs ({names}) SELECT {names} FROM incoming "
                    "ON CONFLICT DO NOTHING"
                )
                after = con.execute("SELECT count(*) FROM runs").fetchone()[0]
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return after - kept

    # ------------------------------------------------------------------------------- reads
    def finished(self, run_ids: Iterable[str] | None = None) -> set[str]:
        """Ids of runs with an ``ok`` row (among ``run_ids`` when given)."""
        if not self.exists():
            return set()
        with self.connect(read_only=True) as con:
            if not _has_runs(con):
                return set()
            done = {
                r[0] for r in con.execute("SELECT run_id FROM runs WHERE status = 'ok'").fetchall()
            }
        return done if run_ids is None else done & set(run_ids)

    def frame(
        self, *, run_ids: Sequence[str] | None = None, suite: str | None = None
    ) -> pd.DataFrame:
        """All rows (or those of ``run_ids``, in their order / of suite name ``suite``)."""
        empty = pd.DataFrame(columns=list(COLUMNS))
        if not self.exists():
            return empty
        with self.connect(read_only=True) as con:
            if not _has_runs(con):
                return empty
            query, args = "SELECT * FROM runs", []
            if suite is not None:
                query, args = query + " WHERE suite = ?", [suite]
            frame = con.execute(
                query + " ORDER BY task, features, predictor, train_size, seed, run_id", args
            ).df()
        if run_ids is not None:
            # Rows in the order of run_ids (a suite's order: its feature sets and predictors).
            position = {run_id: i for i, run_id in enumerate(dict.fromkeys(run_ids))}
            frame = frame[frame["run_id"].isin(position)]
            frame = frame.iloc[frame["run_id"].map(position).argsort(kind="stable")]
            frame = frame.reset_index(drop=True)
        return frame

    def export(self, path: str | Path, fmt: str | None = None, **filters: Any) -> Path:
        """Write rows (filtered as in :meth:`frame`) to ``path`` as csv, parquet or markdown."""
        return write_frame(self.frame(**filters), path, fmt)


def _has_runs(con: Any) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'runs'"
        ).fetchone()[0]
    )


def to_markdown(frame: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """A GitHub-flavoured Markdown table of ``frame`` (floats with ``floatfmt``, NaN empty)."""

    def cell(value: Any) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, float):
            return format(value, floatfmt)
        return str(value).replace("|", "\\|").replace("\n", " ")

    header = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``frame`` atomically (temporary file, then rename) as csv, parquet or markdown.

    ``fmt`` defaults to the file suffix (``.csv``, ``.parquet``, ``.md``).
    """
    path = Path(path)
    fmt = fmt or {".csv": "csv", ".parquet": "parquet", ".md": "markdown"}.get(path.suffix.lower())
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} for {path}; choose from {list(FORMATS)}")

    def write(tmp: Path) -> None:
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            tmp.write_text(to_markdown(frame), encoding="utf-8")

    return atomic_write(path, write)
