"""Comparison results in the store: one row per run, written once, whole.

The file, its connections, its schema version and suite membership are the store base's
(:class:`predbench.runs.Store`); this module adds the ``runs`` table of comparison runs.

* **One row per run, written once, whole.** A row is inserted only after its run has finished,
  in one transaction; DuckDB's write-ahead log makes that transaction all-or-nothing, so a process
  killed at any instant (even SIGKILL) leaves finished rows intact and no partial row. The run that
  was in flight has no row and is simply redone by the next invocation.
* **Identity = settings.** ``run_id`` (the hash of every setting that changes the numbers) is the
  primary key; ``condition_id`` and ``series_id`` group runs for tables; ``settings`` holds the
  canonical JSON that was hashed. An ``ok`` row is never replaced (``ON CONFLICT DO NOTHING``), so
  rerunning a suite — or two overlapping suites — cannot duplicate a result. A failed run's row
  (``status = 'error'``, with its error text) *is* replaced when the run is tried again.
* **Suites own runs, many-to-many.** Which runs a suite consists of is the membership the base
  records when the suite runs (:meth:`ResultsStore.frame` with ``suite=``), so runs reused from
  another suite show in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from featurizers.io import atomic_write
from predbench.runs.store import (
    CLAIMS_TABLE,
    DEFAULT_STORE,
    Store,
    StoreBusyError,
    transaction,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_STORE",
    "KIND",
    "ResultsStore",
    "StoreBusyError",
    "to_markdown",
    "write_frame",
]

#: Kind name of comparison runs in the suite membership table.
KIND = "compare"

#: Column name → DuckDB type, in table order.
COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR PRIMARY KEY",
    "condition_id": "VARCHAR NOT NULL",
    "series_id": "VARCHAR NOT NULL",
    "task": "VARCHAR",
    "target": "VARCHAR",
    "data": "VARCHAR",
    "pool": "VARCHAR",
    "pool_size": "INTEGER",
    "pool_hash": "VARCHAR",
    "split": "VARCHAR",
    "test_size": "INTEGER",
    "top_k": "DOUBLE",
    "features": "VARCHAR",
    "feature_proxies": "VARCHAR",
    "proxy_source": "VARCHAR",
    "predictor": "VARCHAR",
    "predictor_name": "VARCHAR",
    "predictor_config": "VARCHAR",
    "params": "VARCHAR",
    "protocol": "VARCHAR",
    "train_size": "INTEGER",
    "seed": "BIGINT",
    "harness": "INTEGER",
    "auxiliary_targets": "VARCHAR",
    "feature_sources": "VARCHAR",
    "settings": "VARCHAR NOT NULL",
    "status": "VARCHAR",
    "error": "VARCHAR",
    "kendall_tau": "DOUBLE",
    "spearman": "DOUBLE",
    "precision_at_k": "DOUBLE",
    "r2": "DOUBLE",
    "mae": "DOUBLE",
    "constant_prediction": "BOOLEAN",
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

Store.register_tables(
    KIND,
    "CREATE TABLE IF NOT EXISTS runs ("
    + ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
    + ");\n"
    # Stores written before multi-output runs existed lack this column; runs without auxiliary
    # targets leave it NULL, so adding it changes no stored row.
    + "ALTER TABLE runs ADD COLUMN IF NOT EXISTS auxiliary_targets VARCHAR;\n"
    # Likewise for the source tasks of a ``transfer[...]`` feature set.
    + "ALTER TABLE runs ADD COLUMN IF NOT EXISTS feature_sources VARCHAR;\n",
)

#: Export formats of :meth:`ResultsStore.export` / :func:`write_frame`.
FORMATS: tuple[str, ...] = ("csv", "parquet", "markdown")


class ResultsStore(Store):
    """Comparison runs in a DuckDB file (see the module docstring).

    Parameters
    ----------
    path
        The DuckDB file (created with its parent folder on first write).
    lock_timeout
        Seconds to keep retrying while another process holds the file.
    """

    # ------------------------------------------------------------------------------ writes
    def add(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert finished runs in one transaction; returns how many rows were new.

        An existing ``ok`` row is kept; an existing ``error`` row is replaced. The runs' claims
        (:meth:`~predbench.runs.Store.claim`) are dropped in the same transaction.
        """
        rows = [dict(r) for r in rows]
        if not rows:
            return 0
        for row in rows:
            unknown = set(row) - set(COLUMNS)
            if unknown:
                raise KeyError(f"result row has columns the store does not know: {sorted(unknown)}")
        frame = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
        frame = frame.astype({"constant_prediction": "boolean"})
        names = ", ".join(COLUMNS)
        with self.connect() as con:
            con.register("incoming", frame)
            with transaction(con):
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
                con.execute(
                    f"DELETE FROM {CLAIMS_TABLE} WHERE run_id IN (SELECT run_id FROM incoming)"
                )
        return after - kept

    # ------------------------------------------------------------------------------- reads
    def finished(self, run_ids: Iterable[str] | None = None) -> set[str]:
        """Ids of runs with an ``ok`` row (among ``run_ids`` when given)."""
        return self.ids_in("runs", run_ids, where="status = 'ok'")

    def recorded(self, run_ids: Iterable[str] | None = None) -> set[str]:
        """Ids of runs with any row, ``ok`` or failed (among ``run_ids`` when given)."""
        return self.ids_in("runs", run_ids)

    def frame(
        self, *, run_ids: Sequence[str] | None = None, suite: str | None = None
    ) -> pd.DataFrame:
        """All rows; or those of ``run_ids`` (in their order); or those of suite ``suite`` — the
        runs its last ``compare`` named, in suite order (:class:`KeyError` for a suite the store
        never ran)."""
        if suite is not None:
            members = self.suite_runs(suite, KIND)
            if members is None:
                known = self.suites(KIND)
                raise KeyError(
                    f"{self.path} holds no comparison suite named {suite!r}; it has {known}"
                )
            run_ids = members
        frame = self.read(
            "SELECT * FROM runs ORDER BY task, features, predictor, train_size, seed, run_id",
            tables=["runs"],
        )
        if frame is None:
            frame = pd.DataFrame(columns=list(COLUMNS))
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
