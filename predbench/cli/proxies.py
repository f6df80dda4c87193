"""``predbench proxies``: compute zero-cost proxies for architectures and save them.

The output is NAS-Bench-Suite-Zero's JSON layout (``{dataset: {tuple key: {proxy: {score,
time}}}}``) or a parquet table; runs are resumable (see :mod:`featurizers.zerocost.store`).
"""

from __future__ import annotations

import io
import json
import time
from collections import Counter
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


def register(app: typer.Typer) -> None:
    @app.command("proxies")
    def proxies(
        output: Path = typer.Option(..., "-o", "--output", help="scores.json or scores.parquet"),
        space: str = typer.Option("nb201", help="search space"),
        archs: str = typer.Option("all", help=ARCHS_HELP),
        proxies: str = typer.Option("all", help="'all' or a comma-separated list of proxy names"),
        dataset: str = typer.Option("cifar10", help="cifar10, cifar100 or ImageNet16-120"),
        batch_size: int = typer.Option(64, help="minibatch size (recorded NB201 values: 64)"),
        seed: int = typer.Option(0, help="seeds the minibatch and every arch's weights"),
        device: str = typer.Option("auto", help="auto, cpu or cuda[:i]"),
        data_root: Path | None = typer.Option(
            None, help="local dataset folder (torchvision layout); synthetic batch when absent"
        ),
        chunk_size: int | None = typer.Option(
            None, help="archs per grouped computation (default: from free memory)"
        ),
        dtype: str = typer.Option("float32", help="float32 (as recorded) or float64"),
        threads: int | None = typer.Option(None, help="CPU threads for torch"),
        overwrite: bool = typer.Option(False, help="replace an existing output file"),
    ) -> None:
        """Compute zero-cost proxies (NAS-Bench-Suite-Zero's 13) for many archs, resumably."""
        from rich.console import Console

        err = Console(stderr=True, soft_wrap=True)
        try:
            _run(
                output, space, archs, proxies, dataset, batch_size, seed, device, data_root,
                chunk_size, dtype, threads, overwrite, err,
            )  # fmt: skip
        except (ValueError, KeyError, FileNotFoundError, RuntimeError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
            raise typer.Exit(code=2) from None


def _run(
    output: Path,
    space_name: str,
    archs: str,
    proxies: str,
    dataset: str,
    batch_size: int,
    seed: int,
    device: str,
    data_root: Path | None,
    chunk_size: int | None,
    dtype: str,
    threads: int | None,
    overwrite: bool,
    err,
) -> None:
    import torch

    from featurizers.spaces import get_space
    from featurizers.zerocost.engine import ProxyEngine
    from featurizers.zerocost.store import ResumableRun

    if threads is not None:
        if threads < 1:
            raise ValueError(f"--threads must be ≥ 1, got {threads}")
        torch.set_num_threads(threads)
    space = get_space(space_name)
    engine = ProxyEngine(
        space_name, proxies, dataset, batch_size, seed, device, data_root, chunk_size, dtype=dtype
    )
    ids = read_archs(archs, space)
    run = ResumableRun(
        output,
        {
            "space": space.NAME,
            "dataset": engine.info.name,
            "proxies": list(engine.proxies),
            "batch_size": len(engine.batch),
            "seed": engine.seed,
            "minibatch": engine.batch.source,
            "dtype": str(engine.dtype).removeprefix("torch."),
        },
    )
    if output.exists() and not overwrite:
        raise ValueError(f"{output} exists; pass --overwrite to replace it")
    chunks = run.load()
    done = {a for c in chunks for a in c.archs}
    remaining = [a for a in ids if a not in done]
    failures: Counter[str] = Counter()
    wanted = set(ids)
    for c in chunks:
        for p, bad in c.failed.items():
            failures[p] += sum(bool(b) for a, b in zip(c.archs, bad, strict=True) if a in wanted)
    err.print(
        f"{len(ids)} archs, {len(remaining)} to score ({len(done & set(ids))} resumed from "
        f"{run.parts}); proxies {', '.join(engine.proxies)}; {engine.info.name}, batch "
        f"{len(engine.batch)} ({engine.batch.source}), seed {engine.seed}, device {engine.device}",
        highlight=False,
    )
    start = time.perf_counter()

    def note_failure(proxy: str, names: list[str]) -> None:
        failures[proxy] += len(names)

    for chunk in engine.iter_chunks(remaining, progress=True, on_failure=note_failure):
        run.save(chunk)
        chunks.append(chunk)
    elapsed = time.perf_counter() - start
    result = engine.collect(ids, chunks, elapsed)
    run.finish(result.scores, result.times, engine.info.name, space.to_tuple_key)
    rate = len(remaining) / elapsed if elapsed > 0 and remaining else float("nan")
    err.print(
        f"wrote {output}: {len(ids)} archs × {len(engine.proxies)} proxies; "
        f"{elapsed:.1f} s for {len(remaining)} archs ({rate:.2f} archs/s); passes per chunk: "
        f"{engine.passes['forward']} forward, {engine.passes['backward']} backward",
        highlight=False,
    )
    if failures:
        detail = ", ".join(f"{p}: {n}" for p, n in sorted(failures.items()) if n)
        if detail:
            err.print(
                f"[yellow]warning:[/] NaN/inf scores recorded as -1e8 (synflow: −log 1e8): {detail}"
            )
