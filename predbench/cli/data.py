"""``predbench data``: list the tasks, fetch benchmark files, summarize one task."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group to ``app``."""
    group = typer.Typer(
        name="data",
        help="Benchmark files and tasks: list them, fetch files, summarize a task.",
        no_args_is_help=True,
    )
    group.command("list")(list_tasks_command)
    group.command("fetch")(fetch_command)
    group.command("show")(show_command)
    app.add_typer(group, name="data")


def _console():  # rich is imported lazily, so no annotation
    """stdout console; wide when not a terminal (pipes, logs) so tables keep their columns."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def _fail(message: str) -> typer.Exit:
    from ._ui import fail

    return fail(message)


def _summarize_columns(names: tuple[str, ...]) -> str:
    """``val_accuracy, 10 HW-NAS-Bench, 27 HELP latency`` rather than 38 names."""
    from predbench.data.readers.hw_nas_bench import HW_UNITS
    from predbench.data.readers.robustness import robustness_targets

    hw = [n for n in names if n in HW_UNITS]
    help_ = [n for n in names if n.startswith("latency_")]
    robust = [n for n in names if n in robustness_targets()]
    rest = [n for n in names if n not in hw and n not in help_ and n not in robust]
    parts = rest + ([f"{len(robust)} robustness (attack × ε)"] if robust else [])
    parts += [f"{len(hw)} HW-NAS-Bench"] if hw else []
    parts += [f"{len(help_)} HELP latencies"] if help_ else []
    return ", ".join(parts)


def _summarize_proxies(names: tuple[str, ...]) -> str:
    from predbench.data import PROXY_NAMES

    if set(PROXY_NAMES) <= set(names):
        return "all 13"
    return ", ".join(names)


def list_tasks_command() -> None:
    """List every task: archs, targets, recorded proxies and source files (reads no file)."""
    from rich.table import Table

    from predbench.data import list_tasks

    table = Table(title="predbench tasks", show_lines=False)
    table.add_column("task")
    table.add_column("archs", justify="right")
    table.add_column("targets")
    table.add_column("proxies")
    table.add_column("source files")
    for info in list_tasks():
        files = [f.rsplit("/", 1)[-1] for f in info.files]
        shown = (
            ", ".join(files) if len(files) <= 4 else ", ".join(files[:3]) + f", +{len(files) - 3}"
        )
        table.add_row(
            info.key,
            f"{info.n_archs:,}",
            _summarize_columns(info.targets),
            _summarize_proxies(info.proxies),
            shown,
        )
    _console().print(table)


def fetch_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Registry file names (<owner>__<repo>/<path>) or task keys."),
    ] = None,
    all_files: Annotated[bool, typer.Option("--all", help="Fetch every registry file.")] = False,
) -> None:
    """Download benchmark files into the cache, checking their sha256."""
    from predbench.data import TASKS, DataIntegrityError, cache_dir, fetch_all, load_registry
    from predbench.data.catalog import task_info

    registry = load_registry()
    if all_files:
        wanted = list(registry)
    elif names:
        wanted = []
        for name in names:
            if name in registry:
                wanted.append(name)
                continue
            try:
                wanted.extend(task_info(name).files)
            except KeyError:
                raise _fail(
                    f"{name!r} is neither a registry file nor a task; see `predbench data list` "
                    f"(tasks: {', '.join(sorted(TASKS))})"
                ) from None
    else:
        raise _fail("name files or tasks to fetch, or pass --all")
    wanted = list(dict.fromkeys(wanted))
    try:
        paths = fetch_all(wanted, progress=True)
    except (DataIntegrityError, OSError) as exc:
        raise _fail(str(exc)) from None
    size = sum(p.stat().st_size for p in paths.values())
    _console().print(
        f"{len(paths)} file(s), {size / 2**20:.1f} MiB, verified in {cache_dir() / 'files'}",
        highlight=False,
    )


def show_command(
    key: Annotated[
        str,
        typer.Argument(
            help="Task key SPACE/TASK (e.g. nb201/cifar10), or your own .json/.csv file."
        ),
    ],
    space: Annotated[
        str | None, typer.Option("--space", "-s", help="Own file: its search space (nb201, ...).")
    ] = None,
    dataset: Annotated[
        str | None, typer.Option(help="Own JSON file: the dataset to read when it holds several.")
    ] = None,
    arch_column: Annotated[
        str | None, typer.Option(help="Own CSV file: the arch column (default arch, then net).")
    ] = None,
) -> None:
    """Summarize one task: archs, per-column counts, failed proxies, units, cross-file checks.

    A file of your own (NAS-Bench-Suite-Zero JSON or CSV keyed by arch) is read and checked the
    way suites read it; a bad file ends in one line naming the file, row and field.
    """
    from pathlib import Path

    from rich.table import Table

    from predbench.data import FAILED_PROXY, PROXY_NAMES, load_task, load_task_from_file
    from predbench.data.catalog import task_info

    own = Path(key)
    if own.suffix.lower() in (".json", ".csv") or own.exists():
        if space is None:
            raise _fail(f"{key}: a file of your own needs --space (nb201, nb101, nb301, ...)")
        task = load_task_from_file(own, space, dataset=dataset, arch_column=arch_column)
        description = f"your file {own}"
    else:
        if space or dataset or arch_column:
            raise _fail("--space/--dataset/--arch-column apply to a file of your own, not a task")
        try:
            info = task_info(key)
        except KeyError as exc:
            raise _fail(exc.args[0]) from None
        task = load_task(info.key, progress=True)
        description = info.description
    console = _console()
    console.print(f"[bold]{task.key}[/] — {description}", highlight=False)
    n_all13 = (
        len(task.archs_with(proxies=PROXY_NAMES))
        if set(PROXY_NAMES) <= set(task.proxies.columns)
        else 0
    )
    lines = [f"{len(task):,} archs"]
    if "val_accuracy" in task.targets.columns:
        n_val = int(task.targets["val_accuracy"].notna().sum())
        lines.append(f"{n_val:,} with val_accuracy")
    lines.append(f"{n_all13:,} with all 13 proxies")
    if "val_accuracy" in task.targets.columns and n_all13:
        both = len(task.archs_with("val_accuracy", PROXY_NAMES))
        lines.append(f"{both:,} with val_accuracy and all 13 proxies")
    console.print("; ".join(lines), highlight=False)

    columns = Table(title="columns", title_justify="left")
    for name, justify in (
        ("column", "left"),
        ("kind", "left"),
        ("recorded", "right"),
        ("failed (-1e8)", "right"),
        ("with time", "right"),
        ("flag", "left"),
        ("unit", "left"),
    ):
        columns.add_column(name, justify=justify)  # type: ignore[arg-type]
    for name in task.targets.columns:
        flag = task.flagged(name)
        columns.add_row(
            name,
            "target",
            f"{int(task.targets[name].notna().sum()):,}",
            "",
            "",
            "[bold yellow]" + flag.split(":")[0] + "[/]" if flag else "",
            task.units.get(name, ""),
        )
    for name in task.proxies.columns:
        values = task.proxies[name]
        columns.add_row(
            name,
            "proxy",
            f"{int(values.notna().sum()):,}",
            f"{int((values == FAILED_PROXY).sum()):,}",
            f"{int(task.proxy_times[name].notna().sum()):,}",
            "",
            task.units.get(name, ""),
        )
    console.print(columns)
    if task.flags:
        console.print(
            "[bold]flagged targets[/] (check before predicting them; Task.flagged gives why)"
        )
        for name, reason in task.flags.items():
            console.print(f"• {name}: {reason}", highlight=False)

    checks = task.cross_checks
    if checks is not None and len(checks):
        table = Table(title="files recording the same column (cross-checks)", title_justify="left")
        for name in (
            "column",
            "kept",
            "compared with",
            "shared",
            "equal",
            "max |diff|",
            "spearman",
        ):
            table.add_column(name)
        for row in checks.itertuples(index=False):
            kept = row.kept.split(" + ")
            table.add_row(
                row.column,
                kept[0] + (f" +{len(kept) - 1}" if len(kept) > 1 else ""),
                row.other,
                f"{row.n_shared:,}",
                f"{row.n_equal:,}",
                f"{row.max_abs_diff:.4g}",
                "" if row.spearman != row.spearman else f"{row.spearman:.4f}",
            )
        console.print(table)
    console.print("[bold]notes[/]")
    for note in task.notes:
        console.print(f"• {note}", highlight=False)
    console.print(
        f"[bold]sources[/] ({len(task.sources)}): " + ", ".join(task.sources), highlight=False
    )
