"""``predbench featurize``: write a feature table (one-hot, path, GRAF, ZCP) for archs of a space.

The ``zcp`` family needs proxy scores: either recorded ones (``--task nb201/cifar10``, read from
the benchmark files) or computed ones (``--proxies-file scores.json``, the NAS-Bench-Suite-Zero
JSON that ``predbench proxies`` writes, or any file :func:`predbench.data.load_task_from_file`
reads). From Python pass any DataFrame indexed by canonical id:
``featurizers.feature_table(..., zcp=task.proxies)``.
"""

from __future__ import annotations

from pathlib import Path

import typer

#: Output formats by file suffix.
FORMATS = (".parquet", ".csv")
CHUNK = 4096


def register(app: typer.Typer) -> None:
    """Add the ``featurize`` command to ``app``."""

    @app.command("featurize")
    def featurize(
        space: str = typer.Option(..., "--space", "-s", help="Search space: nb201, nb101, ..."),
        features: str = typer.Option(
            "graf", "--features", "-f", help="Feature set, e.g. graf, onehot+path+graf."
        ),
        archs: str = typer.Option(
            "all",
            "--archs",
            "-a",
            help="'all' (enumerable spaces) or a text file with one arch per line, in any form "
            "the space parses (blank lines and lines starting with # are skipped).",
        ),
        output: Path = typer.Option(
            ..., "--output", "-o", help="Output file: .parquet or .csv (index column 'arch')."
        ),
        graf_config: Path | None = typer.Option(
            None, "--graf-config", help="GRAF config JSON (the reference's format)."
        ),
        path_cutoff: int | None = typer.Option(
            None, "--path-cutoff", min=1, help="Keep only the first N path-encoding bits."
        ),
        task: str | None = typer.Option(
            None,
            "--task",
            "-t",
            help="zcp from this task's recorded proxies, e.g. nb201/cifar10; for transfer[...], "
            "the task predicted (its own labels are never read).",
        ),
        proxies_file: Path | None = typer.Option(
            None,
            "--proxies-file",
            "--task-file",
            help="zcp from your own file: scores from 'predbench proxies' or a benchmark "
            "(NAS-Bench-Suite-Zero JSON, or a CSV with an arch column).",
        ),
    ) -> None:
        """Compute features for archs of one search space and write them as a table."""
        from rich.console import Console

        from featurizers import parse_feature_set, supported_families
        from featurizers.spaces import get_space

        suffix = output.suffix.lower()
        if suffix not in FORMATS:
            raise typer.BadParameter(
                f"{output}: unknown format {suffix or '(none)'!r}; use one of {list(FORMATS)}",
                param_hint="--output",
            )
        try:
            module = get_space(space)
            feature_set = parse_feature_set(features)
            families = list(feature_set.families)
        except (KeyError, ValueError) as exc:
            raise typer.BadParameter(str(exc).strip("\"'")) from exc
        from featurizers import FAMILIES

        unknown = [f for f in families if f not in FAMILIES]
        if unknown:
            raise typer.BadParameter(
                f"unknown feature family {unknown[0]!r}; choose from {sorted(FAMILIES)}",
                param_hint="--features",
            )
        unsupported = [f for f in families if f not in supported_families(module.NAME)]
        if unsupported:
            raise typer.BadParameter(
                f"{module.NAME} has no {'/'.join(unsupported)} encoding; it supports "
                f"{supported_families(module.NAME)}",
                param_hint="--features",
            )
        if "transfer" in families and task is None:
            raise typer.BadParameter(
                "the transfer family reads other tasks' accuracy: pass --task SPACE/TASK, the "
                "task whose accuracy you predict (its own labels are never read)",
                param_hint="--features",
            )
        zcp = _proxy_scores(module.NAME, task, proxies_file) if "zcp" in families else None
        if zcp is not None and feature_set.proxies is not None:
            missing = [p for p in feature_set.proxies if p not in zcp.columns]
            if missing:
                raise typer.BadParameter(
                    f"no scores for proxies {missing}; the scores hold {list(zcp.columns)}",
                    param_hint="--features",
                )
            zcp = zcp[list(feature_set.proxies)]
        if zcp is None and "zcp" in families:
            raise typer.BadParameter(
                "the zcp family needs proxy scores: pass --task SPACE/TASK (recorded) or "
                "--proxies-file FILE (computed with 'predbench proxies')",
                param_hint="--features",
            )
        if zcp is not None and "zcp" not in families:
            raise typer.BadParameter("--task/--proxies-file given but zcp is not in --features")
        params: dict[str, dict[str, object]] = {}
        if graf_config is not None:
            if "graf" not in families:
                raise typer.BadParameter("--graf-config given but graf is not in --features")
            params["graf"] = {"config": graf_config}
        if path_cutoff is not None:
            if "path" not in families:
                raise typer.BadParameter("--path-cutoff given but path is not in --features")
            params["path"] = {"cutoff": path_cutoff}

        console = Console(stderr=True)
        ids = _read_archs(module, archs, zcp, console)
        if "transfer" in families:
            from predbench.evaluation.features import transfer_table
            from predbench.runs.cache import cached_task

            try:
                targets = transfer_table(cached_task(str(task)), feature_set.sources or (), ids)
            except (KeyError, ValueError) as exc:
                raise typer.BadParameter(str(exc).strip("\"'"), param_hint="--features") from exc
            params["transfer"] = {"targets": targets}
        table = _compute(module.NAME, ids, families, params, console, zcp)
        _write_atomic(table, output)
        console.print(
            f"wrote {table.shape[0]:,} archs × {table.shape[1]:,} features ({'+'.join(families)}) "
            f"to {output}"
        )


def _proxy_scores(space: str, task: str | None, proxies_file: Path | None):
    """Proxy scores indexed by canonical id, from a task or a scores file (or None)."""
    if task is not None and proxies_file is not None:
        raise typer.BadParameter("give either --task or --proxies-file, not both")
    if task is None and proxies_file is None:
        return None
    from predbench.data import load_task, load_task_from_file

    try:
        loaded = load_task(task) if task is not None else load_task_from_file(proxies_file, space)
    except (KeyError, ValueError, FileNotFoundError) as exc:
        raise typer.BadParameter(str(exc).strip("\"'")) from exc
    if loaded.space != space:
        raise typer.BadParameter(f"task {loaded.key} is not in space {space}", param_hint="--task")
    return loaded.proxies


def _read_archs(module, archs: str, zcp=None, console=None) -> list[str]:
    """Canonical ids: every arch of the space, or the lines of a file (errors name the line).

    With proxy scores, ``all`` means every arch that has all of them; how many were left out, and
    for lack of which proxy, is printed.
    """
    from featurizers.spaces import EnumerableSpace, InvalidArchError

    if archs == "all" and zcp is not None:
        complete = zcp.notna().all(axis=1)
        if console is not None and not complete.all():
            lacking = zcp.isna().sum()
            reasons = ", ".join(f"{name} {int(n):,}" for name, n in lacking.items() if n)
            console.print(
                f"encoding the {int(complete.sum()):,} archs that have every proxy asked; left out "
                f"{int((~complete).sum()):,} of {len(zcp):,} (archs lacking each: {reasons}); "
                "pick proxies with zcp[a,b] to keep more",
                highlight=False,
                markup=False,
            )
        return list(zcp.index[complete])
    if archs == "all":
        if not isinstance(module, EnumerableSpace):
            raise typer.BadParameter(
                f"space {module.NAME} cannot be enumerated; pass a file of archs",
                param_hint="--archs",
            )
        return module.all_archs()
    from featurizers.io import UnreadableFileError, read_text

    path = Path(archs)
    try:
        text = read_text(path, "file of archs")
    except UnreadableFileError as exc:
        raise typer.BadParameter(str(exc), param_hint="--archs") from None
    lines = [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise typer.BadParameter(f"{path}: no architectures in the file", param_hint="--archs")
    ids: list[str] = []
    for start in range(0, len(lines), CHUNK):
        chunk = lines[start : start + CHUNK]
        try:
            ids.extend(module.parse_many([text for _, text in chunk]))
        except InvalidArchError:
            for number, text in chunk:  # find the first bad line
                try:
                    module.parse(text)
                except InvalidArchError as exc:
                    raise typer.BadParameter(
                        f"{path}:{number}: {exc}", param_hint="--archs"
                    ) from exc
            raise
    return ids


def _compute(space: str, ids: list[str], families: list[str], params, console, zcp=None):
    """The feature table, in chunks behind a progress bar (one call for small inputs)."""
    import pandas as pd
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from featurizers import feature_table

    parts = []
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"{space} {'+'.join(families)}", total=len(ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            try:
                parts.append(feature_table(space, chunk, families, params=params, zcp=zcp))
            except (ValueError, KeyError, FileNotFoundError, TypeError) as exc:
                raise typer.BadParameter(str(exc).strip("\"'")) from exc
            progress.advance(task, len(chunk))
    return pd.concat(parts, axis=0) if len(parts) > 1 else parts[0]


def _write_atomic(table, output: Path) -> None:
    """Write to a temporary file beside ``output``, then rename: never a half-written table."""
    from featurizers.io import atomic_write

    if output.suffix.lower() == ".parquet":
        atomic_write(output, lambda tmp: table.to_parquet(tmp, index=True))
    else:
        atomic_write(output, lambda tmp: table.to_csv(tmp, index=True))
