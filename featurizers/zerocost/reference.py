"""One proxy per pass, one network at a time: the NAS-Bench-Suite-Zero procedure, kept readable.

Each measure gets a fresh deep copy of the same initialised network in train mode, exactly as
NASLib's ``find_measures`` does, and computes one proxy with its own forward/backward passes.
This is the naive baseline the batched engine (:mod:`.engine`) is benchmarked against and the
independent implementation the tests compare it to: it uses ``torch.nn`` modules, hooks and
``numpy`` (``corrcoef``, ``eig``, ``slogdet``) the way the original measures do, not the engine's
grouped tensors.

Layers are every ``nn.Conv2d`` and ``nn.Linear``; per-layer arrays are summed over all elements and
layers. The minibatch, labels and, for ``zen``, the Gaussian weights and the two input draws are
arguments, so that a caller (the tests, the benchmark) can feed both implementations the same
randomness.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._scores import finalize
from .networks._counting import count_by_hooks

#: Forward and backward passes each proxy costs here (``grasp``: two forwards, a backward and a
#: backward through the gradient graph; ``zen``: two forwards; ``params``/``flops``: tensorwatch's
#: batch-1 forward).
PASSES: dict[str, tuple[int, int]] = {
    "epe_nas": (1, 1),
    "fisher": (1, 1),
    "flops": (1, 0),
    "grad_norm": (1, 1),
    "grasp": (2, 2),
    "jacov": (1, 1),
    "l2_norm": (0, 0),
    "nwot": (1, 0),
    "params": (1, 0),
    "plain": (1, 1),
    "snip": (1, 1),
    "synflow": (1, 1),
    "zen": (2, 0),
}


def _layers(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def _fresh(net: nn.Module) -> nn.Module:
    out = copy.deepcopy(net)
    out.train()
    return out


Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _ce_grads(
    net: nn.Module, x: torch.Tensor, y: torch.Tensor, loss: Loss = F.cross_entropy
) -> list[torch.Tensor]:
    net.zero_grad()
    loss(net(x), y).backward()
    return [
        m.weight.grad if m.weight.grad is not None else torch.zeros_like(m.weight)
        for m in _layers(net)
    ]


def grad_norm(
    net: nn.Module, x: torch.Tensor, y: torch.Tensor, loss: Loss = F.cross_entropy
) -> float:
    net = _fresh(net)
    return float(sum(g.norm().item() for g in _ce_grads(net, x, y, loss)))


def plain(net: nn.Module, x: torch.Tensor, y: torch.Tensor, loss: Loss = F.cross_entropy) -> float:
    net = _fresh(net)
    grads = _ce_grads(net, x, y, loss)
    return float(sum((g * m.weight).sum().item() for g, m in zip(grads, _layers(net), strict=True)))


def snip(net: nn.Module, x: torch.Tensor, y: torch.Tensor, loss: Loss = F.cross_entropy) -> float:
    """|∂L/∂mask| for a ones mask multiplied into every Conv/Linear weight."""
    net = _fresh(net)
    layers = dict(
        (name, m) for name, m in net.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))
    )
    masks = {name: torch.ones_like(m.weight, requires_grad=True) for name, m in layers.items()}
    masked = {f"{name}.weight": m.weight.detach() * masks[name] for name, m in layers.items()}
    out = torch.func.functional_call(net, masked, (x,))
    loss(out, y).backward()
    return float(sum(masks[n].grad.abs().sum().item() for n in layers if masks[n].grad is not None))


def grasp(net: nn.Module, x: torch.Tensor, y: torch.Tensor, loss: Loss = F.cross_entropy) -> float:
    """``Σ −W ⊙ Hg`` with ``g`` from a first pass and ``Hg`` from a second, graph-building pass."""
    net = _fresh(net)
    weights = [m.weight for m in _layers(net)]
    first = torch.autograd.grad(loss(net(x), y), weights, allow_unused=True)
    net.zero_grad()
    second = torch.autograd.grad(loss(net(x), y), weights, create_graph=True, allow_unused=True)
    z = sum((g.detach() * h).sum() for g, h in zip(first, second, strict=True) if g is not None)
    z.backward()
    return float(sum((-w.detach() * w.grad).sum().item() for w in weights if w.grad is not None))


def fisher(net: nn.Module, x: torch.Tensor, y: torch.Tensor, loss: Loss = F.cross_entropy) -> float:
    """Per output channel ``0.5·mean_n(Σ_spatial a·∂L/∂a)²`` of each layer output ``a``, × fan-in."""
    net = _fresh(net)
    acts: dict[nn.Module, torch.Tensor] = {}

    def keep(module: nn.Module, _inputs: tuple, output: torch.Tensor) -> None:
        output.retain_grad()
        acts[module] = output

    handles = [m.register_forward_hook(keep) for m in _layers(net)]
    try:
        net.zero_grad()
        loss(net(x), y).backward()
    finally:
        for h in handles:
            h.remove()
    total = 0.0
    for m, a in acts.items():
        if a.grad is None:
            continue
        g = a.detach() * a.grad
        g = g.sum(dim=tuple(range(2, g.dim()))) if g.dim() > 2 else g
        per_channel = g.pow(2).mean(0).mul(0.5).abs()
        total += float(per_channel.sum().item()) * int(np.prod(m.weight.shape[1:]))
    return total


def _input_jacobian(net: nn.Module, x: torch.Tensor) -> tuple[np.ndarray, int]:
    """Rows ∂(Σ outputs)/∂x_n, and the output width (the number of classes)."""
    x = x.clone().requires_grad_(True)
    out = net(x)
    out.backward(torch.ones_like(out))
    return x.grad.detach().reshape(x.shape[0], -1).cpu().numpy(), int(out.shape[-1])


def jacov(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    net = _fresh(net)
    jac, _ = _input_jacobian(net, x)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(jac)
        try:
            v = np.linalg.eig(corr)[0]
        except np.linalg.LinAlgError:
            return float("nan")
        return float(np.real(-np.sum(np.log(v + 1e-5) + 1.0 / (v + 1e-5))))


def epe_nas(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    net = _fresh(net)
    jac, n_classes = _input_jacobian(net, x)
    rows: dict[int, list[np.ndarray]] = {}
    for i, label in enumerate(y.tolist()):
        rows.setdefault(label, []).append(jac[i])
    per_class: dict[int, float] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for label, r in rows.items():
            if len(r) == 1:
                corr = np.corrcoef(r[0])  # a 0-d array: 1 (or NaN for a constant row)
                if n_classes > 100:
                    continue  # NASLib's len() of a 0-d array raises: the class is skipped
                per_class[label] = float(np.sum(np.log(np.abs(corr) + 1e-5)))
                continue
            corr = np.corrcoef(np.vstack(r))
            s = float(np.sum(np.log(np.abs(corr) + 1e-5)))
            per_class[label] = s / len(corr) if n_classes > 100 else s
    values = list(per_class.values())
    if n_classes <= 100:
        return float(sum(abs(v) for v in values))
    if not values:
        return 0.0
    return float(sum(abs(a - b) for a in values for b in values) / len(values))


def nwot(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """log|det K| of ``K = Σ_ReLU [c cᵀ + (1−c)(1−c)ᵀ]``, ``c`` the binary code of each ReLU input."""
    net = _fresh(net)
    n = x.shape[0]
    kernel = np.zeros((n, n))

    def count(_module: nn.Module, inputs: tuple, _output: torch.Tensor) -> None:
        nonlocal kernel
        code = (inputs[0].detach().reshape(n, -1) > 0).float()
        same_on = code @ code.t()
        same_off = (1.0 - code) @ (1.0 - code).t()
        kernel = kernel + same_on.cpu().double().numpy() + same_off.cpu().double().numpy()

    handles = [m.register_forward_hook(count) for m in net.modules() if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            net(x)
    finally:
        for h in handles:
            h.remove()
    return float(np.linalg.slogdet(kernel)[1])


def synflow(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """``Σ |W ⊙ ∂R/∂W|``, R = sum of the output for an all-ones input, BN off, |params|, float64."""
    net = _fresh(net)
    for name, module in list(net.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.BatchNorm2d):
                setattr(module, child_name, nn.Identity())
        del name
    net = net.double()
    with torch.no_grad():
        for t in net.state_dict().values():
            t.abs_()
    net.zero_grad()
    net(torch.ones((1, *x.shape[1:]), dtype=torch.float64, device=x.device)).sum().backward()
    return float(
        sum(
            (m.weight * m.weight.grad).abs().sum().item()
            for m in _layers(net)
            if m.weight.grad is not None
        )
    )


def params(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Millions of parameters, counted by a batch-1 forward pass as tensorwatch does."""
    return count_by_hooks(_fresh(net), (1, *x.shape[1:]))[0] / 1e6


def flops(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """MFLOPs of a batch-1 forward pass under tensorwatch's rules."""
    return count_by_hooks(_fresh(net), (1, *x.shape[1:]))[1] / 1e6


def l2_norm(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    return float(sum(m.weight.detach().norm().item() for m in _layers(net)))


def zen(
    net: nn.Module,
    gaussian_weights: dict[str, torch.Tensor] | Callable[[], nn.Module],
    x1: torch.Tensor,
    x2: torch.Tensor,
    mixup_gamma: float = 1e-2,
    features: Callable[[nn.Module, torch.Tensor], torch.Tensor] | None = None,
) -> float:
    """Zen-score with the Gaussian weights (a parameter dict, or a function building the
    Gaussian-initialised network) and the two N(0, 1) draws given."""
    if callable(gaussian_weights):
        net = gaussian_weights()
        net.train()
    else:
        net = _fresh(net)
        net.load_parameters(gaussian_weights)
    features = features or (lambda n, x: n.forward_features(x))
    with torch.no_grad():
        f1 = features(net, x1)
        f2 = features(net, x1 + mixup_gamma * x2)
        delta = torch.abs(f1 - f2).reshape(f1.shape[0], -1).sum(dim=1).mean()
        log_bn = 0.0
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                log_bn += float(torch.log(torch.sqrt(torch.mean(m.running_var))))
        return float(torch.log(delta)) + log_bn


_LOSS_MEASURES = frozenset({"grad_norm", "plain", "snip", "grasp", "fisher"})

MEASURES: dict[str, Callable[[nn.Module, torch.Tensor, torch.Tensor], float]] = {
    "epe_nas": epe_nas,
    "fisher": fisher,
    "flops": flops,
    "grad_norm": grad_norm,
    "grasp": grasp,
    "jacov": jacov,
    "l2_norm": l2_norm,
    "nwot": nwot,
    "params": params,
    "plain": plain,
    "snip": snip,
    "synflow": synflow,
}


def score_network(
    net: nn.Module,
    proxies: list[str],
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    zen_inputs: tuple[object, torch.Tensor, torch.Tensor] | None = None,
    loss: Loss = F.cross_entropy,
    features: Callable[[nn.Module, torch.Tensor], torch.Tensor] | None = None,
) -> dict[str, float]:
    """Every requested proxy of one network, each on its own fresh copy, as recorded (finalised).

    ``zen_inputs`` = (Gaussian weights or a builder of the Gaussian network, first N(0, 1) draw,
    second draw) for ``zen``; ``loss`` the task loss; ``features`` what zen measures.
    """
    out: dict[str, float] = {}
    for proxy in proxies:
        if proxy == "zen":
            if zen_inputs is None:
                raise ValueError("zen needs its Gaussian weights and two input draws")
            raw = zen(net, *zen_inputs, features=features)
        elif proxy in _LOSS_MEASURES:
            raw = MEASURES[proxy](net, x, y, loss=loss)
        else:
            raw = MEASURES[proxy](net, x, y)
        out[proxy] = float(finalize(proxy, np.array([raw]))[0][0])
    return out
