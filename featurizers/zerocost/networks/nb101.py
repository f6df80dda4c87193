"""The NAS-Bench-101 network as NAS-Bench-Suite-Zero scored it (archai's NB101 model via NASLib).

Structure (NAS-Bench-101 paper, NASLib ``zerocost`` branch → ``archai.algos.nasbench101``;
facts and sources in ``networks/README.md``)::

    stem: Conv3×3(3→128, pad 1, no bias) → BN → ReLU
    stack 1: 3 cells at 128 channels
    MaxPool(2, stride 2); stack 2: 3 cells at 256 (the first maps 128→256)
    MaxPool(2, stride 2); stack 3: 3 cells at 512
    head: mean over H, W → Linear(512→10)

Every cell is the *pruned* NB101 cell (the canonical id already is). Vertex channels: the
output's channels are split evenly among the interior vertices feeding it (the first
``C_out mod k`` get one more); any other interior vertex takes the largest channel count among
the interior vertices it feeds. A vertex sums its interior inputs, each truncated to its own
channel count (drop the last channel when one more), plus a 1×1 projection
(Conv1×1 → BN → ReLU) of the cell input when the input feeds it; then applies its op
(``c3``/``c1`` = Conv k×k → BN → ReLU keeping the channels, ``mp`` = MaxPool 3×3 stride 1 pad 1).
The output concatenates the interior vertices that feed it, plus the projected input when the
input feeds the output (added, not concatenated); a cell whose only path is input → output is that
projection.

Initial weights are those of archai's model: Conv ``N(0, √(2/(k²·C_out)))``, BN weight 1 bias 0,
Linear weight ``N(0, 0.01)`` and bias 0 (NASLib's zero-cost code does not re-initialise).
``zen`` measures the last cell's output (NASLib hooks ``model.layers[-1]``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from ...spaces import nb101 as space
from . import _counting
from ._taskio import TaskIO
from .registry import find_task

#: Bump when a change alters any computed number.
NETWORK_VERSION = 1
STEM_CHANNELS = 128
STACKS = 3
CELLS_PER_STACK = 3
_OP_KERNEL = {"conv3x3-bn-relu": 3, "conv1x1-bn-relu": 1}
_MAXPOOL = "maxpool3x3"

TASKS: dict[str, TaskIO] = {
    "cifar10": TaskIO((3, 32, 32), 10, "cross_entropy", "class"),
}


def task_io(dataset: str) -> TaskIO:
    """The task description of ``dataset`` (NAS-Bench-Suite-Zero scored NB101 on CIFAR-10 only)."""
    return TASKS[find_task("nb101", TASKS, dataset)]


class ConvBnRelu(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, kernel: int) -> None:
        super().__init__(
            nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=False),
        )


def vertex_channels(matrix: np.ndarray, c_in: int, c_out: int) -> list[int]:
    """Channels of every vertex of a pruned cell (input, interior…, output)."""
    n = matrix.shape[0]
    channels = [0] * n
    channels[0], channels[-1] = c_in, c_out
    if n == 2:
        return channels
    feeding = [v for v in range(1, n - 1) if matrix[v, n - 1]]
    base, extra = divmod(c_out, len(feeding))
    for rank, v in enumerate(feeding):
        channels[v] = base + (1 if rank < extra else 0)
    for v in range(n - 3, 0, -1):
        if not matrix[v, n - 1]:
            channels[v] = max(channels[d] for d in range(v + 1, n - 1) if matrix[v, d])
    return channels


class NB101Cell(nn.Module):
    """One pruned NB101 cell mapping ``c_in`` to ``c_out`` channels."""

    def __init__(self, matrix: np.ndarray, ops: Sequence[str], c_in: int, c_out: int) -> None:
        super().__init__()
        self.matrix = np.asarray(matrix, dtype=np.int64)
        n = self.matrix.shape[0]
        self.channels = vertex_channels(self.matrix, c_in, c_out)
        self.vertex_ops = nn.ModuleList([nn.Identity()])
        for v in range(1, n - 1):
            c = self.channels[v]
            if ops[v] in _OP_KERNEL:
                self.vertex_ops.append(ConvBnRelu(c, c, _OP_KERNEL[ops[v]]))
            elif ops[v] == _MAXPOOL:
                self.vertex_ops.append(nn.MaxPool2d(3, stride=1, padding=1))
            else:
                raise ValueError(f"nb101: unknown op {ops[v]!r} at vertex {v}")
        self.projections = nn.ModuleDict(
            {
                str(v): ConvBnRelu(c_in, self.channels[v], 1)
                for v in range(1, n)
                if self.matrix[0, v]
            }
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = self.matrix.shape[0]
        tensors: list[torch.Tensor] = [x]
        concat: list[torch.Tensor] = []
        for v in range(1, n - 1):
            c = self.channels[v]
            terms = [tensors[s][:, :c] for s in range(1, v) if self.matrix[s, v]]
            if self.matrix[0, v]:
                terms.append(self.projections[str(v)](x))
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            tensors.append(self.vertex_ops[v](total))
            if self.matrix[v, n - 1]:
                concat.append(tensors[v])
        if not concat:
            return self.projections[str(n - 1)](x)
        out = concat[0] if len(concat) == 1 else torch.cat(concat, dim=1)
        if self.matrix[0, n - 1]:
            out = out + self.projections[str(n - 1)](x)
        return out


def cell_spec(arch: object) -> tuple[np.ndarray, list[str]]:
    """Pruned adjacency and op names of ``arch`` in the vertex numbering it was given in.

    The numbering matters: when the output's channels do not split evenly, the first vertices
    get the extra channel, so two numberings of one isomorphism class can differ by a few
    thousand parameters (6 of the 292 cells of NAS-Bench-Suite-Zero's NB101 pilot). A canonical
    id is read in its own numbering; tuple keys and ``(matrix, ops)`` forms keep theirs.
    """
    raw = space._raw(arch)  # validated, unpruned, numbering as given
    m = np.asarray(raw.matrix, dtype=np.int64)
    n = m.shape[0]
    reach = np.eye(n, dtype=bool)
    for _ in range(n):
        reach = reach | ((reach.astype(np.int64) @ m) > 0)
    keep = [v for v in range(n) if reach[0, v] and reach[v, n - 1]]
    if 0 not in keep or n - 1 not in keep:
        raise ValueError(f"nb101: arch {arch!r} has no input→output path")
    pruned = m[np.ix_(keep, keep)]
    ops = [space.OPS[raw.ops[v]] for v in keep]
    return pruned, ops


class NB101Network(nn.Module):
    """One NAS-Bench-101 network for any accepted NB101 arch (see :func:`cell_spec`)."""

    def __init__(self, arch: object, num_classes: int = 10, in_channels: int = 3) -> None:
        super().__init__()
        self.arch = space.parse(arch)
        matrix, ops = cell_spec(arch)
        layers: list[nn.Module] = [ConvBnRelu(in_channels, STEM_CHANNELS, 3)]
        c_in = c_out = STEM_CHANNELS
        for stack in range(STACKS):
            if stack > 0:
                layers.append(nn.MaxPool2d(2, stride=2))
                c_out *= 2
            for _ in range(CELLS_PER_STACK):
                layers.append(NB101Cell(matrix, ops, c_in, c_out))
                c_in = c_out
        self.layers = nn.ModuleList(layers)
        self.classifier = nn.Linear(c_out, num_classes)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """The last cell's output (what ``zen`` measures)."""
        for layer in self.layers:
            x = layer(x)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.forward_features(x).mean(dim=(2, 3)))


@torch.no_grad()
def init_weights(net: nn.Module, generator: torch.Generator) -> nn.Module:
    """archai's NB101 initialisation, drawn from ``generator`` in module order."""
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            std = math.sqrt(2.0 / (m.kernel_size[0] * m.kernel_size[1] * m.out_channels))
            m.weight.copy_(torch.randn(m.weight.shape, generator=generator).mul_(std))
            if m.bias is not None:
                m.bias.zero_()
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.fill_(1.0)
            m.bias.zero_()
            m.reset_running_stats()
        elif isinstance(m, nn.Linear):
            m.weight.copy_(torch.randn(m.weight.shape, generator=generator).mul_(0.01))
            m.bias.zero_()
    return net


def build_network(arch: str, dataset: str = "cifar10") -> nn.Module:
    """The NB101 network of ``arch`` for ``dataset`` (weights: PyTorch's construction defaults)."""
    io = task_io(dataset)
    return NB101Network(arch, io.num_outputs, io.input_shape[0])


def zen_features(net: NB101Network, x: torch.Tensor) -> torch.Tensor:
    return net.forward_features(x)


def count_params(arch: str, dataset: str = "cifar10") -> int:
    """Trainable parameters (BN affine counted, running statistics not)."""
    return sum(p.numel() for p in build_network(arch, dataset).parameters() if p.requires_grad)


def count_flops(arch: str, dataset: str = "cifar10") -> int:
    """tensorwatch-rule FLOPs at batch 1 (see :mod:`._counting`)."""
    io = task_io(dataset)
    return _counting.count_by_hooks(build_network(arch, dataset), (1, *io.input_shape))[1]
