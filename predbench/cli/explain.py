"""``predbench explain``: SHAP feature importance of predictors, stored beside their results.

Two ways to say what to explain:

* ``--suite SUITE.toml``: runs of a suite (by default those with its largest training set and
  its first seed; ``--task``/``--features``/``--predictor``/``--train-size``/``--seed`` narrow or
  change the choice);
* ``--task nb201/cifar10 --features zcp+graf --predictor xgb --train-size 1024 --seed 0``: one
  run built from the options (repeat ``--task`` for several tasks: the cross-task rank table).

Each selected run is refitted exactly as the harness fits it and explained on its test
architectures; results go to the results store (``explain_*`` tables, SHAP matrices in Parquet
beside it) and, with ``-o DIR``, to CSV/Parquet tables in ``DIR``.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer

from predbench.explain._shap import DEFAULT_BACKGROUND_SIZE, DEFAULT_N_EXPLAIN

#: Name recorded as the suite of runs built from command-line options.
ADHOC_SUITE = "adhoc"


def register(app: typer.Typer) -> None:
    """Add the ``explain`` command to ``app``."""

    @app.command("explain")
    def explain(
        suite_file: Path | None = typer.Option(
            None, "--suite", help="Suite TOML whose runs to explain."
        ),
        tasks: list[str] | None = typer.Option(
            None, "--task", "-t", help="Task key, e.g. nb201/cifar10 (repeatable)."
        ),
        task_file: Path | None = typer.Option(
            None, "--task-file", help="Your own benchmark file (JSON/CSV) as a task; needs --space."
        ),
        space: str | None = typer.Option(None, "--space", help="Search space of --task-file."),
        features: list[str] | None = typer.Option(
            None, "--features", "-f", help="Feature set, e.g. zcp+graf (repeatable with --suite)."
        ),
        predictors: list[str] | None = typer.Option(
            None, "--predictor", "-p", help="Predictor name or suite label (repeatable)."
        ),
        train_size: int | None = typer.Option(
            None, "--train-size", "-n", min=1, help="Training-set size (suite: its largest)."
        ),
        seed: int | None = typer.Option(
            None, "--seed", min=0, help="Seed of the split and the predictor (suite: its first)."
        ),
        target: list[str] | None = typer.Option(
            None,
            "--target",
            help="Target column (repeatable; default val_accuracy). With --suite: keep these.",
        ),
        pool: str = typer.Option(
            "valid",
            "--pool",
            help="Pool without --suite: valid, all, or either with +proxies (as in suites).",
        ),
        method: str = typer.Option(
            "auto", "--method", help="SHAP route: auto, tree (exact) or permutation."
        ),
        background_size: int = typer.Option(
            DEFAULT_BACKGROUND_SIZE,
            "--background-size",
            min=1,
            help="Permutation route: background rows.",
        ),
        n_explain: str = typer.Option(
            "auto",
            "--n-explain",
            help=f"Test archs explained: auto (tree: all; permutation: {DEFAULT_N_EXPLAIN}) or N.",
        ),
        max_evals: str = typer.Option(
            "auto", "--max-evals", help="Permutation route: coalitions per row (auto: 2p+1)."
        ),
        jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Threads/processes for SHAP."),
        store_path: Path | None = typer.Option(
            None, "--store", help="Results store (default results/predbench.duckdb)."
        ),
        output: Path | None = typer.Option(
            None, "--output", "-o", help="Folder for CSV/Parquet tables of this invocation."
        ),
        force: bool = typer.Option(False, "--force", help="Recompute stored explanations."),
        top: int = typer.Option(10, "--top", min=1, help="Features shown per explanation."),
    ) -> None:
        """Explain fitted predictors with SHAP: feature ranks per task and across tasks."""
        from rich.console import Console

        from predbench.evaluation import DEFAULT_STORE
        from predbench.explain import ExplainSpec, ExplainStore

        console = Console(stderr=True)
        if task_file is not None:
            if space is None:
                raise typer.BadParameter("--task-file needs --space", param_hint="--space")
            tasks = [*(tasks or []), {"file": str(task_file), "space": space}]  # type: ignore[list-item]
        runs, suite_name = _select_runs(
            suite_file, tasks, features, predictors, train_size, seed, target, pool
        )
        evals = _auto_or_int(max_evals, "--max-evals")
        rows = _auto_or_int(n_explain, "--n-explain")
        if method not in ("auto", "tree", "permutation"):
            raise typer.BadParameter(
                f"unknown method {method!r}; choose from auto, tree, permutation",
                param_hint="--method",
            )
        specs = [
            ExplainSpec(
                run,
                method=method,
                background_size=background_size,
                n_explain=rows,
                max_evals=evals,
            )
            for run in runs
        ]
        store = ExplainStore(store_path or DEFAULT_STORE)
        store.set_suite(suite_name, "explain", [s.explain_id for s in specs])
        done = set() if force else store.done(s.explain_id for s in specs)
        todo = [s for s in specs if s.explain_id not in done]
        console.print(
            f"{len(specs)} explanation(s): {len(specs) - len(todo)} already in {store.path}, "
            f"{len(todo)} to compute"
        )
        _compute(todo, store, jobs, console, suite_name)
        ids = [s.explain_id for s in specs]
        _show_and_export(store, ids, top, output, console)


def _auto_or_int(value: str, option: str) -> int | str:
    if value == "auto":
        return value
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise typer.BadParameter(
            f"expected 'auto' or a positive integer, got {value!r}", param_hint=option
        )
    return number


def _select_runs(
    suite_file: Path | None,
    tasks: list[str] | None,
    features: list[str] | None,
    predictors: list[str] | None,
    train_size: int | None,
    seed: int | None,
    target: list[str] | None,
    pool: str,
) -> tuple[list, str]:
    from dataclasses import replace

    if isinstance(target, str):
        target = [target]
    from predbench.evaluation import SuiteError, expand, load_suite, parse_suite, validate_suite

    if suite_file is not None:
        from predbench.runs.suitefile import resolve

        try:
            suite, runs = load_suite(resolve(suite_file))
        except SuiteError as err:
            raise typer.BadParameter(str(err), param_hint="--suite") from None
        size = train_size if train_size is not None else max(suite.train_sizes)
        seeds = [seed] if seed is not None else [suite.seeds[0]]
        # A training size the suite does not list explains the same runs at that size.
        listed = size if size in suite.train_sizes else max(suite.train_sizes)
        chosen = [
            replace(r, train_size=size)
            for r in runs
            if r.train_size == listed
            and r.seed in seeds
            and (not tasks or r.task in tasks)
            and (not target or r.target in target)
            and (not features or r.features in features)
            and (not predictors or r.predictor in predictors or r.predictor_name in predictors)
        ]
        if not chosen:
            raise typer.BadParameter(
                f"no run of suite {suite.name!r} matches the options (seeds {list(suite.seeds)}, "
                f"tasks {list(suite.tasks)}, targets {list(suite.targets)}, feature sets "
                f"{[f.spec for f in suite.all_feature_sets()]}, predictors "
                f"{[p.label for p in suite.predictors]})",
                param_hint="--suite",
            )
        return chosen, suite.name
    missing = [
        name
        for name, value in (
            ("--task", tasks),
            ("--features", features),
            ("--predictor", predictors),
            ("--train-size", train_size),
        )
        if not value
    ]
    if missing:
        raise typer.BadParameter(
            f"without --suite, give {', '.join(missing)} (e.g. --task nb201/cifar10 "
            "--features zcp+graf --predictor xgb --train-size 1024)"
        )
    data = {
        "name": ADHOC_SUITE,
        "tasks": list(tasks or []),
        "target": list(target or ["val_accuracy"]),
        "features": list(features or []),
        "predictors": list(predictors or []),
        "train_sizes": [train_size],
        "seeds": [seed if seed is not None else 0],
        "pool": pool,
    }
    try:
        suite = parse_suite(data, "command line")
        return expand(suite, validate_suite(suite)), ADHOC_SUITE
    except SuiteError as err:
        raise typer.BadParameter(str(err).removeprefix("command line: ")) from None


def _compute(todo: list, store, jobs: int, console, suite: str) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from predbench.explain import explain_run

    if not todo:
        return
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        bar = progress.add_task("explaining", total=len(todo))
        for spec in todo:
            run = spec.run
            progress.update(
                bar,
                description=f"{run.task} {run.features} {run.predictor} n={run.train_size}",
            )
            explanation, row = explain_run(spec, n_jobs=jobs, suite=suite)
            store.add(explanation, row)
            progress.advance(bar)


def _show_and_export(store, ids: list[str], top: int, output: Path | None, console) -> None:
    from rich.table import Table

    from predbench.evaluation.store import write_frame
    from predbench.explain import aggregate_importance, family_table, rank_table

    wanted = set(ids)
    runs = store.runs()
    runs = runs[runs["explain_id"].isin(wanted)]
    importance = store.importance()
    importance = importance[importance["explain_id"].isin(wanted)]
    families = store.families()
    families = families[families["explain_id"].isin(wanted)]
    from rich.console import Console
    from rich.markup import escape

    out = Console()
    for run in runs.itertuples(index=False):
        rows = importance[importance["explain_id"] == run.explain_id].head(top)
        shown = run.task if run.target == "val_accuracy" else f"{run.task} · {run.target}"
        title = (
            f"{shown} · {run.features} · {run.predictor} · n={run.train_size} · seed "
            f"{run.seed} — τ = {run.kendall_tau:.3f}, {run.method} SHAP on {run.n_rows:,} test archs"
        )
        table = Table(title=escape(title), title_justify="left")
        table.add_column("rank", justify="right")
        table.add_column("feature", overflow="fold", min_width=24)
        table.add_column("mean |SHAP|", justify="right")
        table.add_column("share", justify="right")
        for r in rows.itertuples(index=False):
            table.add_row(
                f"{r.rank:g}", escape(r.feature), f"{r.mean_abs_shap:.4g}", f"{r.share:.1%}"
            )
        out.print(table)
    if output is None:
        return
    # Columns of the cross tables: a task, or "task · target" for targets other than accuracy.
    label = runs.set_index("explain_id").apply(
        lambda r: r["task"] if r["target"] == "val_accuracy" else f"{r['task']} · {r['target']}",
        axis=1,
    )
    importance = importance.assign(label=importance["explain_id"].map(label))
    keys = ("label", "features", "predictor", "train_size")
    averaged = aggregate_importance(importance, by=keys)
    write_frame(runs, output / "explain_runs.csv")
    write_frame(importance, output / "importance.csv")
    write_frame(importance, output / "importance.parquet")
    write_frame(families, output / "families.csv")
    written = ["explain_runs.csv", "importance.csv/.parquet", "families.csv"]
    for (feat, pred, size), group in averaged.groupby(
        ["features", "predictor", "train_size"], sort=False
    ):
        if group["label"].nunique() < 2:
            continue  # a rank table across tasks (or targets) needs two of them
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{feat}_{pred}_n{size}").strip("-")
        write_frame(rank_table(group, by="label").reset_index(), output / f"ranks_{stem}.csv")
        write_frame(family_table(group, by="label").reset_index(), output / f"families_{stem}.csv")
        written.append(f"ranks_{stem}.csv, families_{stem}.csv")
    console.print(f"wrote {', '.join(written)} to {output}")
