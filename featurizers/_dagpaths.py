"""Paths of NB101 and NB301 cells, for many cells at once.

In these spaces the graph itself varies between archs, but the *possible* paths do not: a path is
an increasing sequence of intermediate nodes, so there are few candidates per space (32 for NB101,
15 per cell input for NB301). Each candidate is enumerated once (cached); whether an arch has it,
and which ops it carries, is a handful of vectorized gathers over the ``(n, ...)`` arrays. Path
encodings and GRAF path lengths are then reductions over the candidates — no graph search per arch.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import numpy as np

#: NB301 cell inputs in DARTS genotype numbering (0, 1); intermediate node j is input 2 + j.
DARTS_INPUTS: tuple[str, ...] = ("c_{k-2}", "c_{k-1}")
DARTS_NODES = 4


@cache
def increasing_sequences(items: tuple[int, ...], empty: bool) -> tuple[tuple[int, ...], ...]:
    """Increasing sequences of ``items`` (subsets in order), shortest first, then lexicographic."""
    start = 0 if empty else 1
    return tuple(
        seq for k in range(start, len(items) + 1) for seq in itertools.combinations(items, k)
    )


@dataclass(frozen=True)
class CandidatePaths:
    """Candidate paths of a batch of cells.

    ``present`` ``(..., P)`` bool says whether each arch has the path; ``ops`` ``(..., P, L)``
    holds the op codes along it (``-1`` beyond its length or when absent); ``lengths`` ``(P,)``
    is the number of ops on each candidate.
    """

    present: np.ndarray
    ops: np.ndarray
    lengths: np.ndarray


def nb101_paths(adjacency: np.ndarray, ops: np.ndarray, n_nodes: np.ndarray) -> CandidatePaths:
    """Input→output paths of NB101 cells (``featurizers.spaces.nb101.to_arrays`` layout).

    A candidate is the sequence of interior nodes it visits (nodes ``1 .. 5``; the output is node
    ``n_nodes - 1``). ``ops`` holds the interior nodes' op codes, input and output excluded, so
    the direct input→output edge is the candidate of length 0.
    """
    g, size, _ = adjacency.shape
    rows = np.arange(g)
    out = np.asarray(n_nodes, dtype=np.int64) - 1
    adj = adjacency.astype(bool)
    candidates = increasing_sequences(tuple(range(1, size - 1)), empty=True)
    longest = size - 2
    present = np.zeros((g, len(candidates)), dtype=bool)
    path_ops = np.full((g, len(candidates), longest), -1, dtype=np.int8)
    for p, seq in enumerate(candidates):
        nodes = (0, *seq)
        has = np.ones(g, dtype=bool)
        for a, b in itertools.pairwise(nodes):
            has &= adj[:, a, b]
        has &= adj[rows, nodes[-1], out]
        present[:, p] = has
        if seq:
            path_ops[:, p, : len(seq)] = np.where(has[:, None], ops[:, list(seq)], -1)
    lengths = np.asarray([len(s) for s in candidates], dtype=np.int64)
    return CandidatePaths(present, path_ops, lengths)


def darts_paths(ops: np.ndarray, inputs: np.ndarray) -> CandidatePaths:
    """Paths from each cell input to each intermediate node of NB301 cells.

    ``ops`` and ``inputs`` are ``(n, 2, 8)`` (``featurizers.spaces.nb301.to_arrays``). The result
    has shape ``(n, 2 cells, 2 inputs, 15, ...)``: a candidate is the sequence of intermediate
    nodes visited; its first edge leaves the input, each later edge joins consecutive nodes. A
    node's two edges read distinct inputs, so at most one edge realizes each step.
    """
    g = ops.shape[0]
    candidates = increasing_sequences(tuple(range(DARTS_NODES)), empty=False)
    present = np.zeros((g, 2, 2, len(candidates)), dtype=bool)
    path_ops = np.full((g, 2, 2, len(candidates), DARTS_NODES), -1, dtype=np.int8)
    for source in range(2):
        for p, seq in enumerate(candidates):
            has = np.ones((g, 2), dtype=bool)
            step_ops = []
            wanted = source
            for node in seq:
                first, second = 2 * node, 2 * node + 1
                from_first = inputs[:, :, first] == wanted
                from_second = inputs[:, :, second] == wanted
                has &= from_first | from_second
                step_ops.append(np.where(from_first, ops[:, :, first], ops[:, :, second]))
                wanted = node + 2
            present[:, :, source, p] = has
            stacked = np.stack(step_ops, axis=-1)
            path_ops[:, :, source, p, : len(seq)] = np.where(has[..., None], stacked, -1)
    lengths = np.asarray([len(s) for s in candidates], dtype=np.int64)
    return CandidatePaths(present, path_ops, lengths)


def op_bits(path_ops: np.ndarray) -> np.ndarray:
    """Bitmask of the op codes on each path (``-1`` entries contribute nothing)."""
    codes = path_ops.astype(np.int64)
    bits = np.where(codes >= 0, np.left_shift(1, np.maximum(codes, 0)), 0)
    return np.bitwise_or.reduce(bits, axis=-1)


def bijective_index(path_ops: np.ndarray, code_of: np.ndarray, base: int) -> np.ndarray:
    """BANANAS path index ``Σ_j base^j · (code_of[op_j] + 1)`` (``-1`` entries end the path)."""
    codes = path_ops.astype(np.int64)
    valid = codes >= 0
    digits = np.where(valid, code_of[np.maximum(codes, 0)] + 1, 0)
    weights = base ** np.arange(codes.shape[-1], dtype=np.int64)
    return (digits * weights).sum(axis=-1)


def subset_path_lengths(
    used: np.ndarray,
    present: np.ndarray,
    lengths: np.ndarray,
    subset_masks: np.ndarray,
    n_bits: int,
    *,
    longest: bool,
) -> np.ndarray:
    """Longest (or shortest) candidate path lying inside each op subset.

    ``used`` ``(..., P)`` holds each candidate's op bitmask (:func:`op_bits`), ``present`` whether
    the arch has it, ``lengths`` ``(P,)`` its length. A path lies inside subset S when its mask
    has no bit outside S. Instead of testing every (path, subset) pair, the best length per exact
    mask is spread to all supersets (a subset-sum style transform, one pass per op bit), so the
    cost is ``P + n_bits · 2^n_bits`` per arch whatever the number of subsets. Returns
    ``(..., S)`` int8, ``-1`` (longest) or ``127`` (shortest) where no path lies inside S.
    """
    size = 1 << n_bits
    lead = used.shape[:-1]
    empty = np.int8(-1 if longest else 127)
    combine = np.maximum if longest else np.minimum
    rows = int(np.prod(lead, dtype=np.int64))
    best = np.full((rows, size + 1), empty, dtype=np.int8)  # slot ``size``: absent paths
    flat = best.reshape(-1)
    row_start = np.arange(rows, dtype=np.int64) * (size + 1)
    used = used.reshape(rows, used.shape[-1])
    present = present.reshape(rows, present.shape[-1])
    for p in range(used.shape[-1]):
        index = row_start + np.where(present[:, p], used[:, p], size)
        flat[index] = combine(flat[index], np.int8(lengths[p]))
    table = best[:, :size].reshape(*lead, size)
    for bit in range(n_bits):
        step = 1 << bit
        view = table.reshape(*lead, size // (2 * step), 2, step)
        combine(view[..., 1, :], view[..., 0, :], out=view[..., 1, :])
    return table[..., np.asarray(subset_masks, dtype=np.int64)]
