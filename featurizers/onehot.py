"""One-hot ("adjacency one-hot") encoding: which op sits where, as 0/1 columns.

The standard encoding of NASLib / BANANAS / NAS-Bench-Suite-Zero, per space:

``nb201`` (30 = 6 edges × 5 ops), ``tnb101_micro`` (24 = 6 × 4)
    One block of op ids per edge, edges in the space's tuple order, ops by the space's ids
    (NB201: NASLib's ids; TNB: TransNAS-Bench's). Column ``onehot:(0,1)=nor_conv_3x3`` is 1 when
    edge 0→1 carries ``nor_conv_3x3``.
``tnb101_macro`` (30 = 6 positions × 5)
    NASLib's macro encoding: the module codes right-padded with 0 to length 6, each position one
    block of ``np.eye(5)`` — code 0 (``absent``: the network has fewer modules) included.
``nb101`` (36 = 21 + 5 × 3)
    NASLib's ``encode_adj``: the upper triangle of the 7×7 adjacency, row by row, then for
    interior nodes 1..5 one bit per op in NASLib's order (maxpool3x3, conv3x3-bn-relu,
    conv1x1-bn-relu). Cells with fewer than 7 nodes are padded as the GRAF reference does
    (``pad_nb101_spec``): empty nodes inserted before the output, which moves to node 6, and
    all-zero op bits for the empty nodes (NASLib itself cannot encode such cells).
``nb301`` (196 = 2 cells × 14 possible edges × 7 ops)
    For every edge a DARTS cell may have (input ``i`` → intermediate node ``k``, ``i ≤ k + 1``),
    one bit per op; all zero when the edge is absent. NASLib's ``encode_adj`` writes the same
    information as two 7×7 adjacency matrices plus the op id of each of the 8 edge slots as a raw
    integer; the per-edge one-hot here has no constant columns, no ordinal op ids, and does not
    depend on the order of a node's two edges.

Everything is one fancy-index assignment on the ``(n, positions)`` ops array.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from ._base import ArchFeaturizer, flatten_rows
from ._cellgraph import space_cell_graph
from ._dagpaths import DARTS_INPUTS, DARTS_NODES

#: Names of TNB101-macro module codes, 0 being the padding of networks with fewer modules.
MACRO_CODE_NAMES: tuple[str, ...] = (
    "absent",
    "basic",
    "channel_x2",
    "stride_2",
    "channel_x2_stride_2",
)


def one_hot_rows(codes: np.ndarray, n_values: int) -> np.ndarray:
    """``(n, k)`` integer codes in ``0..n_values-1`` → ``(n, k * n_values)`` uint8 one-hot."""
    codes = np.asarray(codes, dtype=np.int64)
    n, k = codes.shape
    out = np.zeros((n, k * n_values), dtype=np.uint8)
    out[np.arange(n)[:, None], np.arange(k)[None, :] * n_values + codes] = 1
    return out


def _edge_cell_names(space: ModuleType) -> list[str]:
    graph = space_cell_graph(space)
    return [f"{graph.edge_label(e)}={op}" for e in range(graph.n_edges) for op in space.OPS]


def _edge_cell_encode(space: ModuleType, archs: list[object]) -> np.ndarray:
    return one_hot_rows(space.to_ops(archs), len(space.OPS))


def _macro_names(space: ModuleType) -> list[str]:
    width = space.MAX_MODULES
    return [f"module{i}={name}" for i in range(width) for name in MACRO_CODE_NAMES]


def _macro_encode(space: ModuleType, archs: list[object]) -> np.ndarray:
    return one_hot_rows(space.to_ops(archs), len(MACRO_CODE_NAMES))


#: NB101: NASLib's one-hot layout of an interior node's op (codes: 2 maxpool, 4 conv3x3, 3 conv1x1).
NB101_OP_BITS: tuple[str, ...] = ("maxpool3x3", "conv3x3-bn-relu", "conv1x1-bn-relu")


def nb101_padded(
    adjacency: np.ndarray, ops: np.ndarray, n_nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """NB101 cells on 7 nodes with the output at node 6 (empty nodes before it, op -1)."""
    g, size, _ = adjacency.shape
    out = np.asarray(n_nodes, dtype=np.int64)[:, None] - 1
    k = np.arange(size)[None, :]
    # Source node of each new position: itself before the output, the output at the end, and
    # for padding a padding node (all-zero row and column) of the original layout.
    src = np.where(k < out, k, size - 1)
    src[:, size - 1] = out[:, 0]
    rows = np.arange(g)[:, None, None]
    full = adjacency[rows, src[:, :, None], src[:, None, :]]
    full_ops = np.where((k < out) | (k == size - 1), ops[np.arange(g)[:, None], src], -1)
    return full, full_ops.astype(np.int8)


def _nb101_names(space: ModuleType) -> list[str]:
    size = space.MAX_NODES
    adjacency = [f"adj({i},{j})" for i in range(size - 1) for j in range(i + 1, size)]
    ops = [f"node{v}={op}" for v in range(1, size - 1) for op in NB101_OP_BITS]
    return adjacency + ops


def _nb101_encode(space: ModuleType, archs: list[object]) -> np.ndarray:
    full, full_ops = nb101_padded(*space.to_arrays(archs))
    size = full.shape[1]
    iu = np.triu_indices(size, 1)
    bit_of_code = np.full(len(space.OPS), -1, dtype=np.int64)
    for bit, op in enumerate(NB101_OP_BITS):
        bit_of_code[space.OP_IDS[op]] = bit
    interior = full_ops[:, 1 : size - 1].astype(np.int64)
    bits = np.where(interior >= 0, bit_of_code[np.maximum(interior, 0)], -1)
    op_block = np.zeros((full.shape[0], size - 2, len(NB101_OP_BITS)), dtype=np.uint8)
    g_idx, v_idx = np.nonzero(bits >= 0)
    op_block[g_idx, v_idx, bits[g_idx, v_idx]] = 1
    return np.hstack([full[:, iu[0], iu[1]].astype(np.uint8), flatten_rows(op_block)])


def _darts_node_label(source: int) -> str:
    return DARTS_INPUTS[source] if source < 2 else f"node{source - 2}"


#: NB301: (first column of node k's edges) and the possible inputs per node.
_DARTS_EDGE_OFFSET = np.cumsum([0] + [k + 2 for k in range(DARTS_NODES)])


def _nb301_names(space: ModuleType) -> list[str]:
    return [
        f"{cell}_{_darts_node_label(source)}>node{k}={op}"
        for cell in space.CELLS
        for k in range(DARTS_NODES)
        for source in range(k + 2)
        for op in space.OPS
    ]


def _nb301_encode(space: ModuleType, archs: list[object]) -> np.ndarray:
    ops, inputs = space.to_arrays(archs)
    n_ops = len(space.OPS)
    per_cell = int(_DARTS_EDGE_OFFSET[-1]) * n_ops
    node = np.repeat(np.arange(DARTS_NODES), 2)
    cell = np.arange(2)[:, None]
    columns = cell * per_cell + (_DARTS_EDGE_OFFSET[node][None, :] + inputs) * n_ops + ops
    out = np.zeros((ops.shape[0], 2 * per_cell), dtype=np.uint8)
    out[np.arange(ops.shape[0])[:, None], flatten_rows(columns)] = 1
    return out


#: Space → (column names, encoder).
_ENCODINGS = {
    "nb201": (_edge_cell_names, _edge_cell_encode),
    "tnb101_micro": (_edge_cell_names, _edge_cell_encode),
    "tnb101_macro": (_macro_names, _macro_encode),
    "nb101": (_nb101_names, _nb101_encode),
    "nb301": (_nb301_names, _nb301_encode),
}


class OneHot(ArchFeaturizer):
    """One-hot encoding of the op at every position of the cell (NASLib's ``adjacency_one_hot``).

    Parameters
    ----------
    space : str
        Search space name or alias.

    Attributes
    ----------
    space_name_ : str
        Canonical name of the fitted space.
    feature_names_out_ : ndarray of str
        ``onehot:<position>=<op>`` per column.

    Examples
    --------
    >>> enc = OneHot("nb201").fit()
    >>> enc.transform(["|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"]).shape
    (1, 30)
    """

    family = "onehot"
    supported_spaces = tuple(_ENCODINGS)

    def _names(self) -> list[str]:
        names, _ = _ENCODINGS[self.space_name_]
        return names(self._space)

    def _blocks(self, archs: list[object]) -> list[np.ndarray]:
        _, encode = _ENCODINGS[self.space_name_]
        return [encode(self._space, archs)]
