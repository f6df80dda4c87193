"""Other tasks' recorded accuracy of the same arch as features: transfer from a tabular benchmark.

A benchmark such as NAS-Bench-201 records every cell's accuracy on several datasets. A user who
predicts accuracy on one dataset (their own, or one of the benchmark's) can read the others for
free: they are labels of *other* datasets, already paid for, and they rank cells much like the
target does. The family looks them up in a table the caller supplies — one column per source
task, named after it (``transfer:cifar100``) — like :class:`~featurizers.zcp.RecordedProxies`
does for proxy scores. Which tasks may serve as sources for which target (never the target's own
dataset) is the caller's rule; predbench enforces it in suites.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ._lookup import TableLookup
from .spaces import SPACES


class TransferTargets(TableLookup):
    """Accuracy of each arch on other tasks of its space (columns ``transfer:<task>``).

    Parameters
    ----------
    space : str
        Search space name or alias (parses the requested archs and the table's index).
    targets : pandas.DataFrame
        One column per source task (its recorded accuracy), indexed by arch.
    names : sequence of str or None
        Source columns to use, in this order; ``None``: every column of ``targets``.

    Attributes
    ----------
    names_ : tuple of str
        The source columns used.
    index_ : pandas.Index
        Canonical arch ids of the table's rows.
    values_ : ndarray of float64
        ``(n_rows, n_sources)`` values aligned with ``index_``.
    """

    family = "transfer"
    table_param = "targets"
    item = "source task"
    supported_spaces = tuple(SPACES)

    def __init__(
        self,
        space: str = "nb201",
        targets: pd.DataFrame | None = None,
        names: Sequence[str] | None = None,
    ) -> None:
        self.space = space
        self.targets = targets
        self.names = names
