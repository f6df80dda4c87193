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

import pandas as pd

from ._lookup import TableLookup
from .spaces import SPACES


class RecordedProxies(TableLookup):
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
    table_param = "proxies"
    item = "proxy"
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
