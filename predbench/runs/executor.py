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
    N loky worker processes: they live for the whole invocation and keep their caches of tasks
    and feature tables; their thread pools (OpenMP, BLAS) get one thread each, so N workers do
    not oversubscribe the cores. A worker exits by itself within a second when the process that
    started it dies (even by SIGKILL), and an idle worker after :data:`IDLE_SECONDS` — no worker
    outlives the command. When a worker dies in a run (killed by the operating system, out of
    memory), the runs it may have held are retried one at a time in a fresh worker: the run that
    kills its worker again is recorded as crashed, the others finish normally.
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


#: Seconds an idle local worker waits for work before it exits.
IDLE_SECONDS = 10
#: Thread-pool variables set to 1 in local workers: a suite parallelizes across runs.
THREAD_VARIABLES: tuple[str, ...] = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
)


def _watch_parent(parent: int) -> None:
    """Worker initializer: exit as soon as the process that started the worker is gone."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="predbench-parent-watch", daemon=True).start()


def _executor(jobs: int) -> Any:
    import os

    from joblib.externals.loky import get_reusable_executor

    return get_reusable_executor(
        max_workers=jobs,
        timeout=IDLE_SECONDS,
        initializer=_watch_parent,
        initargs=(os.getpid(),),
        env=dict.fromkeys(THREAD_VARIABLES, "1"),
        reuse=True,
    )


def _loky(function: Callable[[S], Any], specs: Sequence[S], jobs: int) -> Iterator[tuple[S, Any]]:
    from concurrent.futures import as_completed

    from joblib.externals.loky.process_executor import BrokenProcessPool

    executor = _executor(jobs)
    futures = {executor.submit(_call, function, spec): spec for spec in specs}
    suspects: list[S] = []
    for future in as_completed(futures):
        spec = futures[future]
        try:
            outcome = future.result()
        except BrokenProcessPool:
            suspects.append(spec)  # its worker, or another one, died while it was pending
            continue
        yield spec, outcome
    for spec in suspects:
        # One at a time, each in a fresh worker: a run that kills its worker again is the one.
        single = _executor(1)
        try:
            yield spec, single.submit(_call, function, spec).result()
        except BrokenProcessPool as err:
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            yield spec, RunCrashed(f"worker process died during the run: {reason}")


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
