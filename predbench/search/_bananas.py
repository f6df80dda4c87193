"""Predictor-guided evolution in the style of BANANAS (White, Neiswanger & Savani, AAAI 2021).

After ``n_init`` random archs, each round

1. trains the surrogate on every evaluated arch (an ensemble of any zoo predictor over path / GRAF
   / zero-cost features, or NGBoost with its own predictive distribution);
2. proposes candidates by mutating the ``n_parents`` best evaluated archs (1…``max_mutations``
   edits each; BANANAS' "mutation" acquisition optimizer), optionally plus random archs;
3. scores every candidate with an acquisition function (ITS by default, UCB, EI, greedy) and
   evaluates the ``batch_size`` best.

Defaults follow NASLib's NB201 configuration for BANANAS (10 initial archs, 10 per round, 100
candidates from the 2 best archs, one mutation, ITS), except that candidates never asked before are
kept only once each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from predbench.search._acquisition import ACQUISITIONS, acquire
from predbench.search._base import RoundBasedStrategy


class Bananas(RoundBasedStrategy):
    """Surrogate + acquisition function over mutations of the best archs.

    Parameters
    ----------
    surrogate
        A :class:`~predbench.search.PredictorSurrogate` or :class:`~predbench.search.ProxySurrogate`.
    n_init
        Random archs evaluated before the surrogate is first trained.
    batch_size
        Archs evaluated per round (per surrogate fit).
    n_candidates
        Mutants proposed per round (duplicates and archs already asked are dropped).
    n_parents
        Best evaluated archs that are mutated.
    max_mutations
        Each mutant receives a uniform number of edits in 1..max_mutations.
    n_random_candidates
        Uniformly drawn new archs added to the candidates each round.
    acquisition
        ``"its"``, ``"ucb"``, ``"ei"`` or ``"greedy"`` (see :mod:`._acquisition`).
    explore
        UCB's weight on the spread.
    random_state
        Seed (int), ``numpy.random.Generator`` or ``None``.
    """

    def __init__(
        self,
        surrogate: Any = None,
        n_init: int = 10,
        batch_size: int = 10,
        n_candidates: int = 100,
        n_parents: int = 2,
        max_mutations: int = 1,
        n_random_candidates: int = 0,
        acquisition: str = "its",
        explore: float = 0.5,
        random_state: Any = None,
    ):
        self.surrogate = surrogate
        self.n_init = n_init
        self.batch_size = batch_size
        self.n_candidates = n_candidates
        self.n_parents = n_parents
        self.max_mutations = max_mutations
        self.n_random_candidates = n_random_candidates
        self.acquisition = acquisition
        self.explore = explore
        self.random_state = random_state

    def _start(self) -> None:
        if self.surrogate is None:
            raise ValueError("Bananas needs a surrogate (a predictor or a proxy score)")
        if self.acquisition not in ACQUISITIONS:
            raise KeyError(
                f"unknown acquisition function {self.acquisition!r}; choose from {list(ACQUISITIONS)}"
            )
        if self.n_init < 2 or self.max_mutations < 1 or self.n_parents < 1:
            raise ValueError("Bananas needs n_init >= 2, max_mutations >= 1 and n_parents >= 1")
        self.surrogate_ = self.surrogate.copy(random_state=self.rng_)
        self.queue_: list[str] = []
        self.n_rounds_ = 0

    def candidates(self) -> list[str]:
        """New archs proposed this round: mutants of the best archs plus random archs."""
        order = np.argsort(-self.scores_[:, 0], kind="stable")[: self.n_parents]
        parents = [self.archs_[i] for i in order]
        return self._mutant_pool(
            parents, self.n_candidates, self.max_mutations, self.n_random_candidates
        )

    def _round(self) -> list[str]:
        self.n_rounds_ += 1
        pool = self.candidates()
        if len(pool) < self.batch_size:
            pool.extend(self._random_unseen(self.batch_size - len(pool), set(pool)))
        if len(pool) <= self.batch_size:
            return pool
        self.surrogate_.fit(self.archs_, self.scores_[:, 0])
        mean, std = self.surrogate_.predict_dist(pool)
        value = acquire(
            self.acquisition,
            mean,
            std,
            best=float(self.scores_[:, 0].max()),
            rng=self.rng_,
            explore=self.explore,
        )
        best = np.argsort(-value, kind="stable")[: self.batch_size]
        return [pool[i] for i in best]
