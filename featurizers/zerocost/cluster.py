"""Scoring chunks of archs on a Dask cluster, with the numbers of a local run.

Every score depends only on (settings, arch): weights and zen draws are seeded per arch and the
minibatch per run seed (see :mod:`.engine`), so a chunk scored on any worker equals the same
chunk scored locally. Each worker builds one :class:`~.engine.ProxyEngine` per settings and keeps
it; the client collects chunks in completion order and hands each to a callback (the CLI saves it
to the resumable parts folder at once).

With several GPUs on a worker's machine, worker ``i`` (its name in a
``distributed.LocalCluster``) uses ``cuda:(i mod #GPUs)`` when the device is ``auto`` or
``cuda``, so ``--dask-local N`` on an N-GPU machine puts one worker on each GPU.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from .engine import ChunkResult, ProxyEngine

_ENGINES: dict[tuple, ProxyEngine] = {}


def _worker_device(device: str) -> str:
    import torch

    if device not in ("auto", "cuda") or not torch.cuda.is_available():
        return device
    count = torch.cuda.device_count()
    try:
        from distributed import get_worker

        name = get_worker().name
        index = int(name) if str(name).isdigit() else 0
    except (ImportError, ValueError):
        index = 0
    return f"cuda:{index % count}"


def engine_for(settings: dict[str, Any]) -> ProxyEngine:
    """The worker's engine for ``settings`` (built once per worker process)."""
    key = tuple(sorted((k, str(v)) for k, v in settings.items()))
    if key not in _ENGINES:
        import torch

        options = dict(settings)
        threads = options.pop("threads", None)
        if threads:
            torch.set_num_threads(int(threads))
        options["device"] = _worker_device(str(options.get("device", "auto")))
        _ENGINES[key] = ProxyEngine(**options)
    return _ENGINES[key]


def score_chunk(settings: dict[str, Any], archs: list[str]) -> ChunkResult:
    """Score ``archs`` (canonical ids) on this worker; one merged :class:`ChunkResult`."""
    engine = engine_for(settings)
    parts = list(engine.iter_chunks(archs, on_failure=lambda _proxy, _names: None))
    return merge_chunks(parts)


def merge_chunks(parts: Sequence[ChunkResult]) -> ChunkResult:
    """One chunk from consecutive chunks (times: per-arch means weighted by chunk size)."""
    if len(parts) == 1:
        return parts[0]
    archs = [a for p in parts for a in p.archs]
    proxies = list(parts[0].scores)
    sizes = np.array([len(p.archs) for p in parts], dtype=np.float64)
    return ChunkResult(
        archs,
        {k: np.concatenate([p.scores[k] for p in parts]) for k in proxies},
        {k: np.concatenate([p.failed[k] for p in parts]) for k in proxies},
        {
            k: float(np.dot(sizes, [p.seconds_per_arch[k] for p in parts]) / sizes.sum())
            for k in parts[0].seconds_per_arch
        },
    )


@contextmanager
def dask_client(local_workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: a ``LocalCluster`` of ``local_workers`` single-threaded
    processes on 127.0.0.1, or a connection to ``scheduler``."""
    from distributed import Client, LocalCluster

    if (local_workers is None) == (scheduler is None):
        raise ValueError("give exactly one of a local worker count or a scheduler address")
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    if local_workers < 1:
        raise ValueError(f"--dask-local needs at least 1 worker, got {local_workers}")
    with (
        LocalCluster(
            n_workers=local_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def score_on_cluster(
    client: Any,
    settings: dict[str, Any],
    archs: Sequence[str],
    chunk_size: int,
    on_chunk: Callable[[ChunkResult], None],
) -> None:
    """Submit ``archs`` in chunks of ``chunk_size``; call ``on_chunk`` as each one finishes."""
    from distributed import as_completed

    chunks = [list(archs[i : i + chunk_size]) for i in range(0, len(archs), chunk_size)]
    futures = [client.submit(score_chunk, settings, c, pure=False) for c in chunks]
    for future in as_completed(futures):
        on_chunk(future.result())
        future.release()
