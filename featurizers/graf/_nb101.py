"""GRAF features of NAS-Bench-101 cells (ops on the nodes of a DAG of at most 7 nodes).

The reference (``graf_nas/features/nasbench101.py`` @ 635defe, config ``nb101.json``) gives 47
features: 5 op counts and, over the 7 subsets S of {maxpool3x3, conv1x1-bn-relu, conv3x3-bn-relu},
min path, max path and 4 degrees. Its NB101 code cannot run at that commit (``_parse_ops_nb101``
takes the node count from the length of the key *string*), so these definitions follow the
functions' evident intent, stated here and pinned by hand-checked tests. A node is *S-allowed*
when its op is in S or it is the input or output; the *S-subgraph* keeps edges between S-allowed
nodes.

``op_count[op]``
    Nodes carrying ``op``, for the reference's 5 op codes (input and output count 1 each).
``min_path_len[S]``
    Edges on the shortest input→output path of the S-subgraph; when there is none, the number of
    nodes of the cell (the reference's ``len(ops)`` filler; at least 1 more than any path).
``max_path_len[S]``
    Edges on the longest input→output path of the S-subgraph; 0 when there is none. The
    reference's ``max_num_on_path_opnodes`` returns (nodes on that path) − 4, i.e. −4 without a
    path and ``max_path_len − 3`` otherwise: a strictly increasing function of this value, so
    rank-based and tree predictors see the same feature.
``output_in_degree[S]`` / ``input_out_degree[S]``
    Edges entering the output from an S-op node / leaving the input to an S-op node.
``mean_in_degree[S]`` / ``mean_out_degree[S]``
    Edges whose source / target op is in S, divided by the number of nodes (mean over nodes of
    the in-degree counting S-op sources / out-degree counting S-op targets).

Paths come from the 32 candidate paths of a 7-node cell (:mod:`featurizers._dagpaths`).
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .._dagpaths import nb101_paths, op_bits, subset_path_lengths
from ._config import Group, member_table, subset_masks

#: The reference's NB101 op codes (= NASLib's); ``op_count[<op>]`` follows this order.
OPS = ("input", "output", "maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu")
SUBSET_OPS = ("maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu")
DEGREES = ("output_in_degree", "input_out_degree", "mean_in_degree", "mean_out_degree")


class NB101Graf:
    kind = "op_node"
    GROUPS_WITH_SUBSETS = ("min_path_len", "max_op_on_path", "node_degree")
    GROUPS_WITHOUT_SUBSETS = ("op_count",)
    ops = OPS
    subset_ops = SUBSET_OPS

    def check_space(self, space: ModuleType) -> None:
        if tuple(space.OPS) != OPS:
            raise AssertionError(f"{space.NAME}: op codes differ from GRAF's {OPS}")

    def names(self, group: Group) -> list[str]:
        labels = list(OPS) if group.subsets is None else [",".join(s) for s in group.subsets]
        if group.name == "op_count":
            return [f"op_count[{s}]" for s in labels]
        if group.name == "min_path_len":
            return [f"min_path_len[{s}]" for s in labels]
        if group.name == "max_op_on_path":
            return [f"max_path_len[{s}]" for s in labels]
        if group.name == "node_degree":
            return [f"{m}[{s}]" for s in labels for m in DEGREES]
        raise KeyError(group.name)

    def load(self, space: ModuleType, archs: list[object]):
        return space.to_arrays(archs)

    def compute(self, space: ModuleType, group: Group, data) -> list[np.ndarray]:
        adjacency, ops, n_nodes = data
        if group.name == "op_count":
            if group.subsets is None:
                counts = ops[:, :, None] == np.arange(len(OPS), dtype=ops.dtype)
                return [counts.sum(axis=1, dtype=np.int8)]
            counts = _one_hot_codes(ops).sum(axis=1)  # (g, n_ops)
            member = _member_table(group.subsets).T.astype(np.int64)
            return [(counts @ member).astype(np.int8)]
        if group.name in ("min_path_len", "max_op_on_path"):
            return [self._path_lengths(group, adjacency, ops, n_nodes)]
        if group.name == "node_degree":
            return self._degrees(group, adjacency, ops, n_nodes)
        raise KeyError(group.name)

    def _path_lengths(self, group, adjacency, ops, n_nodes) -> np.ndarray:
        paths = nb101_paths(adjacency, ops, n_nodes)
        longest = group.name == "max_op_on_path"
        best = subset_path_lengths(
            op_bits(paths.ops),
            paths.present,
            paths.lengths + 1,  # edges = interior nodes + 1
            _masks(group.subsets),
            len(OPS),
            longest=longest,
        )
        if longest:
            return np.maximum(best, np.int8(0))
        return np.where(best == 127, np.asarray(n_nodes, dtype=np.int8)[:, None], best)

    def _degrees(self, group, adjacency, ops, n_nodes) -> list[np.ndarray]:
        adj = adjacency.astype(np.int64)
        g = adj.shape[0]
        out = np.asarray(n_nodes, dtype=np.int64) - 1
        codes = _one_hot_codes(ops)  # (g, 7, n_ops)
        member = _member_table(group.subsets).T.astype(np.int64)  # (n_ops, S)
        # Per op: sources of the output, targets of the input, sources and targets of all edges.
        into_output = np.einsum("gv,gvo->go", adj[np.arange(g), :, out], codes)
        from_input = np.einsum("gv,gvo->go", adj[:, 0, :], codes)
        as_source = np.einsum("gv,gvo->go", adj.sum(axis=2), codes)
        as_target = np.einsum("gv,gvo->go", adj.sum(axis=1), codes)
        output_in = (into_output @ member).astype(np.int8)
        input_out = (from_input @ member).astype(np.int8)
        nodes = np.asarray(n_nodes, dtype=np.float64)[:, None]
        mean_in = (as_source @ member) / nodes  # in-degree counting S-op sources
        mean_out = (as_target @ member) / nodes  # out-degree counting S-op targets
        blocks: list[np.ndarray] = []
        for s in range(len(group.subsets)):
            blocks.append(np.stack([output_in[:, s], input_out[:, s]], axis=1))
            blocks.append(np.stack([mean_in[:, s], mean_out[:, s]], axis=1))
        return blocks


def _masks(subsets) -> np.ndarray:
    return subset_masks(OPS, subsets)


def _member_table(subsets) -> np.ndarray:
    return member_table(OPS, subsets)


def _one_hot_codes(ops: np.ndarray) -> np.ndarray:
    """``(g, nodes, n_ops)`` int64 one-hot of node op codes (padding nodes all zero)."""
    return (ops[:, :, None] == np.arange(len(OPS), dtype=ops.dtype)).astype(np.int64)
