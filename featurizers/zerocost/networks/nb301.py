"""The NAS-Bench-301 (DARTS) network as NAS-Bench-Suite-Zero scored it (NASLib's DARTS graph).

Structure (NASLib ``zerocost`` branch, ``nasbench301/graph.py`` and ``core/primitives.py``;
facts and sources in ``networks/README.md``)::

    stem: Conv3×3(C_in→96, pad 1, no bias) → BN(96)
    8 cells: normal, normal, reduce, normal, normal, reduce, normal, normal
    channels C = 32 (cells 0–1), 64 (2–4), 128 (5–7); a reduction cell doubles C and halves H, W
    head: global average pool → Linear(4·128 → K)

Cell ``k`` reads the outputs of cells ``k−2`` and ``k−1`` (the stem for missing ones) through
preprocessing: ``s0`` = FactorizedReduce (affine BN) when cell ``k−1`` reduced, else
ReLU → Conv1×1 → BN; ``s1`` = ReLU → Conv1×1 → BN; both map to C channels. Each of the 4
intermediate nodes sums its two edges; the output concatenates the 4 nodes (4·C channels).
Edge ops (stride 2 on edges from the cell inputs of a reduction cell), all BatchNorms without
affine parameters, as NASLib's search-space ops are built (``affine=False``; pooling with
``use_bn=True``):

* ``max_pool_3x3`` / ``avg_pool_3x3``: pool 3×3, pad 1 (average excludes padding) → BN
* ``skip_connect``: identity; FactorizedReduce when strided
* ``sep_conv_kxk``: (ReLU → depthwise k×k → Conv1×1 → BN) twice, the second depthwise stride 1
* ``dil_conv_kxk``: ReLU → depthwise k×k dilation 2 → Conv1×1 → BN

No auxiliary head carries parameters (NASLib's CIFAR-10 graph has an auxiliary output edge,
but its head is only built by ``prepare_evaluation``, which the scoring runs never call).
Weights: PyTorch's defaults (NASLib builds the graph and does not re-initialise).
``zen`` measures the tensor entering the global average pool (NASLib hooks its input).
"""

from __future__ import annotations

import torch
from torch import nn

from ...spaces import nb301 as space
from . import _counting
from ._ops import ReLUConvBN
from ._taskio import TaskIO
from .registry import find_task

#: Bump when a change alters any computed number.
NETWORK_VERSION = 1
CHANNELS = 32
STEM_MULTIPLIER = 3
LAYERS = 8
REDUCTION_LAYERS = (LAYERS // 3, 2 * LAYERS // 3)
NODES = 4

#: Inputs and classes as NASLib's ``get_search_space`` sets them (NAS-Bench-360 tasks for the
#: ``9x`` sets: NinaPro EMG 1×16×52 with 18 gestures, SVHN, spherical CIFAR-100 at 60×60).
TASKS: dict[str, TaskIO] = {
    "cifar10": TaskIO((3, 32, 32), 10, "cross_entropy", "class"),
    "ninapro": TaskIO((1, 16, 52), 18, "cross_entropy", "class"),
    "svhn": TaskIO((3, 32, 32), 10, "cross_entropy", "class"),
    "scifar100": TaskIO((3, 60, 60), 100, "cross_entropy", "class"),
}


def task_io(dataset: str) -> TaskIO:
    """The task description of ``dataset``."""
    return TASKS[find_task("nb301", TASKS, dataset)]


class FactorizedReduce(nn.Module):
    """Halve H, W with two offset strided 1×1 convs, concatenated (C_out/2 each) → BN."""

    def __init__(self, c_in: int, c_out: int, affine: bool) -> None:
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=affine)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


def _sep_conv(c: int, k: int, stride: int) -> nn.Module:
    pad = k // 2
    return nn.Sequential(
        nn.ReLU(inplace=False),
        nn.Conv2d(c, c, k, stride=stride, padding=pad, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False),
        nn.BatchNorm2d(c, affine=False),
        nn.ReLU(inplace=False),
        nn.Conv2d(c, c, k, stride=1, padding=pad, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False),
        nn.BatchNorm2d(c, affine=False),
    )


def _dil_conv(c: int, k: int, stride: int) -> nn.Module:
    return nn.Sequential(
        nn.ReLU(inplace=False),
        nn.Conv2d(c, c, k, stride=stride, padding=k - 1, dilation=2, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False),
        nn.BatchNorm2d(c, affine=False),
    )


def edge_op(name: str, c: int, stride: int) -> nn.Module:
    """The module of one cell edge."""
    if name == "max_pool_3x3":
        return nn.Sequential(nn.MaxPool2d(3, stride, padding=1), nn.BatchNorm2d(c, affine=False))
    if name == "avg_pool_3x3":
        return nn.Sequential(
            nn.AvgPool2d(3, stride, padding=1, count_include_pad=False),
            nn.BatchNorm2d(c, affine=False),
        )
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c, affine=False)
    if name.startswith("sep_conv_"):
        return _sep_conv(c, int(name[-1]), stride)
    if name.startswith("dil_conv_"):
        return _dil_conv(c, int(name[-1]), stride)
    raise ValueError(f"nb301: unknown op {name!r}")


class Cell(nn.Module):
    def __init__(
        self,
        ops: list[str],
        inputs: list[int],
        c_prev_prev: int,
        c_prev: int,
        c: int,
        reduction: bool,
        reduction_prev: bool,
    ) -> None:
        super().__init__()
        self.inputs = [int(i) for i in inputs]
        if reduction_prev:
            self.pre0: nn.Module = FactorizedReduce(c_prev_prev, c, affine=True)
        else:
            self.pre0 = ReLUConvBN(c_prev_prev, c)
        self.pre1 = ReLUConvBN(c_prev, c)
        self.edges = nn.ModuleList(
            edge_op(op, c, 2 if reduction and src < 2 else 1)
            for op, src in zip(ops, self.inputs, strict=True)
        )

    def forward(self, s0: torch.Tensor, s1: torch.Tensor) -> torch.Tensor:
        states = [self.pre0(s0), self.pre1(s1)]
        for k in range(NODES):
            a, b = 2 * k, 2 * k + 1
            states.append(
                self.edges[a](states[self.inputs[a]]) + self.edges[b](states[self.inputs[b]])
            )
        return torch.cat(states[2:], dim=1)


class NB301Network(nn.Module):
    """One DARTS network for a canonical (or any accepted) NB301 arch."""

    def __init__(self, arch: object, num_classes: int = 10, in_channels: int = 3) -> None:
        super().__init__()
        self.arch = space.parse(arch)
        op_ids = space.to_ops([self.arch])[0]
        inputs = space.to_inputs([self.arch])[0]
        stem = STEM_MULTIPLIER * CHANNELS
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem)
        )
        c_pp, c_p, c = stem, stem, CHANNELS
        cells = []
        reduction_prev = False
        for layer in range(LAYERS):
            reduction = layer in REDUCTION_LAYERS
            if reduction:
                c *= 2
            kind = int(reduction)
            ops = [space.OPS[int(o)] for o in op_ids[kind]]
            cells.append(Cell(ops, list(inputs[kind]), c_pp, c_p, c, reduction, reduction_prev))
            reduction_prev = reduction
            c_pp, c_p = c_p, NODES * c
        self.cells = nn.ModuleList(cells)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_p, num_classes)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """The tensor entering the global average pool (what ``zen`` measures)."""
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return s1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.gap(self.forward_features(x)), 1))


def build_network(arch: str, dataset: str = "cifar10") -> nn.Module:
    """The NB301 network of ``arch`` for ``dataset``."""
    io = task_io(dataset)
    return NB301Network(arch, io.num_outputs, io.input_shape[0])


def zen_features(net: NB301Network, x: torch.Tensor) -> torch.Tensor:
    return net.forward_features(x)


def count_params(arch: str, dataset: str = "cifar10") -> int:
    """Trainable parameters (affine BN counted; the cells' BNs have none)."""
    return sum(p.numel() for p in build_network(arch, dataset).parameters() if p.requires_grad)


def count_flops(arch: str, dataset: str = "cifar10") -> int:
    """tensorwatch-rule FLOPs at batch 1 (see :mod:`._counting`)."""
    io = task_io(dataset)
    return _counting.count_by_hooks(build_network(arch, dataset), (1, *io.input_shape))[1]
