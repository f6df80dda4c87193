"""The engine's passes on one ``torch.nn.Module``: any space whose network follows the interface.

Where :mod:`._grouped` packs many NB201 networks into one grouped computation, this path scores
one network at a time, so any network shape works (NB101 cells differ in vertex count and
channels, DARTS cells in their ops). The passes are the same as the grouped ones and shared the
same way (see :mod:`.engine`):

* **shared** — one train-mode forward on the minibatch with hooks on every ``nn.ReLU`` input
  (``nwot``) and every ``nn.Conv2d``/``nn.Linear`` output (``fisher``); from that one graph the
  input gradient of the summed outputs (``jacov``, ``epe_nas``) and the task-loss gradient
  w.r.t. the weights and layer outputs (``grad_norm``, ``snip``, ``plain``, ``fisher``), built
  differentiably when ``grasp`` needs ``H·g``.
* **synflow** — a float64 copy with ``|θ|``, BatchNorm bypassed, an all-ones input of batch 1.
* **zen** — two no-grad train-mode forwards of a copy with Gaussian weights.

"Layers" are every ``nn.Conv2d``/``nn.Linear`` (not ``nn.ConvTranspose2d``), as in NASLib;
per-layer values are summed over layers. The task loss comes from the space's
:class:`~.networks._taskio.TaskIO`, so dense and regression tasks work the same way.
"""

from __future__ import annotations

import copy
import time
import types
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import _scores
from .networks._counting import count_by_hooks
from .networks._taskio import TaskIO, loss_fn

#: NASLib's ``isinstance(layer, (nn.Conv2d, nn.Linear))``: ``nn.ConvTranspose2d`` is not a
#: ``Conv2d`` subclass, so decoders' transposed convs are not "layers" of the proxies.
LAYER_TYPES = (nn.Conv2d, nn.Linear)
CROSS_ENTROPY = frozenset({"grad_norm", "snip", "plain", "fisher", "grasp"})
JACOBIAN = frozenset({"jacov", "epe_nas"})
SHARED = CROSS_ENTROPY | JACOBIAN | {"nwot"}


@dataclass
class NetworkScorer:
    """Scores networks of one task on one minibatch.

    Parameters
    ----------
    io
        The task (input shape, outputs, loss).
    images, targets, labels
        The minibatch, its targets and one class per example (``None`` when the task has none:
        ``epe_nas`` is then undefined, NaN).
    device, dtype
        Where and in which float type every pass but synflow (float64) runs.
    features
        ``features(net, x)``: the tensor ``zen`` measures.
    """

    io: TaskIO
    images: torch.Tensor
    targets: torch.Tensor
    labels: torch.Tensor | None
    device: torch.device
    dtype: torch.dtype
    features: Callable[[nn.Module, torch.Tensor], torch.Tensor]

    def static(self, net: nn.Module, wanted: set[str]) -> dict[str, float]:
        """``params`` (trainable, millions) and ``flops`` (tensorwatch rules, MFLOPs)."""
        out: dict[str, float] = {}
        if "params" in wanted:
            out["params"] = sum(p.numel() for p in net.parameters() if p.requires_grad) / 1e6
        if "flops" in wanted:
            out["flops"] = count_by_hooks(net, (1, *self.io.input_shape))[1] / 1e6
        return out

    def l2_norm(self, net: nn.Module) -> float:
        with torch.no_grad():
            return float(sum(m.weight.norm().item() for m in _layers(net)))

    # ------------------------------------------------------------------ shared pass
    def shared(self, net: nn.Module, wanted: set[str]) -> dict[str, float]:
        """nwot, jacov, epe_nas and the loss proxies from one forward (see the module docstring).

        Every proxy here differentiates with respect to the layer weights (or the input) only,
        so the other parameters — normalisation layers' affine pairs, biases — are taken out
        of autograd for the pass: no score changes, but the graph-building backward and grasp's
        Hessian-vector product no longer carry their branches (≈ 5 % of the pass on NB101).
        """
        frozen = [p for p in _bookkeeping_parameters(net) if p.requires_grad]
        for p in frozen:
            p.requires_grad_(False)
        try:
            return self._shared(net, wanted)
        finally:
            for p in frozen:
                p.requires_grad_(True)

    def _shared(self, net: nn.Module, wanted: set[str]) -> dict[str, float]:
        net.train()
        layers = _layers(net)
        weights = [m.weight for m in layers]
        need_loss = bool(wanted & CROSS_ENTROPY)
        need_jac = bool(wanted & JACOBIAN)
        grasp = "grasp" in wanted
        n = self.images.shape[0]
        kernel = torch.zeros(n, n, dtype=torch.float64, device=self.device)
        outputs: list[tuple[nn.Module, torch.Tensor]] = []
        handles = []
        if "nwot" in wanted:

            def code(_m: nn.Module, inputs: tuple, _out: torch.Tensor) -> None:
                nonlocal kernel
                with torch.no_grad():
                    c = (inputs[0].detach().reshape(n, -1) > 0).to(torch.float32)
                    on = c.sum(1)
                    k = 2.0 * (c @ c.t()) - on[:, None] - on[None, :] + float(c.shape[1])
                    kernel = kernel + k.to(torch.float64)

            handles += [m.register_forward_hook(code) for m in net.modules() if _is_relu(m)]
        if "fisher" in wanted:

            def keep(m: nn.Module, _inputs: tuple, out: torch.Tensor) -> None:
                outputs.append((m, out))

            handles += [m.register_forward_hook(keep) for m in layers]
        x = self.images.to(self.device, self.dtype).clone().requires_grad_(need_jac)
        try:
            with torch.set_grad_enabled(need_loss or need_jac):
                out = net(x)
        finally:
            for h in handles:
                h.remove()
        result: dict[str, float] = {}
        if need_jac:
            jac = None
            if out.requires_grad:
                jac = torch.autograd.grad(out.sum(), x, retain_graph=need_loss, allow_unused=True)[
                    0
                ]
            if jac is None:
                jac = torch.zeros_like(x)
            corr = _scores.correlations(jac.reshape(1, n, -1)).cpu().numpy()
            if "jacov" in wanted:
                result["jacov"] = float(_scores.jacov(corr)[0])
            if "epe_nas" in wanted:
                if self.labels is None:
                    result["epe_nas"] = float("nan")
                else:
                    labels = self.labels.numpy()
                    result["epe_nas"] = float(_scores.epe_nas(corr, labels, self.io.num_outputs)[0])
        if need_loss:
            target = self.targets.to(self.device)
            if target.is_floating_point():
                target = target.to(self.dtype)
            loss = loss_fn(self.io)(out, target)
            acts = [a for _, a in outputs]
            if not loss.requires_grad:  # the output does not depend on any weight
                grads: tuple = (None,) * (len(weights) + len(acts))
            else:
                grads = _grad(loss, [*weights, *acts], create_graph=grasp)
            g, act_grads = grads[: len(weights)], grads[len(weights) :]
            pairs = [(gr, w) for gr, w in zip(g, weights, strict=True) if gr is not None]
            with torch.no_grad():
                if "grad_norm" in wanted:
                    result["grad_norm"] = float(sum(gr.norm().item() for gr, _ in pairs))
                if "snip" in wanted:
                    result["snip"] = float(sum((gr * w).abs().sum().item() for gr, w in pairs))
                if "plain" in wanted:
                    result["plain"] = float(sum((gr * w).sum().item() for gr, w in pairs))
                if "fisher" in wanted:
                    result["fisher"] = _fisher(outputs, act_grads)
            if grasp:
                if pairs:
                    z = sum((gr.detach() * gr).sum() for gr, _ in pairs)
                    hg = _grad(z, weights)
                    with torch.no_grad():
                        result["grasp"] = float(
                            sum(
                                (-w * h).sum().item()
                                for w, h in zip(weights, hg, strict=True)
                                if h is not None
                            )
                        )
                else:
                    result["grasp"] = 0.0
        if "nwot" in wanted:
            result["nwot"] = float(_scores.nwot(kernel.cpu().numpy()[None])[0])
        return result

    # ------------------------------------------------------------------ synflow
    def synflow(self, net: nn.Module) -> float:
        sf = copy.deepcopy(net).to(self.device, torch.float64)
        for m in sf.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.forward = types.MethodType(_identity, m)
        with torch.no_grad():
            for t in sf.state_dict().values():
                if t.is_floating_point():
                    t.abs_()
        sf.train()
        ones = torch.ones((1, *self.io.input_shape), dtype=torch.float64, device=self.device)
        out = sf(ones)
        layers = _layers(sf)
        weights = [m.weight for m in layers]
        if not out.requires_grad:
            return 0.0
        g = _grad(out.sum(), weights)
        with torch.no_grad():
            return float(
                sum(
                    (w * gr).abs().sum().item()
                    for w, gr in zip(weights, g, strict=True)
                    if gr is not None
                )
            )

    # ------------------------------------------------------------------ zen
    def zen(self, net: nn.Module, x1: torch.Tensor, x2: torch.Tensor, mixup: float) -> float:
        net.train()
        a = x1.to(self.device, self.dtype)
        b = a + mixup * x2.to(self.device, self.dtype)
        with torch.no_grad():
            f1 = self.features(net, a)
            f2 = self.features(net, b)
            delta = (f1 - f2).abs().reshape(f1.shape[0], -1).sum(1).mean()
            log_bn = 0.0
            for m in net.modules():
                if isinstance(m, nn.BatchNorm2d) and m.running_var is not None:
                    log_bn += float(torch.log(torch.sqrt(m.running_var.mean())).item())
        with np.errstate(divide="ignore"):
            return float(np.log(float(delta))) + log_bn


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


def _identity(self: nn.Module, x: torch.Tensor) -> torch.Tensor:
    return x


def _is_relu(m: nn.Module) -> bool:
    return isinstance(m, nn.ReLU)


def _grad(
    output: torch.Tensor, inputs: list[torch.Tensor], create_graph: bool = False
) -> tuple[torch.Tensor | None, ...]:
    """``torch.autograd.grad`` with ``None`` for inputs that do not require grad: a weight that
    never took part in a forward (the autoencoder's spectral-normalised discriminator, whose
    ``weight`` is recomputed only when it runs) has no gradient — zero, as in NASLib."""
    live = [i for i, t in enumerate(inputs) if t.requires_grad]
    found = torch.autograd.grad(
        output, [inputs[i] for i in live], create_graph=create_graph, allow_unused=True
    )
    out: list[torch.Tensor | None] = [None] * len(inputs)
    for i, g in zip(live, found, strict=True):
        out[i] = g
    return tuple(out)


def _bookkeeping_parameters(net: nn.Module) -> list[nn.Parameter]:
    """Parameters no proxy differentiates and no layer weight is computed from: the affine pair
    of every normalisation layer and the biases of the layers. (A spectral-normalised conv's
    ``weight`` is computed from its ``weight_orig`` parameter, which therefore stays.)"""
    out: list[nn.Parameter] = []
    for m in net.modules():
        if isinstance(m, (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.LayerNorm)):
            out += [p for p in (m.weight, m.bias) if isinstance(p, nn.Parameter)]
        elif isinstance(m, LAYER_TYPES) and isinstance(m.bias, nn.Parameter):
            out.append(m.bias)
    return list({id(p): p for p in out}.values())


def _layers(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if isinstance(m, LAYER_TYPES)]


def _fisher(
    outputs: list[tuple[nn.Module, torch.Tensor]], grads: tuple[torch.Tensor | None, ...]
) -> float:
    total = 0.0
    for (m, act), grad in zip(outputs, grads, strict=True):
        if grad is None:
            continue  # the layer does not reach the loss: zero, as NASLib's zero gradient
        prod = act.detach() * grad.detach()
        if prod.dim() > 2:
            prod = prod.sum(dim=tuple(range(2, prod.dim())))
        per_channel = prod.pow(2).mean(0).mul(0.5).abs()
        fan_in = m.weight.numel() // per_channel.numel()
        total += float(per_channel.sum().item()) * fan_in
    return total


def default_features(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """What ``zen`` measures when a network says nothing: its ``forward_features`` if it has
    one, else the input of its last global average pool, else its output."""
    if hasattr(net, "forward_features"):
        return net.forward_features(x)
    pools = [m for m in net.modules() if isinstance(m, nn.AdaptiveAvgPool2d)]
    if not pools:
        return net(x)
    seen: list[torch.Tensor] = []
    handle = pools[-1].register_forward_hook(lambda _m, inputs, _o: seen.append(inputs[0]))
    try:
        out = net(x)
    finally:
        handle.remove()
    return seen[-1] if seen else out
