"""What the proxy engine needs to know about a task: input, output, loss and synthetic targets.

Every network module (``networks/<space>.py``) describes each dataset or task it supports with a
:class:`TaskIO`; the engine never looks at the network class itself. Losses, by name:

``cross_entropy``
    logits ``(N, K)``, integer class targets ``(N,)``; mean over the batch
    (``torch.nn.CrossEntropyLoss``; CIFAR, ninapro, svhn, spherical CIFAR-100, jigsaw).
``soft_cross_entropy``
    logits ``(N, K)``, target distributions ``(N, K)``; ``−mean_n Σ_k t·log(softmax + 1e-5)``
    (TransNAS-Bench-101 ``class_object`` / ``class_scene`` soft labels).
``pixel_cross_entropy``
    logits ``(N, K, H, W)``, integer targets ``(N, H, W)``; mean over batch and pixels
    (TransNAS-Bench-101 ``segmentsemantic``).
``l1``
    any output shape, target of the same shape; mean absolute error (``autoencoder``, ``normal``).
``mse``
    any output shape, target of the same shape; mean squared error (``room_layout``).

How synthetic targets are made (``target_kind``), all from the caller's generator:

``class``
    uniform integers in ``[0, num_outputs)``, shape ``(N,)``.
``soft_class``
    a softmax over ``N(0, 1)`` logits, shape ``(N, num_outputs)``.
``pixel_class``
    uniform integers in ``[0, num_outputs)``, shape ``(N, *target_shape)``.
``input``
    the input itself, resized (bilinear) to ``target_shape`` when given (autoencoders).
``regression``
    ``N(0, 1)`` values, shape ``(N, *target_shape)``.

``class`` and ``soft_class`` targets carry one class per example; :func:`class_labels` gives it
(``epe_nas`` needs it), also for 1-d regression targets as NASLib does (their argmax), and
returns ``None`` for dense targets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

LOSSES = ("cross_entropy", "soft_cross_entropy", "pixel_cross_entropy", "l1", "mse")
TARGET_KINDS = ("class", "soft_class", "pixel_class", "input", "regression")
_SOFT_EPS = 1e-5


@dataclass(frozen=True)
class TaskIO:
    """What the engine needs about a task: input shape, output, loss, synthetic targets."""

    input_shape: tuple[int, int, int]  # C, H, W as Suite-Zero fed the network
    num_outputs: int  # classes, or output channels
    loss: str  # one of LOSSES (see the module docstring)
    target_kind: str  # one of TARGET_KINDS
    target_shape: tuple[int, ...] = ()  # per-example target shape for dense/regression targets

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"TaskIO: unknown loss {self.loss!r}; expected one of {LOSSES}")
        if self.target_kind not in TARGET_KINDS:
            raise ValueError(
                f"TaskIO: unknown target kind {self.target_kind!r}; expected one of {TARGET_KINDS}"
            )
        if len(self.input_shape) != 3 or min(self.input_shape) < 1:
            raise ValueError(f"TaskIO: input_shape must be (C, H, W), got {self.input_shape!r}")
        if self.num_outputs < 1:
            raise ValueError(f"TaskIO: num_outputs must be ≥ 1, got {self.num_outputs!r}")

    @property
    def is_classification(self) -> bool:
        """Whether each example has one class (the label-based proxies are defined)."""
        return self.target_kind in ("class", "soft_class")


def synthetic_targets(io: TaskIO, x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Targets for the inputs ``x`` (``(N, C, H, W)``) drawn from ``generator`` (CPU tensors)."""
    n = int(x.shape[0])
    kind = io.target_kind
    if kind == "class":
        return torch.randint(0, io.num_outputs, (n,), generator=generator)
    if kind == "soft_class":
        logits = torch.randn(n, io.num_outputs, generator=generator)
        return torch.softmax(logits, dim=1)
    if kind == "pixel_class":
        return torch.randint(0, io.num_outputs, (n, *io.target_shape), generator=generator)
    if kind == "input":
        if io.target_shape and tuple(io.target_shape) != tuple(x.shape[1:]):
            size = tuple(io.target_shape[-2:])
            return F.interpolate(x, size=size, mode="bilinear", align_corners=False)
        return x.clone()
    if kind == "regression":
        return torch.randn(n, *io.target_shape, generator=generator)
    raise ValueError(f"TaskIO: unknown target kind {kind!r}")


def class_labels(io: TaskIO, targets: torch.Tensor) -> torch.Tensor | None:
    """One integer class per example, or ``None`` where NAS-Bench-Suite-Zero had none.

    Soft targets give their argmax; so do 1-d regression targets (``(N, D)``): NASLib's
    ``epe_nas`` argmaxes any 2-d target, which is how TransNAS-Bench-101 ``room_layout`` got
    recorded ``epe_nas`` values with ``D`` = 9 "classes". Dense targets give ``None``.
    """
    if io.target_kind == "class":
        return targets.long()
    if io.target_kind == "soft_class":
        return targets.argmax(dim=1)
    if io.target_kind == "regression" and targets.dim() == 2:
        return targets.argmax(dim=1)
    return None


def _soft_cross_entropy(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    log_p = torch.log(torch.softmax(output, dim=1) + _SOFT_EPS)
    return -(target * log_p).sum(dim=1).mean()


_LOSS_FUNCTIONS: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "cross_entropy": F.cross_entropy,
    "soft_cross_entropy": _soft_cross_entropy,
    "pixel_cross_entropy": F.cross_entropy,
    "l1": F.l1_loss,
    "mse": F.mse_loss,
}


def loss_fn(io: TaskIO) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """``loss(output, target)`` of the task, a scalar averaged over the batch."""
    return _LOSS_FUNCTIONS[io.loss]


__all__ = [
    "LOSSES",
    "TARGET_KINDS",
    "TaskIO",
    "class_labels",
    "loss_fn",
    "synthetic_targets",
]
