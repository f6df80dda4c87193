"""Multi-objective strategies: accuracy against a hardware cost (HW-NAS-Bench latency / energy),
adversarial robustness, or both — any number of objectives.

:class:`NSGA2`
    Deb et al. 2002 on top of the GA of :mod:`._genetic`: parents by binary tournament on
    (front rank, crowding distance), children by uniform crossover and bitwise mutation, survival
    of the best ``population_size`` of parents and children by the same order.
:class:`ParEGO`
    Predictor-guided random scalarization (ParEGO, Knowles 2006, with any zoo predictor): each
    round fits one surrogate per objective, proposes mutants of the current Pareto set plus random
    archs, and fills the batch one arch at a time, each maximizing the augmented Chebyshev
    scalarization of the predicted (observed-range-normalized) scores under a fresh weight vector
    drawn uniformly from the simplex (one weight per objective), so one batch covers different
    trade-offs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from predbench.search._base import RoundBasedStrategy
from predbench.search._genetic import GeneticAlgorithm
from predbench.search._operators import crowding_distance
from predbench.search._pareto import non_dominated_sort, pareto_front


def rank_and_crowding_order(scores: np.ndarray) -> np.ndarray:
    """Indices sorted by NSGA-II preference: front rank ascending, crowding distance descending."""
    rank = non_dominated_sort(scores, maximize=True)
    crowd = np.zeros(scores.shape[0])
    for level in np.unique(rank):
        members = np.flatnonzero(rank == level)
        crowd[members] = crowding_distance(scores[members])
    return np.lexsort((-crowd, rank))


class NSGA2(GeneticAlgorithm):
    """NSGA-II over ops-array genomes (parameters as in :class:`GeneticAlgorithm`; binary
    tournaments by default)."""

    multi_objective = True

    def __init__(
        self,
        population_size: int = 20,
        tournament_size: int = 2,
        crossover_rate: float = 0.9,
        mutation_rate: float | None = None,
        batch_size: int = 1,
        random_state: Any = None,
    ):
        super().__init__(
            population_size=population_size,
            tournament_size=tournament_size,
            crossover_rate=crossover_rate,
            mutation_rate=mutation_rate,
            batch_size=batch_size,
            random_state=random_state,
        )

    def _fitness(self, members: list[str]) -> np.ndarray:
        scores = self.scores_[[self.row_of_[a] for a in members]]
        order = rank_and_crowding_order(scores)
        key = np.empty(len(members))
        key[order] = -np.arange(len(members), dtype=np.float64)
        return key


class ParEGO(RoundBasedStrategy):
    """Random Chebyshev scalarizations of per-objective surrogate predictions.

    Parameters
    ----------
    surrogate
        Template :class:`~predbench.search.PredictorSurrogate`; one copy is fitted per objective.
    n_init
        Random archs evaluated before the first fit.
    batch_size
        Archs evaluated per round.
    n_candidates
        Mutants of the current Pareto set proposed per round.
    max_mutations
        Each mutant receives a uniform number of edits in 1..max_mutations.
    n_random_candidates
        Uniformly drawn new archs added to the candidates each round.
    rho
        Weight of the linear term of the augmented Chebyshev scalarization.
    random_state
        Seed (int), ``numpy.random.Generator`` or ``None``.
    """

    multi_objective = True

    def __init__(
        self,
        surrogate: Any = None,
        n_init: int = 10,
        batch_size: int = 5,
        n_candidates: int = 200,
        max_mutations: int = 2,
        n_random_candidates: int = 100,
        rho: float = 0.05,
        random_state: Any = None,
    ):
        self.surrogate = surrogate
        self.n_init = n_init
        self.batch_size = batch_size
        self.n_candidates = n_candidates
        self.max_mutations = max_mutations
        self.n_random_candidates = n_random_candidates
        self.rho = rho
        self.random_state = random_state

    def _start(self) -> None:
        if self.surrogate is None:
            raise ValueError("ParEGO needs a surrogate")
        if self.n_init < 2:
            raise ValueError("ParEGO needs n_init >= 2")
        self.surrogates_ = [
            self.surrogate.copy(random_state=self.rng_) for _ in range(self.signs_.size)
        ]
        self.queue_: list[str] = []

    def _candidates(self) -> list[str]:
        front = np.flatnonzero(pareto_front(self.scores_, maximize=True))
        parents = [self.archs_[i] for i in front]
        return self._mutant_pool(
            parents, self.n_candidates, self.max_mutations, self.n_random_candidates
        )

    def _round(self) -> list[str]:
        pool = self._candidates()
        if len(pool) <= self.batch_size:
            return pool + self._random_unseen(self.batch_size - len(pool), set(pool))
        predicted = np.column_stack(
            [
                s.fit(self.archs_, self.scores_[:, j]).predict(pool)
                for j, s in enumerate(self.surrogates_)
            ]
        )
        low, high = self.scores_.min(axis=0), self.scores_.max(axis=0)
        z = (predicted - low) / np.where(high > low, high - low, 1.0)
        chosen: list[int] = []
        free = np.ones(len(pool), dtype=bool)
        for _ in range(self.batch_size):
            weights = self.rng_.dirichlet(np.ones(z.shape[1]))
            value = (weights * z).min(axis=1) + self.rho * (weights * z).sum(axis=1)
            value[~free] = -np.inf
            pick = int(np.argmax(value))
            chosen.append(pick)
            free[pick] = False
        return [pool[i] for i in chosen]
