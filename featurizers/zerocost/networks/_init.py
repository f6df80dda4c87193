"""Seeded weight initialisation of any network, so a score depends on (seed, arch) only.

PyTorch draws initial weights from its global generator while modules are built; the engine
instead re-draws every parameter from an explicit ``torch.Generator`` after building, with the
same distributions, so that scores are reproducible and independent of what else ran before.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def _uniform_(t: torch.Tensor, bound: float, generator: torch.Generator) -> None:
    t.copy_(
        torch.rand(t.shape, generator=generator, dtype=torch.float64).mul_(2 * bound).sub_(bound)
    )


def _fan_in(weight: torch.Tensor) -> int:
    return int(math.prod(weight.shape[1:])) if weight.dim() > 1 else int(weight.shape[0])


@torch.no_grad()
def default_init(net: nn.Module, generator: torch.Generator) -> nn.Module:
    """PyTorch's construction-time defaults, drawn from ``generator`` in module order.

    Conv/Linear weights and biases ``U(±1/√fan_in)`` (what ``kaiming_uniform_(a=√5)`` gives),
    BatchNorm weight 1 and bias 0 with fresh running statistics.
    """
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear, nn.ConvTranspose2d)):
            # PyTorch's fan-in is size(1)·k² for every layout (for ConvTranspose2d that is
            # out_channels/groups·k²), what ``_fan_in`` computes
            fan_in = _fan_in(m.weight)
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            _uniform_(m.weight, bound, generator)
            if m.bias is not None:
                _uniform_(m.bias, bound, generator)
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            _reset_bn(m)
    return net


@torch.no_grad()
def gaussian_init(net: nn.Module, generator: torch.Generator) -> nn.Module:
    """``zen``'s re-initialisation: Conv/Linear weights N(0, 1), biases 0, BN weight 1, bias 0
    (``nn.ConvTranspose2d`` keep their weights, as in NASLib)."""
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.weight.copy_(torch.randn(m.weight.shape, generator=generator, dtype=torch.float64))
            if m.bias is not None:
                m.bias.zero_()
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            _reset_bn(m)
    return net


def _reset_bn(m: nn.modules.batchnorm._BatchNorm) -> None:
    if m.affine:
        m.weight.fill_(1.0)
        m.bias.zero_()
    if m.track_running_stats:
        m.reset_running_stats()
