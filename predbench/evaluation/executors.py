"""Where runs execute: in this process, in local worker processes, or on a Dask cluster.

Every executor takes run specs and yields result rows *as runs finish* (any order); the caller —
the only writer of the results store — stores each row as it arrives. Runs are independent and
seeded, so the rows do not depend on the executor: ``--jobs 1``, ``--jobs 4`` and a Dask cluster
give identical metrics for the same suite.

``local(jobs=1)``
    Sequential, in this process (easiest to debug).
``local(jobs=N)``
    N loky worker processes (joblib). Workers live for the whole suite and keep their caches of
    tasks and feature tables (:mod:`predbench.evaluation.features`).
``dask(scheduler=...)`` / ``dask(local_workers=N)``
    A Dask distributed cluster: an existing scheduler (``tcp://host:port``; its workers must see
    the same data, e.g. through ``PREDBENCH_MIRROR``/``PREDBENCH_CACHE``), or a ``LocalCluster``
    of N single-threaded worker processes on 127.0.0.1, closed afterwards. Runs are submitted in
    task / feature-set order, so a worker's cache serves most of the runs it gets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from predbench.evaluation.runner import execute_run
from predbench.evaluation.runspec import RunSpec


def local(specs: Sequence[RunSpec], jobs: int = 1) -> Iterator[dict[str, Any]]:
    """Rows of ``specs`` run in this process (``jobs=1``) or in ``jobs`` worker processes."""
    if jobs < 1:
        raise ValueError(f"jobs must be ≥ 1, got {jobs}")
    if jobs == 1 or len(specs) <= 1:
        for spec in specs:
            yield execute_run(spec)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=jobs, backend="loky", return_as="generator_unordered")
    yield from parallel(delayed(execute_run)(spec) for spec in specs)


def dask(
    specs: Sequence[RunSpec],
    *,
    scheduler: str | None = None,
    local_workers: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Rows of ``specs`` run on a Dask cluster (an address, or a new local one of N workers)."""
    if (scheduler is None) == (local_workers is None):
        raise ValueError("give exactly one of scheduler (an address) or local_workers (a count)")
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if local_workers is not None:
        if local_workers < 1:
            raise ValueError(f"local_workers must be ≥ 1, got {local_workers}")
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
        futures = [
            client.submit(execute_run, spec, key=f"run-{spec.run_id}", pure=False) for spec in specs
        ]
        for future in as_completed(futures):
            yield future.result()
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
