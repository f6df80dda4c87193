"""Where runs execute: this process, local worker processes, or a Dask cluster.

One executor serves every kind of run. :func:`execute` takes a picklable function and the
specs to call it on, and yields ``(spec, outcome)`` pairs **as runs finish** (any order); the
caller — the only writer of the store — stores each outcome as it arrives, so an interrupted
invocation loses only the runs in flight. A run function should return a result for a failure of
*its run* (a failed row); an exception that escapes it, or a worker that dies (killed by the
operating system, out of memory), is yielded as a :class:`RunCrashed` outcome for that spec and
the other runs go on.

``jobs=1``
    Sequential, in this process (easiest to debug).
``jobs=N``
    N loky worker processes (joblib): they live for the whole invocation and keep their caches of
    tasks and feature tables; inner thread pools are limited so N workers do not oversubscribe.
``scheduler="tcp://host:port"`` / ``dask_workers=N``
    A Dask distributed cluster: an existing scheduler (its workers must see the same data, e.g.
    through ``PREDBENCH_MIRROR`` / ``PREDBENCH_CACHE``), or a ``LocalCluster`` of N
    single-threaded worker processes on 127.0.0.1, closed afterwards.

Specs are submitted in the order given (grouped by task and feature set by the suites), so a
worker's caches serve most of the runs it gets. Runs are seeded and single-threaded, so outcomes
do not depend on the executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

S = TypeVar("S")


@dataclass(frozen=True)
class RunCrashed:
    """A run whose function raised, or whose worker process died, instead of returning."""

    error: str


def describe(spec: Any) -> str:
    return getattr(spec, "run_id", repr(spec))


def execute(
    function: Callable[[S], Any],
    specs: Sequence[S],
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    dask_workers: int | None = None,
) -> Iterator[tuple[S, Any]]:
    """``(spec, function(spec) or RunCrashed)`` for every spec, as each finishes."""
    if scheduler is not None and dask_workers is not None:
        raise ValueError("give either a Dask scheduler address or a local cluster size, not both")
    if jobs < 1:
        raise ValueError(f"jobs must be ≥ 1, got {jobs}")
    if not specs:
        return
    if scheduler is not None or dask_workers is not None:
        yield from _dask(function, specs, scheduler, dask_workers)
    elif jobs == 1 or len(specs) == 1:
        for spec in specs:
            yield spec, _call(function, spec)
    else:
        yield from _loky(function, specs, jobs)


def _call(function: Callable[[S], Any], spec: S) -> Any:
    try:
        return function(spec)
    except Exception as err:  # the run's own failure, reported like a crashed worker
        return RunCrashed(f"{type(err).__name__}: {err}")


def _indexed(function: Callable[[S], Any], index: int, spec: S) -> tuple[int, Any]:
    return index, _call(function, spec)


def _loky(function: Callable[[S], Any], specs: Sequence[S], jobs: int) -> Iterator[tuple[S, Any]]:
    from joblib import Parallel, delayed
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    remaining = dict(enumerate(specs))
    while remaining:
        items = list(remaining.items())
        parallel = Parallel(n_jobs=jobs, backend="loky", return_as="generator_unordered")
        try:
            for index, outcome in parallel(delayed(_indexed)(function, i, s) for i, s in items):
                yield remaining.pop(index), outcome
        except TerminatedWorkerError as err:
            # A worker died (killed by the OS, out of memory). joblib cannot say which run it
            # held, so the first unfinished run is recorded as crashed and the rest go on in a
            # fresh pool: one dead worker costs one run, never the whole suite.
            index = next(iter(remaining))
            reason = str(err).strip().splitlines()[0]
            yield remaining.pop(index), RunCrashed(f"worker process died: {reason}")


def _dask(
    function: Callable[[S], Any],
    specs: Sequence[S],
    scheduler: str | None,
    local_workers: int | None,
) -> Iterator[tuple[S, Any]]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if local_workers is not None:
        if local_workers < 1:
            raise ValueError(f"a local Dask cluster needs ≥ 1 worker, got {local_workers}")
        cluster = LocalCluster(
            n_workers=local_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=True,
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        futures = {
            client.submit(_call, function, spec, key=f"run-{describe(spec)}-{i}", pure=False): spec
            for i, spec in enumerate(specs)
        }
        for future in as_completed(futures):
            spec = futures[future]
            try:
                outcome = future.result()
            except Exception as err:  # the worker died with the run
                outcome = RunCrashed(f"{type(err).__name__}: {err}")
            yield spec, outcome
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
