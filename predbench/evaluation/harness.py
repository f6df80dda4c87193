"""Drive a suite: skip what the store has, execute the rest, store each row as it arrives.

Before executing, the runs are claimed in the store (:meth:`predbench.runs.Store.claim`): two
``compare`` commands on one store split a suite between them instead of both running every run;
each waits for the other's runs at the end (or takes them over when the other died), so both
print the whole table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from predbench.evaluation.runner import crashed_row, execute_run
from predbench.evaluation.runspec import RunSpec
from predbench.evaluation.store import KIND, ResultsStore
from predbench.runs.executor import RunCrashed, execute
from predbench.runs.store import new_owner

#: Seconds between looks at runs another process holds.
CLAIM_POLL_SECONDS = 1.0
#: Most seconds a finished run waits in memory before it is written.
FLUSH_SECONDS = 2.0


@dataclass
class Summary:
    """What one invocation did."""

    total: int
    skipped: int
    ok: int = 0
    failed: int = 0
    #: Runs another process on the same store executed meanwhile (claimed first).
    by_others: int = 0
    seconds: float = 0.0

    @property
    def ran(self) -> int:
        return self.ok + self.failed


def pending(runs: Sequence[RunSpec], store: ResultsStore) -> list[RunSpec]:
    """``runs`` without repeats and without those the store has finished, order kept."""
    unique = list({spec.run_id: spec for spec in runs}.values())
    done = store.finished(spec.run_id for spec in unique)
    return [spec for spec in unique if spec.run_id not in done]


def _claimed(
    specs: Sequence[RunSpec], store: ResultsStore, owner: str, mine: set[str], chunk: int
) -> Iterator[RunSpec]:
    """The specs no other process holds, claimed ``chunk`` at a time just before they are sent
    to workers (noted in ``mine``)."""
    for start in range(0, len(specs), chunk):
        part = specs[start : start + chunk]
        # Not claimed when another process holds it or has stored its row (a row is committed
        # in the transaction that drops its claim, so a finished run is never claimed again).
        held = set(store.claim([s.run_id for s in part], owner, done_table="runs"))
        for spec in part:
            if spec.run_id in held:
                mine.add(spec.run_id)
                yield spec


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
    owner = new_owner()
    workers = dask_workers or (4 if scheduler is not None else jobs)
    chunk = max(2, workers)
    buffer: list[dict[str, Any]] = []
    flushed = time.monotonic()
    try:
        while todo:
            mine: set[str] = set()
            for spec, outcome in execute(
                execute_run,
                _claimed(todo, store, owner, mine, chunk),
                jobs=jobs,
                scheduler=scheduler,
                dask_workers=dask_workers,
            ):
                row = (
                    crashed_row(spec, outcome.error) if isinstance(outcome, RunCrashed) else outcome
                )
                buffer.append(row)
                if row["status"] == "ok":
                    summary.ok += 1
                else:
                    summary.failed += 1
                if len(buffer) >= chunk or time.monotonic() - flushed > FLUSH_SECONDS:
                    # Rows go in together (one transaction, which drops their claims): a killed
                    # process loses at most the few runs finished in the last moment.
                    store.add(buffer)
                    buffer, flushed = [], time.monotonic()
                if on_result is not None:
                    on_result(row)
            if buffer:
                store.add(buffer)
                buffer = []
            # Runs another process claimed: wait for their rows (or take them over if it died).
            recorded = store.recorded(spec.run_id for spec in todo)
            others = [s for s in todo if s.run_id not in mine and s.run_id not in recorded]
            summary.by_others += len(todo) - len(mine) - len(others)
            todo = others
            if todo and not mine:
                time.sleep(CLAIM_POLL_SECONDS)
    finally:
        if buffer:
            store.add(buffer)
        store.release(owner)
    summary.seconds = time.perf_counter() - start
    return summary
