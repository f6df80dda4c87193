"""GRAF features of cells with one op per edge of a fixed DAG (NB201, TNB101 micro).

Definitions (S = an op subset; the *S-subgraph* keeps the edges whose op is in S; ``none`` is an
ordinary op):

``op_count[op]``
    Number of edges carrying ``op``, for every op of the reference's op list of the space (TNB
    micro's list has a fifth op, ``avg_pool_3x3``, that never occurs: its count is always 0).
``min_path_len[S]``
    Edges on the shortest input→output path of the S-subgraph; **6** (the number of cell edges)
    when there is none — the reference's filler.
``max_path_len[S]``
    Edges on the longest input→output path of the S-subgraph; **0** when there is none.
``input_out_degree[S]`` / ``output_in_degree[S]``
    S-edges leaving the input node / entering the output node.
``mean_out_degree[S]`` / ``mean_in_degree[S]``
    Mean over the cell's nodes of S-edges leaving / entering a node; both equal
    (number of S-edges) / (number of nodes).

How: the DAG's input→output paths are known per space (:mod:`featurizers._cellgraph`). For every
arch and path, a bitmask of the ops used on it is one OR over the path's edges; a path lies in
the S-subgraph iff its mask has no bit outside S, and the best length per subset comes from one
pass over the op bits (:func:`featurizers._dagpaths.subset_path_lengths`). The whole NB201 space
(15,625 cells × 31 subsets) takes a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import numpy as np

from .._cellgraph import CellGraph, space_cell_graph
from .._dagpaths import subset_path_lengths
from ._config import Group, member_table, subset_masks

GROUPS_WITH_SUBSETS = ("min_path_len", "max_op_on_path", "node_degree")
GROUPS_WITHOUT_SUBSETS = ("op_count",)


class EdgeCellGraf:
    """GRAF for one edge-op space; ``ops`` is the reference's op list (space ids first)."""

    kind = "edge_cell"
    GROUPS_WITH_SUBSETS = GROUPS_WITH_SUBSETS
    GROUPS_WITHOUT_SUBSETS = GROUPS_WITHOUT_SUBSETS

    def __init__(self, space_name: str, ops: Sequence[str]) -> None:
        self.space_name = space_name
        self.ops = tuple(ops)
        self.subset_ops = self.ops

    def check_space(self, space: ModuleType) -> None:
        if tuple(space.OPS) != self.ops[: len(space.OPS)]:
            raise AssertionError(f"{space.NAME}: op ids differ from GRAF's op list {self.ops}")

    # ---------------------------------------------------------------- names
    def names(self, group: Group) -> list[str]:
        if group.name == "op_count":
            return [f"op_count[{label}]" for label in self._labels(group.subsets)]
        labels = self._labels(group.subsets)
        if group.name == "min_path_len":
            return [f"min_path_len[{s}]" for s in labels]
        if group.name == "max_op_on_path":
            return [f"max_path_len[{s}]" for s in labels]
        if group.name == "node_degree":
            return [
                f"{measure}[{s}]"
                for s in labels
                for measure in (
                    "input_out_degree",
                    "output_in_degree",
                    "mean_out_degree",
                    "mean_in_degree",
                )
            ]
        raise KeyError(group.name)

    def _labels(self, subsets: tuple[tuple[str, ...], ...] | None) -> list[str]:
        if subsets is None:
            return list(self.ops)
        return [",".join(s) for s in subsets]

    # --------------------------------------------------------------- values
    def load(self, space: ModuleType, archs: list[object]) -> np.ndarray:
        return space.to_ops(archs)

    def compute(self, space: ModuleType, group: Group, ops: np.ndarray) -> list[np.ndarray]:
        graph = space_cell_graph(space)
        if group.name == "op_count":
            if group.subsets is None:
                counts = ops[:, :, None] == np.arange(len(self.ops), dtype=ops.dtype)
                return [counts.sum(axis=1, dtype=np.int8)]
            member = self._members(group.subsets).T.astype(np.int64)  # (n_ops, S)
            return [(self._op_counts(ops, range(ops.shape[1])) @ member).astype(np.int8)]
        if group.name in ("min_path_len", "max_op_on_path"):
            return [self._path_lengths(graph, group, ops)]
        if group.name == "node_degree":
            return self._degrees(graph, group, ops)
        raise KeyError(group.name)

    def _masks(self, subsets: tuple[tuple[str, ...], ...]) -> np.ndarray:
        return subset_masks(self.ops, subsets)

    def _members(self, subsets: tuple[tuple[str, ...], ...]) -> np.ndarray:
        """``(S, n_ops)`` bool: op id in subset."""
        return member_table(self.ops, subsets)

    def _path_lengths(self, graph: CellGraph, group: Group, ops: np.ndarray) -> np.ndarray:
        bits = np.left_shift(1, ops.astype(np.int64))  # (n, E)
        used = np.stack(
            [np.bitwise_or.reduce(bits[:, list(p)], axis=1) for p in graph.paths], axis=1
        )  # (n, P): ops on each path
        lengths = np.asarray([len(p) for p in graph.paths])
        longest = group.name == "max_op_on_path"
        best = subset_path_lengths(
            used,
            np.ones(used.shape, dtype=bool),
            lengths,
            self._masks(group.subsets),
            len(self.ops),
            longest=longest,
        )
        if longest:
            return np.maximum(best, np.int8(0))
        return np.where(best == 127, np.int8(graph.n_edges), best)

    def _degrees(self, graph: CellGraph, group: Group, ops: np.ndarray) -> list[np.ndarray]:
        member = self._members(group.subsets).T.astype(np.int64)  # (n_ops, S)
        leaving = (self._op_counts(ops, graph.leaving_input) @ member).astype(np.int8)
        entering = (self._op_counts(ops, graph.entering_output) @ member).astype(np.int8)
        edges = self._op_counts(ops, range(graph.n_edges)) @ member
        mean = edges / graph.n_nodes  # float64, exact k / n_nodes
        blocks: list[np.ndarray] = []
        for s in range(len(group.subsets)):
            blocks.append(np.stack([leaving[:, s], entering[:, s]], axis=1))
            blocks.append(np.stack([mean[:, s], mean[:, s]], axis=1))
        return blocks

    def _op_counts(self, ops: np.ndarray, positions) -> np.ndarray:
        """``(n, n_ops)``: how many of the edges at ``positions`` carry each op."""
        chosen = ops[:, list(positions)]
        return (chosen[:, :, None] == np.arange(len(self.ops), dtype=ops.dtype)).sum(axis=1)
