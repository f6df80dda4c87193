"""Many small graphs held as stacked, padded tensors.

A search space's graphs are tiny (4–11 nodes) and numerous (15,625 NB201 cells). Building one
``torch_geometric.data.Data`` per arch and collating them with ``Batch.from_data_list`` costs
Python work per arch on every mini-batch. :class:`GraphTensors` instead keeps all graphs of a call
as padded tensors — node features ``(g, max_nodes, F)``, local edge lists ``(g, max_edges, 2)`` —
and cuts any subset into a ``Batch`` with a handful of vectorized tensor operations
(:meth:`GraphTensors.to_batch`). The ``Batch`` is a regular torch-geometric batch:
``get_example``, ``to_data_list`` and ``index_select`` work on it as on a collated one.

Nodes of a graph occupy the first ``num_nodes[i]`` rows, its edges the first ``num_edges[i]`` rows;
the rest is padding (zeros, never read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

if TYPE_CHECKING:  # pragma: no cover
    from torch_geometric.data import Batch, Data


def require_torch_geometric() -> Any:
    """Import :mod:`torch_geometric`, or fail saying how to install it."""
    try:
        import torch_geometric
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "graph featurizers need torch-geometric, an optional dependency: install it with "
            "`pip install 'predbench[gnn]'` (or `pip install torch-geometric`)"
        ) from exc
    return torch_geometric


@dataclass(frozen=True, eq=False)
class GraphTensors:
    """Padded tensors of ``g`` graphs of one search space and graph form.

    Parameters
    ----------
    x
        ``(g, max_nodes, n_node_features)`` float32 node features.
    num_nodes
        ``(g,)`` int64 node count per graph.
    edges
        ``(g, max_edges, 2)`` int64 ``(source, target)`` pairs, local node numbers. May be a
        broadcast view when every graph has the same topology.
    num_edges
        ``(g,)`` int64 edge count per graph.
    edge_attr
        ``(g, max_edges, n_edge_features)`` float32 edge features, or ``None``.
    space, form
        Names of the space and graph form that built the tensors.
    node_features, edge_features
        Column names of ``x`` and ``edge_attr`` (``"op=nor_conv_3x3"``, ``"role=input"``).
    """

    x: torch.Tensor
    num_nodes: torch.Tensor
    edges: torch.Tensor
    num_edges: torch.Tensor
    edge_attr: torch.Tensor | None = None
    space: str = ""
    form: str = ""
    node_features: tuple[str, ...] = ()
    edge_features: tuple[str, ...] = ()
    _node_slots: torch.Tensor = field(init=False, repr=False)
    _edge_slots: torch.Tensor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        g = self.x.shape[0]
        for name in ("num_nodes", "edges", "num_edges"):
            if getattr(self, name).shape[0] != g:
                raise ValueError(
                    f"GraphTensors: {name} has {getattr(self, name).shape[0]} rows, x has {g}"
                )
        if self.edge_attr is not None and self.edge_attr.shape[:2] != self.edges.shape[:2]:
            raise ValueError(
                f"GraphTensors: edge_attr shape {tuple(self.edge_attr.shape)} does not match edges "
                f"{tuple(self.edges.shape)}"
            )
        object.__setattr__(self, "_node_slots", torch.arange(self.x.shape[1]))
        object.__setattr__(self, "_edge_slots", torch.arange(self.edges.shape[1]))

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def num_node_features(self) -> int:
        return int(self.x.shape[2])

    @property
    def num_edge_features(self) -> int:
        return 0 if self.edge_attr is None else int(self.edge_attr.shape[2])

    def select(self, index: Sequence[int] | np.ndarray | torch.Tensor) -> GraphTensors:
        """The graphs at ``index`` (in that order) as a new :class:`GraphTensors`."""
        idx = torch.as_tensor(np.asarray(index), dtype=torch.long)
        return GraphTensors(
            x=self.x[idx],
            num_nodes=self.num_nodes[idx],
            edges=self.edges[idx],
            num_edges=self.num_edges[idx],
            edge_attr=None if self.edge_attr is None else self.edge_attr[idx],
            space=self.space,
            form=self.form,
            node_features=self.node_features,
            edge_features=self.edge_features,
        )

    def to_batch(self, index: Sequence[int] | np.ndarray | torch.Tensor | None = None) -> Batch:
        """One torch-geometric ``Batch`` of the graphs at ``index`` (all graphs when ``None``).

        Equal, tensor for tensor, to ``Batch.from_data_list([self.to_data(i) for i in index])``
        but built without a Python loop over graphs.
        """
        tg = require_torch_geometric()
        if index is None:
            x, n_nodes, edges, n_edges, edge_attr = (
                self.x,
                self.num_nodes,
                self.edges,
                self.num_edges,
                self.edge_attr,
            )
        else:
            idx = torch.as_tensor(np.asarray(index), dtype=torch.long)
            x, n_nodes, edges, n_edges = (
                self.x[idx],
                self.num_nodes[idx],
                self.edges[idx],
                self.num_edges[idx],
            )
            edge_attr = None if self.edge_attr is None else self.edge_attr[idx]
        g = x.shape[0]
        node_live = self._node_slots[None, :] < n_nodes[:, None]
        edge_live = self._edge_slots[None, :] < n_edges[:, None]
        zero = torch.zeros(1, dtype=torch.long)
        ptr = torch.cat([zero, n_nodes.cumsum(0)])
        eptr = torch.cat([zero, n_edges.cumsum(0)])
        edge_index = (edges + ptr[:-1, None, None])[edge_live].T.contiguous()

        out = tg.data.Batch(_base_cls=tg.data.Data)
        out.x = x[node_live]
        out.edge_index = edge_index
        slices = {"x": ptr, "edge_index": eptr}
        incs = {"x": torch.zeros(g, dtype=torch.long), "edge_index": ptr[:-1]}
        if edge_attr is not None:
            out.edge_attr = edge_attr[edge_live]
            slices["edge_attr"] = eptr
            incs["edge_attr"] = torch.zeros(g, dtype=torch.long)
        out.batch = torch.repeat_interleave(torch.arange(g), n_nodes, output_size=int(ptr[-1]))
        out.ptr = ptr
        out._num_graphs = g
        out._slice_dict = slices
        out._inc_dict = incs
        return out

    def to_data(self, i: int) -> Data:
        """Graph ``i`` as a torch-geometric ``Data`` (``x``, ``edge_index``, ``edge_attr``)."""
        tg = require_torch_geometric()
        n, m = int(self.num_nodes[i]), int(self.num_edges[i])
        data = tg.data.Data(x=self.x[i, :n].clone(), edge_index=self.edges[i, :m].T.contiguous())
        if self.edge_attr is not None:
            data.edge_attr = self.edge_attr[i, :m].clone()
        return data

    def to_data_list(self) -> list[Data]:
        """Every graph as its own ``Data`` (a Python loop: for inspection, not for training)."""
        return [self.to_data(i) for i in range(len(self))]


def pack_graphs(
    x: np.ndarray,
    num_nodes: np.ndarray,
    candidates: np.ndarray,
    present: np.ndarray,
    candidate_attr: np.ndarray | None = None,
    **meta: Any,
) -> GraphTensors:
    """Padded graphs whose edges are a per-graph subset of one candidate edge list.

    Parameters
    ----------
    x
        ``(g, max_nodes, F)`` node features (padding rows zero).
    num_nodes
        ``(g,)`` node counts.
    candidates
        ``(m, 2)`` every edge any graph may have, in the order edges are to be listed.
    present
        ``(g, m)`` bool: which candidates each graph has.
    candidate_attr
        ``(g, m, F_e)`` edge features of the candidates, or ``None``.
    meta
        ``space``, ``form``, ``node_features``, ``edge_features`` for :class:`GraphTensors`.
    """
    present = np.asarray(present, dtype=bool)
    g = present.shape[0]
    num_edges = present.sum(axis=1)
    width = int(num_edges.max()) if g else 0
    # Present candidates of each graph move to the front, keeping their candidate order.
    order = np.argsort(~present, axis=1, kind="stable")[:, :width]
    rows = np.arange(g)[:, None]
    edges = np.asarray(candidates, dtype=np.int64)[order]
    live = np.arange(width)[None, :] < num_edges[:, None]
    edges = np.where(live[:, :, None], edges, 0)
    attr = None
    if candidate_attr is not None:
        attr = np.where(live[:, :, None], candidate_attr[rows, order], 0.0)
        attr = torch.from_numpy(np.ascontiguousarray(attr, dtype=np.float32))
    return GraphTensors(
        x=torch.from_numpy(np.array(x, dtype=np.float32)),
        num_nodes=torch.from_numpy(np.asarray(num_nodes, dtype=np.int64)),
        edges=torch.from_numpy(np.ascontiguousarray(edges)),
        num_edges=torch.from_numpy(num_edges.astype(np.int64)),
        edge_attr=attr,
        **meta,
    )
