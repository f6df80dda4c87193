"""What a report is made of, and reading it from the stores.

:class:`ReportData` holds plain DataFrames, so a report can be built from a results store or from
tables made any other way. Their schemas:

``results`` (one row per predictor run; the harness's ``runs`` table)
    Required: ``task``, ``features``, ``predictor``, ``train_size``, ``seed``, ``kendall_tau``,
    ``spearman``. Used when present: ``target`` (default ``val_accuracy``), ``status`` (rows
    other than ``"ok"`` are counted as failures and left out of the figures), ``error``,
    ``suite``, ``predictor_name``, ``params``, ``test_size``, ``n_test``, ``valid_only``,
    ``fit_seconds``, ``predict_seconds``, ``versions`` (JSON object of library versions).
``explain_runs``, ``importance``, ``families``
    :class:`~predbench.explain.ExplainStore` tables (``explain_runs`` and the joined
    ``importance`` / ``families`` rows).
``search_runs``, ``trajectories``
    The search store's ``search_runs`` table and its trajectories joined with task, strategy and
    seed (:class:`predbench.search._store.SearchStore`).

Any table may be empty; the report then leaves its sections out and says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

#: Columns every results row must have.
REQUIRED_RESULT_COLUMNS: tuple[str, ...] = (
    "task",
    "features",
    "predictor",
    "train_size",
    "seed",
    "kendall_tau",
    "spearman",
)

ValuesLoader = Callable[[str, Sequence[str]], pd.DataFrame]


@dataclass
class ReportData:
    """Everything a report shows (see the module docstring for the schemas)."""

    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    explain_runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    importance: pd.DataFrame = field(default_factory=pd.DataFrame)
    families: pd.DataFrame = field(default_factory=pd.DataFrame)
    search_runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    trajectories: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: ``(explain_id, features) → values_frame`` for beeswarm plots; None: no beeswarms.
    shap_values: ValuesLoader | None = None
    #: Where the tables came from (shown in the settings section).
    sources: tuple[str, ...] = ()
    #: Suite names the report was restricted to (empty: everything in the stores).
    suites: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.results.empty:
            missing = [c for c in REQUIRED_RESULT_COLUMNS if c not in self.results.columns]
            if missing:
                raise KeyError(
                    f"results table lacks columns {missing}; a results row needs "
                    f"{list(REQUIRED_RESULT_COLUMNS)}"
                )

    @property
    def ok_results(self) -> pd.DataFrame:
        """Result rows with metrics (status ``ok`` when the column exists)."""
        frame = self.results
        if frame.empty:
            return frame
        if "status" in frame.columns:
            frame = frame[frame["status"].fillna("ok") == "ok"]
        return frame.assign(target=frame["target"] if "target" in frame else "val_accuracy")

    @property
    def is_empty(self) -> bool:
        return self.results.empty and self.explain_runs.empty and self.search_runs.empty


def task_label(task: str, target: Any = None) -> str:
    """``"nb201/cifar10"`` for the default target, ``"nb201/cifar10 · edgegpu_energy"`` else."""
    if target is None or (isinstance(target, float) and target != target):
        return str(task)
    return str(task) if target == "val_accuracy" else f"{task} · {target}"


def _has_tables(path: Path, names: Sequence[str]) -> bool:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        found = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    finally:
        con.close()
    return all(n in found for n in names)


def load_report_data(
    store: str | Path,
    *,
    suites: Sequence[str] = (),
    search_stores: Sequence[str | Path] = (),
) -> ReportData:
    """Read results, explanations and search trajectories from DuckDB stores.

    Parameters
    ----------
    store
        The results store (``runs`` and ``explain_*`` tables; may also hold search tables).
    suites
        Keep only rows of these suite names (results, explanations and search runs alike).
    search_stores
        Further DuckDB files holding ``search_runs`` / ``search_trajectories``.

    Raises
    ------
    FileNotFoundError
        ``store`` or a search store does not exist.
    """
    from predbench.evaluation import ResultsStore
    from predbench.explain import ExplainStore

    store = Path(store)
    if not store.exists():
        raise FileNotFoundError(
            f"no results store at {store}; run a suite first (it creates the file) or pass the "
            "store's path"
        )
    results = ResultsStore(store).frame()
    explain = ExplainStore(store)
    explain_runs, importance, families = explain.runs(), explain.importance(), explain.families()
    searches = []
    for path in [store, *map(Path, search_stores)]:
        if not path.exists():
            raise FileNotFoundError(f"no search store at {path}")
        if _has_tables(path, ("search_runs", "search_trajectories")):
            searches.append(path)
    search_runs, trajectories = _read_search(searches)
    if suites:
        wanted = set(suites)
        results = results[results["suite"].isin(wanted)]
        explain_runs = explain_runs[explain_runs["suite"].isin(wanted)]
        importance = importance[importance["suite"].isin(wanted)]
        families = families[families["suite"].isin(wanted)]
        if not search_runs.empty:
            keep = search_runs["suite"].isin(wanted)
            trajectories = trajectories[trajectories["run_id"].isin(search_runs["run_id"][keep])]
            search_runs = search_runs[keep]
    return ReportData(
        results=results.reset_index(drop=True),
        explain_runs=explain_runs.reset_index(drop=True),
        importance=importance.reset_index(drop=True),
        families=families.reset_index(drop=True),
        search_runs=search_runs.reset_index(drop=True),
        trajectories=trajectories.reset_index(drop=True),
        shap_values=explain.values,
        sources=tuple(str(p) for p in dict.fromkeys([store, *searches])),
        suites=tuple(suites),
    )


def _read_search(paths: Sequence[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    import duckdb

    runs, trajectories = [], []
    for path in paths:
        con = duckdb.connect(str(path), read_only=True)
        try:
            runs.append(con.execute("SELECT * FROM search_runs").df())
            trajectories.append(
                con.execute(
                    "SELECT r.task, r.strategy, r.seed, r.objectives, t.* FROM search_trajectories t "
                    "JOIN search_runs r USING (run_id) ORDER BY r.task, r.strategy, r.seed, t.query"
                ).df()
            )
        finally:
            con.close()
    if not runs:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(runs, ignore_index=True), pd.concat(trajectories, ignore_index=True)


def versions_table(*frames: pd.DataFrame) -> pd.DataFrame:
    """Library → the distinct versions recorded in the ``versions`` JSON columns of ``frames``."""
    seen: dict[str, list[str]] = {}
    for frame in frames:
        if frame.empty or "versions" not in frame.columns:
            continue
        for text in frame["versions"].dropna().unique():
            try:
                versions = json.loads(text)
            except (TypeError, json.JSONDecodeError):
                continue
            for library, version in versions.items():
                values = seen.setdefault(str(library), [])
                if str(version) not in values:
                    values.append(str(version))
    rows = [{"library": k, "versions": ", ".join(v)} for k, v in sorted(seen.items())]
    return pd.DataFrame(rows, columns=["library", "versions"])
