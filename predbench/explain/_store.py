"""Explanations in the results store: three DuckDB tables, SHAP matrices in Parquet beside it.

Tables (in the same DuckDB file as the harness's ``runs`` table, joined on ``run_id``):

``explain_runs``
    One row per explanation (:data:`EXPLAIN_RUN_COLUMNS`): the run it explains, the SHAP route
    and sample budget, base value, additivity error, the refitted model's τ, timings, versions and
    the Parquet file of its values.
``explain_importance``
    One row per (explanation, feature): ``mean_abs_shap``, ``share``, ``rank`` (1 = most
    important) and the feature's ``family``.
``explain_families``
    One row per (explanation, family): the family's importance as one player.

The per-architecture SHAP values (needed for beeswarm plots) are a matrix of
test archs × features per explanation — millions of numbers for a whole NB201 test set — so they
go to ``<store folder>/<store name>.shap/<explain_id>.parquet`` (columns ``arch``,
``prediction``, then ``shap:<feature>`` and ``value:<feature>`` for every feature), not into the
database. Each explanation is written whole: the Parquet file first (temporary name, then
rename), then its three kinds of rows in one transaction; a run interrupted in between leaves at
most an orphan file that the next run overwrites.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from featurizers.io import atomic_write
from predbench.explain._importance import family_importance, feature_importance
from predbench.explain._shap import Explanation
from predbench.runs.store import DEFAULT_STORE, Store, transaction

#: Column → DuckDB type of ``explain_runs``.
EXPLAIN_RUN_COLUMNS: dict[str, str] = {
    "explain_id": "VARCHAR PRIMARY KEY",
    "run_id": "VARCHAR",
    "suite": "VARCHAR",
    "task": "VARCHAR",
    "target": "VARCHAR",
    "features": "VARCHAR",
    "predictor": "VARCHAR",
    "predictor_name": "VARCHAR",
    "params": "VARCHAR",
    "predictor_config": "VARCHAR",
    "condition_id": "VARCHAR",
    "series_id": "VARCHAR",
    "train_size": "INTEGER",
    "seed": "BIGINT",
    "pool": "VARCHAR",
    "pool_size": "INTEGER",
    "run_settings": "VARCHAR",
    "method": "VARCHAR",
    "requested_method": "VARCHAR",
    "background_size": "INTEGER",
    "n_explain": "INTEGER",
    "max_evals": "INTEGER",
    "n_test": "INTEGER",
    "n_rows": "INTEGER",
    "n_features": "INTEGER",
    "base_value": "DOUBLE",
    "additivity_error": "DOUBLE",
    "kendall_tau": "DOUBLE",
    "spearman": "DOUBLE",
    "fit_seconds": "DOUBLE",
    "shap_seconds": "DOUBLE",
    "settings": "VARCHAR",
    "versions": "VARCHAR",
    "values_file": "VARCHAR",
    "finished_at": "VARCHAR",
}
IMPORTANCE_TABLE_COLUMNS: dict[str, str] = {
    "explain_id": "VARCHAR",
    "feature": "VARCHAR",
    "family": "VARCHAR",
    "mean_abs_shap": "DOUBLE",
    "share": "DOUBLE",
    "rank": "DOUBLE",
}
FAMILY_TABLE_COLUMNS: dict[str, str] = {
    "explain_id": "VARCHAR",
    "family": "VARCHAR",
    "n_features": "INTEGER",
    "mean_abs_shap": "DOUBLE",
    "share": "DOUBLE",
}
_TABLES = {
    "explain_runs": EXPLAIN_RUN_COLUMNS,
    "explain_importance": IMPORTANCE_TABLE_COLUMNS,
    "explain_families": FAMILY_TABLE_COLUMNS,
}
#: Kind name of explanations in the suite membership table.
KIND = "explain"
Store.register_tables(
    KIND,
    "".join(
        f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(f'{c} {t}' for c, t in columns.items())});\n"
        for name, columns in _TABLES.items()
    ),
)


def values_frame(explanation: Explanation) -> pd.DataFrame:
    """The explanation as one flat table: ``arch``, ``prediction``, ``shap:*``, ``value:*``."""
    shap = explanation.values.add_prefix("shap:")
    data = explanation.data.astype("float64").add_prefix("value:")
    frame = pd.concat([explanation.predictions, shap, data], axis=1)
    frame.index.name = "arch"
    return frame.reset_index()


class ExplainStore(Store):
    """Explanations kept beside the harness's results (same DuckDB file, same store base).

    Parameters
    ----------
    path
        The results store (``results/predbench.duckdb`` by default).
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_STORE, lock_timeout: float = 120.0):
        super().__init__(path, lock_timeout)

    @property
    def values_dir(self) -> Path:
        """Folder of the per-explanation Parquet files."""
        return self.path.parent / f"{self.path.stem}.shap"

    # ---------------------------------------------------------------------------- writes
    def add(self, explanation: Explanation, row: dict[str, Any]) -> None:
        """Store one explanation (replacing an earlier one with the same ``explain_id``)."""
        unknown = set(row) - set(EXPLAIN_RUN_COLUMNS)
        if unknown:
            raise KeyError(f"explain row has columns the store does not know: {sorted(unknown)}")
        explain_id = row["explain_id"]
        self.values_dir.mkdir(parents=True, exist_ok=True)
        target = self.values_dir / f"{explain_id}.parquet"
        atomic_write(target, lambda tmp: values_frame(explanation).to_parquet(tmp, index=False))
        record = {c: row.get(c) for c in EXPLAIN_RUN_COLUMNS}
        record["values_file"] = target.name
        runs = pd.DataFrame([record], columns=list(EXPLAIN_RUN_COLUMNS))
        importance = feature_importance(explanation).assign(explain_id=explain_id)
        families = family_importance(explanation).assign(explain_id=explain_id)
        frames = {
            "explain_runs": runs,
            "explain_importance": importance[list(IMPORTANCE_TABLE_COLUMNS)],
            "explain_families": families[list(FAMILY_TABLE_COLUMNS)],
        }
        with self.connect() as con, transaction(con):
            for name, frame in frames.items():
                con.execute(f"DELETE FROM {name} WHERE explain_id = ?", [explain_id])
                con.register("incoming", frame)
                cols = ", ".join(frame.columns)
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM incoming")
                con.unregister("incoming")

    # ----------------------------------------------------------------------------- reads
    def done(self, explain_ids: Iterable[str] | None = None) -> set[str]:
        """Ids of stored explanations (among ``explain_ids`` when given)."""
        frame = self.runs()
        ids = set(frame["explain_id"])
        return ids if explain_ids is None else ids & set(explain_ids)

    def _read(self, table: str, where: str = "", args: Sequence[Any] = ()) -> pd.DataFrame:
        frame = self.read(f"SELECT * FROM {table} {where}", args, tables=[table])
        return pd.DataFrame(columns=list(_TABLES[table])) if frame is None else frame

    def _suite_filter(self, suite: str | None, column: str) -> tuple[str, list[Any]]:
        """``WHERE`` restricting to the explanations suite ``suite`` named when it last ran."""
        if suite is None:
            return "", []
        ids = self.suite_runs(suite, KIND) or []
        return f"WHERE list_contains(?::VARCHAR[], {column})", [ids]

    def runs(self, *, suite: str | None = None) -> pd.DataFrame:
        """Every stored explanation (or those of one suite), one row each."""
        where, args = self._suite_filter(suite, "explain_id")
        return self._read(
            "explain_runs",
            where + " ORDER BY task, features, predictor, train_size, seed",
            args,
        )

    def importance(self, *, suite: str | None = None) -> pd.DataFrame:
        """Importance rows joined with their explanation's task, features, predictor, ..."""
        return self._joined("explain_importance", suite, "rank")

    def families(self, *, suite: str | None = None) -> pd.DataFrame:
        """Family rows joined with their explanation's settings."""
        return self._joined("explain_families", suite, "mean_abs_shap DESC")

    def _joined(self, table: str, suite: str | None, order: str) -> pd.DataFrame:
        keys = (
            "r.task, r.target, r.features, r.predictor, r.condition_id, r.series_id, "
            "r.pool, r.run_settings, r.train_size, r.seed, r.method"
        )
        where, args = self._suite_filter(suite, "r.explain_id")
        frame = self.read(
            f"SELECT {keys}, t.* FROM {table} t JOIN explain_runs r USING (explain_id) "
            f"{where} ORDER BY r.task, r.features, r.predictor, r.train_size, r.seed, "
            f"t.explain_id, t.{order}",
            args,
            tables=[table, "explain_runs"],
        )
        if frame is None:
            columns = ["task", "target", "features", "predictor", "train_size", "seed", "method"]
            return pd.DataFrame(columns=[*columns, *_TABLES[table]])
        return frame

    def values(self, explain_id: str, features: Sequence[str] | None = None) -> pd.DataFrame:
        """SHAP values and feature values of one explanation (only ``features`` when given).

        Returns the flat table of :func:`values_frame` (``arch``, ``prediction``,
        ``shap:<f>``, ``value:<f>``).

        Raises
        ------
        FileNotFoundError
            The explanation or its Parquet file is missing.
        """
        runs = self._read("explain_runs", "WHERE explain_id = ?", [explain_id])
        if runs.empty:
            raise FileNotFoundError(f"no explanation {explain_id!r} in {self.path}")
        path = self.values_dir / str(runs["values_file"].iloc[0])
        if not path.exists():
            raise FileNotFoundError(
                f"SHAP values of explanation {explain_id} are missing: expected {path} beside "
                f"the store {self.path}"
            )
        columns = None
        if features is not None:
            columns = [
                "arch",
                "prediction",
                *(f"shap:{f}" for f in features),
                *(f"value:{f}" for f in features),
            ]
        return pd.read_parquet(path, columns=columns)
