"""Per-arch values looked up in a table the caller supplies (recorded proxies, other tasks' labels).

The table is a DataFrame indexed by arch (any form the space parses; canonicalized once in
``fit``), one column per value. A requested arch that the table lacks, or whose value is NaN,
raises ``KeyError`` naming the arch and the column: a silent NaN would reach a predictor as a
real input.
"""

from __future__ import annotations

from types import ModuleType
from typing import ClassVar

import numpy as np
import pandas as pd

from ._base import ArchFeaturizer


class TableLookup(ArchFeaturizer):
    """Base of the table-lookup families: subclasses name the table parameter and its items.

    Fitted attributes: ``names_`` (the columns used, in order), ``index_`` (canonical arch ids of
    the table's rows), ``values_`` (``(n_rows, n_columns)`` float64 values aligned with
    ``index_``).
    """

    #: Constructor parameter holding the table, and what one of its columns is called.
    table_param: ClassVar[str] = ""
    item: ClassVar[str] = "column"

    def _table(self) -> object:
        return getattr(self, self.table_param)

    def _fit_space(self, space: ModuleType) -> None:
        table, what = self._table(), self.table_param
        if table is None:
            raise ValueError(
                f"the {self.family} family needs a {what} table ({what}=DataFrame indexed by arch, "
                f"one column per {self.item})"
            )
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{what} must be a pandas DataFrame, got {type(table).__name__}")
        if isinstance(self.names, str):
            raise TypeError(
                f"names must be a list of {self.item} names, got the string {self.names!r}"
            )
        names = list(table.columns) if self.names is None else list(self.names)
        missing = [n for n in names if n not in table.columns]
        if missing:
            raise KeyError(
                f"{what} table has no column {missing}; it has {[str(c) for c in table.columns]}"
            )
        if not names:
            raise ValueError(f"no {self.item} selected (names is empty)")
        index = pd.Index(space.parse_many(table.index), name="arch")
        if index.has_duplicates:
            dup = index[index.duplicated()][0]
            raise ValueError(f"{what} table has two rows for arch {dup!r}")
        self.names_ = tuple(str(n) for n in names)
        self.index_ = index
        self.values_ = table[names].to_numpy(dtype=np.float64)

    def _names(self) -> list[str]:
        return list(self.names_)

    def _blocks(self, archs: list[object]) -> list[np.ndarray]:
        ids = self._space.parse_many(archs)
        rows = self.index_.get_indexer(ids)
        absent = np.flatnonzero(rows < 0)
        what, family = self.table_param, self.family
        if absent.size:
            arch = ids[absent[0]]
            raise KeyError(
                f"arch {arch!r} is not in the {what} table (needed for column "
                f"'{family}:{self.names_[0]}'); {absent.size} of {len(ids)} requested archs are "
                "missing"
            )
        values = self.values_[rows]
        nan_rows, nan_cols = np.nonzero(np.isnan(values))
        if nan_rows.size:
            arch, name = ids[nan_rows[0]], self.names_[nan_cols[0]]
            raise KeyError(
                f"arch {arch!r} has no recorded value for column '{family}:{name}' (NaN in the "
                f"{what} table); {np.unique(nan_rows).size} of {len(ids)} requested archs lack one"
            )
        return [values]
