"""What a dataset fixes for zero-cost scoring: classes, image size, normalisation, augmentation.

The numbers are those of the NAS-Bench-201 training pipelines that NAS-Bench-Suite-Zero scored
its networks with (NASLib ``_data_transforms_*``): random crop with zero padding, random
horizontal flip, per-channel normalisation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetInfo:
    """Shape facts of one image-classification dataset.

    Attributes
    ----------
    name
        Canonical name (``"cifar10"``, ``"cifar100"``, ``"ImageNet16-120"``).
    num_classes
        Width ``K`` of the classifier.
    resolution
        Height = width of the input images.
    mean, std
        Per-channel normalisation applied to ``[0, 1]`` pixels.
    crop_padding
        Zero padding of the training-time random crop.
    """

    name: str
    num_classes: int
    resolution: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    crop_padding: int


DATASETS: dict[str, DatasetInfo] = {
    "cifar10": DatasetInfo(
        "cifar10",
        10,
        32,
        (0.49139968, 0.48215827, 0.44653124),
        (0.24703233, 0.24348505, 0.26158768),
        4,
    ),
    "cifar100": DatasetInfo(
        "cifar100", 100, 32, (0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762), 4
    ),
    "ImageNet16-120": DatasetInfo(
        "ImageNet16-120",
        120,
        16,
        (122.68 / 255, 116.66 / 255, 104.01 / 255),
        (63.22 / 255, 61.26 / 255, 65.09 / 255),
        2,
    ),
}

_ALIASES = {"cifar-10": "cifar10", "cifar-100": "cifar100", "imagenet16-120": "ImageNet16-120"}


def get_dataset(name: str | DatasetInfo) -> DatasetInfo:
    """The :class:`DatasetInfo` for ``name`` (case-insensitive; an info is returned unchanged)."""
    if isinstance(name, DatasetInfo):
        return name
    key = str(name).strip()
    key = {k.lower(): k for k in DATASETS}.get(key.lower(), _ALIASES.get(key.lower(), key))
    if key not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; choose from {sorted(DATASETS)}")
    return DATASETS[key]
