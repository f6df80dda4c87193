"""Computed proxies inside search: zcp features for candidates without recorded proxies.

NB201 CIFAR-100 records val accuracy for all 15,625 cells but params/flops/synflow for only the
491 cells of NASLib's pilot, so a search over the whole space with recorded ``zcp`` features
stops at the first unrecorded candidate; with ``proxies_from = "computed"`` the engine scores
every candidate through the computed-score cache. Checked against the recorded values (pilot).
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from scipy.stats import spearmanr

from featurizers.zerocost import engine as engine_mod
from featurizers.zerocost.cache import FILE_NAME, default_cache_dir

FEATURES = "zcp[params,flops,synflow]+onehot"


@pytest.fixture(scope="module")
def cifar100():
    from predbench.data import load_task

    return load_task("nb201/cifar100")


def _unrecorded(task, n):
    lacking = task.proxies.index[task.proxies["params"].isna()]
    return list(lacking[:n])


def test_recorded_zcp_stops_where_computed_zcp_goes_on(cifar100):
    from predbench.search._features import task_featurizer

    recorded = list(cifar100.proxies.index[cifar100.proxies["params"].notna()][:6])
    missing = _unrecorded(cifar100, 3)
    with pytest.raises(KeyError, match="params"):
        task_featurizer(cifar100, FEATURES)(missing)
    table = task_featurizer(cifar100, FEATURES, "computed")(recorded + missing)
    assert list(table.columns[:3]) == ["zcp:params", "zcp:flops", "zcp:synflow"]
    assert list(table.index) == recorded + missing
    assert np.isfinite(table.to_numpy(dtype=float)).all()
    # params and flops of the recorded cells equal the pilot's (independent NASLib run)
    for name in ("params", "flops"):
        np.testing.assert_allclose(
            table.loc[recorded, f"zcp:{name}"], cifar100.proxies.loc[recorded, name], rtol=1e-5
        )
    # an unrecorded cell's params: its NB201 network's trainable parameters (100 classes)
    from featurizers.zerocost.networks import nb201 as net201

    for arch in missing:
        net = net201.NB201Network(arch, 100)
        count = sum(p.numel() for p in net.parameters() if p.requires_grad) / 1e6
        assert table.at[arch, "zcp:params"] == pytest.approx(count, rel=1e-9)


def test_computed_scores_are_cached_and_read_back(cifar100, monkeypatch):
    from predbench.search._features import task_featurizer

    archs = _unrecorded(cifar100, 4)[1:]
    first = task_featurizer(cifar100, "zcp[synflow]", "computed")(archs)
    with sqlite3.connect(default_cache_dir() / FILE_NAME) as con:
        stored = {
            a for (a,) in con.execute("SELECT arch FROM scores WHERE proxy = 'synflow'").fetchall()
        }
    assert set(archs) <= stored

    def refuse(*_a, **_k):
        raise AssertionError("the engine ran although every score was cached")

    monkeypatch.setattr(engine_mod.ProxyEngine, "iter_chunks", refuse)
    again = task_featurizer(cifar100, "zcp[synflow]", "computed")(archs)
    np.testing.assert_array_equal(again.to_numpy(), first.to_numpy())


def test_a_tiny_bananas_search_with_computed_zcp_features(cifar100):
    from predbench.search import TabularOracle, run_search
    from predbench.search._registry import StrategySpec

    spec = StrategySpec(
        "bananas",
        params={"n_init": 6, "batch_size": 3, "n_candidates": 12},
        predictor="rf",
        predictor_params={"n_estimators": 20},
        features=FEATURES,
        proxies_from="computed",
    )
    assert spec.settings()["proxies_from"] == "computed"
    assert "computed" in spec.resolved_label()
    assert "proxies_from" not in StrategySpec("bananas", predictor="rf").settings()
    strategy = spec.build(cifar100, seed=0)
    trajectory = run_search(strategy, TabularOracle(cifar100), budget=12)
    assert len(trajectory) == 12 and trajectory["arch"].is_unique
    queried = list(trajectory["arch"])
    # the surrogate saw features of archs without recorded proxies
    assert cifar100.proxies.loc[queried, "params"].isna().any()
    np.testing.assert_array_equal(
        trajectory["value"], cifar100.targets.loc[queried, "val_accuracy"]
    )
    # and its synflow features rank like the recorded synflow where the pilot has one
    from predbench.search._features import task_featurizer

    pilot = list(cifar100.proxies.index[cifar100.proxies["synflow"].notna()][:40])
    got = task_featurizer(cifar100, "zcp[synflow]", "computed")(pilot)["zcp:synflow"]
    assert spearmanr(got, cifar100.proxies.loc[pilot, "synflow"])[0] > 0.95


def test_proxies_from_is_checked():
    from predbench.search._registry import StrategySpec

    with pytest.raises(ValueError, match="proxies_from"):
        StrategySpec("bananas", predictor="rf", proxies_from="cached")
