"""What every reader returns, and the conversions they share."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np
import pandas as pd

from featurizers.spaces import SPACES, InvalidArchError, get_space
from featurizers.spaces._errors import short_repr

from ..task import FAILED_PROXY, PROXY_NAMES


class MalformedFileError(ValueError):
    """A file that does not have the structure its format requires (names the file and field)."""


class ArchParseError(ValueError):
    """An arch key in a file that the space cannot parse (names the file, the row, the forms)."""


@dataclass
class SourceTable:
    """Targets, proxies and proxy times one file records, indexed by canonical arch id.

    ``proxies`` and ``proxy_times`` have the same index and columns; ``targets`` has the same
    index. ``duplicates`` counts rows dropped because their key named an arch met earlier in the
    same file (another spelling of it, or a cell the space treats as the same);
    ``duplicate_checks`` compares each dropped row with the kept one, per column (see
    :func:`compare_values`). ``dataset`` names the dataset read from a multi-dataset file.
    """

    targets: pd.DataFrame
    proxies: pd.DataFrame
    proxy_times: pd.DataFrame
    duplicates: int = 0
    notes: list[str] = field(default_factory=list)
    duplicate_checks: pd.DataFrame | None = None
    dataset: str | None = None

    def __post_init__(self) -> None:
        index = self.targets.index
        if not (self.proxies.index.equals(index) and self.proxy_times.index.equals(index)):
            raise ValueError("SourceTable: targets, proxies and proxy_times need one index")
        if not self.proxy_times.columns.equals(self.proxies.columns):
            raise ValueError("SourceTable: proxy_times needs the columns of proxies")


def sort_proxy_columns(columns: Sequence[str]) -> list[str]:
    """NAS-Bench-Suite-Zero's 13 proxies first, in their order; any other proxy after, sorted."""
    known = [p for p in PROXY_NAMES if p in columns]
    return known + sorted(c for c in columns if c not in PROXY_NAMES)


def failed_if_not_finite(values: pd.Series | np.ndarray) -> np.ndarray:
    """Recorded proxy scores with NaN / ±inf replaced by :data:`FAILED_PROXY`.

    NAS-Bench-Suite-Zero's scorer stores −1e8 when a score comes out NaN or infinite; applying the
    same rule to every file means one convention downstream. Only call this on values that were
    actually *recorded* (a missing value must stay NaN).
    """
    out = np.asarray(values, dtype=float).copy()
    out[~np.isfinite(out)] = FAILED_PROXY
    return out


def canonical_ids(
    space: str | ModuleType,
    keys: Sequence[object],
    origin: str,
    labels: Sequence[str],
    field: str | None = None,
) -> list[str]:
    """Canonical ids of ``keys``; an unparsable key raises :class:`ArchParseError`.

    ``labels[i]`` says where key ``i`` sits in ``origin`` ("line 12", "cifar10 / <key>");
    ``field`` names the column holding the keys, when there is one. When another space reads the
    key, the message says so: a file of the wrong space is the common cause.
    """
    module = get_space(space)
    try:
        return module.parse_many(keys)
    except InvalidArchError as exc:
        pos = next((i for i, k in enumerate(keys) if k is exc.arch), None)
        if pos is None:
            pos = next((i for i, k in enumerate(keys) if _same(k, exc.arch)), 0)
        column = f", column {field!r}" if field else ""
        raise ArchParseError(
            f"{origin}, {labels[pos]}{column}: cannot read architecture {short_repr(keys[pos])} as a "
            f"{module.NAME} arch{f' ({exc.reason})' if exc.reason else ''}"
            f"{_other_spaces_hint(keys[pos], module.NAME)}; expected {module.EXPECTED}"
        ) from exc


def _other_spaces_hint(key: object, space: str) -> str:
    """`` — it reads as a nb201 arch (wrong space?)`` when other spaces parse ``key``."""
    others = []
    for name in SPACES:
        if name == space:
            continue
        try:
            get_space(name).parse(key)
        except (InvalidArchError, ValueError, TypeError):
            continue
        others.append(name)
    if not others:
        return ""
    names = " / ".join(others)
    return f"; it reads as a {names} arch, so the file may be for space {others[0]!r}"


def check_finite(value: float, where: str, field: str, kind: str) -> None:
    """Refuse a NaN / ±inf value recorded in a user's own file, naming where and what to do.

    A user's file must say what it means: a missing value is left out (empty CSV cell, JSON
    ``null`` or no field), a proxy that failed is recorded as :data:`FAILED_PROXY` (−1e8).
    """
    if math.isfinite(value):
        return
    fix = (
        "record a failed proxy as -1e8 (FAILED_PROXY) and leave a value that was not measured empty"
        if kind == "proxy"
        else "leave a value that was not measured empty (or drop the row)"
    )
    raise MalformedFileError(f"{where}: {kind} {field!r} is {value!r}, not a finite number; {fix}")


def _same(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except (ValueError, TypeError):
        return False


def table_from_columns(
    ids: Sequence[str],
    targets: dict[str, np.ndarray],
    proxies: dict[str, np.ndarray],
    times: dict[str, np.ndarray],
    *,
    origin: str,
    labels: Sequence[str],
    on_duplicate: str = "first",
) -> SourceTable:
    """Assemble a :class:`SourceTable` from per-row columns, folding repeated arch ids.

    Rows naming an arch already seen are dropped. ``on_duplicate="error"`` raises instead when
    such a row disagrees with the first one (a user's file with two values for one arch);
    ``"first"`` keeps the first row and counts the drop (registry files, checked by tests).
    """
    index = pd.Index(ids, name="arch")
    order = sorted(proxies, key=sort_proxy_columns(list(proxies)).index)
    t = pd.DataFrame(targets, index=index)
    p = pd.DataFrame({k: proxies[k] for k in order}, index=index, columns=order, dtype=float)
    s = pd.DataFrame(
        {k: times.get(k, np.full(len(index), np.nan)) for k in order},
        index=index,
        columns=order,
        dtype=float,
    )
    dup = index.duplicated(keep="first")
    dropped = int(dup.sum())
    checks = None
    if dropped:
        first_row = pd.Series(np.arange(len(index))).groupby(np.asarray(index)).transform("first")
        kept_of = first_row.to_numpy()[dup]
        if on_duplicate == "error":
            both = pd.concat([t, p], axis=1).to_numpy(dtype=float)
            names = [*t.columns, *p.columns]
            for i, j in zip(np.flatnonzero(dup), kept_of, strict=True):
                if not np.array_equal(both[i], both[j], equal_nan=True):
                    col = next(
                        c
                        for c in range(len(names))
                        if not np.array_equal(both[i, c], both[j, c], equal_nan=True)
                    )
                    raise ArchParseError(
                        f"{origin}: {labels[i]} and {labels[j]} name the same {index[i]!r} arch "
                        f"with different values (field {names[col]!r}: {float(both[i, col])!r} vs "
                        f"{float(both[j, col])!r}); keep one of them"
                    )
        rows = []
        for kind, frame in (("target", t), ("proxy", p)):
            for column in frame.columns:
                values = frame[column].to_numpy(dtype=float)
                stats = compare_values(values[kept_of], values[dup])
                if stats["n_shared"]:
                    rows.append({"column": column, "kind": kind, **stats})
        checks = pd.DataFrame(rows) if rows else None
        keep = ~dup
        t, p, s = t[keep], p[keep], s[keep]
    return SourceTable(
        targets=t, proxies=p, proxy_times=s, duplicates=dropped, duplicate_checks=checks
    )


def compare_values(kept: np.ndarray, other: np.ndarray) -> dict[str, float | int]:
    """How far two recordings of the same column agree on the archs both hold.

    ``n_shared`` counts archs with a value in both, ``n_equal`` / ``n_differ`` those with exactly
    the same / another value (two failed proxies are equal). Over pairs where neither value is
    :data:`FAILED_PROXY`: ``max_abs_diff``, ``median_rel_diff`` (median of |a − b| / max(|a|, |b|)
    among pairs that differ) and ``spearman`` (NaN below 3 pairs or for a constant column).
    """
    both = ~np.isnan(kept) & ~np.isnan(other)
    a, b = kept[both], other[both]
    equal = a == b
    real = (a != FAILED_PROXY) & (b != FAILED_PROXY)
    diff = np.abs(a[real] - b[real])
    scale = np.maximum(np.abs(a[real]), np.abs(b[real]))
    rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    spearman = math.nan
    if real.sum() >= 3 and np.ptp(a[real]) > 0 and np.ptp(b[real]) > 0:
        spearman = float(pd.Series(a[real]).corr(pd.Series(b[real]), method="spearman"))
    return {
        "n_shared": int(both.sum()),
        "n_equal": int(equal.sum()),
        "n_differ": int((~equal).sum()),
        "max_abs_diff": float(diff.max()) if diff.size else 0.0,
        "median_rel_diff": float(np.median(rel[rel > 0])) if (rel > 0).any() else 0.0,
        "spearman": spearman,
    }
