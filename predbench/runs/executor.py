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
worker's caches serve most of the runs it gets; they are read lazily, a few per worker ahead, so
the caller can claim each run in the store just before it is sent. Runs are seeded and single-threaded, so outcomes
do not depend on the executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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
    specs: Iterable[S],
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    dask_workers: int | None = None,
) -> Iterator[tuple[S, Any]]:
    """``(spec, function(spec) or RunCrashed)`` for every spec, as each finishes.

    ``specs`` is read lazily, a few specs per worker ahead of the results, so a caller can decide
    per spec whether it still needs running (claims in a shared store) when it is about to be
    sent to a worker.
    """
    if scheduler is not None and dask_workers is not None:
        raise ValueError("give either a Dask scheduler address or a local cluster size, not both")
    if jobs < 1:
        raise ValueError(f"jobs must be ≥ 1, got {jobs}")
    if scheduler is not None or dask_workers is not None:
        yield from _dask(function, specs, scheduler, dask_workers)
    elif jobs == 1:
        for spec in specs:
            yield spec, _call(function, spec)
    else:
        yield from _loky(function, specs, jobs)


def _call(function: Callable[[S], Any], spec: S) -> Any:
    try:
        return function(spec)
    except Exception as err:  # the run's own failure, reported like a crashed worker
        return RunCrashed(f"{type(err).__name__}: {err}")


#: Seconds to wait for a Dask scheduler to answer.
SCHEDULER_TIMEOUT = 20

#: Specs sent ahead per worker: enough to keep it busy, few enough to claim lazily.
AHEAD = 2


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
    """A private loky pool (never joblib's shared one: its other users configure it otherwise)."""
    import os

    from joblib.externals.loky import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=jobs,
        timeout=IDLE_SECONDS,
        initializer=_watch_parent,
        initargs=(os.getpid(),),
        env=dict.fromkeys(THREAD_VARIABLES, "1"),
    )


def _loky(function: Callable[[S], Any], specs: Iterable[S], jobs: int) -> Iterator[tuple[S, Any]]:
    from concurrent.futures import FIRST_COMPLETED, wait

    from joblib.externals.loky.process_executor import BrokenProcessPool

    source = iter(specs)
    pending: dict[Any, S] = {}
    suspects: list[S] = []
    exhausted = False
    executor = _executor(jobs)
    try:
        while True:
            while not exhausted and len(pending) < AHEAD * jobs:
                spec = next(source, _END)
                if spec is _END:
                    exhausted = True
                    break
                try:
                    future = executor.submit(_call, function, spec)
                except BrokenProcessPool:  # a worker died: continue in a fresh pool
                    executor.shutdown(wait=False, kill_workers=True)
                    executor = _executor(jobs)
                    future = executor.submit(_call, function, spec)
                pending[future] = spec
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                spec = pending.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    suspects.append(spec)  # its worker, or another one, died while it was pending
                    continue
                yield spec, outcome
    finally:
        executor.shutdown(wait=False, kill_workers=True)
    for spec in suspects:
        # One at a time, each in a fresh worker: a run that kills its worker again is the one.
        single = _executor(1)
        try:
            yield spec, single.submit(_call, function, spec).result()
        except BrokenProcessPool as err:
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            yield spec, RunCrashed(f"worker process died during the run: {reason}")
        finally:
            single.shutdown(wait=False, kill_workers=True)


_END = object()


def _dask(
    function: Callable[[S], Any],
    specs: Iterable[S],
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
    try:
        client = Client(cluster if cluster is not None else scheduler, timeout=SCHEDULER_TIMEOUT)
    except OSError as err:
        if cluster is not None:
            cluster.close()
        raise ConnectionError(
            f"cannot reach the Dask scheduler {scheduler or 'of the local cluster'} ({err}); "
            "start it (`dask scheduler`, with workers that see the same data) or run with "
            "--dask-local N / --jobs N"
        ) from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        source = iter(specs)
        futures: dict[Any, S] = {}
        counter = 0

        def submit() -> Any:
            nonlocal counter
            spec = next(source, _END)
            if spec is _END:
                return None
            counter += 1
            future = client.submit(
                _call, function, spec, key=f"run-{describe(spec)}-{counter}", pure=False
            )
            futures[future] = spec
            return future

        queue = as_completed([f for f in (submit() for _ in range(AHEAD * workers)) if f])
        for future in queue:
            spec = futures.pop(future)
            try:
                outcome = future.result()
            except Exception as err:  # the worker died with the run
                outcome = RunCrashed(f"{type(err).__name__}: {err}")
            yield spec, outcome
            future.release()
            nxt = submit()
            if nxt is not None:
                queue.add(nxt)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
