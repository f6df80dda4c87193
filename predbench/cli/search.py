"""``predbench search``: predictor-guided architecture search on tabular benchmarks.

One strategy from the command line, or a whole suite from a TOML file; trajectories go to a DuckDB
store, finished (task, strategy, seed) runs are skipped on a re-run, and a summary table closes the
output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

#: Default results file: the comparison results' store (search tables sit beside its runs).
DEFAULT_STORE = "results/predbench.duckdb"

SUMMARY_NOTE = (
    "seeds: runs of the strategy; domain: the archs searched (name and size); "
    "queries_to_top1%: median queries until an arch of the domain's best 1 % was found (a run "
    "that never found one counts as budget + 1); reached: runs that found one; best@N / test@N / "
    "hv@N: median best value, its test accuracy and hypervolume after N queries; hv_reference: "
    "the point the hypervolume is measured from (nadir of the whole table), the hypervolume being "
    "divided by that of every arch of the table."
)


def register(app: typer.Typer) -> None:
    """Add the ``search`` command to ``app``."""
    app.command("search")(search_command)


def _fail(message: str) -> typer.Exit:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=1)


def _parse_pairs(pairs: list[str], what: str) -> dict[str, Any]:
    """``["batch_size=10", "acquisition=ucb"]`` → ``{"batch_size": 10, "acquisition": "ucb"}``."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise _fail(f"{what} {pair!r} is not KEY=VALUE")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out[key.strip()] = value
    return out


def search_command(
    task: Annotated[
        list[str] | None,
        typer.Option("--task", "-t", help="Task such as nb201/cifar10 (repeatable)."),
    ] = None,
    task_file: Annotated[
        Path | None,
        typer.Option(help="Your own benchmark file (JSON/CSV) as the task; needs --space."),
    ] = None,
    space: Annotated[
        str | None, typer.Option(help="Search space of --task-file, e.g. nb201.")
    ] = None,
    strategy: Annotated[
        str | None,
        typer.Option(
            help="random, evolution, local, ga, fa-ga, bananas, nsga2 or parego.",
        ),
    ] = None,
    predictor: Annotated[
        str | None,
        typer.Option(help="Zoo predictor name (trained online) or a fitted .skops file."),
    ] = None,
    features: Annotated[
        str | None, typer.Option(help="Feature set for the predictor, e.g. path or zcp+graf.")
    ] = None,
    proxy: Annotated[
        str | None,
        typer.Option(help="Recorded zero-cost score used as the surrogate (e.g. nwot)."),
    ] = None,
    proxies_from: Annotated[
        str | None,
        typer.Option(
            help="zcp features: recorded (the task's files) or computed (the proxy engine, "
            "cached; any arch)."
        ),
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option(help="Strategy parameter KEY=VALUE (repeatable).")
    ] = None,
    predictor_param: Annotated[
        list[str] | None, typer.Option(help="Predictor parameter KEY=VALUE (repeatable).")
    ] = None,
    uncertainty: Annotated[
        str, typer.Option(help="ensemble, native (NGBoost/GP) or none.")
    ] = "ensemble",
    refit_every: Annotated[
        int | None,
        typer.Option(
            help="Refit the predictor every k results (0: never; default 1, or 0 for a file)."
        ),
    ] = None,
    label: Annotated[str | None, typer.Option(help="Name of the strategy in the results.")] = None,
    budget: Annotated[int, typer.Option(help="Distinct archs evaluated per run.")] = 150,
    seeds: Annotated[int, typer.Option(help="Runs per strategy, seeds 0..n-1.")] = 20,
    objectives: Annotated[
        str,
        typer.Option(help="Objective columns, e.g. val_accuracy or val_accuracy,edgegpu_latency."),
    ] = "val_accuracy",
    domain: Annotated[
        str, typer.Option(help="Archs searched: all, valid (valid cells) or proxies.")
    ] = "all",
    suite: Annotated[
        Path | None, typer.Option(help="Run a search suite TOML file instead of one strategy.")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(help=f"DuckDB results file (default: the suite's, or {DEFAULT_STORE})."),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on an existing Dask scheduler, e.g. tcp://host:8786.")
    ] = None,
    dask_local: Annotated[
        int | None,
        typer.Option("--dask-local", min=1, help="Start a local Dask cluster of N workers."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Run search strategies on tabular benchmarks; store and summarize their trajectories.

    The oracle answers only the objectives; test accuracy (where a task records it) is looked up
    for the best arch after each run and stored beside the trajectory, never shown to the search.
    """
    from rich.console import Console

    from predbench.search._store import SearchStore
    from predbench.search._suite import SearchSuite, run_suite, summarize

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # pipes and logs keep every column
    if scheduler is not None and dask_local is not None:
        raise _fail("give either --scheduler or --dask-local, not both")
    try:
        if suite is not None:
            if task or strategy:
                raise _fail("give either --suite or --task/--strategy, not both")
            from predbench.runs.suitefile import resolve

            spec = SearchSuite.load(resolve(suite))
            store_path = store or Path(spec.store or DEFAULT_STORE)
        else:
            tasks: list[Any] = list(task or [])
            if task_file is not None:
                if space is None:
                    raise _fail("--task-file needs --space (e.g. --space nb201)")
                tasks.append({"file": str(task_file), "space": space})
            if not tasks or not strategy:
                raise _fail("give --task (or --task-file) and --strategy (or --suite FILE)")
            settings: dict[str, Any] = {
                "name": strategy,
                "label": label,
                "params": _parse_pairs(param or [], "--param"),
                "predictor": predictor,
                "predictor_params": _parse_pairs(predictor_param or [], "--predictor-param"),
                "features": features,
                "proxy": proxy,
                "uncertainty": uncertainty,
                "refit_every": refit_every,
                "proxies_from": proxies_from,
            }
            spec = SearchSuite.from_mapping(
                {
                    "name": "cli",
                    "tasks": tasks,
                    "budget": budget,
                    "seeds": seeds,
                    "objectives": objectives,
                    "domain": domain,
                    "strategies": [{k: v for k, v in settings.items() if v not in (None, {})}],
                },
                source="command line",
            )
            store_path = store or Path(DEFAULT_STORE)
        runs = spec.runs()
        results = SearchStore(store_path)
        counts = run_suite(
            runs,
            results,
            n_jobs=jobs,
            scheduler=scheduler,
            dask_workers=dask_local,
            progress=progress,
        )
    except (KeyError, ValueError, TypeError, FileNotFoundError) as exc:
        raise _fail(
            str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        ) from None
    console.print(
        f"{counts.done} run(s) done, {counts.skipped} already in {store_path} "
        f"({counts.total} in total)"
    )
    for run, error in counts.failed:
        console.print(
            f"[bold red]failed:[/] {run.task} {run.strategy.resolved_label()} seed {run.seed}: "
            f"{error}",
            highlight=False,
        )
    # Every strategy the store holds for these tasks, not only this invocation's: one table
    # compares them (conditions never share a label).
    trajectories = results.trajectories()
    trajectories = trajectories[trajectories["task"].isin(spec.tasks)]
    if len(trajectories):
        summary = summarize(trajectories, results.runs())
        _print_summary(console, summary)
        console.print(SUMMARY_NOTE, highlight=False)
    if counts.failed:
        raise typer.Exit(code=1)


def _print_summary(console: Any, summary: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    # The hypervolume reference is one per task and objective set: stated once below the table.
    references = (
        summary[["task", "hv_reference"]].dropna().drop_duplicates()
        if "hv_reference" in summary.columns
        else summary.iloc[:0]
    )
    summary = summary.drop(columns=["hv_reference"], errors="ignore")
    table = Table(title="search summary (medians over seeds)")
    for col in summary.columns:
        table.add_column(str(col), justify="left" if col in ("task", "strategy") else "right")
    for _, row in summary.iterrows():
        # Text, not markup: labels such as "bananas[xgb/path]" must print as written.
        table.add_row(*[Text(f"{v:.2f}" if isinstance(v, float) else str(v)) for v in row.tolist()])
    console.print(table)
    for _, row in references.iterrows():
        console.print(Text(f"hv_reference ({row['task']}): {row['hv_reference']}"), highlight=False)
