"""Search trajectories in the store, one finished run at a time.

Two thin tables on the store base (:class:`predbench.runs.Store`, by default the comparison
results' file :data:`~predbench.runs.store.DEFAULT_STORE`), which gives them its lock-retrying
connections, schema version and suite membership:

``search_runs``
    One row per finished run: ``run_id`` (hash of its settings), ``condition_id`` (the settings
    without the seed: the runs a summary may pool), task, strategy label, seed, budget,
    objectives, the settings as JSON, versions, timings, and the run's summary (final best value,
    hypervolume, and ``hv_reference``: the reference point and normalizer of that hypervolume as
    JSON, see :func:`~predbench.search._run.hypervolume_reference`).
``search_trajectories``
    One row per query of a run (see :mod:`._run` for the columns), keyed by ``(run_id, query)``.

A run is written in **one transaction** (its trajectory rows and its run row together), only once
it has finished. An interrupted suite therefore leaves only whole runs behind, and re-running it
skips exactly the run ids already present: nothing lost, nothing duplicated.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from predbench.runs.identity import canonical_json
from predbench.runs.store import DEFAULT_STORE, Store, transaction

RUNS_TABLE = "search_runs"
TRAJECTORIES_TABLE = "search_trajectories"
#: Kind name of search runs in the suite membership table.
KIND = "search"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (
    run_id VARCHAR PRIMARY KEY,
    condition_id VARCHAR NOT NULL,
    task VARCHAR NOT NULL,
    strategy VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    budget INTEGER NOT NULL,
    objectives VARCHAR NOT NULL,
    domain VARCHAR,
    domain_size INTEGER,
    data VARCHAR,
    settings VARCHAR NOT NULL,
    versions VARCHAR,
    n_queries INTEGER NOT NULL,
    final_best_value DOUBLE,
    final_hypervolume DOUBLE,
    seconds DOUBLE,
    finished_at TIMESTAMP DEFAULT current_timestamp
);
-- Added after schema 2 was released: stores written before it gain the (NULL) column.
ALTER TABLE {RUNS_TABLE} ADD COLUMN IF NOT EXISTS hv_reference VARCHAR;
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
Store.register_tables(KIND, _SCHEMA)

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


class SearchStore(Store):
    """The search tables of a store file (see the module docstring).

    Parameters
    ----------
    path
        The ``.duckdb`` file (created with its folder on first write); by default the comparison
        results' file.
    lock_timeout
        Seconds to keep retrying while another process holds the file.
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_STORE, lock_timeout: float = 120.0):
        super().__init__(path, lock_timeout)

    # ---------------------------------------------------------------- reads
    def done_run_ids(self) -> set[str]:
        """Ids of every finished run in the file (empty when the file does not exist)."""
        return self.ids_in(RUNS_TABLE)

    def runs(self, run_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Finished runs (one row each; those of ``run_ids`` when given)."""
        where, params = _ids_filter("run_id", run_ids)
        return self._read(
            f"SELECT * FROM {RUNS_TABLE} {where} ORDER BY task, strategy, seed", params
        )

    def trajectories(self, run_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Trajectory rows joined with their run's task, strategy, seed, objectives and
        condition."""
        where, params = _ids_filter("t.run_id", run_ids)
        return self._read(
            f"SELECT r.task, r.strategy, r.seed, r.objectives, r.condition_id, t.* "
            f"FROM {TRAJECTORIES_TABLE} t JOIN {RUNS_TABLE} r USING (run_id) {where} "
            "ORDER BY r.task, r.strategy, r.seed, t.query",
            params,
        )

    def suite_run_ids(self, suite: str) -> list[str] | None:
        """Run ids the search suite ``suite`` named when it last ran (``None``: never ran)."""
        return self.suite_runs(suite, KIND)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        if not self.path.exists():
            raise FileNotFoundError(f"no search results at {self.path}")
        frame = self.read(sql, params, tables=[RUNS_TABLE, TRAJECTORIES_TABLE])
        if frame is None:
            raise ValueError(f"{self.path} holds no search results (no {RUNS_TABLE} table)")
        return frame

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
            "condition_id": run["condition_id"],
            "task": run["task"],
            "strategy": run["strategy"],
            "seed": int(run["seed"]),
            "budget": int(run["budget"]),
            "objectives": ",".join(run["objectives"]),
            "domain": run.get("domain"),
            "domain_size": run.get("domain_size"),
            "data": run.get("data"),
            "settings": canonical_json(run["settings"]),
            "versions": json.dumps(run.get("versions", {}), sort_keys=True),
            "n_queries": len(rows),
            "final_best_value": float(rows["best_value"].iloc[-1]) if len(rows) else None,
            "final_hypervolume": None if pd.isna(final_hv) else float(final_hv),
            "seconds": run.get("seconds"),
            "hv_reference": json.dumps(run["hv_reference"], sort_keys=True)
            if run.get("hv_reference")
            else None,
        }
        with self.connect() as con, transaction(con):
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


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype(float)
    return pd.Series(np.nan, index=frame.index, dtype=float)


def _ids_filter(column: str, run_ids: Sequence[str] | None) -> tuple[str, list[Any]]:
    """A parameterized ``WHERE`` restricting ``column`` to ``run_ids`` (none: no filter)."""
    if run_ids is None:
        return "", []
    return f"WHERE list_contains(?::VARCHAR[], {column})", [list(run_ids)]
