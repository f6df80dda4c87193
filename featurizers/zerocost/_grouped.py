"""Many NB201 networks run as one: archs stacked along the channel axis, grouped convolutions.

Why this shape
--------------
An NB201 network is small (16–64 channels, ≤ 32×32 pixels), so on a GPU one network per call is
bound by kernel launches and Python, not arithmetic: NASLib needs ≈12 s per network for the 13
proxies. Stacking ``A`` networks makes every layer one kernel for all of them:

* a tensor holds the activations of all archs side by side, ``(N, A·C, H, W)``: arch ``a`` owns
  channels ``[a·C, (a+1)·C)``;
* at one cell edge, the archs carrying a conv op share one grouped convolution
  (``groups = #archs``) over their gathered channels; pools likewise; ``skip_connect`` is a
  channel mask; ``none`` adds nothing;
* BatchNorm statistics are per channel, so per arch; the classifier is a batched matmul;
* the loss is the sum over archs of each arch's mean cross-entropy, so every gradient of an
  arch's weights (or of its input copy) is exactly that arch's own gradient.

Nothing couples two archs, so the numbers are those of each network alone (up to float rounding
of different kernels; the tests check this against :class:`~.networks.nb201.NB201Network`).

Weights travel as one flat tensor (one host→device copy) and are used as per-layer views, each
its own autograd leaf: a leaf per layer keeps every weight gradient the size of its layer (views
of one flat leaf would make autograd materialise a full-size gradient per layer). Per-arch
reductions go through an ``(archs × layer-instances)`` 0/1 matrix product, which is deterministic
on CUDA (no atomics).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from .networks import nb201 as net201

BN_EPS = 1e-5
BN_MOMENTUM = 0.1


@dataclass
class Group:
    """The archs (positions in the chunk) that carry one op at one cell edge."""

    positions: torch.Tensor  # (|S|,) long, sorted
    full: bool  # every arch of the chunk, in order: no gather/scatter needed
    channels: dict[int, torch.Tensor] = field(default_factory=dict)  # width C → channel idx
    masks: dict[int, torch.Tensor] = field(default_factory=dict)  # width C → (1, A·C, 1, 1)

    @property
    def size(self) -> int:
        return int(self.positions.numel())


@dataclass(frozen=True)
class Segment:
    """A grouped parameter tensor inside the flat vector: archs ``positions``, ``per_arch`` each."""

    key: str
    offset: int
    positions: tuple[int, ...]
    shape: tuple[int, ...]  # grouped shape
    per_arch: int
    kind: str  # ParamSpec.kind

    @property
    def numel(self) -> int:
        return self.per_arch * len(self.positions)


class Recorder:
    """Hooks the forward pass calls; the default records nothing."""

    def relu_input(self, x: torch.Tensor, positions: torch.Tensor | None) -> None:
        """``x`` enters a ReLU; ``positions`` = archs owning its channel blocks (None: all)."""

    def conv_output(self, x: torch.Tensor, segment: Segment) -> None:
        """``x`` is the output of the conv whose weights are ``segment``."""

    def linear_output(self, x: torch.Tensor, segment: Segment) -> None:
        """``x`` is the ``(N, A, K)`` logits of the classifier whose weights are ``segment``."""


class GroupedNB201:
    """``A`` NB201 networks of one chunk as one computation.

    Parameters
    ----------
    ops
        ``(A, 6)`` op ids in tuple order, one row per arch.
    num_classes
        Classifier width ``K``.
    device
        Where the computation runs.
    """

    def __init__(self, ops: np.ndarray, num_classes: int, device: torch.device) -> None:
        self.ops = np.asarray(ops, dtype=np.int64)
        self.n_archs = int(self.ops.shape[0])
        self.num_classes = int(num_classes)
        self.device = torch.device(device)
        self.edge_groups = [self._edge_groups(e) for e in range(len(net201.EDGES))]
        self.segments = self._segments()
        self.numel = sum(s.numel for s in self.segments.values())
        self.weight_segments = [
            s for s in self.segments.values() if s.kind in ("conv", "linear_weight")
        ]
        # (A, n_layer_instances) 0/1: sums per-instance values into per-arch totals.
        owners = [p for s in self.weight_segments for p in s.positions]
        member = torch.zeros(self.n_archs, len(owners), dtype=torch.float64)
        member[torch.tensor(owners), torch.arange(len(owners))] = 1.0
        self.instance_to_arch = member.to(self.device)

    # ---------------------------------------------------------------------------- structure
    def _edge_groups(self, e: int) -> dict[int, Group]:
        groups: dict[int, Group] = {}
        column = self.ops[:, e]
        for op in (net201.SKIP, net201.CONV3, net201.CONV1, net201.POOL):
            pos = np.flatnonzero(column == op)
            if pos.size == 0:
                continue
            full = pos.size == self.n_archs
            g = Group(torch.as_tensor(pos, device=self.device), full)
            for c in net201.STAGE_CHANNELS:
                idx = (pos[:, None] * c + np.arange(c)[None, :]).ravel()
                g.channels[c] = torch.as_tensor(idx, device=self.device)
                if op == net201.SKIP and not full:
                    mask = torch.zeros(self.n_archs, c)
                    mask[pos] = 1.0
                    g.masks[c] = mask.view(1, -1, 1, 1).to(self.device)
            groups[op] = g
        return groups

    def _segments(self) -> dict[str, Segment]:
        """Grouped tensors in flat order; keys are per-arch parameter names + ``@op`` in cells."""
        layout0 = net201.parameter_layout(self.ops[0], self.num_classes)  # shapes of shared parts
        shared = {p.name: p for p in layout0 if ".edges." not in p.name}
        out: dict[str, Segment] = {}
        offset = 0
        everyone = tuple(range(self.n_archs))

        def add(key: str, positions: tuple[int, ...], spec: net201.ParamSpec) -> None:
            nonlocal offset
            n = len(positions)
            if spec.kind in ("conv", "bn_weight", "bn_bias"):
                shape = (n * spec.shape[0], *spec.shape[1:])
            else:  # classifier weight (A, K, 64) / bias (A, K)
                shape = (n, *spec.shape)
            out[key] = Segment(key, offset, positions, shape, spec.numel, spec.kind)
            offset += spec.numel * n

        for name in ("stem.0.weight", "stem.1.weight", "stem.1.bias"):
            add(name, everyone, shared[name])
        for s, c in enumerate(net201.STAGE_CHANNELS):
            for cell in range(net201.CELLS_PER_STAGE):
                i = net201.STAGE_OFFSETS[s] + cell
                for e, groups in enumerate(self.edge_groups):
                    for op, k in net201.KERNEL.items():
                        if op not in groups:
                            continue
                        pos = tuple(int(p) for p in groups[op].positions.tolist())
                        base = f"layers.{i}.edges.{e}"
                        add(
                            f"{base}.1.weight@{op}", pos, net201.ParamSpec("", (c, c, k, k), "conv")
                        )
                        add(f"{base}.2.weight@{op}", pos, net201.ParamSpec("", (c,), "bn_weight"))
                        add(f"{base}.2.bias@{op}", pos, net201.ParamSpec("", (c,), "bn_bias"))
            if s + 1 < len(net201.STAGE_CHANNELS):
                i = net201.STAGE_OFFSETS[s] + net201.CELLS_PER_STAGE
                for name in (
                    f"layers.{i}.conv_a.1.weight",
                    f"layers.{i}.conv_a.2.weight",
                    f"layers.{i}.conv_a.2.bias",
                    f"layers.{i}.conv_b.1.weight",
                    f"layers.{i}.conv_b.2.weight",
                    f"layers.{i}.conv_b.2.bias",
                    f"layers.{i}.shortcut.1.weight",
                ):
                    add(name, everyone, shared[name])
        for name in ("head_bn.weight", "head_bn.bias", "classifier.weight", "classifier.bias"):
            add(name, everyone, shared[name])
        return out

    # ---------------------------------------------------------------------------- parameters
    def pack(self, per_arch: Sequence[dict[str, torch.Tensor]]) -> torch.Tensor:
        """One flat CPU tensor of all archs' parameters (dicts from ``init_parameters``)."""
        if len(per_arch) != self.n_archs:
            raise ValueError(
                f"got parameters of {len(per_arch)} archs for a chunk of {self.n_archs}"
            )
        pieces = []
        for seg in self.segments.values():
            name = seg.key.split("@")[0]
            pieces.extend(per_arch[p][name].reshape(-1) for p in seg.positions)
        return torch.cat(pieces)

    def unpack(self, flat: torch.Tensor, requires_grad: bool = False) -> dict[str, torch.Tensor]:
        """Grouped parameter tensors (views of ``flat``), each a leaf when ``requires_grad``."""
        out = {}
        for key, seg in self.segments.items():
            view = flat[seg.offset : seg.offset + seg.numel].view(seg.shape)
            out[key] = view.requires_grad_(True) if requires_grad else view
        return out

    def weights(self, params: dict[str, torch.Tensor]) -> list[torch.Tensor]:
        """The Conv/Linear weight tensors of ``params``, in :attr:`weight_segments` order."""
        return [params[s.key] for s in self.weight_segments]

    def per_arch_sum(self, per_instance: torch.Tensor) -> torch.Tensor:
        """Per-arch totals (float64) of values given per layer instance (``weight_segments``)."""
        return self.instance_to_arch @ per_instance.to(torch.float64)

    def reduce_weights(
        self,
        fn: Callable[..., torch.Tensor],
        *tensors: Sequence[torch.Tensor | None],
    ) -> torch.Tensor:
        """``fn(rows...) → (|S|,)`` over every Conv/Linear weight, summed per arch.

        Each of ``tensors`` lists one tensor per weight segment (:meth:`weights` order, ``None``
        meaning zeros); ``fn`` receives each as an ``(|S|, per_arch)`` matrix, one row per arch.
        """
        values = []
        for i, seg in enumerate(self.weight_segments):
            rows = []
            for t in tensors:
                v = t[i]
                if v is None:
                    v = torch.zeros(seg.shape, device=self.device)
                rows.append(v.detach().reshape(len(seg.positions), seg.per_arch))
            values.append(fn(*rows))
        return self.per_arch_sum(torch.cat(values))

    # ------------------------------------------------------------------------------ forward
    def forward(
        self,
        x: torch.Tensor,
        params: dict[str, torch.Tensor],
        *,
        batchnorm: bool = True,
        running_stats: dict[str, tuple[torch.Tensor, torch.Tensor]] | None = None,
        recorder: Recorder | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits ``(N, A, K)`` and pre-pooling features ``(N, A·64, h, w)``.

        ``x`` is ``(N, A·3, H, W)``: each arch's copy of the input; ``params`` comes from
        :meth:`unpack`. ``batchnorm=False`` makes
        every BatchNorm the identity (``synflow``). ``running_stats`` (BN weight key → running
        mean and var, created on first use with PyTorch's initial values 0 / 1) makes BatchNorm
        update running statistics as ``nn.BatchNorm2d`` does in train mode (``zen``); otherwise
        none are kept.
        """
        rec = recorder or Recorder()
        run = _Run(self, params, batchnorm, running_stats, rec)
        h = run.conv(x, "stem.0.weight", padding=1, groups=self.n_archs)
        h = run.bn(h, "stem.1")
        for s, c in enumerate(net201.STAGE_CHANNELS):
            for cell in range(net201.CELLS_PER_STAGE):
                h = run.cell(h, net201.STAGE_OFFSETS[s] + cell, c)
            if s + 1 < len(net201.STAGE_CHANNELS):
                h = run.block(h, net201.STAGE_OFFSETS[s] + net201.CELLS_PER_STAGE)
        h = run.bn(h, "head_bn")
        rec.relu_input(h, None)
        features = F.relu(h)
        n, c3 = features.shape[0], net201.STAGE_CHANNELS[-1]
        pooled = features.mean(dim=(2, 3)).view(n, self.n_archs, c3)
        weight = params["classifier.weight"]
        logits = torch.einsum("nac,akc->nak", pooled, weight) + params["classifier.bias"]
        rec.linear_output(logits, self.segments["classifier.weight"])
        return logits, features


class _Run:
    """State of one forward pass (kept apart so the forward reads top-down)."""

    def __init__(
        self,
        net: GroupedNB201,
        params: dict[str, torch.Tensor],
        batchnorm: bool,
        running_stats: dict[str, tuple[torch.Tensor, torch.Tensor]] | None,
        rec: Recorder,
    ) -> None:
        self.net, self.params, self.batchnorm = net, params, batchnorm
        self.running_stats, self.rec = running_stats, rec

    def conv(self, x: torch.Tensor, key: str, *, padding: int, groups: int, stride: int = 1):
        out = F.conv2d(x, self.params[key], stride=stride, padding=padding, groups=groups)
        self.rec.conv_output(out, self.net.segments[key])
        return out

    def bn(self, x: torch.Tensor, prefix: str, suffix: str = "") -> torch.Tensor:
        if not self.batchnorm:
            return x
        weight = self.params[f"{prefix}.weight{suffix}"]
        bias = self.params[f"{prefix}.bias{suffix}"]
        mean = var = None
        if self.running_stats is not None:
            key = f"{prefix}.weight{suffix}"
            if key not in self.running_stats:
                self.running_stats[key] = (x.new_zeros(x.shape[1]), x.new_ones(x.shape[1]))
            mean, var = self.running_stats[key]
        return F.batch_norm(x, mean, var, weight, bias, True, BN_MOMENTUM, BN_EPS)

    def cell(self, x: torch.Tensor, layer: int, c: int) -> torch.Tensor:
        nodes = [x]
        for j in range(1, net201.space.N_NODES):
            acc: torch.Tensor | None = None
            for e, (src_node, dst) in enumerate(net201.EDGES):
                if dst != j:
                    continue
                src = nodes[src_node]
                for op, g in self.net.edge_groups[e].items():
                    if op == net201.SKIP:
                        term = src if g.full else src * g.masks[c]
                        acc = term if acc is None else acc + term
                        continue
                    sub = src if g.full else src.index_select(1, g.channels[c])
                    if op == net201.POOL:
                        out = F.avg_pool2d(sub, 3, stride=1, padding=1, count_include_pad=False)
                    else:
                        k = net201.KERNEL[op]
                        self.rec.relu_input(sub, None if g.full else g.positions)
                        key = f"layers.{layer}.edges.{e}"
                        out = self.conv(
                            F.relu(sub), f"{key}.1.weight@{op}", padding=k // 2, groups=g.size
                        )
                        out = self.bn(out, f"{key}.2", f"@{op}")
                    if g.full:
                        acc = out if acc is None else acc + out
                    else:
                        base = src.new_zeros(src.shape) if acc is None else acc
                        acc = base.index_add(1, g.channels[c], out)
            nodes.append(acc if acc is not None else x.new_zeros(x.shape))
        return nodes[-1]

    def block(self, x: torch.Tensor, layer: int) -> torch.Tensor:
        a_groups = self.net.n_archs
        p = f"layers.{layer}"
        self.rec.relu_input(x, None)
        h = self.conv(F.relu(x), f"{p}.conv_a.1.weight", padding=1, groups=a_groups, stride=2)
        h = self.bn(h, f"{p}.conv_a.2")
        self.rec.relu_input(h, None)
        h = self.conv(F.relu(h), f"{p}.conv_b.1.weight", padding=1, groups=a_groups)
        h = self.bn(h, f"{p}.conv_b.2")
        short = F.avg_pool2d(x, 2, stride=2)
        short = self.conv(short, f"{p}.shortcut.1.weight", padding=0, groups=a_groups)
        return h + short
