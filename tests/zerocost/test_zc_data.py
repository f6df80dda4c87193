"""Minibatch sources: torchvision-layout pickles read directly, and the synthetic batch."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

from featurizers.zerocost._datasets import get_dataset
from featurizers.zerocost.data import augment, load_minibatch, synthetic_minibatch


def write_cifar10(root, per_batch=20):
    """A miniature CIFAR-10 in torchvision's layout: pixel value = 10·batch + label."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for b in range(1, 6):
        labels = [i % 10 for i in range(per_batch)]
        data = np.stack([np.full(3072, 10 * b + lab, dtype=np.uint8) for lab in labels])
        with (folder / f"data_batch_{b}").open("wb") as fh:
            pickle.dump({"data": data, "labels": labels, "batch_label": f"b{b}"}, fh)
    return root


def test_reads_cifar10_pickles_and_normalises(tmp_path):
    root = write_cifar10(tmp_path)
    info = get_dataset("cifar10")
    batch = load_minibatch("cifar10", 16, seed=0, data_root=root)
    assert batch.images.shape == (16, 3, 32, 32) and batch.images.dtype == torch.float32
    assert batch.source.endswith("cifar-10-batches-py")
    # every pixel is the constant of its image or zero padding from the random crop
    for img, label in zip(batch.images.numpy(), batch.labels.numpy(), strict=True):
        centre = img[:, 16, 16] * np.array(info.std) + np.array(info.mean)
        value = centre[0] * 255
        assert round(value) % 10 == label
        padded = (0 - np.array(info.mean)) / np.array(info.std)
        assert np.all(
            np.isclose(img[0], img[0, 16, 16], atol=1e-5) | np.isclose(img[0], padded[0], atol=1e-5)
        )


def test_real_batch_is_seeded(tmp_path):
    root = write_cifar10(tmp_path)
    a = load_minibatch("cifar10", 8, seed=1, data_root=root)
    b = load_minibatch("cifar10", 8, seed=1, data_root=root)
    c = load_minibatch("cifar10", 8, seed=2, data_root=root)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    assert not torch.equal(a.images, c.images)


def test_missing_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"cifar-10-batches-py/data_batch_1"):
        load_minibatch("cifar10", 8, seed=0, data_root=tmp_path)


def test_augment_crop_and_flip_by_hand():
    info = get_dataset("ImageNet16-120")  # 16×16, zero padding 2
    ramp = np.arange(1, 17, dtype=np.uint8)  # pixel = column + 1, so padding (0) stands out
    image = np.broadcast_to(ramp, (1, 3, 16, 16)).copy()
    out = augment(image, info, np.random.default_rng(0))
    replay = np.random.default_rng(0)
    _top, left = replay.integers(0, 5, size=1)[0], replay.integers(0, 5, size=1)[0]
    flip = replay.random(1)[0] < 0.5
    padded_row = np.concatenate([[0, 0], ramp, [0, 0]])
    expected = padded_row[left : left + 16][::-1] if flip else padded_row[left : left + 16]
    row = out[0, 1, 8] * info.std[1] + info.mean[1]
    np.testing.assert_array_equal(np.round(row * 255).astype(int), expected)


def test_synthetic_batch_looks_like_normalised_natural_images():
    a = synthetic_minibatch("ImageNet16-120", 32, seed=4)
    assert a.images.shape == (32, 3, 16, 16)
    assert a.labels.min() >= 0 and a.labels.max() < 120
    assert torch.equal(a.images, synthetic_minibatch("ImageNet16-120", 32, seed=4).images)
    assert not torch.equal(a.images, synthetic_minibatch("ImageNet16-120", 32, seed=5).images)
    per_channel = a.images.transpose(0, 1).reshape(3, -1)
    np.testing.assert_allclose(per_channel.mean(1), 0.0, atol=1e-5)
    np.testing.assert_allclose(per_channel.std(1), 1.0, atol=1e-5)
    # colour channels share their structure (natural images: ρ ≈ 0.9)
    assert np.corrcoef(per_channel.numpy()).min() > 0.8
    # 1/f spectrum: neighbouring pixels are strongly correlated, unlike white noise
    x = a.images
    assert torch.corrcoef(torch.stack([x[..., :-1].flatten(), x[..., 1:].flatten()]))[0, 1] > 0.5
    with pytest.raises(ValueError, match="batch size"):
        synthetic_minibatch("cifar10", 0, seed=0)
