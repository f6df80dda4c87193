"""Path encoding (BANANAS, White et al. 2021): one bit per op sequence along input→output paths.

A cell computes a sum over its input→output paths; the path encoding records which op sequences
occur on some path. Bit *i* is 1 when at least one path carries the sequence numbered *i*.

``nb201`` (155 = 5 + 25 + 125) and ``tnb101_micro`` (84 = 4 + 16 + 64)
    The 4 input→output paths of the fixed cell DAG, as edge positions in tuple order: NB201
    ``[2], [0, 4], [1, 5], [0, 3, 5]``, TNB micro ``[3], [0, 4], [1, 5], [0, 2, 5]``. A path with
    ops ``o1 … oL`` (input→output order, the space's op ids, ``K`` ops) sets bit
    ``offset(L) + Σ_j o_j · K^(j-1)`` with ``offset(L) = K + … + K^(L-1)``. Paths through ``none``
    are kept (as in NASLib); two paths with the same op sequence share a bit.

    **NASLib's NB201 version differs.** ``naslib/search_spaces/nasbench201/encodings.py`` uses the
    blueprints ``[3], [0, 4], [1, 5], [0, 2, 5]``: tuple positions 2 and 3 swapped, i.e. it takes
    edge 1→2 as the direct input→output edge and edge 0→3 as the middle of the long path. Those
    are not paths of the cell (the string and the network use position 2 for edge 0→3, see
    :mod:`featurizers.spaces.nb201`). predbench encodes the real paths; for a cell whose only
    non-``none`` edge is ``nor_conv_3x3`` on 0→3, predbench sets bits {2, 11, 61} and NASLib
    {1, 11, 66} (pinned in the tests).

``nb101`` (364 bits, 40 kept by default)
    BANANAS / NASLib: input→output paths through 0–5 interior nodes; the interior ops
    ``o1 … oL`` (codes conv3x3 0, conv1x1 1, maxpool 2) set bit ``Σ_j 3^(j-1) · (o_j + 1)``, so
    bit 0 is the direct input→output edge and paths of at most 3 ops fill bits 0–39. The default
    keeps those 40 (BANANAS' ``trunc_path``, its ``cutoff=40``); ``cutoff=364`` keeps all.
``nb301`` (11,204 = 2 cells × 2 inputs × 2,801)
    NASLib's layout: per (cell, input) a block of ``1 + 7 + … + 7^4`` bits for the paths from that
    input to any intermediate node, ops ``o1 … oL`` setting ``Σ_j 7^(j-1) · (o_j + 1)`` within
    the block (its bit 0, the empty path, is never set). NASLib and BANANAS build the paths from
    only the first 7 of a cell's 8 edges (their loop runs over ``len(OPS)``); predbench uses all 8.

Column names spell the op sequence: ``path:nor_conv_3x3>none`` is the 2-edge path whose first
edge carries ``nor_conv_3x3`` and second ``none``.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from ._base import ArchFeaturizer, flatten_rows
from ._cellgraph import space_cell_graph
from ._dagpaths import DARTS_INPUTS, DARTS_NODES, bijective_index, darts_paths, nb101_paths


def sequence_offsets(n_ops: int, longest: int, shortest: int = 1) -> np.ndarray:
    """Index of the first sequence of each length ``shortest..longest`` (and the total at the end)."""
    sizes = [n_ops**length for length in range(shortest, longest + 1)]
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


def sequence_names(op_names: tuple[str, ...], longest: int, shortest: int = 1) -> list[str]:
    """Names of every op sequence in index order (first op varies fastest)."""
    k = len(op_names)
    names: list[str] = []
    for length in range(shortest, longest + 1):
        for code in range(k**length):
            digits = [(code // k**j) % k for j in range(length)]
            names.append(">".join(op_names[d] for d in digits) if digits else "(empty)")
    return names


def _edge_cell_names(space: ModuleType, cutoff: int | None) -> list[str]:
    graph = space_cell_graph(space)
    return sequence_names(tuple(space.OPS), graph.longest_path)


def _edge_cell_encode(space: ModuleType, archs: list[object], cutoff: int | None) -> np.ndarray:
    graph = space_cell_graph(space)
    ops = space.to_ops(archs).astype(np.int64)
    k = len(space.OPS)
    offsets = sequence_offsets(k, graph.longest_path)
    out = np.zeros((ops.shape[0], offsets[-1]), dtype=np.uint8)
    rows = np.arange(ops.shape[0])
    for path in graph.paths:
        weights = k ** np.arange(len(path))
        out[rows, offsets[len(path) - 1] + ops[:, list(path)] @ weights] = 1
    return out


#: NB101 path codes (BANANAS / NASLib): op name → digit.
NB101_PATH_OPS: tuple[str, ...] = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
NB101_TRUNCATED = 40


def _sequences(op_names: tuple[str, ...], longest: int) -> list[tuple[str, ...]]:
    """Op sequences of length 0..longest in bijective base-K order (``Σ_j K^(j-1) (o_j + 1)``:
    shorter first, first op varying fastest)."""
    k = len(op_names)
    out: list[tuple[str, ...]] = []
    for length in range(longest + 1):
        for code in range(k**length):
            out.append(tuple(op_names[(code // k**j) % k] for j in range(length)))
    return out


def _nb101_names(space: ModuleType, cutoff: int | None) -> list[str]:
    longest = space.MAX_NODES - 2
    return [">".join(("input", *seq, "output")) for seq in _sequences(NB101_PATH_OPS, longest)]


def _nb101_encode(space: ModuleType, archs: list[object], cutoff: int | None) -> np.ndarray:
    paths = nb101_paths(*space.to_arrays(archs))
    code_of = np.full(len(space.OPS), -1, dtype=np.int64)
    for digit, op in enumerate(NB101_PATH_OPS):
        code_of[space.OP_IDS[op]] = digit
    index = bijective_index(paths.ops, code_of, len(NB101_PATH_OPS))
    total = sum(len(NB101_PATH_OPS) ** k for k in range(space.MAX_NODES - 1))
    return _bits_from_indices(index, paths.present, total, cutoff)


def _bits_from_indices(
    index: np.ndarray, present: np.ndarray, total: int, cutoff: int | None
) -> np.ndarray:
    """``(n, total)`` (or ``cutoff``) uint8 with bit ``index[g, p]`` set where ``present``."""
    width = total if cutoff is None else min(cutoff, total)
    g = index.shape[0]
    flat_index = flatten_rows(index)
    keep = flatten_rows(present) & (flat_index < width)
    out = np.zeros((g, width), dtype=np.uint8)
    rows, cols = np.nonzero(keep)
    out[rows, flat_index[rows, cols]] = 1
    return out


def _nb301_block(space: ModuleType) -> int:
    return sum(len(space.OPS) ** k for k in range(DARTS_NODES + 1))


def _nb301_names(space: ModuleType, cutoff: int | None) -> list[str]:
    seqs = _sequences(tuple(space.OPS), DARTS_NODES)
    return [
        ">".join((f"{cell}_{source}", *seq))
        for cell in space.CELLS
        for source in DARTS_INPUTS
        for seq in seqs
    ]


def _nb301_encode(space: ModuleType, archs: list[object], cutoff: int | None) -> np.ndarray:
    paths = darts_paths(*space.to_arrays(archs))  # (g, 2, 2, 15, ...)
    n_ops = len(space.OPS)
    block = _nb301_block(space)
    index = bijective_index(paths.ops, np.arange(n_ops), n_ops)
    base = (np.arange(2)[:, None] * 2 + np.arange(2)[None, :]) * block  # (cell, input)
    index = index + base[None, :, :, None]
    return _bits_from_indices(index, paths.present, 4 * block, cutoff)


#: Space → (column names, encoder, default cutoff).
_ENCODINGS = {
    "nb201": (_edge_cell_names, _edge_cell_encode, None),
    "tnb101_micro": (_edge_cell_names, _edge_cell_encode, None),
    "nb101": (_nb101_names, _nb101_encode, NB101_TRUNCATED),
    "nb301": (_nb301_names, _nb301_encode, None),
}


class PathEncoding(ArchFeaturizer):
    """BANANAS path encoding of cells (see the module docstring for the per-space layouts).

    Parameters
    ----------
    space : str
        Search space name or alias. TNB101-macro networks are a single chain: no path encoding.
    cutoff : int or None
        Keep only the first ``cutoff`` bits (BANANAS' *truncated* path encoding: the bits of the
        shortest paths come first). ``None`` uses the space's usual choice: 40 for NB101 (paths
        of at most 3 ops, BANANAS' default), every bit elsewhere.

    Attributes
    ----------
    cutoff_ : int
        Number of bits kept.
    feature_names_out_ : ndarray of str
        ``path:<op>><op>…`` per bit.
    """

    family = "path"
    supported_spaces = tuple(_ENCODINGS)

    def __init__(self, space: str = "nb201", cutoff: int | None = None) -> None:
        self.space = space
        self.cutoff = cutoff

    def _fit_space(self, space: ModuleType) -> None:
        names, _, default = _ENCODINGS[space.NAME]
        total = len(names(space, None))
        cutoff = default if self.cutoff is None else self.cutoff
        if cutoff is None:
            cutoff = total
        if isinstance(cutoff, bool) or not isinstance(cutoff, (int, np.integer)) or cutoff < 1:
            raise ValueError(f"cutoff must be a positive int or None, got {self.cutoff!r}")
        self.cutoff_ = int(min(cutoff, total))

    def _names(self) -> list[str]:
        names, _, _ = _ENCODINGS[self.space_name_]
        return names(self._space, None)[: self.cutoff_]

    def _blocks(self, archs: list[object]) -> list[np.ndarray]:
        _, encode, _ = _ENCODINGS[self.space_name_]
        return [encode(self._space, archs, self.cutoff_)[:, : self.cutoff_]]
