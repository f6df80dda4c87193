"""Recorded zero-cost proxies as features: a lookup in a table the caller supplies.

The table is a DataFrame of proxy scores, one row per arch, one column per proxy (the
NAS-Bench-Suite-Zero names: ``synflow``, ``jacov``, ...); predbench passes a task's ``proxies``.
Its index may use any arch form the space parses; it is canonicalized once in ``fit``.

A requested arch that the table lacks, or whose value is NaN (not recorded), raises ``KeyError``
naming the arch and the column: a silent NaN would reach a predictor as a real input. A proxy
that *failed* (NAS-Bench-Suite-Zero's −1e8) is a recorded value and passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import numpy as np
import pandas as pd

from ._base import ArchFeaturizer
from .spaces import SPACES


class RecordedProxies(ArchFeaturizer):
    """Recorded zero-cost proxy scores looked up per arch (columns ``zcp:<proxy>``).

    Parameters
    ----------
    space : str
        Search space name or alias (parses the requested archs and the table's index).
    proxies : pandas.DataFrame
        Proxy scores indexed by arch, one column per proxy.
    names : sequence of str or None
        Proxies to use, in this order; ``None``: every column of ``proxies``.

    Attributes
    ----------
    names_ : tuple of str
        The proxies used.
    index_ : pandas.Index
        Canonical arch ids of the table's rows.
    values_ : ndarray of float64
        ``(n_rows, n_proxies)`` scores aligned with ``index_``.
    """

    family = "zcp"
    supported_spaces = tuple(SPACES)

    def __init__(
        self,
        space: str = "nb201",
        proxies: pd.DataFrame | None = None,
        names: Sequence[str] | None = None,
    ) -> None:
        self.space = space
        self.proxies = proxies
        self.names = names

    def _fit_space(self, space: ModuleType) -> None:
        table = self.proxies
        if table is None:
            raise ValueError("the zcp family needs a proxies table (proxies=DataFrame)")
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"proxies must be a pandas DataFrame, got {type(table).__name__}")
        if isinstance(self.names, str):
            raise TypeError(f"names must be a list of proxy names, got the string {self.names!r}")
        names = list(table.columns) if self.names is None else list(self.names)
        missing = [n for n in names if n not in table.columns]
        if missing:
            raise KeyError(
                f"proxies table has no column {missing}; it has {[str(c) for c in table.columns]}"
            )
        if not names:
            raise ValueError("no proxy selected (names is empty)")
        index = pd.Index(space.parse_many(table.index), name="arch")
        if index.has_duplicates:
            dup = index[index.duplicated()][0]
            raise ValueError(f"proxies table has two rows for arch {dup!r}")
        self.names_ = tuple(str(n) for n in names)
        self.index_ = index
        self.values_ = table[names].to_numpy(dtype=np.float64)

    def _names(self) -> list[str]:
        return list(self.names_)

    def _blocks(self, archs: list[object]) -> list[np.ndarray]:
        ids = self._space.parse_many(archs)
        rows = self.index_.get_indexer(ids)
        absent = np.flatnonzero(rows < 0)
        if absent.size:
            arch = ids[absent[0]]
            raise KeyError(
                f"arch {arch!r} is not in the proxies table (needed for column "
                f"'zcp:{self.names_[0]}'); {absent.size} of {len(ids)} requested archs are missing"
            )
        values = self.values_[rows]
        nan_rows, nan_cols = np.nonzero(np.isnan(values))
        if nan_rows.size:
            arch, name = ids[nan_rows[0]], self.names_[nan_cols[0]]
            raise KeyError(
                f"arch {arch!r} has no recorded value for column 'zcp:{name}' (NaN in the "
                f"proxies table); {np.unique(nan_rows).size} of {len(ids)} requested archs lack one"
            )
        return [values]
