"""What every reader returns, and the conversions they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np
import pandas as pd

from featurizers.spaces import InvalidArchError, get_space

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
    same file (another spelling of it, or a cell the space treats as the same).
    """

    targets: pd.DataFrame
    proxies: pd.DataFrame
    proxy_times: pd.DataFrame
    duplicates: int = 0
    notes: list[str] = field(default_factory=list)

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
    space: str | ModuleType, keys: Sequence[object], origin: str, labels: Sequence[str]
) -> list[str]:
    """Canonical ids of ``keys``; an unparsable key raises :class:`ArchParseError`.

    ``labels[i]`` says where key ``i`` sits in ``origin`` ("line 12", "cifar10 / <key>").
    """
    module = get_space(space)
    try:
        return module.parse_many(keys)
    except InvalidArchError as exc:
        pos = next((i for i, k in enumerate(keys) if k is exc.arch), None)
        if pos is None:
            pos = next((i for i, k in enumerate(keys) if _same(k, exc.arch)), 0)
        raise ArchParseError(
            f"{origin}, {labels[pos]}: cannot read architecture {keys[pos]!r} as a "
            f"{module.NAME} arch{f' ({exc.reason})' if exc.reason else ''}; expected "
            f"{module.EXPECTED}"
        ) from exc


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
    if dropped:
        if on_duplicate == "error":
            both = pd.concat([t, p], axis=1)
            first_rows = {arch: i for i, arch in reversed(list(enumerate(index)))}
            for i in np.flatnonzero(dup):
                j = first_rows[index[i]]
                a, b = both.iloc[i].to_numpy(), both.iloc[j].to_numpy()
                if not np.array_equal(a, b, equal_nan=True):
                    raise ArchParseError(
                        f"{origin}: {labels[i]} and {labels[j]} name the same {index[i]!r} arch "
                        "with different values; keep one of them"
                    )
        keep = ~dup
        t, p, s = t[keep], p[keep], s[keep]
    return SourceTable(targets=t, proxies=p, proxy_times=s, duplicates=dropped)
