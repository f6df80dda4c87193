"""Shared parts of the TransNAS-Bench-101 networks: encoder skeleton, task heads, task table.

NAS-Bench-Suite-Zero scored the seven Taskonomy tasks of both TransNAS-Bench-101 spaces with the
benchmark's own model builder (NASLib ``transbench101/tnb101``), fed the arch string. This module
rebuilds those models from the facts, not the code:

* **Encoder** (the benchmark's "MacroNet" backbone). Stem: Conv3×3(3→32, stride 2, no bias) → BN(32)
  → ReLU → Conv3×3(32→64, stride 2, no bias) → BN(64), so features start at 64 channels and 1/4 of
  the input size. Then one *module* per digit of the macro code, each two blocks; the first block
  doubles the channels when the digit is even (2, 4) and has stride 2 when the digit is > 2 (3, 4).
  A block is a micro cell (micro space, macro code ``41414``) or a ResNet basic block (macro space).
  Every ``Conv2d`` of the encoder is drawn ``kaiming_normal_(mode="fan_out", nonlinearity="relu")``,
  every encoder BN weight 1 / bias 0.
* **Heads** (built with the encoder's *nominal* output size, computed for a 224×224 input even
  though the images are 256×256 — the benchmark sizes its decoders that way):

  ================  ====================================================================  =======
  task              head                                                                  outputs
  ================  ====================================================================  =======
  class_object      global average pool → Linear(C, 100)                                  100
  class_scene       global average pool → Linear(C, 63)                                   63
  room_layout       global average pool → Linear(C, 9)                                    9
  jigsaw            encoder on each of 9 tiles, concatenated on channels → pool →
                    Linear(9·C, 1000)                                                     1000
  segmentsemantic   conv/deconv decoder to 17 × 256 × 256 (:class:`SegmentationDecoder`)  17
  autoencoder       14-layer conv/deconv decoder to 3 × 256 × 256, tanh
                    (:class:`GenerativeDecoder`) + an unused spectral-norm discriminator  3
  normal            as autoencoder                                                        3
  ================  ====================================================================  =======

  Decoder layers use PyTorch's default init.

The zen proxy measures the tensor entering the global average pool (classification heads,
room_layout, jigsaw) or entering the decoder's last convolution layer (segmentsemantic, autoencoder,
normal); :func:`zen_features` returns it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import nn

from ._ops import ReLUConvBN
from ._taskio import TaskIO

#: Image side of every Taskonomy task except jigsaw (tiles of 64×64).
IMAGE_SIZE = 256
#: The input side the benchmark assumes when it sizes its decoders (MacroNet's default).
NOMINAL_INPUT = 224
JIGSAW_TILES = 9
JIGSAW_TILE = 64
STEM_CHANNELS = 64
SEGMENTATION_CLASSES = 17

#: The seven Taskonomy tasks as NAS-Bench-Suite-Zero fed them (see the module docstring).
TASKONOMY_TASKS: dict[str, TaskIO] = {
    "class_object": TaskIO((3, IMAGE_SIZE, IMAGE_SIZE), 100, "soft_cross_entropy", "soft_class"),
    "class_scene": TaskIO((3, IMAGE_SIZE, IMAGE_SIZE), 63, "soft_cross_entropy", "soft_class"),
    "room_layout": TaskIO((3, IMAGE_SIZE, IMAGE_SIZE), 9, "mse", "regression", (9,)),
    # Nine 3×64×64 tiles stacked on the channel axis (the network splits them again).
    "jigsaw": TaskIO((3 * JIGSAW_TILES, JIGSAW_TILE, JIGSAW_TILE), 1000, "cross_entropy", "class"),
    "segmentsemantic": TaskIO(
        (3, IMAGE_SIZE, IMAGE_SIZE),
        SEGMENTATION_CLASSES,
        "pixel_cross_entropy",
        "pixel_class",
        (IMAGE_SIZE, IMAGE_SIZE),
    ),
    "autoencoder": TaskIO(
        (3, IMAGE_SIZE, IMAGE_SIZE), 3, "l1", "input", (3, IMAGE_SIZE, IMAGE_SIZE)
    ),
    "normal": TaskIO(
        (3, IMAGE_SIZE, IMAGE_SIZE), 3, "l1", "regression", (3, IMAGE_SIZE, IMAGE_SIZE)
    ),
}


def taskonomy_io(space: str, dataset: str, extra: dict[str, TaskIO] | None = None) -> TaskIO:
    """The :class:`TaskIO` of ``dataset``; a clear error naming the valid tasks otherwise."""
    table = {**TASKONOMY_TASKS, **(extra or {})}
    try:
        return table[dataset]
    except KeyError:
        raise ValueError(
            f"{space}: unknown task {dataset!r}; expected one of {', '.join(table)}"
        ) from None


# ------------------------------------------------------------------------------ encoder ops
class Zero(nn.Module):
    """The ``none`` op: zeros of the output shape, no gradient to the input."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.c_in, self.c_out, self.stride = c_in, c_out, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.c_in == self.c_out:
            return x[:, :, :: self.stride, :: self.stride].mul(0.0)
        n, _, h, w = x.shape
        size = ((h + 1) // self.stride, (w + 1) // self.stride)
        return x.new_zeros((n, self.c_out, *size))


class FactorizedReduce(nn.Module):
    """``skip_connect`` across a stride or channel change: ReLU → two 1×1 convs on offset grids.

    The second conv sees the input shifted by one pixel (zero-padded at the bottom/right); the two
    halves are concatenated and batch-normalised. The TransNAS builder uses an affine BN; the
    NASLib graph of the nine-task networks (``tnb101_micro`` on ninapro / svhn / scifar100) a
    non-affine one. On the even feature sizes both builders meet, the shifted conv samples the same
    pixels whether the shift pads or crops.
    """

    def __init__(self, c_in: int, c_out: int, stride: int, affine: bool = True) -> None:
        super().__init__()
        if c_out % 2:
            raise ValueError(f"FactorizedReduce needs an even channel count, got {c_out}")
        self.relu = nn.ReLU(inplace=False)
        halves = (c_out // 2, c_out - c_out // 2)
        self.convs = nn.ModuleList(
            nn.Conv2d(c_in, h, 1, stride=stride, padding=0, bias=False) for h in halves
        )
        self.bn = nn.BatchNorm2d(c_out, affine=affine)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(x)
        shifted = nn.functional.pad(x, (0, 1, 0, 1))[:, :, 1:, 1:]
        return self.bn(torch.cat([self.convs[0](x), self.convs[1](shifted)], dim=1))


def micro_edge_op(code: int, c_in: int, c_out: int, stride: int) -> nn.Module:
    """One micro-cell edge for TransNAS op id ``code`` (0 none, 1 skip, 2 conv1×1, 3 conv3×3)."""
    if code == 0:
        return Zero(c_in, c_out, stride)
    if code == 1:
        if stride == 1 and c_in == c_out:
            return nn.Identity()
        return FactorizedReduce(c_in, c_out, stride)
    if code in (2, 3):
        return ReLUConvBN(c_in, c_out, 1 if code == 2 else 3, stride)
    raise ValueError(f"tnb101_micro: op id {code} is not one of 0..3")


#: Edges (source, target) of the 4-node micro cell in id (= string) order.
MICRO_EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))


class MicroCell(nn.Module):
    """The TransNAS micro cell: node j = Σ_{i<j} op_ij(node i), output = node 3.

    Edges leaving the input node carry the block's stride and channel change; the others run at
    the output width, stride 1.
    """

    def __init__(self, ops: Sequence[int], c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.edges = nn.ModuleList(
            micro_edge_op(int(op), c_in, c_out, stride)
            if src == 0
            else micro_edge_op(int(op), c_out, c_out, 1)
            for op, (src, _) in zip(ops, MICRO_EDGES, strict=True)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for j in (1, 2, 3):
            terms = [
                self.edges[e](nodes[src]) for e, (src, dst) in enumerate(MICRO_EDGES) if dst == j
            ]
            nodes.append(torch.stack(terms).sum(0))
        return nodes[-1]


class BasicBlock(nn.Module):
    """ResNet basic block of the macro space: b(a(x)) + shortcut(x).

    a = ReLU-Conv3×3(stride)-BN, b = ReLU-Conv3×3-BN. The shortcut, present when the stride or the
    width changes, is Conv1×1(stride, no bias) → BN with **eps = 1 and momentum = 1**: the
    benchmark passes its ``affine`` and ``track_running_stats`` flags (both ``True``) positionally
    into BatchNorm's ``eps`` and ``momentum`` slots, and the recorded proxies were computed so.
    """

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, stride)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1)
        self.downsample: nn.Module | None = None
        if stride != 1 or c_in != c_out:
            self.downsample = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride=stride, padding=0, bias=False),
                nn.BatchNorm2d(c_out, eps=1.0, momentum=1.0),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = x if self.downsample is None else self.downsample(x)
        return residual + self.conv_b(self.conv_a(x))


BlockFactory = Callable[[int, int, int], nn.Module]


class Encoder(nn.Module):
    """Stem + one module (two blocks) per digit of ``macro_code``.

    Attributes
    ----------
    out_channels
        Channels of the output feature map.
    nominal_size
        Side of the output feature map for a 224×224 input: what the decoders are sized with.
    """

    def __init__(self, macro_code: Sequence[int], block: BlockFactory) -> None:
        super().__init__()
        half = STEM_CHANNELS // 2
        self.stem = nn.Sequential(
            nn.Conv2d(3, half, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(half),
            ReLUConvBN(half, STEM_CHANNELS, 3, 2),
        )
        channels, size = STEM_CHANNELS, NOMINAL_INPUT // 4
        modules = []
        for digit in macro_code:
            c_out = channels * 2 if int(digit) % 2 == 0 else channels
            stride = 2 if int(digit) > 2 else 1
            size //= stride
            modules.append(nn.Sequential(block(channels, c_out, stride), block(c_out, c_out, 1)))
            channels = c_out
        self.layers = nn.Sequential(*modules)
        self.out_channels = channels
        self.nominal_size = size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(self.stem(x))


# ---------------------------------------------------------------------------------- heads
class PooledLinear(nn.Module):
    """Global average pool → flatten → Linear: the classification / room-layout head."""

    def __init__(self, c_in: int, n_out: int) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c_in, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.avgpool(x), 1))


class ConvLayer(nn.Module):
    """Conv k×k (with bias) → optional BN → optional activation (decoder building block)."""

    def __init__(
        self,
        c_in: int,
        c_out: int,
        kernel: int,
        stride: int,
        padding: int,
        activation: nn.Module | None,
        batch_norm: bool,
        spectral: bool = False,
    ) -> None:
        super().__init__()
        conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding)
        self.conv = nn.utils.spectral_norm(conv) if spectral else conv
        self.norm = nn.BatchNorm2d(c_out) if batch_norm else None
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        return x if self.activation is None else self.activation(x)


class DeconvLayer(nn.Module):
    """ConvTranspose 3×3 stride 2 (output padding 1, doubles the side) → BN → LeakyReLU(0.2)."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1, output_padding=1)
        self.norm = nn.BatchNorm2d(c_out)
        self.activation = nn.LeakyReLU(0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.norm(self.conv(x)))


def _leaky_conv(c_in: int, c_out: int) -> ConvLayer:
    return ConvLayer(c_in, c_out, 3, 1, 1, nn.LeakyReLU(0.2), batch_norm=True)


def _upsamplings(nominal_size: int) -> int:
    n = int(math.log2(IMAGE_SIZE / nominal_size))
    if not 2 <= n <= 6:
        raise ValueError(f"decoder: {n} upsamplings from a {nominal_size}-pixel map, need 2-6")
    return n


class GenerativeDecoder(nn.Module):
    """14 conv/deconv layers from the encoder map to a 3×256×256 tanh image.

    Channel plan 1024, 1024, 512, 512, 256, 128, 64, 64, 32, 32, 16, 32, 16, 3; layers 3, 5, 7, 9
    upsample (deconv) only when the nominal map needs ≥ 6, 5, 4, 3 doublings; 11 and 13 always do.
    """

    def __init__(self, c_in: int, nominal_size: int) -> None:
        super().__init__()
        n_up = _upsamplings(nominal_size)

        def maybe_up(c_a: int, c_b: int, needed: int) -> nn.Module:
            return DeconvLayer(c_a, c_b) if n_up >= needed else _leaky_conv(c_a, c_b)

        self.layers = nn.Sequential(
            _leaky_conv(c_in, 1024),
            _leaky_conv(1024, 1024),
            maybe_up(1024, 512, 6),
            _leaky_conv(512, 512),
            maybe_up(512, 256, 5),
            _leaky_conv(256, 128),
            maybe_up(128, 64, 4),
            _leaky_conv(64, 64),
            maybe_up(64, 32, 3),
            _leaky_conv(32, 32),
            DeconvLayer(32, 16),
            _leaky_conv(16, 32),
            DeconvLayer(32, 16),
        )
        self.last = ConvLayer(16, 3, 3, 1, 1, nn.Tanh(), batch_norm=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.last(self.layers(x))


class SegmentationDecoder(nn.Module):
    """Conv 1024 → (6 − n_up) halving convs → (n_up − 1) halving deconvs → one deconv →
    Conv3×3 to 17 class maps (no BN, no activation)."""

    def __init__(self, c_in: int, nominal_size: int, n_classes: int = SEGMENTATION_CLASSES):
        super().__init__()
        n_up = _upsamplings(nominal_size)
        layers: list[nn.Module] = [_leaky_conv(c_in, 1024)]
        c = 1024
        for _ in range(6 - n_up):
            layers.append(_leaky_conv(c, c // 2))
            c //= 2
        for _ in range(n_up - 1):
            layers.append(DeconvLayer(c, c // 2))
            c //= 2
        layers.append(DeconvLayer(c, c))
        self.layers = nn.Sequential(*layers)
        self.last = ConvLayer(c, n_classes, 3, 1, 1, None, batch_norm=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.last(self.layers(x))


class Discriminator(nn.Module):
    """The pix2pix discriminator the benchmark attaches to its autoencoder / normal models.

    It is a registered submodule but never runs in ``forward``: it holds parameters (seen by
    ``net.parameters()`` and ``l2_norm``-style walks over modules) that receive no gradient and
    that forward-hook counters (the ``params``/``flops`` proxies) never see.
    """

    def __init__(self) -> None:
        super().__init__()
        plan = ((6, 64, 5, 4, 2), (64, 128, 5, 4, 2), (128, 256, 5, 4, 2))
        plan += ((256, 256, 3, 1, 1), (256, 512, 3, 1, 1), (512, 512, 3, 1, 1))
        layers = [
            ConvLayer(a, b, k, s, p, nn.LeakyReLU(0.2), batch_norm=False, spectral=True)
            for a, b, k, s, p in plan
        ]
        layers.append(ConvLayer(512, 1, 3, 1, 1, None, batch_norm=False, spectral=True))
        self.layers = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.avgpool(self.layers(x)).flatten()


# ------------------------------------------------------------------------------ the network
class TaskonomyNetwork(nn.Module):
    """Encoder + task head of one TransNAS-Bench-101 network on one Taskonomy task.

    ``forward`` takes ``(N, 3, 256, 256)`` images, or for ``jigsaw`` ``(N, 27, 64, 64)``: nine
    3-channel tiles stacked on the channel axis, each encoded separately (BatchNorm statistics are
    per tile, as the benchmark's Siamese model computes them) and concatenated on channels.
    """

    def __init__(self, arch: str, task: str, encoder: Encoder) -> None:
        super().__init__()
        self.arch, self.task = arch, task
        self.encoder = encoder
        c, size = encoder.out_channels, encoder.nominal_size
        self.discriminator: nn.Module | None = None
        if task in ("class_object", "class_scene", "room_layout"):
            self.decoder: nn.Module = PooledLinear(c, TASKONOMY_TASKS[task].num_outputs)
        elif task == "jigsaw":
            self.decoder = PooledLinear(c * JIGSAW_TILES, TASKONOMY_TASKS[task].num_outputs)
        elif task == "segmentsemantic":
            self.decoder = SegmentationDecoder(c, size)
        elif task in ("autoencoder", "normal"):
            self.decoder = GenerativeDecoder(c, size)
            self.discriminator = Discriminator()
        else:
            raise ValueError(f"unknown TransNAS-Bench-101 task {task!r}")

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        if self.task != "jigsaw":
            return self.encoder(x)
        tiles = x.unflatten(1, (JIGSAW_TILES, -1))
        return torch.cat([self.encoder(tiles[:, i]) for i in range(JIGSAW_TILES)], dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encode(x))

    def zen_features(self, x: torch.Tensor) -> torch.Tensor:
        """The tensor zen measures (see the module docstring)."""
        h = self.encode(x)
        if isinstance(self.decoder, PooledLinear):
            return h
        return self.decoder.layers(h)


def init_taskonomy_parameters(net: TaskonomyNetwork, generator: torch.Generator) -> None:
    """Draw the initial weights as the benchmark does, from ``generator``.

    Encoder convs: ``kaiming_normal_(fan_out, relu)``, encoder BN weight 1 / bias 0. Head,
    decoder and discriminator: PyTorch's defaults (``reset_parameters`` semantics), drawn from the
    same generator in module order.
    """
    with torch.no_grad():
        for m in net.encoder.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(
                    m.weight, mode="fan_out", nonlinearity="relu", generator=generator
                )
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        for part in (net.decoder, net.discriminator):
            if part is not None:
                default_init(part, generator)


def default_init(module: nn.Module, generator: torch.Generator) -> None:
    """PyTorch's construction-time init of Conv/ConvTranspose/Linear/BN, drawn from ``generator``."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                weight = getattr(m, "weight_orig", m.weight)
                nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
                if m.bias is not None:
                    fan_in = nn.init._calculate_fan_in_and_fan_out(weight)[0]
                    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                    nn.init.uniform_(m.bias, -bound, bound, generator=generator)
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()


def zen_init(net: nn.Module, generator: torch.Generator) -> None:
    """zen's Gaussian re-initialisation as NASLib applies it, drawn from ``generator``.

    ``Conv2d`` and ``Linear`` weights N(0, 1), their biases 0; affine BN weight 1, bias 0. Unlike a
    blanket re-init, ``ConvTranspose2d`` layers (the decoders' upsamplings) keep their weights:
    NASLib's ``isinstance(m, nn.Conv2d)`` test does not match them. The discriminator never runs
    and is left alone.
    """
    skip = (
        set() if getattr(net, "discriminator", None) is None else set(net.discriminator.modules())
    )
    with torch.no_grad():
        for m in net.modules():
            if m in skip:
                continue
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(m.weight, generator=generator)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d) and m.weight is not None:
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)


def zen_features(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The tensor the zen proxy measures for a TransNAS-Bench-101 network."""
    return net.zen_features(x)
