"""The ask/tell contract every search strategy follows.

A strategy proposes canonical arch ids (:meth:`Strategy.ask`) and learns their objective values
(:meth:`Strategy.tell`); it never queries a benchmark itself. The loop driving it (an oracle, a
cluster of training jobs, a human) stays outside, which is what makes the same strategy usable on a
tabular benchmark and on real training.

Conventions shared by all strategies:

* Parameters are stored by ``__init__`` unchanged (scikit-learn style); :meth:`Strategy.start`
  receives the :class:`~predbench.search.SearchDomain` and the objective directions and turns
  ``random_state`` into a ``numpy.random.Generator``. Same seed, same domain, same told values →
  the same proposals.
* Told values are stored raw (``values_``) and as *scores* (``scores_`` = value × sign), larger
  always better, so a strategy never needs to know whether an objective is a latency.
* A strategy never proposes an arch it proposed before: a tabular re-query teaches nothing.
  ``ask(n)`` returns at most ``n`` archs, fewer only when it waits for pending results or the
  domain is exhausted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from predbench.search._domain import SearchDomain

#: Mutation attempts before a strategy falls back to a random unseen arch.
MAX_MUTATION_TRIES: int = 50


class NotStartedError(RuntimeError):
    """``ask``/``tell`` called before ``start``."""


class Strategy:
    """Base class of the search strategies (see the module docstring for the contract).

    Subclasses implement :meth:`_start`, :meth:`_ask` and optionally :meth:`_tell`, and set
    :attr:`batch_size`, the number of archs the loop should ask for at a time.

    Attributes
    ----------
    domain_ : SearchDomain
    rng_ : numpy.random.Generator
    signs_ : ndarray of shape (n_objectives,)
    archs_ : list of str
        Told archs, in the order told.
    values_, scores_ : ndarray of shape (n_told, n_objectives)
    score_of_ : dict of str to float
        First-objective score of each told arch.
    row_of_ : dict of str to int
        Row of each told arch in ``values_`` / ``scores_``.
    """

    #: Preferred number of archs per ``ask``.
    batch_size: int = 1
    #: Whether the strategy handles several objectives (else it optimizes the first).
    multi_objective: bool = False

    def __init__(self, random_state: Any = None):
        self.random_state = random_state

    # ------------------------------------------------------------ parameters
    @classmethod
    def _param_names(cls) -> list[str]:
        import inspect

        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters (scikit-learn style), used for run identities."""
        return {name: getattr(self, name) for name in self._param_names()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # ----------------------------------------------------------------- state
    def start(self, domain: SearchDomain, maximize: bool | Sequence[bool] = True) -> Strategy:
        """Reset the strategy onto ``domain``.

        Parameters
        ----------
        domain
            Archs the strategy may propose (``oracle.domain`` on a tabular benchmark).
        maximize
            Direction of each objective (one bool for a single objective).

        Returns
        -------
        self
        """
        if not isinstance(domain, SearchDomain):
            raise TypeError(f"start() needs a SearchDomain, got {type(domain).__name__}")
        flags = [bool(maximize)] if isinstance(maximize, (bool, np.bool_)) else list(maximize)
        if not flags:
            raise ValueError("start() needs at least one objective direction")
        self.domain_ = domain
        self.rng_ = np.random.default_rng(self.random_state)
        self.signs_ = np.where(np.asarray(flags, dtype=bool), 1.0, -1.0)
        self.archs_: list[str] = []
        self.values_ = np.empty((0, len(flags)))
        self.scores_ = np.empty((0, len(flags)))
        self.score_of_: dict[str, float] = {}
        self.row_of_: dict[str, int] = {}
        self.seen_ = np.zeros(len(domain), dtype=bool)
        self.pending_: set[str] = set()
        self._start()
        return self

    def _check_started(self) -> None:
        if not hasattr(self, "rng_"):
            raise NotStartedError(
                f"{type(self).__name__}: call start(domain) before ask() or tell()"
            )

    @property
    def n_told(self) -> int:
        return len(self.archs_)

    # --------------------------------------------------------------- ask/tell
    def ask(self, n: int | None = None) -> list[str]:
        """Up to ``n`` (default :attr:`batch_size`) new canonical arch ids to evaluate."""
        self._check_started()
        n = self.batch_size if n is None else int(n)
        if n < 1:
            raise ValueError(f"ask(n) needs n >= 1, got {n}")
        archs = self._ask(n)
        pos = self.domain_.positions(archs)
        if self.seen_[pos].any() or len(set(archs)) != len(archs):
            raise AssertionError(f"{type(self).__name__} proposed an arch twice: {archs}")
        self.seen_[pos] = True
        self.pending_.update(archs)
        return archs

    def tell(self, archs: Sequence[str], values: Sequence[float] | np.ndarray) -> None:
        """Report objective values of ``archs``.

        ``values`` has one entry per arch (one objective) or shape ``(n, n_objectives)``. Archs
        need not have been asked: telling results known beforehand warm-starts the strategy.
        """
        self._check_started()
        archs = list(archs)
        vals = np.asarray(values, dtype=np.float64)
        k = self.signs_.size
        if vals.ndim == 1 and k == 1:
            vals = vals[:, None]
        if vals.shape != (len(archs), k):
            raise ValueError(
                f"tell(): got values of shape {np.shape(values)} for {len(archs)} archs and "
                f"{k} objective(s); expected ({len(archs)},) or ({len(archs)}, {k})"
            )
        if np.isnan(vals).any():
            bad = archs[int(np.flatnonzero(np.isnan(vals).any(axis=1))[0])]
            raise ValueError(f"tell(): value of arch {bad!r} is NaN")
        pos = self.domain_.positions(archs)
        told = set(self.score_of_)
        again = [a for a in archs if a in told]
        if again:
            raise ValueError(f"tell(): arch {again[0]!r} was already told")
        self.seen_[pos] = True
        self.pending_.difference_update(archs)
        scores = vals * self.signs_
        self.row_of_.update((a, self.n_told + i) for i, a in enumerate(archs))
        self.archs_.extend(archs)
        self.values_ = np.vstack([self.values_, vals])
        self.scores_ = np.vstack([self.scores_, scores])
        for a, s in zip(archs, scores[:, 0], strict=True):
            self.score_of_[a] = float(s)
        self._tell(archs, scores)

    # ------------------------------------------------------------- results
    def best(self) -> tuple[str, np.ndarray]:
        """Best told arch on the first objective and its raw values."""
        self._check_started()
        if not self.archs_:
            raise ValueError(f"{type(self).__name__}: nothing told yet")
        i = int(np.argmax(self.scores_[:, 0]))
        return self.archs_[i], self.values_[i]

    # ------------------------------------------------------- for subclasses
    def _start(self) -> None:
        """Initialise subclass state (``domain_``, ``rng_`` are set)."""

    def _ask(self, n: int) -> list[str]:
        raise NotImplementedError

    def _tell(self, archs: list[str], scores: np.ndarray) -> None:
        """Update subclass state; ``scores`` are larger-is-better, shape (n, n_objectives)."""

    def _random_unseen(self, n: int, taken: set[str] | None = None) -> list[str]:
        """Up to ``n`` uniformly drawn archs never asked or told (and not in ``taken``)."""
        if taken:
            mask = self.seen_.copy()
            mask[self.domain_.positions(list(taken))] = True
        else:
            mask = self.seen_
        return self.domain_.sample(n, self.rng_, exclude=mask)

    def _mutant_pool(
        self, parents: list[str], n_mutants: int, max_edits: int, n_random: int
    ) -> list[str]:
        """Unseen candidates: ``n_mutants`` mutants of ``parents`` (cycled, 1..``max_edits`` edits
        each, duplicates dropped) plus ``n_random`` unseen random archs.

        The candidate pool of the predictor-guided strategies (BANANAS-style, ParEGO).
        """
        repeats = [parents[i % len(parents)] for i in range(n_mutants)]
        edits = self.rng_.integers(1, max_edits + 1, size=len(repeats))
        taken: set[str] = set()
        out: list[str] = []
        for arch in self.domain_.mutate_many(repeats, edits, self.rng_):
            if self._is_new(arch, taken):
                taken.add(arch)  # type: ignore[arg-type]
                out.append(arch)  # type: ignore[arg-type]
        out.extend(self._random_unseen(n_random, taken))
        return out

    def _is_new(self, arch: str | None, taken: set[str]) -> bool:
        if arch is None or arch in taken:
            return False
        pos = self.domain_.position.get(arch)
        return pos is not None and not self.seen_[pos]

    def _mutate_unseen(self, parent: str, taken: set[str]) -> str | None:
        """A mutation of ``parent`` never asked before; a random new arch after
        :data:`MAX_MUTATION_TRIES` misses; ``None`` when the domain is exhausted."""
        for _ in range(MAX_MUTATION_TRIES):
            child = self.domain_.mutate(parent, self.rng_)
            if self._is_new(child, taken):
                return child
        fallback = self._random_unseen(1, taken)
        return fallback[0] if fallback else None


class RoundBasedStrategy(Strategy):
    """A model-guided strategy that works in rounds (BANANAS-style, ParEGO).

    It evaluates ``n_init`` uniformly drawn archs first; after that each round refits its models on
    everything told and proposes a batch (:meth:`_round`), which ``ask`` hands out in pieces. A new
    round starts only when the previous batch is used up and every asked arch has been told, so
    the models always see all results. Subclasses set ``n_init`` and ``queue_ = []`` in
    ``_start`` and implement :meth:`_round`.
    """

    n_init: int
    queue_: list[str]

    def _ask(self, n: int) -> list[str]:
        missing = self.n_init - self.n_told - len(self.pending_)
        if missing > 0:
            return self._random_unseen(min(n, missing))
        if not self.queue_:
            if self.pending_:
                return []
            self.queue_ = self._round()
        out, self.queue_ = self.queue_[:n], self.queue_[n:]
        return out

    def _round(self) -> list[str]:
        """The next batch of unseen archs, chosen with models fitted on every told arch."""
        raise NotImplementedError
