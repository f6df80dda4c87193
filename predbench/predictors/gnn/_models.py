"""The torch modules behind the graph predictors: encoders, a gated op conv, the regression net.

Cells are directed acyclic graphs and direction matters (what feeds what). The GCN and GIN
encoders therefore pass messages both along and against the edges with separate weights and
combine the two, as the GCN of Wen et al. / BRP-NAS / NASLib does; the GATES encoder follows the
data flow only, as GATES does.

Every module takes a torch-geometric ``Batch`` (``x``, ``edge_index``, optional ``edge_attr``,
``batch``, ``ptr``) and returns one embedding row per graph.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn
from torch_geometric.nn import GCNConv, GINConv, MessagePassing, global_add_pool, global_mean_pool
from torch_geometric.nn.conv.gcn_conv import gcn_norm


class GCNEncoder(nn.Module):
    """Bidirectional GCN (ops as nodes), mean-pooled over nodes.

    The symmetric normalisation ``D^-1/2 (A + I) D^-1/2`` of each direction is computed once per
    batch and shared by all layers (the convs run with ``normalize=False``).
    """

    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        dims = [in_dim] + [hidden] * layers
        self.forward_convs = nn.ModuleList(
            GCNConv(a, b, normalize=False) for a, b in itertools.pairwise(dims)
        )
        self.backward_convs = nn.ModuleList(
            GCNConv(a, b, normalize=False) for a, b in itertools.pairwise(dims)
        )
        self.dropout = nn.Dropout(dropout)
        self.out_dim = hidden

    def forward(self, batch) -> torch.Tensor:
        h, n = batch.x, batch.x.shape[0]
        ei, w = gcn_norm(batch.edge_index, None, n, add_self_loops=True)
        rev, w_rev = gcn_norm(batch.edge_index.flip(0), None, n, add_self_loops=True)
        for fwd, bwd in zip(self.forward_convs, self.backward_convs, strict=True):
            h = self.dropout(0.5 * (torch.relu(fwd(h, ei, w)) + torch.relu(bwd(h, rev, w_rev))))
        return global_mean_pool(h, batch.batch, size=batch.num_graphs)


def _mlp(a: int, b: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(a, b), nn.ReLU(), nn.Linear(b, b))


class GINEncoder(nn.Module):
    """Bidirectional GIN (ops as nodes); sum-pooled readouts of every layer, concatenated."""

    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        dims = [in_dim] + [hidden] * layers
        self.forward_convs = nn.ModuleList(
            GINConv(_mlp(a, b), train_eps=True) for a, b in itertools.pairwise(dims)
        )
        self.backward_convs = nn.ModuleList(
            GINConv(_mlp(a, b), train_eps=True) for a, b in itertools.pairwise(dims)
        )
        self.dropout = nn.Dropout(dropout)
        self.readout = nn.Linear(hidden * layers, hidden)
        self.out_dim = hidden

    def forward(self, batch) -> torch.Tensor:
        h, ei = batch.x, batch.edge_index
        rev = ei.flip(0)
        pooled = []
        for fwd, bwd in zip(self.forward_convs, self.backward_convs, strict=True):
            h = self.dropout(torch.relu(fwd(h, ei) + bwd(h, rev)))
            pooled.append(global_add_pool(h, batch.batch, size=batch.num_graphs))
        return torch.relu(self.readout(torch.cat(pooled, dim=1)))


class GatedOpConv(MessagePassing):
    """GATES message: the op on an edge gates the transformed source embedding.

    ``m(u→v) = sigmoid(W_g · op(u→v)) ⊙ (W_x · h_u)``, summed over the incoming edges of ``v``;
    a ``none`` op can learn a gate near zero and cut its edge.
    """

    def __init__(self, hidden: int, op_dim: int):
        super().__init__(aggr="add")
        self.lin = nn.Linear(hidden, hidden, bias=False)
        self.gate = nn.Linear(op_dim, hidden)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        super().reset_parameters()
        self.lin.reset_parameters()
        self.gate.reset_parameters()

    def forward(self, h: torch.Tensor, edge_index: torch.Tensor, op: torch.Tensor) -> torch.Tensor:
        return self.propagate(edge_index, h=self.lin(h), op=op)

    def message(self, h_j: torch.Tensor, op: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.gate(op)) * h_j


class GATESEncoder(nn.Module):
    """GATES-style encoder (ops on edges): gated data flow from the input, read at the output.

    Node roles are embedded (the input gets a learnt "information" vector), ops are embedded, and
    ``layers`` rounds of :class:`GatedOpConv` with a residual connection carry information along
    every path of length ≤ ``layers``. The embedding is the output node's state next to the mean
    over nodes.
    """

    def __init__(self, in_dim: int, edge_dim: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        self.node_embedding = nn.Linear(in_dim, hidden)
        self.op_embedding = nn.Linear(edge_dim, hidden, bias=False)
        self.convs = nn.ModuleList(GatedOpConv(hidden, hidden) for _ in range(layers))
        self.norms = nn.ModuleList(nn.LayerNorm(hidden) for _ in range(layers))
        self.dropout = nn.Dropout(dropout)
        self.readout = nn.Linear(2 * hidden, hidden)
        self.out_dim = hidden

    def forward(self, batch) -> torch.Tensor:
        h = self.node_embedding(batch.x)
        op = self.op_embedding(batch.edge_attr)
        for conv, norm in zip(self.convs, self.norms, strict=True):
            h = norm(h + self.dropout(conv(h, batch.edge_index, op)))
        out_nodes = batch.ptr[1:] - 1
        mean = global_mean_pool(h, batch.batch, size=batch.num_graphs)
        return torch.relu(self.readout(torch.cat([h[out_nodes], mean], dim=1)))


class GraphRegressionNet(nn.Module):
    """Graph embedding (optional) ⊕ embedded extra features (optional) → MLP → one score."""

    def __init__(
        self,
        encoder: nn.Module | None,
        n_features: int,
        hidden: int,
        dropout: float,
        feature_dropout: float = 0.0,
    ):
        super().__init__()
        self.feature_dropout = feature_dropout
        if encoder is None and n_features == 0:
            raise ValueError("a regression net needs a graph encoder, extra features, or both")
        self.encoder = encoder
        self.features = (
            nn.Sequential(
                nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU()
            )
            if n_features
            else None
        )
        width = (encoder.out_dim if encoder is not None else 0) + (hidden if n_features else 0)
        self.head = nn.Sequential(
            nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, 1)
        )

    def forward(self, batch=None, features: torch.Tensor | None = None) -> torch.Tensor:
        parts = []
        if self.encoder is not None:
            parts.append(self.encoder(batch))
        if self.features is not None:
            emb = self.features(features)
            if self.training and self.feature_dropout > 0 and self.encoder is not None:
                # Drop the whole feature embedding of some archs, so that the graph branch
                # keeps learning instead of leaning on the (quickly fitted) features alone.
                keep = torch.rand(emb.shape[0], 1, device=emb.device) >= self.feature_dropout
                emb = emb * keep / (1.0 - self.feature_dropout)
            parts.append(emb)
        return self.head(torch.cat(parts, dim=1)).squeeze(1)
