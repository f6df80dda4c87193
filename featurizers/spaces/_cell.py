"""Shared machinery for cell spaces with one op per edge of a small fixed DAG (NB201, TNB101 micro).

A space module describes its cell once (op names, edges, how its id string looks) in a
:class:`EdgeCellSpace` and re-exports the bound methods as its module-level functions. Everything
that touches many cells works on an ``(n, n_edges)`` ops array through precomputed tables of the
whole space, so parsing, validating or pruning every cell costs milliseconds.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ._errors import InvalidArchError
from ._limits import bounded_list, check_text

#: Longest string read: op-name tuples and cell strings of 6 edges stay under 200 characters.
MAX_TEXT = 1024


@dataclass(frozen=True, eq=False)
class EdgeCellSpace:
    """A cell space: ``n_nodes`` nodes (0 input, last output), ops on ``edges``.

    Parameters
    ----------
    name, ops, none_op, edges
        Space name, op names by id, the id of the zero op, edges ``(source, target)`` in the
        order of the space's tuple key.
    format_id
        Canonical id string of one row of op ids.
    id_pattern
        Regex whose groups are op tokens of the canonical string (``id_groups`` says which tuple
        position each group fills; ``token_to_op`` maps a token to an op id or ``None``).
    expected
        Sentence describing the accepted forms, used in errors.
    """

    name: str
    ops: tuple[str, ...]
    none_op: int
    edges: tuple[tuple[int, int], ...]
    format_id: Callable[[Sequence[int]], str]
    id_pattern: re.Pattern[str]
    id_groups: tuple[int, ...]
    token_to_op: Callable[[str], int | None]
    expected: str
    n_nodes: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_nodes", 1 + max(d for _, d in self.edges))

    # ------------------------------------------------------------------ tables
    @property
    def n_ops(self) -> int:
        return len(self.ops)

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    @property
    def n_archs(self) -> int:
        return self.n_ops**self.n_edges

    @cached_property
    def _places(self) -> np.ndarray:
        return self.n_ops ** np.arange(self.n_edges - 1, -1, -1)

    @cached_property
    def ops_table(self) -> np.ndarray:
        """Every cell as an ``(n_archs, n_edges)`` int8 array in enumeration order."""
        idx = np.arange(self.n_archs)
        table = ((idx[:, None] // self._places[None, :]) % self.n_ops).astype(np.int8)
        table.flags.writeable = False
        return table

    @cached_property
    def ids_table(self) -> tuple[str, ...]:
        return tuple(self.format_id(row) for row in self.ops_table)

    @cached_property
    def lookup(self) -> dict[str, int]:
        """Canonical ids and tuple keys ``"(a, b, ...)"`` → enumeration index."""
        table: dict[str, int] = {}
        for i, (row, arch) in enumerate(zip(self.ops_table, self.ids_table, strict=True)):
            table[arch] = i
            table[tuple_key(row)] = i
        return table

    # ----------------------------------------------------------------- parsing
    def _ops_from_values(self, values: Sequence[object], arch: object) -> np.ndarray:
        if len(values) != self.n_edges:
            raise InvalidArchError(
                self.name, arch, self.expected, f"{len(values)} entries, need {self.n_edges}"
            )
        out = []
        for v in values:
            if isinstance(v, str):
                if v not in self.ops:
                    raise InvalidArchError(self.name, arch, self.expected, f"unknown op {v!r}")
                out.append(self.ops.index(v))
            elif (
                isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v < self.n_ops
            ):
                out.append(int(v))
            else:
                raise InvalidArchError(
                    self.name, arch, self.expected, f"op {v!r} is not an op id 0..{self.n_ops - 1}"
                )
        return np.asarray(out, dtype=np.int8)

    def parse_ops(self, arch: object) -> np.ndarray:
        """Op ids (tuple order) of one arch in any accepted form."""
        if isinstance(arch, str):
            hit = self.lookup.get(arch)
            if hit is not None:
                return self.ops_table[hit]
            check_text(self.name, arch, self.expected, MAX_TEXT)
            text = "".join(arch.split())
            m = self.id_pattern.match(text)
            if m:
                values: list[object] = [None] * self.n_edges
                for group, pos in zip(m.groups(), self.id_groups, strict=True):
                    op = self.token_to_op(group)
                    if op is None:
                        raise InvalidArchError(
                            self.name, arch, self.expected, f"unknown op {group!r}"
                        )
                    values[pos] = op
                return self._ops_from_values(values, arch)
            if text[:1] in "([" and text[-1:] in ")]":
                try:
                    value = ast.literal_eval(text)
                except (ValueError, SyntaxError) as exc:
                    raise InvalidArchError(
                        self.name, arch, self.expected, "not a tuple literal"
                    ) from exc
                if isinstance(value, (tuple, list)):
                    return self._ops_from_values(list(value), arch)
            raise InvalidArchError(self.name, arch, self.expected)
        if isinstance(arch, np.ndarray):
            if arch.ndim != 1 or arch.size > self.n_edges:
                raise InvalidArchError(
                    self.name, arch, self.expected, f"array of shape {arch.shape}"
                )
            return self._ops_from_values(arch.tolist(), arch)
        if isinstance(arch, (tuple, list)):
            values = bounded_list(arch, self.n_edges, self.name, arch, self.expected, "arch")
            return self._ops_from_values(values, arch)
        raise InvalidArchError(self.name, arch, self.expected, f"type {type(arch).__name__}")

    def parse(self, arch: object) -> str:
        """Canonical id of ``arch`` given in any accepted form."""
        return self.format_id(self.parse_ops(arch))

    def parse_many(self, archs: Iterable[object]) -> list[str]:
        """Canonical ids for many archs; a dict lookup for canonical ids and tuple keys."""
        lookup, ids = self.lookup, self.ids_table
        out = []
        for arch in archs:
            hit = lookup.get(arch) if isinstance(arch, str) else None
            out.append(ids[hit] if hit is not None else self.parse(arch))
        return out

    # ------------------------------------------------------------ conversions
    def to_index(self, archs: Iterable[object]) -> np.ndarray:
        """Enumeration indices (position in ``itertools.product(range(n_ops), repeat=n_edges)``)."""
        lookup = self.lookup
        out = []
        for arch in archs:
            hit = lookup.get(arch) if isinstance(arch, str) else None
            out.append(hit if hit is not None else int(self.parse_ops(arch) @ self._places))
        return np.asarray(out, dtype=np.int64)

    def from_index(self, index: Iterable[int] | np.ndarray) -> list[str]:
        idx = np.asarray(index, dtype=np.int64).ravel()
        if idx.size and (idx.min() < 0 or idx.max() >= self.n_archs):
            bad = idx[(idx < 0) | (idx >= self.n_archs)][0]
            raise IndexError(f"{self.name}: enumeration index {bad} outside 0..{self.n_archs - 1}")
        ids = self.ids_table
        return [ids[i] for i in idx]

    def to_ops(self, archs: Iterable[object]) -> np.ndarray:
        """``(n, n_edges)`` int8 ops array (tuple order) for many archs."""
        return self.ops_table[self.to_index(archs)]

    def from_ops(self, ops: np.ndarray) -> list[str]:
        ops = np.asarray(ops)
        if ops.ndim != 2 or ops.shape[1] != self.n_edges:
            raise ValueError(
                f"{self.name}: ops array must have shape (n, {self.n_edges}), got {ops.shape}"
            )
        if ops.size and (ops.min() < 0 or ops.max() >= self.n_ops):
            raise ValueError(f"{self.name}: op ids must lie in 0..{self.n_ops - 1}")
        return self.from_index(ops.astype(np.int64) @ self._places)

    def to_tuple_key(self, arch: object) -> str:
        """NASLib / NAS-Bench-Suite-Zero key such as ``"(4, 0, 3, 1, 4, 3)"``."""
        return tuple_key(self.parse_ops(arch))

    def all_archs(self) -> list[str]:
        return list(self.ids_table)

    # --------------------------------------------------------------- validity
    def live_edges(self, ops: np.ndarray) -> np.ndarray:
        """Edges on some input→output path made only of non-``none`` edges (``(n, n_edges)`` bool)."""
        ops = np.asarray(ops)
        on = ops != self.none_op
        n = ops.shape[0]
        fwd = np.zeros((n, self.n_nodes), dtype=bool)
        fwd[:, 0] = True
        for e, (s, d) in sorted(enumerate(self.edges), key=lambda x: x[1][1]):
            fwd[:, d] |= fwd[:, s] & on[:, e]
        bwd = np.zeros((n, self.n_nodes), dtype=bool)
        bwd[:, -1] = True
        for e, (s, d) in sorted(enumerate(self.edges), key=lambda x: -x[1][0]):
            bwd[:, s] |= bwd[:, d] & on[:, e]
        src = np.array([s for s, _ in self.edges])
        dst = np.array([d for _, d in self.edges])
        return on & fwd[:, src] & bwd[:, dst]

    def has_path(self, archs: Iterable[object]) -> np.ndarray:
        """Whether input and output are connected at all (False: the cell outputs zeros)."""
        return self.live_edges(self.to_ops(archs)).any(axis=1)

    def is_valid(self, archs: Iterable[object]) -> np.ndarray:
        """No op on a dead edge (GRAF / zc_combine rule; the all-``none`` cell counts as valid)."""
        ops = self.to_ops(archs)
        return ((ops != self.none_op) == self.live_edges(ops)).all(axis=1)

    def prune(self, archs: Iterable[object]) -> list[str]:
        """Set every dead edge to ``none``: the valid cell computing the same function."""
        ops = self.to_ops(archs).copy()
        ops[(ops != self.none_op) & ~self.live_edges(ops)] = self.none_op
        return self.from_ops(ops)

    # ------------------------------------------------------- sampling / moves
    def sample(
        self,
        n: int,
        random_state: np.random.Generator | int | None = None,
        *,
        valid_only: bool = False,
    ) -> list[str]:
        """``n`` cells drawn uniformly with replacement from the space (or its valid part)."""
        rng = np.random.default_rng(random_state)
        if not valid_only:
            return self.from_index(rng.integers(0, self.n_archs, size=n))
        pool = np.flatnonzero(self.is_valid(self.ids_table))
        return self.from_index(pool[rng.integers(0, pool.size, size=n)])

    def neighbours(self, arch: object) -> list[str]:
        """All cells differing from ``arch`` in exactly one edge op."""
        ops = self.parse_ops(arch)
        rows = []
        for e in range(self.n_edges):
            for op in range(self.n_ops):
                if op != ops[e]:
                    row = ops.copy()
                    row[e] = op
                    rows.append(row)
        return self.from_ops(np.stack(rows))

    def mutate(self, arch: object, random_state: np.random.Generator | int | None = None) -> str:
        """Change one uniformly chosen edge to a different, uniformly chosen op."""
        rng = np.random.default_rng(random_state)
        ops = self.parse_ops(arch).copy()
        e = int(rng.integers(self.n_edges))
        choices = [o for o in range(self.n_ops) if o != ops[e]]
        ops[e] = choices[int(rng.integers(len(choices)))]
        return self.format_id(ops)


def tuple_key(ops: Sequence[int]) -> str:
    """``"(a, b, c)"``: the Python tuple repr used as key by NASLib and NAS-Bench-Suite-Zero."""
    return "(" + ", ".join(str(int(o)) for o in ops) + ")"
