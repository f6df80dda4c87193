"""The one minibatch every proxy of a run sees: real training images, or a seeded synthetic batch.

Real images are read from a local copy of the dataset in the layout torchvision (and NASLib's
``ImageNet16`` loader) leave on disk, straight from its Python pickle batches with ``pickle`` and
``numpy`` — no torchvision needed, nothing downloaded:

* CIFAR-10: ``<root>/cifar-10-batches-py/data_batch_{1..5}``
* CIFAR-100: ``<root>/cifar-100-python/train``
* ImageNet16-120: ``<root>/ImageNet16-120/train_data_batch_{1..10}`` (or ``ImageNet16/``); only
  labels 1..120 are kept, shifted to 0..119.

``root`` may also be the folder holding the batch files itself. The batch gets NAS-Bench-201's
training augmentation, seeded: random crop with zero padding (4 px, 2 px for 16×16), random
horizontal flip, then per-channel normalisation. Images are drawn uniformly without replacement
from the whole training split (NASLib draws from its first 70 %, a split its loader never uses
otherwise; the difference only changes which images are seen).

The synthetic batch is what tests and benchmarks use, and the default without a dataset: images
with the second-order statistics of natural images — a 1/f amplitude spectrum, and colour
channels that share most of their structure (one luminance field plus 0.3 × an independent field
per channel) — normalised per channel over the batch like real inputs, and labels uniform over the
classes, all from the seed. Against NAS-Bench-Suite-Zero's scores (real CIFAR-10 images) such a
batch ranks archs closer than white noise does for the data-dependent proxies (on 60 cells:
fisher ρ 0.97 vs 0.88, nwot 0.99 vs 0.95, epe_nas 0.89 vs 0.81; white noise inflates fisher
about 5×); see ``benchmarks/results/proxies.md``.

Other spaces and tasks get the same noise at their own input shape (any channel count, non-square
images) with targets made as their :class:`~.networks._taskio.TaskIO` says
(:func:`synthetic_task_batch`); for NB201's CIFAR and ImageNet16-120 shapes it is draw for draw
the batch above.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ._datasets import DatasetInfo, get_dataset
from .networks._taskio import TaskIO, synthetic_targets

_LAYOUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    # dataset → (folder names, batch file names, label key)
    "cifar10": (("cifar-10-batches-py",), tuple(f"data_batch_{i}" for i in range(1, 6)), "labels"),
    "cifar100": (("cifar-100-python",), ("train",), "fine_labels"),
    "ImageNet16-120": (
        ("ImageNet16-120", "ImageNet16"),
        tuple(f"train_data_batch_{i}" for i in range(1, 11)),
        "labels",
    ),
}


@dataclass(frozen=True)
class Minibatch:
    """Images ``(N, 3, H, W)`` float32 (normalised), labels ``(N,)`` int64, and where they came from."""

    images: torch.Tensor
    labels: torch.Tensor
    source: str

    def __len__(self) -> int:
        return int(self.labels.shape[0])


#: Weight of each channel's own 1/f field against the shared (luminance) one.
CHROMA = 0.3


def synthetic_minibatch(dataset: str | DatasetInfo, batch_size: int, seed: int) -> Minibatch:
    """Natural-image-like noise (1/f spectrum, correlated channels) and uniform labels."""
    info = get_dataset(dataset)
    _check_batch_size(batch_size)
    g = torch.Generator().manual_seed(_seed_words(seed, "synthetic-batch"))
    r = info.resolution
    images = _pink_noise(g, batch_size, 1, r).expand(-1, 3, -1, -1)
    images = images + CHROMA * _pink_noise(g, batch_size, 3, r)
    images = (images - images.mean(dim=(0, 2, 3), keepdim=True)) / images.std(
        dim=(0, 2, 3), keepdim=True
    )
    labels = torch.randint(0, info.num_classes, (batch_size,), generator=g)
    return Minibatch(images.contiguous(), labels, "synthetic")


def _pink_noise(
    g: torch.Generator, n: int, channels: int, size: int, width: int | None = None
) -> torch.Tensor:
    """Gaussian fields with amplitude spectrum ∝ 1/f (the DC term gets weight 1)."""
    width = size if width is None else width
    freq_h, freq_w = torch.fft.fftfreq(size), torch.fft.fftfreq(width)
    radius = torch.sqrt(freq_h[:, None] ** 2 + freq_w[None, :] ** 2)
    radius[0, 0] = 1.0
    spectrum = torch.randn(n, channels, size, width, generator=g, dtype=torch.complex64) / radius
    return torch.fft.ifft2(spectrum).real


def synthetic_task_batch(io: TaskIO, batch_size: int, seed: int) -> Minibatch:
    """The synthetic batch of any task: the same natural-image-like noise at the task's input
    shape (``C × H × W``, any ``C``), targets from :func:`.networks._taskio.synthetic_targets`.

    For a 3-channel square classification task this is draw for draw
    :func:`synthetic_minibatch` (same images, same labels).
    """
    _check_batch_size(batch_size)
    g = torch.Generator().manual_seed(_seed_words(seed, "synthetic-batch"))
    c, h, w = io.input_shape
    images = _pink_noise(g, batch_size, 1, h, w).expand(-1, c, -1, -1)
    images = images + CHROMA * _pink_noise(g, batch_size, c, h, w)
    images = (images - images.mean(dim=(0, 2, 3), keepdim=True)) / images.std(
        dim=(0, 2, 3), keepdim=True
    )
    images = images.contiguous()
    return Minibatch(images, synthetic_targets(io, images, g), "synthetic")


def load_task_batch(
    io: TaskIO, dataset: str, batch_size: int, seed: int, data_root: str | Path | None = None
) -> Minibatch:
    """The run's minibatch for a task: real images where a reader exists (CIFAR-10/100,
    ImageNet16-120 under ``data_root``), the synthetic batch otherwise."""
    if data_root is None:
        return synthetic_task_batch(io, batch_size, seed)
    try:
        info = get_dataset(dataset)
    except KeyError:
        raise ValueError(
            f"no reader for real {dataset!r} images; leave out the data root to use a "
            "synthetic batch"
        ) from None
    if (3, info.resolution, info.resolution) != tuple(io.input_shape):
        raise ValueError(
            f"{dataset}: images are 3×{info.resolution}², the network needs {io.input_shape}"
        )
    return load_minibatch(info, batch_size, seed, data_root)


def load_minibatch(
    dataset: str | DatasetInfo, batch_size: int, seed: int, data_root: str | Path | None = None
) -> Minibatch:
    """The run's minibatch: real images from ``data_root`` when given, synthetic otherwise."""
    if data_root is None:
        return synthetic_minibatch(dataset, batch_size, seed)
    info = get_dataset(dataset)
    _check_batch_size(batch_size)
    images, labels, folder = read_training_split(info, data_root)
    if batch_size > len(labels):
        raise ValueError(f"batch size {batch_size} exceeds the {len(labels)} images in {folder}")
    rng = np.random.default_rng(_seed_words(seed, "real-batch"))
    pick = rng.choice(len(labels), size=batch_size, replace=False)
    batch = augment(images[pick], info, rng)
    return Minibatch(
        torch.from_numpy(batch), torch.from_numpy(labels[pick].astype(np.int64)), str(folder)
    )


def read_training_split(info: DatasetInfo, root: str | Path) -> tuple[np.ndarray, np.ndarray, Path]:
    """All training images ``(n, 3, H, W)`` uint8 and labels of ``info`` under ``root``."""
    folders, files, label_key = _LAYOUTS[info.name]
    root = Path(root).expanduser()
    candidates = [root / f for f in folders] + [root]
    folder = next((c for c in candidates if (c / files[0]).is_file()), None)
    if folder is None:
        tried = ", ".join(str(c / files[0]) for c in candidates)
        raise FileNotFoundError(
            f"no {info.name} training batches under {root}: looked for {tried}. Expected the "
            f"torchvision / NAS-Bench-201 layout ({folders[0]}/{files[0]}, ...); download the "
            "dataset there or leave out the data root to use a synthetic batch"
        )
    data, labels = [], []
    for name in files:
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: {info.name} needs all of {list(files)}")
        with path.open("rb") as fh:
            entry = pickle.load(fh, encoding="latin1")
        if "data" not in entry or label_key not in entry:
            raise ValueError(f"{path} has no 'data'/{label_key!r} entries: not a {info.name} batch")
        data.append(np.asarray(entry["data"], dtype=np.uint8))
        labels.extend(entry[label_key])
    r = info.resolution
    images = np.concatenate(data).reshape(-1, 3, r, r)
    labels_arr = np.asarray(labels, dtype=np.int64)
    if info.name == "ImageNet16-120":
        keep = labels_arr <= info.num_classes
        images, labels_arr = images[keep], labels_arr[keep] - 1
    return images, labels_arr, folder


def augment(images: np.ndarray, info: DatasetInfo, rng: np.random.Generator) -> np.ndarray:
    """Random crop (zero padding), random horizontal flip, ``/255`` and normalisation; float32."""
    n, _, r, _ = images.shape
    p = info.crop_padding
    padded = np.zeros((n, 3, r + 2 * p, r + 2 * p), dtype=np.uint8)
    padded[:, :, p : p + r, p : p + r] = images
    top = rng.integers(0, 2 * p + 1, size=n)
    left = rng.integers(0, 2 * p + 1, size=n)
    flip = rng.random(n) < 0.5
    out = np.empty((n, 3, r, r), dtype=np.float32)
    for i in range(n):
        crop = padded[i, :, top[i] : top[i] + r, left[i] : left[i] + r]
        out[i] = crop[:, :, ::-1] if flip[i] else crop
    out /= 255.0
    mean = np.asarray(info.mean, dtype=np.float32)[None, :, None, None]
    std = np.asarray(info.std, dtype=np.float32)[None, :, None, None]
    return (out - mean) / std


def _check_batch_size(batch_size: int) -> None:
    if (
        not isinstance(batch_size, (int, np.integer))
        or isinstance(batch_size, bool)
        or batch_size < 2
    ):
        raise ValueError(
            f"batch size must be an integer ≥ 2 (correlation-based proxies compare samples), "
            f"got {batch_size!r}"
        )


def _seed_words(seed: int, purpose: str | int, *more: int) -> int:
    """A 63-bit seed for ``purpose`` (and more integers, e.g. an arch index) from the run seed."""
    tag = list(purpose.encode()) if isinstance(purpose, str) else [int(purpose)]
    words = [int(seed), *tag, *(int(m) for m in more)]
    return int(np.random.SeedSequence(words).generate_state(1, np.uint64)[0] >> np.uint64(1))
