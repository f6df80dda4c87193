"""Random search: the baseline every other strategy must beat."""

from __future__ import annotations

from typing import Any

from predbench.search._base import Strategy


class RandomSearch(Strategy):
    """Archs drawn uniformly from the domain without replacement.

    Parameters
    ----------
    batch_size
        Archs per ``ask`` when the loop does not say.
    random_state
        Seed (int), ``numpy.random.Generator`` or ``None``.
    """

    def __init__(self, batch_size: int = 1, random_state: Any = None):
        self.batch_size = batch_size
        self.random_state = random_state

    def _ask(self, n: int) -> list[str]:
        return self._random_unseen(n)
