"""``predbench report``: one self-contained HTML file from the results store."""

from __future__ import annotations

import time
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""

    @app.command("report")
    def report(
        store: Path | None = typer.Argument(
            None, help="Results store (default results/predbench.duckdb)."
        ),
        store_option: Path | None = typer.Option(
            None, "--store", help="Results store, as in compare/results/search (or positional)."
        ),
        output: Path | None = typer.Option(None, "--output", "-o", help="HTML file to write."),
        figures: Path | None = typer.Option(
            None,
            "--figures",
            help="Folder for every figure as SVG and PDF plus the CSV of its numbers, named "
            "<section>__<task>__<what> (e.g. curves__nb201-cifar10__tau-rho.pdf).",
        ),
        suites: list[str] | None = typer.Option(
            None,
            "--suite",
            "-s",
            help="Only this suite: its name or its TOML file (repeatable).",
        ),
        search_stores: list[Path] | None = typer.Option(
            None,
            "--search-store",
            help="Another DuckDB file holding `predbench search` runs (repeatable); search runs "
            "in the results store itself are always read.",
        ),
        title: str | None = typer.Option(None, "--title", help="Page title."),
    ) -> None:
        """Write an offline HTML report (τ/Spearman curves, heatmaps, SHAP plots, search) and/or
        its figures as SVG + PDF + CSV files for a paper."""
        from rich.console import Console

        from predbench.evaluation import DEFAULT_STORE
        from predbench.report import build_report, load_report_data, write_report

        console = Console(stderr=True)
        if store is not None and store_option is not None and store != store_option:
            raise typer.BadParameter(
                f"two stores given ({store} and --store {store_option}); give one",
                param_hint="--store",
            )
        store = store or store_option
        if output is None and figures is None:
            raise typer.BadParameter(
                "nothing to write: give --output FILE.html, --figures DIR, or both",
                param_hint="--output / --figures",
            )
        if figures is not None and figures.exists() and not figures.is_dir():
            raise typer.BadParameter(
                f"{figures}: exists and is not a folder", param_hint="--figures"
            )
        if output is not None and output.suffix.lower() not in (".html", ".htm"):
            raise typer.BadParameter(f"{output}: expected an .html file", param_hint="--output")
        names = [_suite_name(s) for s in suites or []]
        start = time.perf_counter()
        try:
            data = load_report_data(
                store or DEFAULT_STORE, suites=names, search_stores=search_stores or []
            )
        except (FileNotFoundError, KeyError) as err:
            raise typer.BadParameter(err.args[0] if err.args else str(err)) from None
        if data.is_empty:
            console.print(
                f"[yellow]warning:[/] nothing to report from {store or DEFAULT_STORE}"
                + (f" for suite(s) {', '.join(names)}" if names else "")
            )
        default_title = "predbench report" + (f": {', '.join(names)}" if names else "")
        title = title or default_title
        if output is None:
            build_report(data, title=title, figures_dir=figures)
        else:
            write_report(output, data, title=title, figures_dir=figures)
            size = output.stat().st_size
            console.print(f"wrote {output} ({size / 1024:,.0f} KiB)")
        if figures is not None:
            console.print(f"wrote the figures to {figures}/ as .svg, .pdf and .csv")
        console.print(f"done in {time.perf_counter() - start:.1f} s")


def _suite_name(value: str) -> str:
    """A suite name, or the ``name`` of a suite TOML file (its stem when it has none)."""
    import tomllib

    path = Path(value)
    if path.suffix.lower() != ".toml":
        return value
    if not path.is_file():
        raise typer.BadParameter(f"{path}: no such suite file", param_hint="--suite")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise typer.BadParameter(f"{path}: {err}", param_hint="--suite") from None
    head = data.get("suite", data) if isinstance(data.get("suite"), dict) else data
    return str(head.get("name", path.stem))
