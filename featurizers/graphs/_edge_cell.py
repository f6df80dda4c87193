"""Graphs of cells with one op per edge (NB201, TransNAS-Bench-101 micro).

Two forms, both built for the whole space at once from the ``(n_archs, n_edges)`` ops table and
cached, so a request for any archs is one index lookup plus a tensor gather:

``op_node`` (line graph; NASLib's GCN encoding, BRP-NAS)
    Nodes: the cell input, one node per cell edge (in the space's tuple order), the cell output —
    ``n_edges + 2`` nodes. A directed edge links the input to every op-node whose cell edge leaves
    the input, op-node ``(a, b)`` to op-node ``(b, c)``, and every op-node whose cell edge enters
    the output to the output. Node features: one-hot over ``[input, op_0, …, op_{k-1}, output]``
    (NB201: 7 columns, ``op id + 1`` for an op-node, exactly NASLib's ``encode_gcn_nasbench201``).
    ``none`` op-nodes are kept: the graph is a function of the id alone.

``op_edge`` (the cell as it is; GATES-style models)
    Nodes: the cell's nodes, features one-hot over ``[role=input, role=intermediate,
    role=output]``. Edges: the cell edges in tuple order, ``edge_attr`` one-hot over the space's
    ops (``none`` included, so a model can learn to gate it off).
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

import numpy as np
import torch

from ..spaces._cell import EdgeCellSpace
from ._tensors import GraphTensors


def op_node_edges(cell: EdgeCellSpace) -> np.ndarray:
    """``(m, 2)`` edges of the line-graph form, sorted by (source, target)."""
    n_e = cell.n_edges
    inp, out = 0, n_e + 1
    pairs = []
    for e, (s, d) in enumerate(cell.edges):
        if s == 0:
            pairs.append((inp, 1 + e))
        if d == cell.n_nodes - 1:
            pairs.append((1 + e, out))
        for f, (s2, _) in enumerate(cell.edges):
            if s2 == d:
                pairs.append((1 + e, 1 + f))
    return np.array(sorted(pairs), dtype=np.int64)


def op_node_features(cell: EdgeCellSpace, ops: np.ndarray) -> np.ndarray:
    """``(n, n_edges + 2, n_ops + 2)`` one-hot node features of the line-graph form."""
    n, n_e = ops.shape
    width = cell.n_ops + 2
    x = np.zeros((n, n_e + 2, width), dtype=np.float32)
    x[:, 0, 0] = 1.0
    rows = np.arange(n)[:, None]
    x[rows, 1 + np.arange(n_e)[None, :], 1 + ops.astype(np.int64)] = 1.0
    x[:, n_e + 1, width - 1] = 1.0
    return x


def op_node_names(cell: EdgeCellSpace) -> tuple[str, ...]:
    return ("role=input", *(f"op={o}" for o in cell.ops), "role=output")


def op_edge_node_features(cell: EdgeCellSpace) -> np.ndarray:
    """``(n_nodes, 3)`` role one-hot of the cell's nodes."""
    x = np.zeros((cell.n_nodes, 3), dtype=np.float32)
    x[0, 0] = 1.0
    x[1:-1, 1] = 1.0
    x[-1, 2] = 1.0
    return x


ROLE_NAMES = ("role=input", "role=intermediate", "role=output")


@cache
def _full_space(module_name: str, form: str) -> GraphTensors:
    from ..spaces import get_space

    module = get_space(module_name)
    cell: EdgeCellSpace = module.SPACE
    ops = np.asarray(cell.ops_table)
    n = ops.shape[0]
    if form == "op_node":
        edges = torch.from_numpy(op_node_edges(cell))
        x = torch.from_numpy(op_node_features(cell, ops))
        return GraphTensors(
            x=x,
            num_nodes=torch.full((n,), x.shape[1], dtype=torch.long),
            edges=edges.expand(n, -1, -1),
            num_edges=torch.full((n,), edges.shape[0], dtype=torch.long),
            space=cell.name,
            form=form,
            node_features=op_node_names(cell),
        )
    if form == "op_edge":
        edges = torch.tensor(cell.edges, dtype=torch.long)
        x = torch.from_numpy(op_edge_node_features(cell))
        attr = torch.zeros((n, cell.n_edges, cell.n_ops), dtype=torch.float32)
        attr.scatter_(2, torch.from_numpy(ops.astype(np.int64))[:, :, None], 1.0)
        return GraphTensors(
            x=x.expand(n, -1, -1),
            num_nodes=torch.full((n,), cell.n_nodes, dtype=torch.long),
            edges=edges.expand(n, -1, -1),
            num_edges=torch.full((n,), cell.n_edges, dtype=torch.long),
            edge_attr=attr,
            space=cell.name,
            form=form,
            node_features=ROLE_NAMES,
            edge_features=tuple(f"op={o}" for o in cell.ops),
        )
    raise ValueError(f"unknown graph form {form!r}")  # pragma: no cover - checked by the caller


def edge_cell_graphs(module: ModuleType, archs: object, form: str) -> GraphTensors:
    """Graphs of ``archs`` (any accepted form) of an edge-cell space, cut from the cached table."""
    cell: EdgeCellSpace = module.SPACE
    return _full_space(cell.name, form).select(cell.to_index(archs))
