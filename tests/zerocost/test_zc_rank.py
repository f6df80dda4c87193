"""Computed scores rank archs like the recorded NAS-Bench-Suite-Zero values (data-free proxies)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from featurizers.spaces import nb201
from featurizers.zerocost import ProxyEngine
from tests.conftest import shared_path

ZEN_ZIP = "data/automl__NASLib/run/results/benchmarks/nb201_zen.zip"


@pytest.fixture(scope="module")
def sample_scores(recorded):
    sample = recorded.sample(36, random_state=20240601)
    # zen at batch 16 instead of 64 keeps this fast; the batch only averages its noise
    engine = ProxyEngine(
        proxies="synflow,zen,l2_norm,params,flops", batch_size=16, seed=0, device="cpu"
    )
    return engine.score(sample.index).scores, sample


def test_params_and_flops_are_exact(sample_scores):
    scores, rec = sample_scores
    np.testing.assert_allclose(scores["params"], rec["params"], atol=5e-13)
    np.testing.assert_allclose(scores["flops"], rec["flops"], atol=5e-12)


@pytest.mark.parametrize(
    ("proxy", "min_rho", "max_median_gap"),
    [("synflow", 0.98, 0.3), ("zen", 0.97, 3.0), ("l2_norm", 0.9, 1.0)],
)
def test_rank_and_scale_agree_with_recorded(sample_scores, proxy, min_rho, max_median_gap):
    scores, rec = sample_scores
    rho = spearmanr(scores[proxy], rec.loc[scores.index, proxy]).statistic
    assert rho >= min_rho, rho
    gap = np.median(np.abs(scores[proxy] - rec.loc[scores.index, proxy]))
    assert gap <= max_median_gap, gap


def _recorded_zen(task: str) -> pd.Series:
    """NASLib's zen scores for every NB201 cell on ``task`` (nb201_zen.zip chunks)."""
    scores = {}
    with zipfile.ZipFile(shared_path(ZEN_ZIP)) as archive:
        for name in archive.namelist():
            if name.endswith(".json") and f"--{task}--" in name:
                for record in json.loads(archive.read(name)):
                    scores[record["arch"]] = record["zen"]["score"]
    series = pd.Series(scores)
    series.index = pd.Index(nb201.parse_many(series.index), name="arch")
    return series


def test_zen_at_imagenet16_shapes_agrees_with_recorded():
    """16×16 inputs and 120 classes (CIFAR-100 shares CIFAR-10's shapes, tested above)."""
    task = "ImageNet16-120"
    recorded = _recorded_zen(task)
    assert len(recorded) == 15625 and (recorded == -1e8).sum() == 341
    sample = recorded[recorded > -1e7].sample(24, random_state=1)
    engine = ProxyEngine(proxies="zen", dataset=task, batch_size=16, seed=0, device="cpu")
    zen = engine.score(sample.index).scores["zen"]
    assert spearmanr(zen, sample[zen.index]).statistic >= 0.97
    assert np.median(np.abs(zen - sample[zen.index])) <= 3.0
