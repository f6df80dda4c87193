"""TransNAS-Bench-101 macro networks as NAS-Bench-Suite-Zero built them, per task.

NAS-Bench-Suite-Zero scored the macro space only on the seven Taskonomy tasks, always with the
benchmark's own model (see :mod:`._tnb101`): the canonical id ``64-{digits}-basic`` is the model
string itself. One module per digit, each two ResNet basic blocks; the first block of a module
doubles the channels for digits 2 and 4 and has stride 2 for digits 3 and 4. The basic block's
shortcut (present when stride or width changes) is Conv1×1 → BN with eps = 1 and momentum = 1
(:class:`._tnb101.BasicBlock` says why).

The heads are sized from the encoder's nominal output (for a 224×224 input): a network with d
downsampling modules ends at 56 / 2^d pixels nominally (28, 14, 7, 3 for d = 1..4), so the
segmentation / autoencoder decoders get 3, 4, 5 or 6 upsampling layers; on the real 256×256 input
the map is 32, 16, 8 or 4 pixels and every decoder ends at 256×256.
"""

from __future__ import annotations

import torch
from torch import nn

from ...spaces import tnb101_macro as space
from . import _tnb101 as tnb
from ._counting import count_by_hooks
from ._taskio import TaskIO

NETWORK_VERSION = 1
TASKS: tuple[str, ...] = tuple(tnb.TASKONOMY_TASKS)


def task_io(dataset: str) -> TaskIO:
    """Input, output, loss and target kind of ``dataset`` for this space."""
    return tnb.taskonomy_io(space.NAME, dataset)


def build_network(
    arch: object, dataset: str, generator: torch.Generator | None = None
) -> nn.Module:
    """The network of ``arch`` (any form :func:`featurizers.spaces.tnb101_macro.parse` accepts)
    for task ``dataset``, as NAS-Bench-Suite-Zero built it.

    With a ``generator`` the weights are drawn by :func:`init_weights`; without one the modules
    keep their construction-time init.
    """
    task_io(dataset)  # a clear error for an unknown task
    arch_id = space.parse(arch)
    codes = [int(c) for c in space.to_ops([arch_id])[0] if c > 0]
    net = tnb.TaskonomyNetwork(arch_id, dataset, tnb.Encoder(codes, tnb.BasicBlock))
    if generator is not None:
        init_weights(net, generator)
    return net


def init_weights(net: nn.Module, generator: torch.Generator) -> None:
    """Initial weights as the benchmark drew them (encoder Kaiming-normal fan-out, heads default)."""
    tnb.init_taskonomy_parameters(net, generator)


def zen_init(net: nn.Module, generator: torch.Generator) -> None:
    """zen's N(0, 1) re-initialisation as NASLib applies it (ConvTranspose2d layers untouched)."""
    tnb.zen_init(net, generator)


def zen_features(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The tensor the zen proxy measures (pre-pool map, or the input of the last decoder conv)."""
    return net.zen_features(x)


def count_params_and_flops(arch: object, dataset: str) -> tuple[int, int]:
    """``(params, flops)`` as NAS-Bench-Suite-Zero's counter would give them (batch 1).

    The benchmark files record neither for this space; the rules are the ones verified on the
    micro space (only modules that run count; built on the ``meta`` device).
    """
    with torch.device("meta"):
        net = build_network(arch, dataset)
    return count_by_hooks(net, (1, *task_io(dataset).input_shape))


def count_params(arch: object, dataset: str) -> int:
    return count_params_and_flops(arch, dataset)[0]


def count_flops(arch: object, dataset: str) -> int:
    return count_params_and_flops(arch, dataset)[1]


__all__ = [
    "NETWORK_VERSION",
    "TASKS",
    "build_network",
    "count_flops",
    "count_params",
    "count_params_and_flops",
    "init_weights",
    "task_io",
    "zen_features",
    "zen_init",
]
