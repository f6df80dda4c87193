"""Regularized (aging) evolution, Real et al. 2019 ("Regularized Evolution for Image Classifier
Architecture Search").

A population of the ``population_size`` most recently evaluated archs. Each child: draw
``sample_size`` members uniformly without replacement, mutate the best of them once, evaluate,
append the child and drop the *oldest* member (not the worst): aging keeps the search from
settling on one lucky arch. Defaults follow NASLib's NB201 configuration (30 / 10).
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from predbench.search._base import Strategy


class RegularizedEvolution(Strategy):
    """Aging evolution with tournament parent selection and one-edit mutation.

    Parameters
    ----------
    population_size
        Archs kept alive; the first ``population_size`` evaluations are uniform random samples.
    sample_size
        Tournament size when picking a parent.
    batch_size
        Children per ``ask`` when the loop does not say (1: the sequential algorithm).
    random_state
        Seed (int), ``numpy.random.Generator`` or ``None``.
    """

    def __init__(
        self,
        population_size: int = 30,
        sample_size: int = 10,
        batch_size: int = 1,
        random_state: Any = None,
    ):
        self.population_size = population_size
        self.sample_size = sample_size
        self.batch_size = batch_size
        self.random_state = random_state

    def _start(self) -> None:
        if self.population_size < 1 or not 1 <= self.sample_size <= self.population_size:
            raise ValueError(
                f"RegularizedEvolution needs 1 <= sample_size <= population_size, got "
                f"sample_size={self.sample_size}, population_size={self.population_size}"
            )
        self.population_: deque[tuple[str, float]] = deque()

    def _ask(self, n: int) -> list[str]:
        filling = self.population_size - len(self.population_) - len(self.pending_)
        if filling > 0 or not self.population_:
            return self._random_unseen(max(1, min(n, filling)))
        members = list(self.population_)
        scores = np.array([s for _, s in members])
        taken: set[str] = set()
        out: list[str] = []
        for _ in range(n):
            size = min(self.sample_size, len(members))
            contenders = self.rng_.choice(len(members), size=size, replace=False)
            parent = members[int(contenders[np.argmax(scores[contenders])])][0]
            child = self._mutate_unseen(parent, taken)
            if child is None:
                break
            taken.add(child)
            out.append(child)
        return out

    def _tell(self, archs: list[str], scores: np.ndarray) -> None:
        for arch, score in zip(archs, scores[:, 0], strict=True):
            self.population_.append((arch, float(score)))
            while len(self.population_) > self.population_size:
                self.population_.popleft()
