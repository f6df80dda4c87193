"""Drive a suite: skip what the store has, execute the rest, store each row as it arrives."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from predbench.evaluation.runner import crashed_row, execute_run
from predbench.evaluation.runspec import RunSpec
from predbench.evaluation.store import KIND, ResultsStore
from predbench.runs.executor import RunCrashed, execute


@dataclass
class Summary:
    """What one invocation did."""

    total: int
    skipped: int
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0

    @property
    def ran(self) -> int:
        return self.ok + self.failed


def pending(runs: Sequence[RunSpec], store: ResultsStore) -> list[RunSpec]:
    """``runs`` without repeats and without those the store has finished, order kept."""
    unique = list({spec.run_id: spec for spec in runs}.values())
    done = store.finished(spec.run_id for spec in unique)
    return [spec for spec in unique if spec.run_id not in done]


def run_suite(
    runs: Sequence[RunSpec],
    store: ResultsStore,
    *,
    suite: str | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    dask_workers: int | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> Summary:
    """Execute the runs the store lacks and store each result as soon as it arrives.

    Parameters
    ----------
    runs
        The suite's runs (repeats are run once).
    store
        Where results go; only this process writes to it.
    suite
        The suite's name: the store records that it consists of exactly ``runs`` (those reused
        from other suites included), before anything runs.
    jobs
        Local worker processes (ignored when a Dask option is given).
    scheduler, dask_workers
        Dask: a scheduler address, or the size of a local cluster to start.
    on_start
        Called once with (runs to execute, runs skipped).
    on_result
        Called with each stored row (for progress display).
    """
    if suite is not None:
        store.set_suite(suite, KIND, [spec.run_id for spec in runs])
    unique = {spec.run_id for spec in runs}
    todo = pending(runs, store)
    summary = Summary(total=len(unique), skipped=len(unique) - len(todo))
    if on_start is not None:
        on_start(len(todo), summary.skipped)
    start = time.perf_counter()
    for spec, outcome in execute(
        execute_run, todo, jobs=jobs, scheduler=scheduler, dask_workers=dask_workers
    ):
        row = crashed_row(spec, outcome.error) if isinstance(outcome, RunCrashed) else outcome
        store.add([row])
        if row["status"] == "ok":
            summary.ok += 1
        else:
            summary.failed += 1
        if on_result is not None:
            on_result(row)
    summary.seconds = time.perf_counter() - start
    return summary
