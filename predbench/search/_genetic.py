"""Generational genetic algorithms: a plain GA and the fitness-approximation GA (NAS-EA-FA style).

Both keep a population of ``population_size`` evaluated archs, breed children by tournament
selection, uniform crossover and bitwise mutation on ops-array genomes (:mod:`._operators`), and
keep the best ``population_size`` of parents and evaluated children ((μ+λ) survival).

* :class:`GeneticAlgorithm` evaluates every child.
* :class:`FitnessApproxGA` breeds a large pool each generation and evaluates only part of it: the
  ``top_k`` children a surrogate predicts best, plus the ``top_h`` remaining children farthest (in
  Hamming distance between genomes, i.e. distance between one-hot encodings) from everything
  already evaluated, so the surrogate keeps receiving data from regions it has not seen. The
  surrogate is any fitted-or-refitted predictor (:class:`~predbench.search.PredictorSurrogate`)
  or a recorded zero-cost score (:class:`~predbench.search.ProxySurrogate`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from predbench.search._base import Strategy
from predbench.search._operators import (
    bitwise_mutation,
    hamming_to_set,
    tournament,
    uniform_crossover,
)

#: Breeding rounds before a brood is completed with random archs.
MAX_BREEDING_ROUNDS: int = 20


class GeneticAlgorithm(Strategy):
    """Generational GA with tournament selection, uniform crossover and bitwise mutation.

    Parameters
    ----------
    population_size
        Survivors per generation, and children bred per generation.
    tournament_size
        Contenders per parent selection.
    crossover_rate
        Probability that a child mixes two parents (else it copies one before mutation).
    mutation_rate
        Per-gene mutation probability; ``None``: ``1 / n_edges``.
    batch_size
        Archs per ``ask`` when the loop does not say.
    random_state
        Seed (int), ``numpy.random.Generator`` or ``None``.
    """

    def __init__(
        self,
        population_size: int = 20,
        tournament_size: int = 3,
        crossover_rate: float = 0.5,
        mutation_rate: float | None = None,
        batch_size: int = 1,
        random_state: Any = None,
    ):
        self.population_size = population_size
        self.tournament_size = tournament_size
        self.crossover_rate = crossover_rate
        self.mutation_rate = mutation_rate
        self.batch_size = batch_size
        self.random_state = random_state

    # --------------------------------------------------------------- state
    def _start(self) -> None:
        if self.population_size < 2:
            raise ValueError(f"{type(self).__name__} needs population_size >= 2")
        self.domain_.require_ops()
        n_edges = self.domain_.to_ops(self.domain_.archs[:1]).shape[1]
        self.mutation_rate_ = (
            1.0 / n_edges if self.mutation_rate is None else float(self.mutation_rate)
        )
        self.population_: list[str] = []
        self.offspring_: list[str] = []
        self.queue_: list[str] = []
        self.generation_ = 0

    def _initialising(self) -> bool:
        return self.generation_ == 0

    def _ask(self, n: int) -> list[str]:
        if self._initialising():
            missing = self.population_size - len(self.population_) - len(self.pending_)
            if missing > 0:
                return self._random_unseen(min(n, missing))
            if self.pending_:
                return []
            self.generation_ = 1
        if not self.queue_:
            if self.pending_:
                return []
            self._next_generation()
        out, self.queue_ = self.queue_[:n], self.queue_[n:]
        return out

    def _tell(self, archs: list[str], scores: np.ndarray) -> None:
        target = self.population_ if self._initialising() else self.offspring_
        target.extend(archs)

    def _fitness(self, members: list[str]) -> np.ndarray:
        """Larger-is-better selection key of each member (the first objective's score)."""
        return np.array([self.score_of_[a] for a in members])

    def _survivors(self, pool: list[str]) -> list[str]:
        """(μ+λ) truncation: the ``population_size`` best of parents and children."""
        order = np.argsort(-self._fitness(pool), kind="stable")[: self.population_size]
        return [pool[i] for i in order]

    def _next_generation(self) -> None:
        if self.offspring_:
            self.population_ = self._survivors(self.population_ + self.offspring_)
            self.offspring_ = []
            self.generation_ += 1
        self.queue_ = self._select_children(self.population_size)

    def _select_children(self, n: int) -> list[str]:
        """Children to evaluate this generation (all bred children for the plain GA)."""
        return self._breed(n)

    # ------------------------------------------------------------ breeding
    def _breed(self, n: int, taken: set[str] | None = None) -> list[str]:
        """``n`` distinct new children of the current population."""
        taken = set() if taken is None else taken
        parents = list(self.population_)
        scores = self._fitness(parents)
        genomes = self.domain_.to_ops(parents)
        n_ops = self.domain_.n_ops
        out: list[str] = []
        for _ in range(MAX_BREEDING_ROUNDS):
            need = n - len(out)
            if need <= 0:
                break
            m = 2 * need + 8
            mothers = genomes[tournament(scores, m, self.tournament_size, self.rng_)]
            fathers = genomes[tournament(scores, m, self.tournament_size, self.rng_)]
            kids = uniform_crossover(mothers, fathers, self.crossover_rate, self.rng_)
            kids = bitwise_mutation(kids, self.mutation_rate_, n_ops, self.rng_)
            for arch in self.domain_.space.from_ops(kids):
                if self._is_new(arch, taken):
                    taken.add(arch)
                    out.append(arch)
                    if len(out) == n:
                        break
        if len(out) < n:
            out.extend(self._random_unseen(n - len(out), taken))
        return out


class FitnessApproxGA(GeneticAlgorithm):
    """GA that evaluates only the most promising and the most novel part of each brood.

    Parameters
    ----------
    surrogate
        Predicts a larger-is-better score from arch ids: a
        :class:`~predbench.search.PredictorSurrogate` (refitted on all evaluated archs each
        generation) or a :class:`~predbench.search.ProxySurrogate` (a recorded zero-cost score).
    population_size, tournament_size, crossover_rate, mutation_rate, batch_size, random_state
        As in :class:`GeneticAlgorithm`.
    pool_size
        Children bred per generation and scored by the surrogate.
    top_k
        Children with the best predicted score evaluated per generation.
    top_h
        Further children evaluated per generation: those farthest from every evaluated arch.
    """

    def __init__(
        self,
        surrogate: Any = None,
        population_size: int = 20,
        pool_size: int = 200,
        top_k: int = 8,
        top_h: int = 2,
        tournament_size: int = 3,
        crossover_rate: float = 0.5,
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
        self.surrogate = surrogate
        self.pool_size = pool_size
        self.top_k = top_k
        self.top_h = top_h

    def _start(self) -> None:
        if self.surrogate is None:
            raise ValueError("FitnessApproxGA needs a surrogate (a predictor or a proxy score)")
        if self.top_k < 1 or self.top_h < 0 or self.top_k + self.top_h > self.pool_size:
            raise ValueError(
                f"FitnessApproxGA needs top_k >= 1, top_h >= 0 and top_k + top_h <= pool_size; "
                f"got {self.top_k}, {self.top_h}, {self.pool_size}"
            )
        super()._start()
        self.surrogate_ = self.surrogate.copy(random_state=self.rng_)

    def _select_children(self, n: int) -> list[str]:
        pool = self._breed(self.pool_size)
        if len(pool) <= self.top_k + self.top_h:
            return pool
        self.surrogate_.fit(self.archs_, self.scores_[:, 0])
        predicted = self.surrogate_.predict(pool)
        best = np.argsort(-predicted, kind="stable")[: self.top_k]
        rest = np.setdiff1d(np.arange(len(pool)), best)
        chosen = [pool[i] for i in best]
        if self.top_h and rest.size:
            genomes = self.domain_.to_ops([pool[i] for i in rest])
            distance = hamming_to_set(genomes, self.domain_.to_ops(self.archs_))
            far = rest[np.lexsort((-predicted[rest], -distance))[: self.top_h]]
            chosen.extend(pool[i] for i in far)
        return chosen
