"""``predbench compare``: run a suite of predictor comparisons into the results store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from predbench.cli._ui import console, fail, print_frame


def register(app: typer.Typer) -> None:
    """Add the ``compare`` command to ``app``."""
    app.command("compare")(compare_command)


def _seeds(text: str) -> int | list[int]:
    """``"5"`` → 5 (a count); ``"0,3,7"`` → [0, 3, 7]."""
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(
            f"expected a count or a comma list of integers, got {text!r}", param_hint="--seeds"
        ) from None
    if not values:
        raise typer.BadParameter("no seed given", param_hint="--seeds")
    return values[0] if "," not in text else values


def compare_command(
    suite_file: Annotated[
        Path,
        typer.Argument(help="Suite TOML file, or a built-in suite's name (predbench suites)."),
    ],
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Local worker processes.")] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on an existing Dask scheduler, e.g. tcp://host:8786."),
    ] = None,
    dask_local: Annotated[
        int | None,
        typer.Option(
            "--dask-local", min=1, help="Start a local Dask cluster of N workers on 127.0.0.1."
        ),
    ] = None,
    store: Annotated[Path, typer.Option(help="Results store (DuckDB file).")] = Path(
        "results/predbench.duckdb"
    ),
    metric: Annotated[str, typer.Option(help="Metric of the final table.")] = "kendall_tau",
    seeds: Annotated[
        str | None,
        typer.Option(
            "--seeds",
            help="Override the suite's seeds: a count (5 → 0..4) or a list (0,3,7).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and count the runs; run nothing.")
    ] = False,
) -> None:
    """Run every run of SUITE_FILE that the store does not have yet, then print the table.

    The suite is validated first (unknown task, target, feature family, predictor or parameter,
    or a train size larger than the task, stops here naming the key). Finished runs are skipped;
    an interrupted invocation loses only the runs in flight.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from predbench.evaluation import METRICS, ResultsStore, SuiteError, load_suite, run_suite
    from predbench.evaluation.harness import pending
    from predbench.evaluation.tables import comparison_table, pool_lines

    if scheduler is not None and dask_local is not None:
        raise fail("give either --scheduler or --dask-local, not both")
    if metric not in METRICS:
        raise fail(f"unknown metric {metric!r}; choose from {list(METRICS)}")
    from predbench.runs.suitefile import resolve

    overrides = {} if seeds is None else {"seeds": _seeds(seeds)}
    try:
        suite_file = resolve(suite_file)
        suite, runs = load_suite(suite_file, overrides=overrides)
    except SuiteError as err:
        raise fail(str(err)) from None
    results = ResultsStore(store)
    out = console()
    if dry_run:
        todo = pending(runs, results)
        out.print(
            f"suite [bold]{suite.name}[/]: {len({r.run_id for r in runs})} runs, "
            f"{len(todo)} to run, store {store}"
        )
        for spec in {(r.task, r.target, r.pool): r for r in runs}.values():
            out.print(
                f"pool of {spec.task}: {spec.pool} — {spec.pool_size:,} archs", highlight=False
            )
        return

    where = (
        f"Dask scheduler {scheduler}"
        if scheduler
        else f"local Dask cluster of {dask_local}"
        if dask_local
        else f"{jobs} local process{'es' if jobs > 1 else ''}"
    )
    failures: list[dict] = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=False,
    ) as progress:
        bar = progress.add_task(suite.name, total=None, failed="")

        def started(n_todo: int, n_skipped: int) -> None:
            progress.update(bar, total=n_todo)
            out.print(
                f"suite [bold]{suite.name}[/]: {n_todo} runs to do, {n_skipped} already in "
                f"{store}; running on {where}",
                highlight=False,
            )

        def stored(row: dict) -> None:
            if row["status"] != "ok":
                failures.append(row)
            progress.update(
                bar, advance=1, failed=f"[red]{len(failures)} failed" if failures else ""
            )

        summary = run_suite(
            runs,
            results,
            suite=suite.name,
            jobs=jobs,
            scheduler=scheduler,
            dask_workers=dask_local,
            on_start=started,
            on_result=stored,
        )
    frame = results.frame(run_ids=[r.run_id for r in runs])
    for line in pool_lines(frame):
        out.print(line, highlight=False)
    table = comparison_table(frame, metric)
    if not table.empty:
        print_frame(table, title=f"{suite.name}: {metric} (mean ± std over seeds, n seeds)")
    out.print(
        f"{summary.ok} runs done, {summary.failed} failed, {summary.skipped} skipped"
        + (f", {summary.by_others} done by another process" if summary.by_others else "")
        + f" in {summary.seconds:.1f} s; results in {store}",
        highlight=False,
    )
    if failures:
        last = failures[0]["error"].strip().splitlines()[-1]
        out.print(
            f"[red]first failure[/] ({failures[0]['predictor']}, "
            f"{failures[0]['features']}): {last}",
            highlight=False,
        )
        raise typer.Exit(code=2)
