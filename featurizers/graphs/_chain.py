"""Graphs of TransNAS-Bench-101 macro networks: a chain of 4–6 residual modules.

The macro space has no cell: a network is a sequence of module codes (1 plain, 2 channels ×2,
3 stride 2, 4 both). Its graph is therefore a path.

``op_node``
    Nodes ``[input (stem), module 1, …, module k, output (head)]``, features one-hot over
    ``[role=input, code=1..4, role=output]``; edges ``i → i+1``.
``op_edge``
    Nodes ``0..k`` (the feature maps between modules; roles ``[input, intermediate, output]``);
    edge ``i → i+1`` is module ``i+1``, ``edge_attr`` one-hot over the 4 codes.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from ._tensors import GraphTensors, pack_graphs

CODE_COLUMNS = ("code=basic", "code=channel_x2", "code=stride_2", "code=channel_x2_stride_2")


def chain_graphs(module: ModuleType, archs: object, form: str) -> GraphTensors:
    codes = module.to_ops(archs).astype(np.int64)  # (g, 6), 0 = no module
    g, slots = codes.shape
    k = (codes > 0).sum(axis=1)
    rows = np.arange(g)[:, None]
    if form == "op_node":
        size = slots + 2
        x = np.zeros((g, size, 6), dtype=np.float32)
        x[:, 0, 0] = 1.0
        x[rows, 1 + np.arange(slots)[None, :], codes] = 1.0  # code c → column c (0 = unused)
        x[:, 1:, 0] = 0.0
        x[np.arange(g), k + 1] = 0.0
        x[np.arange(g), k + 1, 5] = 1.0
        cand = np.stack([np.arange(size - 1), np.arange(1, size)], axis=1)
        present = np.arange(size - 1)[None, :] < (k + 1)[:, None]
        return pack_graphs(
            x,
            k + 2,
            cand,
            present,
            space=module.NAME,
            form=form,
            node_features=("role=input", *CODE_COLUMNS, "role=output"),
        )
    size = slots + 1
    live = np.arange(size)[None, :] <= k[:, None]
    x = np.zeros((g, size, 3), dtype=np.float32)
    x[:, :, 1] = live
    x[:, 0] = (1.0, 0.0, 0.0)
    x[np.arange(g), k] = (0.0, 0.0, 1.0)
    cand = np.stack([np.arange(slots), np.arange(1, slots + 1)], axis=1)
    present = codes > 0
    attr = np.zeros((g, slots, 4), dtype=np.float32)
    attr[rows, np.arange(slots)[None, :], np.maximum(codes - 1, 0)] = 1.0
    attr[~present] = 0.0
    return pack_graphs(
        x,
        k + 1,
        cand,
        present,
        attr,
        space=module.NAME,
        form=form,
        node_features=("role=input", "role=intermediate", "role=output"),
        edge_features=CODE_COLUMNS,
    )
