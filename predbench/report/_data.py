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


def load_report_data(
    store: str | Path,
    *,
    suites: Sequence[str] = (),
    search_stores: Sequence[str | Path] = (),
) -> ReportData:
    """Read results, explanations and search trajectories through the stores' APIs.

    Labels are made unique per condition (:mod:`predbench.runs.labels`), so no figure or table
    averages runs of different settings under one name.

    Parameters
    ----------
    store
        The results store (``runs`` and ``explain_*`` tables; may also hold search tables).
    suites
        Keep only what these suites named when they last ran (comparison, explanation and search
        suites alike; a suite's runs include those it reused from other suites).
    search_stores
        Further store files holding search runs.

    Raises
    ------
    FileNotFoundError
        ``store`` or a search store does not exist.
    KeyError
        A suite name none of the stores knows.
    """
    from predbench.evaluation import ResultsStore
    from predbench.evaluation.tables import labelled
    from predbench.explain import ExplainStore
    from predbench.search._store import SearchStore

    store = Path(store)
    if not store.exists():
        raise FileNotFoundError(
            f"no results store at {store}; run a suite first (it creates the file) or pass the "
            "store's path"
        )
    results_store = ResultsStore(store)
    explain = ExplainStore(store)
    paths = [store, *map(Path, search_stores)]
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"no search store at {path}")
    searches = [SearchStore(p) for p in dict.fromkeys(paths)]
    searches = [s for s in searches if s.has_tables("search_runs", "search_trajectories")]
    if suites:
        known = set()
        for s in [results_store, explain, *searches]:
            known |= set(s.suites())
        unknown = [name for name in suites if name not in known]
        if unknown:
            raise KeyError(
                f"no suite named {unknown} in {', '.join(str(p) for p in paths)}; "
                f"the stores hold {sorted(known)}"
            )
    results = _members(
        results_store.frame(),
        "run_id",
        [results_store.suite_runs(name, "compare") for name in suites],
    )
    explain_runs = _members(
        explain.runs(), "explain_id", [explain.suite_runs(name, "explain") for name in suites]
    )
    keep = set(explain_runs["explain_id"])
    importance = explain.importance()
    importance = importance[importance["explain_id"].isin(keep)]
    families = explain.families()
    families = families[families["explain_id"].isin(keep)]
    search_runs, trajectories = _read_search(searches, suites)
    return ReportData(
        results=labelled(results).reset_index(drop=True),
        explain_runs=explain_runs.reset_index(drop=True),
        importance=labelled(importance, settings="run_settings").reset_index(drop=True),
        families=families.reset_index(drop=True),
        search_runs=search_runs.reset_index(drop=True),
        trajectories=trajectories.reset_index(drop=True),
        shap_values=explain.values,
        sources=tuple(str(s.path) for s in [results_store, *searches]),
        suites=tuple(suites),
    )


def _members(frame: pd.DataFrame, key: str, lists: Sequence[list[str] | None]) -> pd.DataFrame:
    """Rows whose ``key`` one of the suites' member lists holds (no suites: every row)."""
    if not lists:
        return frame
    wanted = {i for ids in lists for i in ids or ()}
    return frame[frame[key].isin(wanted)]


def _read_search(stores: Sequence[Any], suites: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Search runs and trajectories of ``stores``, strategy labels unique per condition."""
    from predbench.runs.labels import unique_labels

    runs, trajectories = [], []
    for store in stores:
        ids = None
        if suites:
            ids = [i for name in suites for i in store.suite_run_ids(name) or ()]
        runs.append(store.runs(ids))
        trajectories.append(store.trajectories(ids))
    if not runs:
        return pd.DataFrame(), pd.DataFrame()
    runs_frame = pd.concat(runs, ignore_index=True).drop_duplicates("run_id")
    traj = pd.concat(trajectories, ignore_index=True).drop_duplicates(["run_id", "query"])
    if runs_frame.empty:
        return runs_frame, traj
    labels = unique_labels(runs_frame, label="strategy", key="condition_id", scope=("task",))
    runs_frame = runs_frame.assign(strategy=labels)
    label_of = dict(zip(runs_frame["run_id"], labels, strict=True))
    traj = traj.assign(strategy=traj["run_id"].map(label_of))
    return runs_frame, traj


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
