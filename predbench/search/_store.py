"""Search trajectories in a DuckDB file, one finished run at a time.

Two tables beside the comparison results' ``runs`` table (by default in the same file,
:data:`predbench.evaluation.store.DEFAULT_STORE`); connections come from the results store
(:class:`~predbench.evaluation.store.ResultsStore`), so both share its lock handling: a writer that
finds the file locked by another ``predbench`` process waits and retries instead of failing.

``search_runs``
    One row per finished run: ``run_id`` (hash of its settings), suite, task, strategy label,
    seed, budget, objectives, the settings as JSON, versions, timings, and the run's summary
    (final best value, hypervolume).
``search_trajectories``
    One row per query of a run (see :mod:`._run` for the columns), keyed by ``(run_id, query)``.

A run is written in **one transaction** (its trajectory rows and its run row together), only once
it has finished. An interrupted suite therefore leaves only whole runs behind, and re-running it
skips exactly the run ids already present: nothing lost, nothing duplicated. The connection is
opened per operation and closed at once, so other processes can use the file between writes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from predbench.evaluation.store import DEFAULT_STORE, ResultsStore

RUNS_TABLE = "search_runs"
TRAJECTORIES_TABLE = "search_trajectories"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (
    run_id VARCHAR PRIMARY KEY,
    suite VARCHAR,
    task VARCHAR NOT NULL,
    strategy VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    budget INTEGER NOT NULL,
    objectives VARCHAR NOT NULL,
    domain_size INTEGER,
    settings VARCHAR NOT NULL,
    versions VARCHAR,
    n_queries INTEGER NOT NULL,
    final_best_value DOUBLE,
    final_hypervolume DOUBLE,
    seconds DOUBLE,
    finished_at TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS {TRAJECTORIES_TABLE} (
    run_id VARCHAR NOT NULL,
    query INTEGER NOT NULL,
    arch VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    objective_values DOUBLE[] NOT NULL,
    best_value DOUBLE NOT NULL,
    best_arch VARCHAR NOT NULL,
    best_val_accuracy DOUBLE,
    best_test_accuracy DOUBLE,
    hypervolume DOUBLE,
    strategy_seconds DOUBLE,
    PRIMARY KEY (run_id, query)
);
"""

_TRAJECTORY_COLUMNS = (
    "run_id",
    "query",
    "arch",
    "value",
    "objective_values",
    "best_value",
    "best_arch",
    "best_val_accuracy",
    "best_test_accuracy",
    "hypervolume",
    "strategy_seconds",
)


class SearchStore:
    """The DuckDB file holding search runs and trajectories.

    Parameters
    ----------
    path
        The ``.duckdb`` file (created with its folder on first write); it may be the comparison
        results' file.
    lock_timeout
        Seconds to keep retrying while another process holds the file.
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_STORE, lock_timeout: float = 120.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    @contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[Any]:
        results = ResultsStore(self.path, lock_timeout=self.lock_timeout)
        with results.connect(read_only=read_only) as con:
            if not read_only:
                con.execute(_SCHEMA)
            yield con

    def _has_tables(self, con: Any) -> bool:
        names = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        return RUNS_TABLE in names and TRAJECTORIES_TABLE in names

    # ---------------------------------------------------------------- reads
    def done_run_ids(self) -> set[str]:
        """Ids of every finished run in the file (empty when the file does not exist)."""
        if not self.path.exists():
            return set()
        with self._connect(read_only=True) as con:
            if not self._has_tables(con):
                return set()
            return {r[0] for r in con.execute(f"SELECT run_id FROM {RUNS_TABLE}").fetchall()}

    def runs(self) -> pd.DataFrame:
        """Every finished run (one row each)."""
        return self._read(f"SELECT * FROM {RUNS_TABLE} ORDER BY task, strategy, seed")

    def trajectories(self, run_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Trajectory rows joined with their run's task, strategy and seed."""
        where = ""
        if run_ids is not None:
            ids = ", ".join("'" + r.replace("'", "''") + "'" for r in run_ids)
            where = f"WHERE t.run_id IN ({ids})" if ids else "WHERE FALSE"
        return self._read(
            f"SELECT r.task, r.strategy, r.seed, t.* FROM {TRAJECTORIES_TABLE} t "
            f"JOIN {RUNS_TABLE} r USING (run_id) {where} ORDER BY r.task, r.strategy, r.seed, t.query"
        )

    def _read(self, sql: str) -> pd.DataFrame:
        if not self.path.exists():
            raise FileNotFoundError(f"no search results at {self.path}")
        with self._connect(read_only=True) as con:
            if not self._has_tables(con):
                raise ValueError(f"{self.path} holds no search results (no {RUNS_TABLE} table)")
            return con.execute(sql).df()

    # --------------------------------------------------------------- writes
    def write_run(self, run: dict[str, Any], trajectory: pd.DataFrame) -> None:
        """Store one finished run and its trajectory atomically (replacing a run with its id)."""
        rows = pd.DataFrame(
            {
                "run_id": run["run_id"],
                "query": trajectory["query"].astype("int32"),
                "arch": trajectory["arch"].astype(str),
                "value": trajectory["value"].astype(float),
                "objective_values": list(
                    trajectory[[c for c in trajectory.columns if c.startswith("value_")]]
                    .to_numpy(np.float64)
                    .tolist()
                ),
                "best_value": trajectory["best_value"].astype(float),
                "best_arch": trajectory["best_arch"].astype(str),
                "best_val_accuracy": _column(trajectory, "best_val_accuracy"),
                "best_test_accuracy": _column(trajectory, "best_test_accuracy"),
                "hypervolume": _column(trajectory, "hypervolume"),
                "strategy_seconds": _column(trajectory, "strategy_seconds"),
            }
        )[list(_TRAJECTORY_COLUMNS)]
        final_hv = rows["hypervolume"].iloc[-1] if len(rows) else np.nan
        record = {
            "run_id": run["run_id"],
            "suite": run.get("suite"),
            "task": run["task"],
            "strategy": run["strategy"],
            "seed": int(run["seed"]),
            "budget": int(run["budget"]),
            "objectives": ",".join(run["objectives"]),
            "domain_size": run.get("domain_size"),
            "settings": json.dumps(run["settings"], sort_keys=True, default=str),
            "versions": json.dumps(run.get("versions", {}), sort_keys=True),
            "n_queries": len(rows),
            "final_best_value": float(rows["best_value"].iloc[-1]) if len(rows) else None,
            "final_hypervolume": None if pd.isna(final_hv) else float(final_hv),
            "seconds": run.get("seconds"),
        }
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(f"DELETE FROM {TRAJECTORIES_TABLE} WHERE run_id = ?", [run["run_id"]])
                con.execute(f"DELETE FROM {RUNS_TABLE} WHERE run_id = ?", [run["run_id"]])
                con.register("new_rows", rows)
                con.execute(
                    f"INSERT INTO {TRAJECTORIES_TABLE} SELECT {', '.join(_TRAJECTORY_COLUMNS)} "
                    "FROM new_rows"
                )
                con.unregister("new_rows")
                cols = [k for k in record if k != "finished_at"]
                con.execute(
                    f"INSERT INTO {RUNS_TABLE} ({', '.join(cols)}) VALUES "
                    f"({', '.join('?' for _ in cols)})",
                    [record[c] for c in cols],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype(float)
    return pd.Series(np.nan, index=frame.index, dtype=float)
