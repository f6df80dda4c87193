"""Local search, White, Nolen & Savani 2021 ("Local Search is State of the Art for Neural
Architecture Search Benchmarks").

Start from the best of ``n_init`` random archs; evaluate its whole neighbourhood (the space's
one-edit neighbours, in random order); move to the best neighbour if it beats the current arch,
otherwise the current arch is a local optimum and the search restarts from a new random arch. With
``first_improvement=True`` the move happens as soon as one neighbour improves (the cheaper
variant the paper also studies). Neighbours evaluated earlier are not re-evaluated, but their known
values take part in choosing the move.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from predbench.search._base import Strategy


class LocalSearch(Strategy):
    """Hill climbing over one-edit neighbourhoods with random restarts.

    Parameters
    ----------
    n_init
        Random archs evaluated before the first climb (it starts from the best).
    first_improvement
        Move as soon as a neighbour improves instead of after the whole neighbourhood.
    batch_size
        Archs per ``ask`` when the loop does not say.
    random_state
        Seed (int), ``numpy.random.Generator`` or ``None``.
    """

    def __init__(
        self,
        n_init: int = 10,
        first_improvement: bool = False,
        batch_size: int = 1,
        random_state: Any = None,
    ):
        self.n_init = n_init
        self.first_improvement = first_improvement
        self.batch_size = batch_size
        self.random_state = random_state

    def _start(self) -> None:
        if self.n_init < 1:
            raise ValueError(f"LocalSearch needs n_init >= 1, got {self.n_init}")
        self.current_: str | None = None
        self.queue_: list[str] = []
        self.restart_: str | None = None
        self.n_restarts_ = 0

    def _current_score(self) -> float:
        return self.score_of_[self.current_] if self.current_ is not None else -np.inf

    def _climb_from(self, arch: str) -> None:
        """Make ``arch`` current and queue its unevaluated neighbours in random order."""
        self.current_ = arch
        nbrs = [
            a for a in self.domain_.neighbours(arch) if not self.seen_[self.domain_.position[a]]
        ]
        order = self.rng_.permutation(len(nbrs))
        self.queue_ = [nbrs[i] for i in order]

    def _best_neighbour(self) -> tuple[str | None, float]:
        known = [
            (self.score_of_[a], a)
            for a in self.domain_.neighbours(self.current_)
            if a in self.score_of_
        ]
        if not known:
            return None, -np.inf
        score, arch = max(known)
        return arch, score

    def _ask(self, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            init_left = self.n_init - self.n_told - len(self.pending_) - len(out)
            if init_left > 0:
                drawn = self._random_unseen(min(n - len(out), init_left), set(out))
                if not drawn:
                    break
                out.extend(drawn)
                continue
            waiting = bool(self.pending_ or out)
            if self.current_ is None:
                if self.restart_ is not None or waiting:
                    break  # the start of the next climb is still being evaluated
                self._climb_from(self.archs_[int(np.argmax(self.scores_[:, 0]))])
            if self.queue_:
                out.append(self.queue_.pop())
                continue
            if waiting:
                break  # decide the move once the whole neighbourhood is known
            arch, score = self._best_neighbour()
            if arch is not None and score > self._current_score():
                self._climb_from(arch)
                continue
            fresh = self._random_unseen(1)
            if not fresh:
                break
            self.n_restarts_ += 1
            self.restart_ = fresh[0]
            self.current_ = None
            out.append(fresh[0])
        return out

    def _tell(self, archs: list[str], scores: np.ndarray) -> None:
        if self.restart_ is not None and self.restart_ in archs:
            self._climb_from(self.restart_)
            self.restart_ = None
            return
        if self.first_improvement and self.current_ is not None:
            for arch, score in zip(archs, scores[:, 0], strict=True):
                if score > self._current_score() and arch in self.domain_.neighbours(self.current_):
                    self._climb_from(arch)
                    break
