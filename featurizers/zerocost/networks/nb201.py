"""The NAS-Bench-201 network as a plain ``torch.nn.Module``, its parameters and its exact size.

Structure (NAS-Bench-201 / NASLib ``NasBench201SearchSpace``)::

    stem: Conv3×3(3→16, pad 1, no bias) → BN(16)
    stage 1: 5 cells at C=16 → ResNet block 16→32 (stride 2)
    stage 2: 5 cells at C=32 → ResNet block 32→64 (stride 2)
    stage 3: 5 cells at C=64
    head: BN(64) → ReLU → global average pool → Linear(64→K)

A cell has nodes 0 (input) … 3 (output); node j is the sum over i<j of ``op_ij(node i)``. Ops:
``nor_conv_k`` = ReLU → Conv k×k (no bias) → BN; ``avg_pool_3x3`` = 3×3 average pool, stride 1,
pad 1, ``count_include_pad=False``; ``skip_connect`` = identity; ``none`` = multiply by 0 (zeros
out, zero gradient, like NASLib's ``Zero``). BatchNorm layers are affine with running stats, the
layers NAS-Bench-Suite-Zero's recorded ``params``/``flops`` imply. A ResNet block is
``b(a(x)) + shortcut(x)`` with a = ReLU-Conv3×3(stride 2)-BN, b = ReLU-Conv3×3-BN and shortcut =
AvgPool(2, stride 2) → Conv1×1 (no BN).

Parameters are not drawn by ``torch.nn`` defaults at construction time but by
:func:`init_parameters`, from an explicit ``torch.Generator``, in the order of
:func:`parameter_layout`. The same function feeds the batched proxy engine, so a network built
here and the engine see bit-identical weights for the same seed. The distributions are PyTorch's
defaults (Conv/Linear weights and Linear bias ``U(±1/√fan_in)``, BN weight 1 and bias 0), or the
Gaussian re-initialisation of the ``zen`` proxy.

``count_params`` / ``count_flops`` give the exact NAS-Bench-Suite-Zero counts (tensorwatch rules
at batch 1, see :mod:`._counting`) for many archs at once: the per-op costs are computed once from
the layer shapes, then each arch is a dot product of its op counts with those costs.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ...spaces import nb201 as space
from . import _counting as rules
from ._ops import ReLUConvBN
from ._taskio import TaskIO
from .registry import find_task

SKIP, NONE, CONV3, CONV1, POOL = (space.OP_IDS[o] for o in space.OPS)
STAGE_CHANNELS: tuple[int, int, int] = (16, 32, 64)
CELLS_PER_STAGE = 5
#: Index of each stage's first cell in ``NB201Network.layers`` (blocks sit in between).
STAGE_OFFSETS: tuple[int, int, int] = (0, 6, 12)
EDGES = space.EDGES
KERNEL = {CONV3: 3, CONV1: 1}


# --------------------------------------------------------------------------------------- modules
class Zero(nn.Module):
    """The ``none`` op: multiplies by 0, so the output is zeros and no gradient flows back."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul(0.0)


def edge_op(op: int, channels: int) -> nn.Module:
    """The module of one cell edge carrying op id ``op``."""
    if op == SKIP:
        return nn.Identity()
    if op == NONE:
        return Zero()
    if op in KERNEL:
        return ReLUConvBN(channels, channels, KERNEL[op])
    if op == POOL:
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(f"nb201: op id {op} is not one of 0..4")


class Cell(nn.Module):
    def __init__(self, ops: Sequence[int], channels: int) -> None:
        super().__init__()
        self.edges = nn.ModuleList(edge_op(int(op), channels) for op in ops)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for j in range(1, space.N_NODES):
            terms = [self.edges[e](nodes[src]) for e, (src, dst) in enumerate(EDGES) if dst == j]
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            nodes.append(total)
        return nodes[-1]


class ResNetBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, stride=2)
        self.conv_b = ReLUConvBN(c_out, c_out, 3)
        self.shortcut = nn.Sequential(
            nn.AvgPool2d(2, stride=2, padding=0), nn.Conv2d(c_in, c_out, 1, bias=False)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_b(self.conv_a(x)) + self.shortcut(x)


class NB201Network(nn.Module):
    """One NAS-Bench-201 network.

    Parameters
    ----------
    arch
        Any form :func:`featurizers.spaces.nb201.parse` accepts.
    num_classes
        Classifier width ``K`` (10 CIFAR-10, 100 CIFAR-100, 120 ImageNet16-120).
    generator
        Draws the initial weights (:func:`init_parameters`); ``None`` keeps PyTorch's own
        construction-time init.

    Examples
    --------
    >>> net = NB201Network("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|")
    >>> net(torch.zeros(2, 3, 32, 32)).shape
    torch.Size([2, 10])
    """

    def __init__(
        self,
        arch: object,
        num_classes: int = 10,
        generator: torch.Generator | None = None,
        in_channels: int = 3,
    ) -> None:
        super().__init__()
        self.arch = space.parse(arch)
        self.ops = tuple(int(o) for o in space.to_ops([self.arch])[0])
        self.num_classes = int(num_classes)
        self.in_channels = int(in_channels)
        self.stem = nn.Sequential(
            nn.Conv2d(self.in_channels, STAGE_CHANNELS[0], 3, padding=1, bias=False),
            nn.BatchNorm2d(STAGE_CHANNELS[0]),
        )
        layers: list[nn.Module] = []
        for s, c in enumerate(STAGE_CHANNELS):
            layers.extend(Cell(self.ops, c) for _ in range(CELLS_PER_STAGE))
            if s + 1 < len(STAGE_CHANNELS):
                layers.append(ResNetBlock(c, STAGE_CHANNELS[s + 1]))
        self.layers = nn.ModuleList(layers)
        self.head_bn = nn.BatchNorm2d(STAGE_CHANNELS[-1])
        self.head_relu = nn.ReLU(inplace=False)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(STAGE_CHANNELS[-1], self.num_classes)
        if generator is not None:
            self.load_parameters(
                init_parameters(self.ops, self.num_classes, generator, in_channels=in_channels)
            )

    def load_parameters(self, values: dict[str, torch.Tensor]) -> None:
        """Copy ``values`` (name → tensor, as :func:`init_parameters` returns) into the network."""
        with torch.no_grad():
            for name, p in self.named_parameters():
                p.copy_(values[name])

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """The tensor entering the global average pool (after the head BN + ReLU)."""
        x = self.stem(x)
        for layer in self.layers:
            x = layer(x)
        return self.head_relu(self.head_bn(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.gap(self.forward_features(x)), 1))


# ------------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class ParamSpec:
    """One parameter tensor: its name in :class:`NB201Network`, shape and role."""

    name: str
    shape: tuple[int, ...]
    kind: str  # "conv", "linear_weight", "linear_bias", "bn_weight", "bn_bias"

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def fan_in(self) -> int:
        return math.prod(self.shape[1:]) if len(self.shape) > 1 else 0


def _conv_bn(prefix: str, c_in: int, c_out: int, k: int) -> list[ParamSpec]:
    return [
        ParamSpec(f"{prefix}.1.weight", (c_out, c_in, k, k), "conv"),
        ParamSpec(f"{prefix}.2.weight", (c_out,), "bn_weight"),
        ParamSpec(f"{prefix}.2.bias", (c_out,), "bn_bias"),
    ]


def parameter_layout(
    ops: Sequence[int], num_classes: int, in_channels: int = 3
) -> tuple[ParamSpec, ...]:
    """Every parameter of the network for cell ``ops`` (tuple order), in module order."""
    return _layout(tuple(int(o) for o in ops), int(num_classes), int(in_channels))


@functools.lru_cache(maxsize=4096)
def _layout(ops: tuple[int, ...], num_classes: int, in_channels: int = 3) -> tuple[ParamSpec, ...]:
    c0 = STAGE_CHANNELS[0]
    out = [
        ParamSpec("stem.0.weight", (c0, in_channels, 3, 3), "conv"),
        ParamSpec("stem.1.weight", (c0,), "bn_weight"),
        ParamSpec("stem.1.bias", (c0,), "bn_bias"),
    ]
    for s, c in enumerate(STAGE_CHANNELS):
        for cell in range(CELLS_PER_STAGE):
            i = STAGE_OFFSETS[s] + cell
            for e, op in enumerate(ops):
                if int(op) in KERNEL:
                    out += _conv_bn(f"layers.{i}.edges.{e}", c, c, KERNEL[int(op)])
        if s + 1 < len(STAGE_CHANNELS):
            i, c_out = STAGE_OFFSETS[s] + CELLS_PER_STAGE, STAGE_CHANNELS[s + 1]
            out += _conv_bn(f"layers.{i}.conv_a", c, c_out, 3)
            out += _conv_bn(f"layers.{i}.conv_b", c_out, c_out, 3)
            out.append(ParamSpec(f"layers.{i}.shortcut.1.weight", (c_out, c, 1, 1), "conv"))
    c3 = STAGE_CHANNELS[-1]
    out += [
        ParamSpec("head_bn.weight", (c3,), "bn_weight"),
        ParamSpec("head_bn.bias", (c3,), "bn_bias"),
        ParamSpec("classifier.weight", (int(num_classes), c3), "linear_weight"),
        ParamSpec("classifier.bias", (int(num_classes),), "linear_bias"),
    ]
    return tuple(out)


_RANDOM_KINDS = ("conv", "linear_weight", "linear_bias")


def init_parameters(
    ops: Sequence[int],
    num_classes: int,
    generator: torch.Generator,
    scheme: str = "default",
    in_channels: int = 3,
) -> dict[str, torch.Tensor]:
    """Initial values of every parameter, drawn from ``generator`` in layout order.

    ``scheme="default"``: PyTorch's defaults (Conv/Linear weight and Linear bias uniform in
    ``±1/√fan_in``, the fan-in of the weight; BN weight 1, bias 0). ``scheme="gaussian"``: the
    ``zen`` re-initialisation (Conv/Linear weights N(0, 1), Linear bias 0, BN weight 1, bias 0).

    All random numbers come from one draw of the generator, so one arch costs one RNG call and the
    values do not depend on which other archs are scored alongside.
    """
    layout = parameter_layout(ops, num_classes, in_channels)
    if scheme == "default":
        random_specs = [p for p in layout if p.kind in _RANDOM_KINDS]
    elif scheme == "gaussian":
        random_specs = [p for p in layout if p.kind in ("conv", "linear_weight")]
    else:
        raise ValueError(f"unknown init scheme {scheme!r}; choose 'default' or 'gaussian'")
    random_names = {p.name for p in random_specs}
    total = sum(p.numel for p in random_specs)
    if scheme == "default":
        flat = torch.rand(total, generator=generator).mul_(2.0).sub_(1.0)
    else:
        flat = torch.randn(total, generator=generator)
    values: dict[str, torch.Tensor] = {}
    offset = 0
    fan_in = {p.name: p.fan_in for p in layout}
    for p in layout:
        if p.name in random_names:
            chunk = flat[offset : offset + p.numel].view(p.shape)
            offset += p.numel
            if scheme == "default":
                weight_name = p.name.replace(".bias", ".weight")
                chunk.mul_(1.0 / math.sqrt(fan_in[weight_name]))
            values[p.name] = chunk
        elif p.kind == "bn_weight":
            values[p.name] = torch.ones(p.shape)
        else:  # BN bias; Linear bias of the gaussian scheme
            values[p.name] = torch.zeros(p.shape)
    return values


# ------------------------------------------------------------------------- analytic counts
@dataclass(frozen=True)
class CostModel:
    """Params and FLOPs of the fixed part and of one op on one edge, summed over all 15 cells."""

    fixed: int
    per_op: dict[int, int]

    def total(self, ops: np.ndarray) -> np.ndarray:
        ops = np.asarray(ops)
        out = np.full(ops.shape[0], self.fixed, dtype=np.int64)
        for op, cost in self.per_op.items():
            out += cost * (ops == op).sum(axis=1).astype(np.int64)
        return out


def _stage_sizes(resolution: int) -> list[int]:
    return [resolution // 2**s for s in range(len(STAGE_CHANNELS))]


def params_model(num_classes: int) -> CostModel:
    """Trainable parameter counts (BN affine counted, running stats not)."""
    c0, c3 = STAGE_CHANNELS[0], STAGE_CHANNELS[-1]
    fixed = rules.conv_params(3, c0, 3) + rules.bn_params(c0)
    for c_in, c_out in itertools.pairwise(STAGE_CHANNELS):
        fixed += rules.conv_params(c_in, c_out, 3) + rules.bn_params(c_out)
        fixed += rules.conv_params(c_out, c_out, 3) + rules.bn_params(c_out)
        fixed += rules.conv_params(c_in, c_out, 1)
    fixed += rules.bn_params(c3) + rules.linear_params(c3, int(num_classes))
    per_op = {
        op: CELLS_PER_STAGE
        * sum(rules.conv_params(c, c, k) + rules.bn_params(c) for c in STAGE_CHANNELS)
        for op, k in KERNEL.items()
    }
    return CostModel(fixed, per_op)


def flops_model(resolution: int, num_classes: int) -> CostModel:
    """tensorwatch FLOP counts at batch 1 for ``resolution``×``resolution`` inputs."""
    sizes = _stage_sizes(resolution)
    c0, c3 = STAGE_CHANNELS[0], STAGE_CHANNELS[-1]
    fixed = rules.conv_flops(3, c0, 3, resolution, resolution)
    fixed += rules.bn_flops(c0, resolution, resolution)
    for s, (c_in, c_out) in enumerate(itertools.pairwise(STAGE_CHANNELS)):
        h_in, h = sizes[s], sizes[s + 1]
        fixed += rules.relu_flops(c_in, h_in, h_in) + rules.conv_flops(c_in, c_out, 3, h, h)
        fixed += rules.bn_flops(c_out, h, h)
        fixed += rules.relu_flops(c_out, h, h) + rules.conv_flops(c_out, c_out, 3, h, h)
        fixed += rules.bn_flops(c_out, h, h)
        fixed += rules.avgpool_flops(c_in, h, h, 2) + rules.conv_flops(c_in, c_out, 1, h, h)
    h3 = sizes[-1]
    fixed += rules.bn_flops(c3, h3, h3) + rules.relu_flops(c3, h3, h3)
    fixed += rules.global_avgpool_flops(c3, h3, h3) + rules.linear_flops(c3, int(num_classes))
    per_op = {
        op: CELLS_PER_STAGE
        * sum(
            rules.relu_flops(c, h, h) + rules.conv_flops(c, c, k, h, h) + rules.bn_flops(c, h, h)
            for c, h in zip(STAGE_CHANNELS, sizes, strict=True)
        )
        for op, k in KERNEL.items()
    }
    per_op[POOL] = CELLS_PER_STAGE * sum(
        rules.avgpool_flops(c, h, h, 3) for c, h in zip(STAGE_CHANNELS, sizes, strict=True)
    )
    return CostModel(fixed, per_op)


def count_params(archs: Iterable[object], num_classes: int = 10) -> np.ndarray:
    """Exact trainable-parameter count of each arch (int64; divide by 1e6 for the proxy)."""
    return params_model(num_classes).total(space.to_ops(archs))


def count_flops(archs: Iterable[object], resolution: int = 32, num_classes: int = 10) -> np.ndarray:
    """Exact tensorwatch FLOPs at batch 1 of each arch (int64; divide by 1e6 for MFLOPs)."""
    return flops_model(resolution, num_classes).total(space.to_ops(archs))


def relu_units(ops: Sequence[int], resolution: int) -> int:
    """Number of ReLU input elements per sample (the ``nwot`` code length)."""
    sizes = _stage_sizes(resolution)
    n_conv = sum(1 for op in ops if int(op) in KERNEL)
    units = sum(
        CELLS_PER_STAGE * n_conv * c * h * h for c, h in zip(STAGE_CHANNELS, sizes, strict=True)
    )
    for s in range(len(STAGE_CHANNELS) - 1):
        units += STAGE_CHANNELS[s] * sizes[s] ** 2 + STAGE_CHANNELS[s + 1] * sizes[s + 1] ** 2
    return units + STAGE_CHANNELS[-1] * sizes[-1] ** 2


# ------------------------------------------------------------------------ engine interface
#: Bump when a change alters any computed number.
NETWORK_VERSION = 1

#: Inputs and classes as NAS-Bench-Suite-Zero fed NB201 (NASLib ``get_search_space``; the
#: NAS-Bench-360 ``9x`` tasks: NinaPro EMG 1×16×52 with 18 gestures, SVHN, spherical CIFAR-100).
TASKS: dict[str, TaskIO] = {
    "cifar10": TaskIO((3, 32, 32), 10, "cross_entropy", "class"),
    "cifar100": TaskIO((3, 32, 32), 100, "cross_entropy", "class"),
    "ImageNet16-120": TaskIO((3, 16, 16), 120, "cross_entropy", "class"),
    "ninapro": TaskIO((1, 16, 52), 18, "cross_entropy", "class"),
    "svhn": TaskIO((3, 32, 32), 10, "cross_entropy", "class"),
    "scifar100": TaskIO((3, 60, 60), 100, "cross_entropy", "class"),
}


def task_io(dataset: str) -> TaskIO:
    """The task description of ``dataset``."""
    return TASKS[find_task("nb201", TASKS, dataset)]


def build_network(arch: str, dataset: str = "cifar10") -> nn.Module:
    """The NB201 network of ``arch`` for ``dataset``."""
    io = task_io(dataset)
    return NB201Network(arch, io.num_outputs, in_channels=io.input_shape[0])


def init_weights(net: NB201Network, generator: torch.Generator) -> NB201Network:
    """PyTorch's default init drawn as :func:`init_parameters` does (what the grouped path sees)."""
    net.load_parameters(
        init_parameters(net.ops, net.num_classes, generator, in_channels=net.in_channels)
    )
    return net


def zen_init(net: NB201Network, generator: torch.Generator) -> NB201Network:
    """``zen``'s Gaussian weights drawn as the grouped path draws them."""
    values = init_parameters(
        net.ops, net.num_classes, generator, scheme="gaussian", in_channels=net.in_channels
    )
    net.load_parameters(values)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
    return net


def zen_features(net: NB201Network, x: torch.Tensor) -> torch.Tensor:
    return net.forward_features(x)


__all__ = [
    "NETWORK_VERSION",
    "NB201Network",
    "ParamSpec",
    "count_flops",
    "count_params",
    "flops_model",
    "init_parameters",
    "parameter_layout",
    "params_model",
]
