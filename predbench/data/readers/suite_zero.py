"""NAS-Bench-Suite-Zero files: the generation zips and the ``zc_<space>.json`` tables.

Zips (NASLib ``run/results/benchmarks/*.zip``, ``all_benchmarks_zen.zip``) hold JSON chunks
``<proxy>/benchmark--<benchmark>--<task>--<start>.json``; each chunk is a list of records
``{"idx", "arch", "<proxy>": {"score", "time"}, ["val_accuracy"]}``. One zip may cover several
benchmarks and tasks; it is parsed once per process and sliced per task.

JSON tables map ``{benchmark: {dataset: {arch: record}}}`` (also without the benchmark level, or
with only ``{arch: record}``); a record maps proxy → ``{"score", "time"}`` or a bare score, plus
``val_accuracy`` and any other numeric targets.
"""

from __future__ import annotations

import json
import math
import numbers
import re
import zipfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from featurizers.spaces import space_name

from ..task import FAILED_PROXY, PROXY_NAMES
from ._common import (
    MalformedFileError,
    SourceTable,
    canonical_ids,
    check_finite,
    table_from_columns,
)

_CHUNK = re.compile(r"(?:^|/)([^/]+)/benchmark--(.+?)--(.+)--(\d+)\.json$")
#: Record fields that identify an arch rather than measure it.
_ID_FIELDS = frozenset({"id", "idx", "arch"})


def read_suite_zip(path: str | Path, benchmark: str, task: str, space: str) -> SourceTable:
    """The records of one (benchmark, task) inside a NAS-Bench-Suite-Zero zip."""
    path = Path(path)
    stat = path.stat()
    groups = _zip_groups(str(path), stat.st_size, stat.st_mtime_ns)
    if (benchmark, task) not in groups:
        raise MalformedFileError(
            f"{path}: no records for benchmark {benchmark!r}, task {task!r}; the zip holds "
            f"{sorted(groups)}"
        )
    long = groups[(benchmark, task)]
    origin = f"{path} [{benchmark}/{task}]"
    return _long_to_table(long, space, origin)


@lru_cache(maxsize=16)
def _zip_groups(path: str, size: int, mtime_ns: int) -> dict[tuple[str, str], pd.DataFrame]:
    """Every record of a zip as long tables (arch, proxy, score, time, val) per (benchmark, task)."""
    cols: dict[tuple[str, str], dict[str, list[Any]]] = {}
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise MalformedFileError(f"{path}: not a zip file ({exc})") from exc
    with archive:
        for member in archive.namelist():
            m = _CHUNK.search(member)
            if not m:
                continue
            proxy, bench, task, _ = m.groups()
            try:
                records = json.loads(archive.read(member))
            except ValueError as exc:
                raise MalformedFileError(
                    f"{path}: member {member} is not valid JSON ({exc})"
                ) from exc
            if not isinstance(records, list):
                raise MalformedFileError(f"{path}: member {member} must hold a list of records")
            c = cols.setdefault(
                (bench, task), {"arch": [], "proxy": [], "score": [], "time": [], "val": []}
            )
            for i, rec in enumerate(records):
                where = f"{path}: member {member}, record {i}"
                if not isinstance(rec, dict) or "arch" not in rec or proxy not in rec:
                    raise MalformedFileError(f"{where}: needs fields 'arch' and {proxy!r}")
                score, seconds = _score_time(rec[proxy], where, proxy)
                c["arch"].append(rec["arch"])
                c["proxy"].append(proxy)
                c["score"].append(math.nan if score is None else _failed_if_not_finite(score))
                c["time"].append(seconds)
                c["val"].append(_number(rec.get("val_accuracy"), where, "val_accuracy"))
    return {key: pd.DataFrame(c) for key, c in cols.items()}


def _long_to_table(long: pd.DataFrame, space: str, origin: str) -> SourceTable:
    archs = pd.unique(long["arch"])
    pos = pd.Index(archs).get_indexer(long["arch"])
    n = len(archs)
    score_all = long["score"].to_numpy(dtype=float)
    time_all = long["time"].to_numpy(dtype=float)
    proxies: dict[str, np.ndarray] = {}
    times: dict[str, np.ndarray] = {}
    for proxy, rows in long.groupby("proxy", sort=False).indices.items():
        proxies[proxy] = np.full(n, np.nan)
        times[proxy] = np.full(n, np.nan)
        proxies[proxy][pos[rows]] = score_all[rows]
        times[proxy][pos[rows]] = time_all[rows]
    targets: dict[str, np.ndarray] = {}
    val = pd.Series(long["val"].to_numpy(dtype=float)).groupby(pos)
    if long["val"].notna().any():
        targets["val_accuracy"] = val.first().reindex(range(n)).to_numpy()
    labels = [f"arch {a!r}" for a in archs]
    ids = canonical_ids(space, list(archs), origin, labels)
    table = table_from_columns(ids, targets, proxies, times, origin=origin, labels=labels)
    differ = int(((val.max() - val.min()) > 0).sum())
    if differ:
        table.notes.append(
            f"{origin}: val_accuracy differs between proxy chunks for {differ} archs (kept the first)"
        )
    return table


def read_suite_json(
    path: str | Path,
    space: str,
    *,
    dataset: str | None = None,
    benchmark: str | None = None,
    on_duplicate: str = "first",
    strict: bool = False,
) -> SourceTable:
    """Records of one dataset from a NAS-Bench-Suite-Zero style JSON file.

    Parameters
    ----------
    path
        The JSON file.
    space
        Search space whose canonical ids index the result.
    dataset
        Which dataset to read when the file holds several (required then).
    benchmark
        Which top-level benchmark key to read (default: the one matching ``space``).
    on_duplicate
        What to do when two keys name the same arch (see :func:`table_from_columns`).
    strict
        A user's own file: ``NaN`` / ``Infinity`` (a target, a proxy score or time) is refused
        with :class:`MalformedFileError` naming the arch and field, instead of being read as a
        failed proxy; ``null`` or a missing field still means "not recorded".
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except ValueError as exc:
        raise MalformedFileError(f"{path}: not valid JSON ({exc})") from exc
    records, chosen = _find_records(data, path, space, dataset, benchmark)
    where = "" if chosen is None else f"dataset {chosen!r}, "
    archs = list(records)
    targets: dict[str, np.ndarray] = {}
    proxies: dict[str, np.ndarray] = {}
    times: dict[str, np.ndarray] = {}
    n = len(archs)
    for i, arch in enumerate(archs):
        rec = records[arch]
        at = f"{path}: {where}arch {arch!r}"
        if not isinstance(rec, Mapping):
            raise MalformedFileError(f"{at}: expected an object of proxy / target fields")
        for key, value in rec.items():
            if key in _ID_FIELDS:
                continue
            if key in PROXY_NAMES or isinstance(value, Mapping):
                score, seconds = _score_time(value, at, key)
                if strict:
                    if score is not None:
                        check_finite(score, at, key, "proxy")
                    if not math.isnan(seconds):
                        check_finite(seconds, at, f"{key}.time", "value")
                proxies.setdefault(key, np.full(n, np.nan))
                times.setdefault(key, np.full(n, np.nan))
                if score is not None:
                    proxies[key][i] = _failed_if_not_finite(score)
                times[key][i] = seconds
            else:
                number = _number(value, at, key)
                if strict and value is not None:
                    check_finite(number, at, key, "target")
                targets.setdefault(key, np.full(n, np.nan))[i] = number
    labels = [f"{where}arch {a!r}" for a in archs]
    ids = canonical_ids(space, archs, str(path), labels)
    table = table_from_columns(
        ids, targets, proxies, times, origin=str(path), labels=labels, on_duplicate=on_duplicate
    )
    table.dataset = chosen
    return table


def _find_records(
    data: Any, path: Path, space: str, dataset: str | None, benchmark: str | None
) -> tuple[Mapping[str, Any], str | None]:
    """Records of one dataset of ``{benchmark: {dataset: {arch: record}}}``, and its name."""
    if not isinstance(data, Mapping) or not data:
        raise MalformedFileError(f"{path}: expected a JSON object of datasets or architectures")
    if _is_records(data):
        return data, None
    empty = _empty_datasets(data)
    if empty is not None:
        raise MalformedFileError(
            f"{path}: holds no architectures ({empty} is empty); expected "
            "{dataset: {arch: {proxy: {score, time}, val_accuracy}}}"
        )
    first = next(iter(data.values()))
    if isinstance(first, Mapping) and not _is_records(first):
        data = data[_pick_benchmark(data, path, space, benchmark)]
    if not all(isinstance(v, Mapping) for v in data.values()):
        raise MalformedFileError(
            f"{path}: expected {{dataset: {{arch: {{proxy: {{score, time}}, val_accuracy}}}}}}"
        )
    names = list(data)
    if dataset is None:
        if len(names) != 1:
            raise MalformedFileError(f"{path}: holds datasets {names}; say which one to read")
        dataset = names[0]
    if dataset not in data:
        raise MalformedFileError(f"{path}: no dataset {dataset!r}; it holds {names}")
    records = data[dataset]
    if records and not _is_records(records):
        raise MalformedFileError(
            f"{path}: dataset {dataset!r} must map arch keys to records of proxies and targets"
        )
    return records, dataset


def _empty_datasets(data: Mapping[str, Any]) -> str | None:
    """``"dataset 'cifar10'"`` when every dataset (or benchmark/dataset) level is empty."""
    parts = []
    for name, value in data.items():
        if not isinstance(value, Mapping):
            return None
        if not value:
            parts.append(repr(name))
            continue
        inner = list(value.values())
        if _is_space(name) and all(isinstance(v, Mapping) and not v for v in inner):
            parts += [f"{name!r}/{k!r}" for k in value]
            continue
        return None
    return "dataset " + ", ".join(parts) if parts else None


def _is_space(name: str) -> bool:
    try:
        space_name(name)
    except KeyError:
        return False
    return True


def _pick_benchmark(data: Mapping[str, Any], path: Path, space: str, benchmark: str | None) -> str:
    names = list(data)
    if benchmark is not None:
        if benchmark not in data:
            raise MalformedFileError(f"{path}: no benchmark {benchmark!r}; it holds {names}")
        return benchmark
    wanted = space_name(space)
    matching = []
    for name in names:
        try:
            if space_name(name) == wanted:
                matching.append(name)
        except KeyError:
            continue
    if len(matching) == 1:
        return matching[0]
    if len(names) == 1 and not matching:
        raise MalformedFileError(f"{path}: holds benchmark {names[0]!r}, not space {wanted!r}")
    raise MalformedFileError(f"{path}: holds benchmarks {names}; say which one to read")


def _is_records(d: Mapping[str, Any]) -> bool:
    """``{arch: {field: number | {score, ...}}}`` (judged on the first entry)."""
    if not d:
        return False
    first = next(iter(d.values()))
    if not isinstance(first, Mapping) or not first:
        return False
    return any(
        (isinstance(v, numbers.Number) and not isinstance(v, bool))
        or (isinstance(v, Mapping) and "score" in v)
        or k in PROXY_NAMES
        or k == "val_accuracy"
        for k, v in first.items()
    )


def _score_time(value: Any, where: str, field: str) -> tuple[float | None, float]:
    """(score, seconds) of a proxy field: ``{"score", "time"}`` or a bare number."""
    if isinstance(value, Mapping):
        if "score" not in value:
            raise MalformedFileError(f"{where}: field {field!r} has no 'score' ({dict(value)!r})")
        score = _number(value["score"], where, f"{field}.score")
        seconds = _number(value.get("time"), where, f"{field}.time")
        return (None if value["score"] is None else score), seconds
    if value is None:
        return None, math.nan
    return _number(value, where, field), math.nan


def _failed_if_not_finite(score: float) -> float:
    return score if math.isfinite(score) else FAILED_PROXY


def _number(value: Any, where: str, field: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MalformedFileError(f"{where}: field {field!r} must be a number, got {value!r}")
    return float(value)
