"""Graphs of NAS-Bench-101 cells (ops on the nodes of a DAG of at most 7 nodes).

Built from the space's padded arrays (``adjacency (n, 7, 7)``, ``ops (n, 7)``, ``n_nodes``) in one
vectorized pass; node numbers are the canonical numbering of the pruned cell (0 input, last
output).

``op_node``
    The cell graph itself: node features one-hot over the space's op codes ``[input, output,
    maxpool3x3, conv1x1-bn-relu, conv3x3-bn-relu]``, edges the cell's edges sorted by
    (source, target).
``op_edge``
    The same nodes with role features ``[input, intermediate, output]``; each edge carries the
    op of its **target** node one-hot (the op the data crosses next — GATES's "op on node" rule,
    where a node's op gates what flows into it).
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from ._tensors import GraphTensors, pack_graphs

ROLE_NAMES = ("role=input", "role=intermediate", "role=output")


def node_cell_graphs(module: ModuleType, archs: object, form: str) -> GraphTensors:
    adj, ops, n = module.to_arrays(archs)
    g, size = ops.shape[0], module.MAX_NODES
    src, dst = np.triu_indices(size, 1)
    candidates = np.stack([src, dst], axis=1)
    present = adj[:, src, dst].astype(bool)
    live = np.arange(size)[None, :] < n[:, None]
    n_codes = len(module.OPS)
    codes = np.where(live, ops, 0).astype(np.int64)
    onehot = np.zeros((g, size, n_codes), dtype=np.float32)
    onehot[np.arange(g)[:, None], np.arange(size)[None, :], codes] = 1.0
    onehot[~live] = 0.0
    op_names = tuple(f"op={o}" for o in module.OPS)
    meta = {"space": module.NAME, "form": form}
    if form == "op_node":
        return pack_graphs(onehot, n, candidates, present, node_features=op_names, **meta)
    roles = np.zeros((g, size, 3), dtype=np.float32)
    roles[:, :, 1] = live
    roles[:, 0] = (1.0, 0.0, 0.0)
    last = n - 1
    roles[np.arange(g), last] = (0.0, 0.0, 1.0)
    attr = onehot[:, dst, :]  # (g, m, n_codes): op of each candidate's target node
    return pack_graphs(
        roles,
        n,
        candidates,
        present,
        attr,
        node_features=ROLE_NAMES,
        edge_features=op_names,
        **meta,
    )
