"""Facts about a fixed cell DAG with one op per edge, computed once per space and cached.

NB201 and TNB101-micro cells share one DAG (4 nodes, 6 edges); only the op on each edge varies.
Every quantity the encodings need — the input→output paths as edge lists, which edges leave the
input or enter the output — is therefore a property of the space, not of an arch. Encodings
compute them here once and then work on the ``(n, n_edges)`` ops array of many archs at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import ModuleType


@dataclass(frozen=True)
class CellGraph:
    """A DAG on nodes ``0`` (input) … ``n_nodes - 1`` (output) with edges in tuple order."""

    edges: tuple[tuple[int, int], ...]
    n_nodes: int
    #: Every input→output path as edge positions in input→output order; shortest first, then
    #: lexicographic by edge position.
    paths: tuple[tuple[int, ...], ...]
    #: Edge positions leaving the input node / entering the output node.
    leaving_input: tuple[int, ...]
    entering_output: tuple[int, ...]

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    @property
    def longest_path(self) -> int:
        return max(len(p) for p in self.paths)

    def edge_label(self, position: int) -> str:
        source, target = self.edges[position]
        return f"({source},{target})"


@cache
def cell_graph(edges: tuple[tuple[int, int], ...]) -> CellGraph:
    """The :class:`CellGraph` of ``edges`` (cached: call it freely)."""
    n_nodes = 1 + max(max(e) for e in edges)
    output = n_nodes - 1
    out_edges: dict[int, list[int]] = {v: [] for v in range(n_nodes)}
    for position, (source, _) in enumerate(edges):
        out_edges[source].append(position)

    paths: list[tuple[int, ...]] = []

    def walk(node: int, taken: tuple[int, ...]) -> None:
        if node == output:
            paths.append(taken)
            return
        for position in out_edges[node]:
            walk(edges[position][1], (*taken, position))

    walk(0, ())
    paths.sort(key=lambda p: (len(p), p))
    return CellGraph(
        edges=tuple(edges),
        n_nodes=n_nodes,
        paths=tuple(paths),
        leaving_input=tuple(i for i, (s, _) in enumerate(edges) if s == 0),
        entering_output=tuple(i for i, (_, d) in enumerate(edges) if d == output),
    )


def space_cell_graph(space: ModuleType) -> CellGraph:
    """The cell DAG of an edge-op space module (``EDGES`` in tuple order)."""
    return cell_graph(tuple(tuple(e) for e in space.EDGES))
