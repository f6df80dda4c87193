"""``predbench results``: show or export what the results store holds."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from predbench.cli._ui import console, fail, print_frame


class Format(StrEnum):
    table = "table"
    csv = "csv"
    markdown = "markdown"
    parquet = "parquet"


class Level(StrEnum):
    cells = "cells"
    runs = "runs"


def register(app: typer.Typer) -> None:
    """Add the ``results`` command to ``app``."""
    app.command("results")(results_command)


def results_command(
    suite: Annotated[
        str | None,
        typer.Option(help="Only this suite's runs: a suite TOML file, or a suite name."),
    ] = None,
    store: Annotated[Path, typer.Option(help="Results store (DuckDB file).")] = Path(
        "results/predbench.duckdb"
    ),
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
    level: Annotated[
        Level | None,
        typer.Option(
            help="cells: one row per task × features × predictor (× train size); runs: one row "
            "per run. Default: cells for table/markdown, runs for csv/parquet."
        ),
    ] = None,
    metric: Annotated[str, typer.Option(help="Metric summarised at cell level.")] = "kendall_tau",
) -> None:
    """Print or export results: a comparison table, or every run with its settings and metrics."""
    from predbench.evaluation import METRICS, ResultsStore, SuiteError, aggregate, load_suite
    from predbench.evaluation.store import to_markdown, write_frame
    from predbench.evaluation.tables import comparison_table, labelled, pool_lines

    if metric not in METRICS:
        raise fail(f"unknown metric {metric!r}; choose from {list(METRICS)}")
    results = ResultsStore(store)
    if not results.exists():
        raise fail(f"no results store at {store} (run `predbench compare SUITE` first)")
    if suite is not None and suite.endswith(".toml"):
        from predbench.runs.suitefile import resolve

        try:
            loaded, runs = load_suite(resolve(suite))
        except SuiteError as err:
            raise fail(str(err)) from None
        frame = results.frame(run_ids=[r.run_id for r in runs])
    else:
        try:
            frame = results.frame(suite=suite)
        except KeyError as err:
            raise fail(err.args[0]) from None
    if frame.empty and suite is not None and suite.endswith(".toml"):
        stored = results.suite_runs(loaded.name, "compare") if results.exists() else None
        hint = (
            f"; the store holds {len(stored)} runs of suite {loaded.name!r} made with other settings "
            "(other data files or parameters): rerun `predbench compare` on the file"
            if stored
            else ""
        )
        raise fail(f"no results in {store} for the runs of {suite}{hint}")
    if frame.empty:
        raise fail(f"no results in {store}" + (f" for suite {suite!r}" if suite else ""))

    level = level or (Level.cells if fmt in (Format.table, Format.markdown) else Level.runs)
    if level is Level.runs:
        shown = labelled(frame)
    elif fmt in (Format.table, Format.markdown):
        shown = comparison_table(frame, metric)
    else:
        shown = aggregate(labelled(frame), metric)

    if fmt is Format.table:
        if output is not None:
            raise fail(
                "--format table prints to the terminal; use csv, markdown or parquet with -o"
            )
        if level is Level.runs:
            columns = ["task", "features", "predictor", "train_size", "seed", "status", metric]
            shown = shown[columns]
        for line in pool_lines(frame):
            console().print(line, highlight=False)
        print_frame(
            shown, title=f"{metric} (mean ± std over seeds)" if level is Level.cells else None
        )
        return
    if output is None:
        if fmt is Format.parquet:
            raise fail("parquet is binary: give a file with -o")
        text = to_markdown(shown) if fmt is Format.markdown else shown.to_csv(index=False)
        sys.stdout.write(text)
        return
    write_frame(shown, output, fmt.value)
    console().print(f"wrote {len(shown)} rows to {output}", highlight=False)
