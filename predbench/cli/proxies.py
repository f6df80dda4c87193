"""``predbench proxies``: compute zero-cost proxies for architectures and save them.

The output is NAS-Bench-Suite-Zero's JSON layout (``{dataset: {tuple key: {proxy: {score,
time}}}}``) or a parquet table; runs are resumable (see :mod:`featurizers.zerocost.store`).
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import typer

from featurizers.io import read_text

ARCHS_HELP = (
    "'all' (every arch of the space) or a file of archs: one per line (.txt; blank lines and "
    "'#' comments skipped), a JSON list, or a CSV with an 'arch', 'net_str' or 'net' column"
)


def read_archs(source: str, space) -> list[str]:
    """Canonical ids from ``'all'`` or a file; a bad entry raises naming the file and line."""
    if source.strip().lower() == "all":
        if not hasattr(space, "all_archs"):
            raise ValueError(f"space {space.NAME} cannot be enumerated; give a file of archs")
        return space.all_archs()
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"arch file {path} does not exist (expected 'all' or a file)")
    text = read_text(path, "file of archs")
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc}); expected a list of archs") from None
        items = list(data) if isinstance(data, (list, dict)) else None
        if items is None:
            raise ValueError(f"{path}: expected a JSON list of archs (or an object keyed by arch)")
        entries = [(f"{path} item {i}", a) for i, a in enumerate(items)]
    elif path.suffix == ".csv":
        import pandas as pd

        try:
            table = pd.read_csv(io.StringIO(text))
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ValueError(f"{path}: cannot read as CSV ({exc})") from None
        column = next((c for c in ("arch", "net_str", "net") if c in table.columns), None)
        if column is None:
            raise ValueError(
                f"{path}: no 'arch', 'net_str' or 'net' column (columns: {list(table.columns)})"
            )
        entries = [(f"{path} row {i + 2}", a) for i, a in enumerate(table[column])]
    else:
        lines = text.splitlines()
        entries = [
            (f"{path} line {i + 1}", line.strip())
            for i, line in enumerate(lines)
            if line.strip() and not line.strip().startswith("#")
        ]
    if not entries:
        raise ValueError(f"{path} lists no architectures")
    out = []
    for where, arch in entries:
        try:
            out.append(space.parse(arch))
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    return list(dict.fromkeys(out))


KEYS = ("canonical", "suite-zero")
#: Archs timed before a run to estimate its total time, and the smallest run that is timed.
PROBE_ARCHS = 2
PROBE_ABOVE = 20


def register(app: typer.Typer) -> None:
    @app.command("proxies")
    def proxies(
        output: Path = typer.Option(..., "-o", "--output", help="scores.json or scores.parquet"),
        space: str = typer.Option("nb201", help="search space (nb101, nb201, nb301, ...)"),
        archs: str = typer.Option("all", help=ARCHS_HELP),
        proxies: str = typer.Option("all", help="'all' or a comma-separated list of proxy names"),
        dataset: str = typer.Option(
            "cifar10", help="dataset or task of the space's network (cifar10, ninapro, ...)"
        ),
        batch_size: int = typer.Option(64, help="minibatch size (recorded NB201 values: 64)"),
        seed: int = typer.Option(0, help="seeds the minibatch and every arch's weights"),
        device: str = typer.Option("auto", help="auto, cpu or cuda[:i]"),
        data_root: Path | None = typer.Option(
            None, help="local dataset folder (torchvision layout); synthetic batch when absent"
        ),
        chunk_size: int | None = typer.Option(
            None, help="archs per chunk (the unit of resumption and of Dask tasks)"
        ),
        dtype: str = typer.Option("float32", help="float32 (as recorded) or float64"),
        threads: int | None = typer.Option(None, help="CPU threads for torch (per Dask worker)"),
        overwrite: bool = typer.Option(False, help="replace an existing output file"),
        keys: str = typer.Option(
            "canonical", help="JSON keys: canonical ids, or suite-zero (NASLib tuple keys)"
        ),
        dask_local: int | None = typer.Option(
            None, help="spread chunks over a local Dask cluster of N worker processes"
        ),
        scheduler: str | None = typer.Option(
            None, help="spread chunks over the Dask cluster at this scheduler address"
        ),
        yes: bool = typer.Option(False, "--yes", "-y", help="do not ask before a long run"),
        confirm_above: float = typer.Option(
            3600.0, help="ask for confirmation (when interactive) above this estimate, seconds"
        ),
    ) -> None:
        """Compute zero-cost proxies (NAS-Bench-Suite-Zero's 13) for many archs, resumably."""
        from rich.console import Console

        err = Console(stderr=True, soft_wrap=True)
        options = RunOptions(
            output, space, archs, proxies, dataset, batch_size, seed, device, data_root,
            chunk_size, dtype, threads, overwrite, keys, dask_local, scheduler, yes,
            confirm_above,
        )  # fmt: skip
        try:
            _run(options, err)
        except (ValueError, KeyError, FileNotFoundError, RuntimeError, OSError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
            raise typer.Exit(code=2) from None


@dataclass
class RunOptions:
    output: Path
    space: str
    archs: str
    proxies: str
    dataset: str
    batch_size: int
    seed: int
    device: str
    data_root: Path | None
    chunk_size: int | None
    dtype: str
    threads: int | None
    overwrite: bool
    keys: str
    dask_local: int | None
    scheduler: str | None
    yes: bool
    confirm_above: float


def _format_seconds(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _run(o: RunOptions, err) -> None:
    import torch

    from featurizers.spaces import get_space
    from featurizers.zerocost.engine import _MODULAR_CHUNK, ProxyEngine
    from featurizers.zerocost.store import ResumableRun

    if o.keys not in KEYS:
        raise ValueError(f"--keys must be one of {list(KEYS)}, got {o.keys!r}")
    if o.dask_local is not None and o.scheduler is not None:
        raise ValueError("give --dask-local or --scheduler, not both")
    if o.threads is not None:
        if o.threads < 1:
            raise ValueError(f"--threads must be ≥ 1, got {o.threads}")
        torch.set_num_threads(o.threads)
    space = get_space(o.space)
    engine_options = {
        "space": space.NAME,
        "proxies": o.proxies,
        "dataset": o.dataset,
        "batch_size": o.batch_size,
        "seed": o.seed,
        "device": o.device,
        "data_root": None if o.data_root is None else str(o.data_root),
        "chunk_size": o.chunk_size,
        "dtype": o.dtype,
    }
    engine = ProxyEngine(**engine_options)
    ids = read_archs(o.archs, space)
    run = ResumableRun(
        o.output,
        {
            "space": space.NAME,
            "dataset": engine.dataset,
            "proxies": list(engine.proxies),
            "batch_size": len(engine.batch),
            "seed": engine.seed,
            "minibatch": engine.batch.source,
            "dtype": str(engine.dtype).removeprefix("torch."),
            "network_version": int(engine.network.NETWORK_VERSION),
        },
    )
    if o.output.exists() and not o.overwrite:
        raise ValueError(f"{o.output} exists; pass --overwrite to replace it")
    chunks = run.load()
    done = {a for c in chunks for a in c.archs}
    remaining = [a for a in ids if a not in done]
    failures: Counter[str] = Counter()
    wanted = set(ids)

    def count_failures(chunk) -> None:
        for p, bad in chunk.failed.items():
            failures[p] += sum(
                bool(b) for a, b in zip(chunk.archs, bad, strict=True) if a in wanted
            )

    for c in chunks:
        count_failures(c)
    err.print(
        f"{len(ids)} archs, {len(remaining)} to score ({len(done & set(ids))} resumed from "
        f"{run.parts}); proxies {', '.join(engine.proxies)}; {space.NAME}/{engine.dataset}, "
        f"batch {len(engine.batch)} ({engine.batch.source}), seed {engine.seed}, "
        f"device {engine.device}",
        highlight=False,
    )
    start = time.perf_counter()
    scored = 0

    def keep(chunk) -> None:
        nonlocal scored
        run.save(chunk)
        chunks.append(chunk)
        count_failures(chunk)
        scored += len(chunk.archs)

    workers = o.dask_local or 1
    if len(remaining) > PROBE_ABOVE:
        probe, remaining = remaining[:PROBE_ARCHS], remaining[PROBE_ARCHS:]
        t0 = time.perf_counter()
        for chunk in engine.iter_chunks(probe, on_failure=lambda *_: None):
            keep(chunk)
        per_arch = (time.perf_counter() - t0) / len(probe)
        estimate = per_arch * len(remaining) / workers
        err.print(
            f"timed {len(probe)} archs: {per_arch:.2f} s/arch; estimated "
            f"{_format_seconds(estimate)} for the other {len(remaining)}"
            + (f" on {workers} workers" if workers > 1 else ""),
            highlight=False,
        )
        if estimate > o.confirm_above and not o.yes and sys.stdin.isatty():
            if not typer.confirm("continue?", default=False):
                err.print(f"stopped; {len(probe)} archs kept in {run.parts} (rerun resumes)")
                raise typer.Exit(code=1)
    if o.dask_local is not None or o.scheduler is not None:
        from featurizers.zerocost.cluster import dask_client, score_on_cluster

        settings = {**engine_options, "threads": o.threads or 1}
        size = o.chunk_size or _MODULAR_CHUNK["cpu"]
        with dask_client(o.dask_local, o.scheduler) as client, _bar() as bar:
            task = bar.add_task("scoring", total=len(remaining))

            def on_chunk(chunk) -> None:
                keep(chunk)
                bar.advance(task, len(chunk.archs))

            score_on_cluster(client, settings, remaining, size, on_chunk)
    else:
        for chunk in engine.iter_chunks(remaining, progress=True, on_failure=lambda *_: None):
            keep(chunk)
    elapsed = time.perf_counter() - start
    result = engine.collect(ids, chunks, elapsed)
    # parquet always carries both the canonical id (``arch``) and the tuple key (``net``)
    json_canonical = o.keys == "canonical" and o.output.suffix == ".json"
    key_of = str if json_canonical else space.to_tuple_key
    run.finish(result.scores, result.times, engine.dataset, key_of)
    rate = scored / elapsed if elapsed > 0 and scored else float("nan")
    err.print(
        f"wrote {o.output}: {len(ids)} archs × {len(engine.proxies)} proxies; "
        f"{elapsed:.1f} s for {scored} archs ({rate:.2f} archs/s); passes per chunk: "
        f"{engine.passes['forward']} forward, {engine.passes['backward']} backward",
        highlight=False,
    )
    if failures:
        detail = ", ".join(f"{p}: {n}" for p, n in sorted(failures.items()) if n)
        if detail:
            err.print(
                f"[yellow]warning:[/] NaN/inf scores recorded as -1e8 (synflow: −log 1e8): {detail}"
            )


def _bar():
    from featurizers.zerocost.engine import _progress

    return _progress()
