"""Building blocks the cell networks of several spaces share."""

from __future__ import annotations

from torch import nn


class ReLUConvBN(nn.Sequential):
    """ReLU → Conv (no bias, 'same' padding for odd kernels) → BN (affine, running stats).

    The op of NB201 cells, of the TransNAS-Bench-101 encoder and of the DARTS preprocessing
    layers (1×1): one class, so the three networks cannot drift apart.
    """

    def __init__(self, c_in: int, c_out: int, kernel: int = 1, stride: int = 1) -> None:
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out),
        )
