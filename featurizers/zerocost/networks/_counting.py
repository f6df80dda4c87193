"""Parameter and FLOP counting rules of the NAS-Bench-Suite-Zero ``params`` / ``flops`` proxies.

NAS-Bench-Suite-Zero counted with tensorwatch's ``ModelStats`` at batch 1: every *leaf* module that
runs in the forward pass contributes its parameters and a FLOP count that depends on its type:

==========================  ===============================================================
module                      FLOPs
==========================  ===============================================================
``Conv2d``                  ``k_h·k_w·C_in/groups·C_out·H_out·W_out`` (+ ``C_out·H_out·W_out`` bias)
``BatchNorm2d``             ``C·H·W`` (× 2 when affine)
``ReLU``                    ``C·H·W`` of its input
``AvgPool2d``/``MaxPool2d``  ``C·H_out·W_out·k²`` (max pooling: NB101's pilot flops, exact)
``AdaptiveAvgPool2d`` → 1   ``C·(H+1)·(W+1)``
``Linear``                  ``in·out`` (the bias is not counted)
anything else               0 (identity, multiply-by-zero, flatten, additions)
==========================  ===============================================================

The rules are plain functions so that a network's count can be written down analytically for every
architecture at once (see :mod:`.nb201`) and, independently, measured by hooks on a real
``torch.nn.Module`` (:func:`count_by_hooks`); tests check both against each other and against the
recorded benchmark values.
"""

from __future__ import annotations

import torch
from torch import nn


def conv_flops(c_in: int, c_out: int, k: int, h_out: int, w_out: int, groups: int = 1) -> int:
    return k * k * (c_in // groups) * c_out * h_out * w_out


def conv_params(c_in: int, c_out: int, k: int, groups: int = 1, bias: bool = False) -> int:
    return k * k * (c_in // groups) * c_out + (c_out if bias else 0)


def bn_flops(c: int, h: int, w: int, affine: bool = True) -> int:
    return c * h * w * (2 if affine else 1)


def bn_params(c: int, affine: bool = True) -> int:
    return 2 * c if affine else 0


def relu_flops(c: int, h: int, w: int) -> int:
    return c * h * w


def avgpool_flops(c: int, h_out: int, w_out: int, k: int) -> int:
    return c * h_out * w_out * k * k


def global_avgpool_flops(c: int, h: int, w: int) -> int:
    return c * (h + 1) * (w + 1)


def linear_flops(n_in: int, n_out: int) -> int:
    return n_in * n_out


def linear_params(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def _pair(v: int | tuple[int, ...]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _leaf_flops(module: nn.Module, x: torch.Tensor, y: torch.Tensor) -> int:
    if isinstance(module, nn.Conv2d):
        kh, kw = _pair(module.kernel_size)
        c_out, h_out, w_out = y.shape[1:]
        flops = kh * kw * (x.shape[1] // module.groups) * c_out * h_out * w_out
        return flops + (c_out * h_out * w_out if module.bias is not None else 0)
    if isinstance(module, nn.BatchNorm2d):
        return bn_flops(*x.shape[1:], affine=module.affine)
    if isinstance(module, nn.ReLU):
        return x[0].numel()
    if isinstance(module, (nn.AvgPool2d, nn.MaxPool2d)):
        k = _pair(module.kernel_size)
        return x.shape[1] * y.shape[2] * y.shape[3] * k[0] * k[1]
    if isinstance(module, nn.AdaptiveAvgPool2d):
        if _pair(module.output_size) != (1, 1):
            raise NotImplementedError("only global average pooling is counted")
        return global_avgpool_flops(*x.shape[1:])
    if isinstance(module, nn.Linear):
        return x.shape[1] * y.shape[1]
    return 0


def count_by_hooks(model: nn.Module, input_shape: tuple[int, ...]) -> tuple[int, int]:
    """``(params, flops)`` of ``model`` measured with forward hooks on its leaf modules.

    Runs one forward pass at the given input shape (batch 1 is what the benchmarks used) on a
    random input in eval mode. Only leaf modules that actually run are counted, once each, as
    tensorwatch does.
    """
    seen: dict[str, tuple[int, int]] = {}
    handles = []

    def hook(name: str):
        def record(module: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
            params = sum(p.numel() for p in module.parameters(recurse=False))
            seen[name] = (params, _leaf_flops(module, inputs[0], output))

        return record

    for name, module in model.named_modules():
        if not list(module.children()):
            handles.append(module.register_forward_hook(hook(name)))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            first = next(model.parameters(), None)
            kwargs = {} if first is None else {"device": first.device, "dtype": first.dtype}
            model(torch.rand(*input_shape, **kwargs))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return sum(p for p, _ in seen.values()), sum(f for _, f in seen.values())
