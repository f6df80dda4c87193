"""Graphs of NAS-Bench-301 / DARTS archs: a normal and a reduction cell in one graph.

Each cell has two inputs (outputs of the two previous cells, ``k-2`` and ``k-1``), four
intermediate nodes fed by two op-edges each, and an output concatenating the four intermediate
nodes. The two cells are chained: the normal cell's output feeds both inputs of the reduction
cell, so that one graph reads the arch from the first input to the last output (the network
stacks normal cells before each reduction cell). Built vectorized from the space's ``(n, 2, 8)``
``ops`` / ``inputs`` arrays.

``op_edge`` — 14 nodes, per cell ``7·c + [input k-2, input k-1, node 0..3, output]``
    (``c`` = 0 normal, 1 reduce). Node features ``[role=input_k-2, role=input_k-1,
    role=intermediate, role=output, cell=reduce]``. Edges, cell by cell: the 8 op-edges in the
    space's edge order (``edge_attr`` one-hot over the 7 ops), then the 4 concat links into the
    output; last the 2 links between cells. Links carry the extra edge feature ``link``.
``op_node`` — 22 nodes, per cell ``11·c + [input k-2, input k-1, op-edge 0..7, output]``
    (the line graph: an op-edge becomes a node). Node features ``[role=input_k-2,
    role=input_k-1, op=<7 ops>, role=output, cell=reduce]``. Edges: an input to each op-node
    reading it; op-node ``e`` to op-node ``f`` when ``f`` reads the intermediate node ``e``
    feeds; every op-node to the output (all intermediate nodes are concatenated); the normal
    output to both reduction-cell inputs.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from ._tensors import GraphTensors, pack_graphs


def _op_edge(module: ModuleType, ops: np.ndarray, inputs: np.ndarray) -> GraphTensors:
    g = ops.shape[0]
    n_ops, n_e = module.N_OPS, module.N_EDGES
    target = 2 + np.asarray(module.EDGE_NODE)
    cand, present, attr = [], [], []
    for c in range(2):
        base = 7 * c
        for e in range(n_e):
            for i in range(int(target[e])):
                cand.append((base + i, base + int(target[e])))
                present.append(inputs[:, c, e] == i)
                a = np.zeros((g, n_ops + 1), dtype=np.float32)
                a[np.arange(g), ops[:, c, e]] = 1.0
                attr.append(a)
        for k in range(4):
            cand.append((base + 2 + k, base + 6))
            present.append(np.ones(g, dtype=bool))
            attr.append(np.tile(np.eye(n_ops + 1, dtype=np.float32)[n_ops], (g, 1)))
    for i in (7, 8):
        cand.append((6, i))
        present.append(np.ones(g, dtype=bool))
        attr.append(np.tile(np.eye(n_ops + 1, dtype=np.float32)[n_ops], (g, 1)))
    x = np.zeros((14, 5), dtype=np.float32)
    for c in range(2):
        x[7 * c + 0, 0] = x[7 * c + 1, 1] = 1.0
        x[7 * c + 2 : 7 * c + 6, 2] = 1.0
        x[7 * c + 6, 3] = 1.0
        x[7 * c : 7 * c + 7, 4] = float(c)
    return pack_graphs(
        np.broadcast_to(x, (g, 14, 5)),
        np.full(g, 14),
        np.array(cand),
        np.stack(present, axis=1),
        np.stack(attr, axis=1),
        space=module.NAME,
        form="op_edge",
        node_features=(
            "role=input_k-2",
            "role=input_k-1",
            "role=intermediate",
            "role=output",
            "cell=reduce",
        ),
        edge_features=(*(f"op={o}" for o in module.OPS), "link"),
    )


def _op_node(module: ModuleType, ops: np.ndarray, inputs: np.ndarray) -> GraphTensors:
    g = ops.shape[0]
    n_ops, n_e = module.N_OPS, module.N_EDGES
    node_of = np.asarray(module.EDGE_NODE)
    width = n_ops + 4
    cand, present = [], []
    x = np.zeros((g, 22, width), dtype=np.float32)
    for c in range(2):
        base = 11 * c
        x[:, base + 0, 0] = x[:, base + 1, 1] = 1.0
        for e in range(n_e):
            x[np.arange(g), base + 2 + e, 2 + ops[:, c, e]] = 1.0
        x[:, base + 10, 2 + n_ops] = 1.0
        x[:, base : base + 11, 3 + n_ops] = float(c)
        for i in range(2):
            for f in range(n_e):
                cand.append((base + i, base + 2 + f))
                present.append(inputs[:, c, f] == i)
        for e in range(n_e):
            for f in range(n_e):
                if node_of[f] > node_of[e]:
                    cand.append((base + 2 + e, base + 2 + f))
                    present.append(inputs[:, c, f] == 2 + node_of[e])
        for e in range(n_e):
            cand.append((base + 2 + e, base + 10))
            present.append(np.ones(g, dtype=bool))
    for i in (11, 12):
        cand.append((10, i))
        present.append(np.ones(g, dtype=bool))
    return pack_graphs(
        x,
        np.full(g, 22),
        np.array(cand),
        np.stack(present, axis=1),
        space=module.NAME,
        form="op_node",
        node_features=(
            "role=input_k-2",
            "role=input_k-1",
            *(f"op={o}" for o in module.OPS),
            "role=output",
            "cell=reduce",
        ),
    )


def darts_graphs(module: ModuleType, archs: object, form: str) -> GraphTensors:
    ops, inputs = module.to_arrays(archs)
    ops, inputs = ops.astype(np.int64), inputs.astype(np.int64)
    return _op_node(module, ops, inputs) if form == "op_node" else _op_edge(module, ops, inputs)
