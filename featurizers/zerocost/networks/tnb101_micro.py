"""TransNAS-Bench-101 micro networks as NAS-Bench-Suite-Zero built them, per task.

Two different builders stand behind the recorded values, chosen by task:

**The seven Taskonomy tasks** (class_object, class_scene, jigsaw, room_layout, segmentsemantic,
autoencoder, normal): the benchmark's own model, see :mod:`._tnb101`. The encoder's macro code is
fixed to ``41414`` (five modules: channels 64 → 128 → 128 → 256 → 256 → 512, stride 2 in modules
1, 3, 5), each module two micro cells of the arch. The cell reads the canonical string
``64-41414-a_bc_def`` as TransNAS does: ops 0 none, 1 skip, 2 conv1×1, 3 conv3×3 on edges
(0,1) | (0,2), (1,2) | (0,3), (1,3), (2,3).

**The nine-task networks** (ninapro, svhn, scifar100 — NAS-Bench-360 data): NASLib's own graph
of the space instead (``create_graph=True`` for exactly these datasets), which reads the *same six
digits* with NB201's edge order and NASLib's op ids: digit i goes to edge (0,1), (0,2), (0,3),
(1,2), (1,3), (2,3) for i = 0..5, and means 0 skip, 1 none, 2 conv3×3, 3 conv1×1. So one canonical
id is a different network on these tasks than on the Taskonomy tasks. The recorded ``params`` and
``flops`` of all 3 × 192 archs match this reading exactly and no other (tested). Structure:

    stem: Conv3×3(C_in → 64, pad 1, no bias) → BN(64)          (stride 1)
    module 1 (reduction): cell 64 → 128 (stride 2 on edges leaving the input), cell at 128
    module 2: two cells at 128
    module 3 (reduction): cell 128 → 256, cell at 256
    head: global average pool → Linear(256 → K)

Cell ops: skip = identity, or on a stride-2 edge a factorized reduce with a *non-affine* BN; none =
zeros of the output shape; conv = ReLU → Conv (no bias) → BN (affine). PyTorch's default init.

Inputs and classes (NAS-Bench-360 as NASLib loads it; the side lengths are the ones the recorded
``flops`` imply): ninapro 1×16×52, 18 classes; svhn 3×32×32, 10; scifar100 3×60×60, 100.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ...spaces import tnb101_micro as space
from . import _tnb101 as tnb
from ._counting import count_by_hooks
from ._taskio import TaskIO

NETWORK_VERSION = 1
MACRO_CODE = (4, 1, 4, 1, 4)

#: The NAS-Bench-360 tasks NAS-Bench-Suite-Zero added to the micro space.
NINE_X_TASKS: dict[str, TaskIO] = {
    "ninapro": TaskIO((1, 16, 52), 18, "cross_entropy", "class"),
    "svhn": TaskIO((3, 32, 32), 10, "cross_entropy", "class"),
    "scifar100": TaskIO((3, 60, 60), 100, "cross_entropy", "class"),
}
TASKS: tuple[str, ...] = (*tnb.TASKONOMY_TASKS, *NINE_X_TASKS)

# ------------------------------------------------------------- the nine-task (graph) reading
#: Edge of each digit position in the nine-task networks (NB201 order, 0-based nodes).
GRAPH_EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
GRAPH_SKIP, GRAPH_NONE, GRAPH_CONV3, GRAPH_CONV1 = 0, 1, 2, 3
GRAPH_STEM_CHANNELS = 64
#: Module kinds of the small graph network: (reduction?) per module, two cells each.
GRAPH_MODULES: tuple[bool, ...] = (True, False, True)


def task_io(dataset: str) -> TaskIO:
    """Input, output, loss and target kind of ``dataset`` for this space."""
    return tnb.taskonomy_io(space.NAME, dataset, NINE_X_TASKS)


def _graph_edge_op(code: int, c_in: int, c_out: int, stride: int) -> nn.Module:
    if code == GRAPH_SKIP:
        if stride == 1 and c_in == c_out:
            return nn.Identity()
        return tnb.FactorizedReduce(c_in, c_out, stride, affine=False)
    if code == GRAPH_NONE:
        return tnb.Zero(c_in, c_out, stride)
    if code in (GRAPH_CONV3, GRAPH_CONV1):
        return tnb.ReLUConvBN(c_in, c_out, 3 if code == GRAPH_CONV3 else 1, stride)
    raise ValueError(f"tnb101_micro: op id {code} is not one of 0..3")


class GraphCell(nn.Module):
    """Cell of the nine-task networks: node j = Σ_{i<j} op_ij(node i), output = node 3."""

    def __init__(self, digits: Sequence[int], c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.edges = nn.ModuleList(
            _graph_edge_op(int(d), c_in, c_out, stride)
            if src == 0
            else _graph_edge_op(int(d), c_out, c_out, 1)
            for d, (src, _) in zip(digits, GRAPH_EDGES, strict=True)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for j in (1, 2, 3):
            terms = [
                self.edges[e](nodes[src]) for e, (src, dst) in enumerate(GRAPH_EDGES) if dst == j
            ]
            total = terms[0]
            for t in terms[1:]:
                total = total + t
            nodes.append(total)
        return nodes[-1]


class NineTaskNetwork(nn.Module):
    """The micro network NAS-Bench-Suite-Zero scored on ninapro / svhn / scifar100."""

    def __init__(self, arch: str, task: str) -> None:
        super().__init__()
        io = NINE_X_TASKS[task]
        self.arch, self.task = arch, task
        digits = tuple(int(d) for d in space.to_ops([arch])[0])
        c = GRAPH_STEM_CHANNELS
        self.stem = nn.Sequential(
            nn.Conv2d(io.input_shape[0], c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        )
        cells = []
        for reduction in GRAPH_MODULES:
            c_out = 2 * c if reduction else c
            cells.append(GraphCell(digits, c, c_out, 2 if reduction else 1))
            cells.append(GraphCell(digits, c_out, c_out, 1))
            c = c_out
        self.cells = nn.Sequential(*cells)
        self.head = tnb.PooledLinear(c, io.num_outputs)

    def zen_features(self, x: torch.Tensor) -> torch.Tensor:
        """The tensor entering the global average pool."""
        return self.cells(self.stem(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.zen_features(x))


# ------------------------------------------------------------------------------ public API
def build_network(
    arch: object, dataset: str, generator: torch.Generator | None = None
) -> nn.Module:
    """The network of ``arch`` (any form :func:`featurizers.spaces.tnb101_micro.parse` accepts)
    for task ``dataset``, as NAS-Bench-Suite-Zero built it.

    With a ``generator`` the weights are drawn by :func:`init_weights`; without one the modules
    keep their construction-time init.
    """
    task_io(dataset)  # a clear error for an unknown task
    arch_id = space.parse(arch)
    if dataset in NINE_X_TASKS:
        net: nn.Module = NineTaskNetwork(arch_id, dataset)
    else:
        digits = tuple(int(d) for d in space.to_ops([arch_id])[0])
        encoder = tnb.Encoder(MACRO_CODE, lambda a, b, s: tnb.MicroCell(digits, a, b, s))
        net = tnb.TaskonomyNetwork(arch_id, dataset, encoder)
    if generator is not None:
        init_weights(net, generator)
    return net


def init_weights(net: nn.Module, generator: torch.Generator) -> None:
    """Initial weights as the benchmark drew them (see the module docstring), from ``generator``."""
    if isinstance(net, tnb.TaskonomyNetwork):
        tnb.init_taskonomy_parameters(net, generator)
    else:
        tnb.default_init(net, generator)


def zen_init(net: nn.Module, generator: torch.Generator) -> None:
    """zen's N(0, 1) re-initialisation as NASLib applies it (ConvTranspose2d layers untouched)."""
    tnb.zen_init(net, generator)


def zen_features(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The tensor the zen proxy measures (pre-pool map, or the input of the last decoder conv)."""
    return net.zen_features(x)


def _input_shape(dataset: str) -> tuple[int, ...]:
    return (1, *task_io(dataset).input_shape)


def count_params_and_flops(arch: object, dataset: str) -> tuple[int, int]:
    """``(params, flops)`` as NAS-Bench-Suite-Zero counted them (tensorwatch rules, batch 1).

    Only modules that run in ``forward`` count, so the autoencoder's discriminator does not. The
    network is built on the ``meta`` device: shapes only, no memory, no arithmetic.
    """
    with torch.device("meta"):
        net = build_network(arch, dataset)
    return count_by_hooks(net, _input_shape(dataset))


def count_params(arch: object, dataset: str) -> int:
    """Parameters counted as the ``params`` proxy does (divide by 1e6 for the recorded unit)."""
    return count_params_and_flops(arch, dataset)[0]


def count_flops(arch: object, dataset: str) -> int:
    """FLOPs at batch 1 counted as the ``flops`` proxy does (divide by 1e6 for MFLOPs)."""
    return count_params_and_flops(arch, dataset)[1]


__all__ = [
    "NETWORK_VERSION",
    "NINE_X_TASKS",
    "TASKS",
    "NineTaskNetwork",
    "build_network",
    "count_flops",
    "count_params",
    "count_params_and_flops",
    "init_weights",
    "task_io",
    "zen_features",
    "zen_init",
]
