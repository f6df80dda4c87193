"""Vectorized graph algorithms for NAS-Bench-101 style cells (ops on nodes of a small DAG).

Cells are held as a batch: ``adj`` ``(g, 7, 7)`` uint8 (``adj[i, s, d] = 1`` for an edge
``s → d``), ``ops`` ``(g, 7)`` int8 and ``n`` ``(g,)`` node counts. Node 0 is the input, node
``n - 1`` the output; rows and columns from ``n`` on are padding (no edges, op :data:`PAD`).
Everything here works on the whole batch with numpy, so parsing 10,000 cells is one call.
"""

from __future__ import annotations

import hashlib
import itertools
from functools import cache

import numpy as np

MAX_NODES = 7
#: Op value of padding nodes in the ops array.
PAD = -1


def reachability(adj: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(g, 7)`` bool: nodes reachable from the input, and nodes that reach the output."""
    g, size, _ = adj.shape
    rows = np.arange(g)
    a = adj.astype(bool)
    fwd = np.zeros((g, size), dtype=bool)
    fwd[:, 0] = True
    bwd = np.zeros((g, size), dtype=bool)
    bwd[rows, n - 1] = True
    for _ in range(size - 1):
        fwd = fwd | np.einsum("gs,gsd->gd", fwd, a)
        bwd = bwd | np.einsum("gd,gsd->gs", bwd, a)
    return fwd, bwd


def prune(
    adj: np.ndarray, ops: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drop nodes not on an input→output path, as NAS-Bench-101's ``ModelSpec`` does.

    Returns the compacted ``(adj, ops, n)`` and ``connected`` ``(g,)`` bool; where the input does not
    reach the output, the cell has no pruned form (``connected`` False, the row is left as given).
    """
    fwd, bwd = reachability(adj, n)
    keep = fwd & bwd
    connected = keep[np.arange(len(n)), n - 1]
    keep[~connected] = np.arange(MAX_NODES)[None, :] < n[~connected, None]
    # Kept nodes first, in their original order; the output stays last among them.
    order = np.argsort(~keep, axis=1, kind="stable")
    new_n = keep.sum(axis=1)
    rows = np.arange(len(n))[:, None]
    new_adj = adj[rows[:, :, None], order[:, :, None], order[:, None, :]]
    new_ops = ops[rows, order]
    live = np.arange(MAX_NODES)[None, :] < new_n[:, None]
    new_adj = new_adj * (live[:, :, None] & live[:, None, :])
    new_ops = np.where(live, new_ops, PAD).astype(np.int8)
    return new_adj.astype(np.uint8), new_ops, new_n.astype(np.int64), connected


@cache
def _topological_candidates(n: int) -> np.ndarray:
    """All numberings of the interior nodes of an ``n``-node cell: ``(k!, n)`` permutations."""
    interior = range(1, n - 1)
    perms = [(0, *p, n - 1) for p in itertools.permutations(interior)]
    return np.asarray(perms, dtype=np.int64).reshape(len(perms), n)


def canonicalize(
    adj: np.ndarray, ops: np.ndarray, n: np.ndarray, op_rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Renumber the interior nodes of each (pruned) cell into its canonical numbering.

    Among all numberings that keep every edge pointing forward (upper-triangular adjacency), pick
    the one whose key — interior op ranks ``op_rank[op]`` in node order, then the upper-triangle
    adjacency bits row by row — is smallest. Isomorphic cells have the same set of forward
    numberings, so they get the same result.
    """
    adj = adj.copy()
    ops = ops.copy()
    for size in np.unique(n):
        sel = np.flatnonzero(n == size)
        if size <= 3:
            continue  # at most one interior node: nothing to renumber
        perms = _topological_candidates(int(size))
        a = adj[sel][:, :size, :size]
        o = ops[sel][:, :size]
        iu = np.triu_indices(size, 1)
        il = np.tril_indices(size, -1)
        n_bits = len(iu[0])
        weights = (1 << np.arange(n_bits - 1, -1, -1)).astype(np.int64)
        best_key = np.full(len(sel), np.iinfo(np.int64).max, dtype=np.int64)
        best_perm = np.zeros(len(sel), dtype=np.int64)
        for p_index, perm in enumerate(perms):
            pa = a[:, perm][:, :, perm]
            forward = ~pa[:, il[0], il[1]].any(axis=1)
            op_key = np.zeros(len(sel), dtype=np.int64)
            for node in perm[1:-1]:
                op_key = op_key * 4 + op_rank[o[:, node]]
            key = (op_key << n_bits) | (pa[:, iu[0], iu[1]].astype(np.int64) @ weights)
            better = forward & (key < best_key)
            best_key[better] = key[better]
            best_perm[better] = p_index
        chosen = perms[best_perm]
        a = np.take_along_axis(a, chosen[:, :, None], axis=1)
        a = np.take_along_axis(a, chosen[:, None, :], axis=2)
        adj[sel, :size, :size] = a
        ops[sel, :size] = np.take_along_axis(o, chosen, axis=1)
    return adj, ops


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def module_hash(matrix: np.ndarray, labels: list[int]) -> str:
    """NAS-Bench-101's graph fingerprint of a pruned cell (the key of its tables).

    Each vertex starts from the MD5 of ``(out-degree, in-degree, label)`` written as a Python tuple;
    then, as many rounds as there are vertices, a vertex's hash becomes the MD5 of its sorted
    in-neighbour hashes, ``|``, its sorted out-neighbour hashes, ``|``, its own hash; the cell's
    hash is the MD5 of the sorted list of vertex hashes written as a Python list. Labels:
    -1 input, -2 output, 0 conv3x3, 1 conv1x1, 2 maxpool (NAS-Bench-101's ``available_ops`` order).
    """
    m = np.asarray(matrix).astype(bool)
    size = m.shape[0]
    in_deg = m.sum(axis=0).tolist()
    out_deg = m.sum(axis=1).tolist()
    hashes = [_md5(str((out_deg[v], in_deg[v], labels[v]))) for v in range(size)]
    preds = [np.flatnonzero(m[:, v]).tolist() for v in range(size)]
    succs = [np.flatnonzero(m[v, :]).tolist() for v in range(size)]
    for _ in range(size):
        hashes = [
            _md5(
                "".join(sorted(hashes[w] for w in preds[v]))
                + "|"
                + "".join(sorted(hashes[w] for w in succs[v]))
                + "|"
                + hashes[v]
            )
            for v in range(size)
        ]
    return _md5(str(sorted(hashes)))
