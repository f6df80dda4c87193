"""``predbench featurize``: write a feature table (one-hot, path, GRAF) for archs of a space.

Recorded zero-cost proxies (the ``zcp`` family) come from a task's files; from Python pass them
as ``featurizers.feature_table(..., zcp=task.proxies)``.
"""

from __future__ import annotations

import os
import uuid
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
    ) -> None:
        """Compute features for archs of one search space and write them as a table."""
        from rich.console import Console

        from featurizers import parse_families, supported_families
        from featurizers.spaces import get_space

        suffix = output.suffix.lower()
        if suffix not in FORMATS:
            raise typer.BadParameter(
                f"{output}: unknown format {suffix or '(none)'!r}; use one of {list(FORMATS)}",
                param_hint="--output",
            )
        try:
            module = get_space(space)
            families = parse_families(features)
        except (KeyError, ValueError) as exc:
            raise typer.BadParameter(str(exc).strip("\"'")) from exc
        unsupported = [f for f in families if f not in supported_families(module.NAME)]
        if unsupported:
            raise typer.BadParameter(
                f"{module.NAME} has no {'/'.join(unsupported)} encoding; it supports "
                f"{supported_families(module.NAME)}",
                param_hint="--features",
            )
        if "zcp" in families:
            raise typer.BadParameter(
                "the zcp family needs recorded proxies, which the command line cannot load yet; "
                "use featurizers.feature_table(space, archs, 'zcp+...', zcp=proxies) from Python",
                param_hint="--features",
            )
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
        ids = _read_archs(module, archs)
        table = _compute(module.NAME, ids, families, params, console)
        _write_atomic(table, output)
        console.print(
            f"wrote {table.shape[0]:,} archs × {table.shape[1]:,} features ({'+'.join(families)}) "
            f"to {output}"
        )


def _read_archs(module, archs: str) -> list[str]:
    """Canonical ids: every arch of the space, or the lines of a file (errors name the line)."""
    from featurizers.spaces import InvalidArchError

    if archs == "all":
        if not hasattr(module, "all_archs"):
            raise typer.BadParameter(
                f"space {module.NAME} cannot be enumerated; pass a file of archs",
                param_hint="--archs",
            )
        return module.all_archs()
    path = Path(archs)
    if not path.is_file():
        raise typer.BadParameter(f"{path}: no such file", param_hint="--archs")
    lines = [
        (number, line.strip())
        for number, line in enumerate(path.read_text().splitlines(), start=1)
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


def _compute(space: str, ids: list[str], families: list[str], params, console):
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
                parts.append(feature_table(space, chunk, families, params=params))
            except (ValueError, KeyError, FileNotFoundError, TypeError) as exc:
                raise typer.BadParameter(str(exc).strip("\"'")) from exc
            progress.advance(task, len(chunk))
    return pd.concat(parts, axis=0) if len(parts) > 1 else parts[0]


def _write_atomic(table, output: Path) -> None:
    """Write to a temporary file beside ``output``, then rename: never a half-written table."""
    output.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name in the same folder (same file system, so the rename is atomic); the writer
    # creates it, so it gets the usual permissions.
    tmp = output.with_name(f".{output.name}.{uuid.uuid4().hex}.tmp")
    try:
        if output.suffix.lower() == ".parquet":
            table.to_parquet(tmp, index=True)
        else:
            table.to_csv(tmp, index=True)
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
