"""GRAF features of NAS-Bench-301 / DARTS genotypes (a normal and a reduction cell).

The reference (``graf_nas/features/darts.py`` @ 635defe, config ``darts.json``) gives 1,540
features: per cell 8 op counts, and over the 127 subsets S of the 7 ops, 2 max paths and 4
degrees (2 × (8 + 127 × 6)). Its max-path helper raises ``TypeError`` at that commit (it calls
``len()`` on an int, and appends the string ``'out'`` where the op id 0 was meant), so
``max_path_len_from_*`` follows the evident intent, stated here and pinned by hand-checked tests.

In the reference's cell graph every intermediate node also has an edge to the cell output with
the pseudo-op ``out`` (id 0); S never contains it. Per cell (prefix ``normal_`` / ``reduce_``):

``op_count[<op>]``
    Edges carrying ``<op>``, for ``out`` (always 4) and the 7 DARTS ops.
``max_path_len_from_<input>[S]``
    Edges on the longest path that starts at cell input ``c_{k-2}`` / ``c_{k-1}`` and uses only
    S-edges (it ends at some intermediate node, whence the ``out`` edge would lead on to the
    output: the reference's "longest path to the output, minus the ``out`` edge"); 0 when the
    input has no S-edge.
``<input>_out_degree[S]``
    S-edges leaving that input (the reference's ``<input>_degree``).
``mean_out_degree[S]`` / ``mean_in_degree[S]``
    Mean over the 7 nodes of the cell graph (2 inputs, 4 intermediate, output) of S-edges
    leaving / entering a node: both (number of S-edges) / 7.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .._base import flatten_rows
from .._dagpaths import DARTS_INPUTS, darts_paths, op_bits, subset_path_lengths
from ._config import Group, member_table, subset_masks

#: The reference's DARTS op list: ``out`` (edge to the cell output) then NASLib's 7 ops.
OPS = (
    "out",
    "max_pool_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
)
SUBSET_OPS = OPS[1:]
CELLS = ("normal", "reduce")
GRAPH_NODES = 7
OUT_EDGES = 4


class NB301Graf:
    kind = "darts"
    GROUPS_WITH_SUBSETS = ("max_op_on_path", "node_degree")
    GROUPS_WITHOUT_SUBSETS = ("op_count",)
    ops = OPS
    subset_ops = SUBSET_OPS

    def check_space(self, space: ModuleType) -> None:
        if tuple(space.OPS) != SUBSET_OPS:
            raise AssertionError(f"{space.NAME}: op ids differ from GRAF's {SUBSET_OPS}")

    def names(self, group: Group) -> list[str]:
        labels = list(OPS) if group.subsets is None else [",".join(s) for s in group.subsets]
        if group.name == "op_count":
            return [f"{cell}_op_count[{s}]" for cell in CELLS for s in labels]
        if group.name == "max_op_on_path":
            return [
                f"{cell}_max_path_len_from_{source}[{s}]"
                for s in labels
                for cell in CELLS
                for source in DARTS_INPUTS
            ]
        if group.name == "node_degree":
            measures = (
                *(f"{source}_out_degree" for source in DARTS_INPUTS),
                "mean_out_degree",
                "mean_in_degree",
            )
            return [f"{cell}_{m}[{s}]" for s in labels for cell in CELLS for m in measures]
        raise KeyError(group.name)

    def load(self, space: ModuleType, archs: list[object]):
        return space.to_arrays(archs)  # ops, inputs: (g, 2, 8) each

    def compute(self, space: ModuleType, group: Group, data) -> list[np.ndarray]:
        ops, inputs = data
        graf_ops = ops.astype(np.int64) + 1  # GRAF ids: 0 is ``out``
        if group.name == "op_count":
            if group.subsets is None:
                counts = (graf_ops[..., None] == np.arange(len(OPS))).sum(axis=2)  # (g, 2, 8)
                counts[:, :, 0] = OUT_EDGES
                return [flatten_rows(counts).astype(np.int8)]
            counts = _op_counts(graf_ops, np.ones(graf_ops.shape, dtype=bool))  # (g, 2, 8)
            member = _member_table(group.subsets).T.astype(np.int64)  # (8, S)
            return [flatten_rows((counts @ member).astype(np.int8))]
        if group.name == "max_op_on_path":
            # Paths over the 7 DARTS op ids (S never holds ``out``, GRAF id 0): 2^7 masks.
            paths = darts_paths(ops, inputs)  # (g, 2 cells, 2 inputs, 15 candidates)
            longest = subset_path_lengths(
                op_bits(paths.ops),
                paths.present,
                paths.lengths,
                _masks(group.subsets) >> 1,
                len(SUBSET_OPS),
                longest=True,
            )  # (g, cell, input, S)
            longest = np.maximum(longest, np.int8(0))
            return [flatten_rows(longest.transpose(0, 3, 1, 2))]
        if group.name == "node_degree":
            member = _member_table(group.subsets).T.astype(np.int64)  # (8, S)
            from_input = [
                (_op_counts(graf_ops, inputs == k) @ member).astype(np.int8) for k in range(2)
            ]  # (g, cell, S) each
            mean = (
                _op_counts(graf_ops, np.ones(graf_ops.shape, dtype=bool)) @ member
            ) / GRAPH_NODES
            blocks: list[np.ndarray] = []
            for s in range(len(group.subsets)):
                for cell in range(2):
                    blocks.append(np.stack([d[:, cell, s] for d in from_input], axis=1))
                    blocks.append(np.stack([mean[:, cell, s], mean[:, cell, s]], axis=1))
            return blocks
        raise KeyError(group.name)


def _masks(subsets) -> np.ndarray:
    return subset_masks(OPS, subsets)


def _member_table(subsets) -> np.ndarray:
    return member_table(OPS, subsets)


def _op_counts(graf_ops: np.ndarray, selected: np.ndarray) -> np.ndarray:
    """``(g, 2, 8)``: per cell, how many selected edges carry each GRAF op id."""
    one_hot = graf_ops[..., None] == np.arange(len(OPS))
    return (one_hot & selected[..., None]).sum(axis=2)
