"""Surrogates: ensembles, native uncertainty, pre-trained use, feature caching, acquisitions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.gaussian_process import GaussianProcessRegressor

from featurizers.onehot import OneHot
from predbench.search import FeatureCache, PredictorSurrogate, ProxySurrogate, acquire

ENC = OneHot("nb201").fit()


class CountingFeaturizer:
    def __init__(self):
        self.seen = []

    def __call__(self, archs):
        self.seen.extend(archs)
        return ENC.transform(list(archs))


def test_feature_cache_featurizes_each_arch_once(task):
    counter = CountingFeaturizer()
    cache = FeatureCache(counter)
    a = list(task.archs[:30])
    b = list(task.archs[20:50])
    np.testing.assert_array_equal(cache(a), ENC.transform(a))
    np.testing.assert_array_equal(cache(b), ENC.transform(b))
    assert sorted(counter.seen) == sorted(task.archs[:50])


def test_ensemble_spread_and_determinism(task):
    archs = list(task.archs[:60])
    y = task.targets.loc[archs, "val_accuracy"].to_numpy()

    def fitted(seed):
        s = PredictorSurrogate(
            RandomForestRegressor(n_estimators=10), ENC.transform, n_members=4, random_state=seed
        )
        return s.fit(archs, y)

    mean, std = fitted(0).predict_dist(list(task.archs))
    assert (std > 0).mean() > 0.9
    again = fitted(0).predict_dist(list(task.archs))
    np.testing.assert_array_equal(mean, again[0])
    np.testing.assert_array_equal(std, again[1])
    assert not np.array_equal(mean, fitted(1).predict(list(task.archs)))


def test_refit_every(task):
    archs = list(task.archs[:40])
    y = task.targets.loc[archs, "val_accuracy"].to_numpy()
    s = PredictorSurrogate(
        RandomForestRegressor(n_estimators=5),
        ENC.transform,
        n_members=1,
        refit_every=10,
        random_state=0,
    )
    s.fit(archs[:20], y[:20])
    first = s.members_
    s.fit(archs[:25], y[:25])
    assert s.members_ is first  # 5 new results < 10
    s.fit(archs[:30], y[:30])
    assert s.members_ is not first and s.n_fitted_on_ == 30


def test_native_uncertainty_from_a_gaussian_process(task):
    archs = list(task.archs[:40])
    y = task.targets.loc[archs, "val_accuracy"].to_numpy()
    gp = PredictorSurrogate(
        GaussianProcessRegressor(normalize_y=True), ENC.transform, uncertainty="native"
    )
    _, std = gp.fit(archs, y).predict_dist(archs + list(task.archs[400:410]))
    assert std[:40].max() < std[40:].min()  # more certain on the training archs


def test_native_uncertainty_needs_a_distribution(task):
    archs = list(task.archs[:10])
    y = task.targets.loc[archs, "val_accuracy"].to_numpy()
    s = PredictorSurrogate(
        RandomForestRegressor(n_estimators=3), ENC.transform, uncertainty="native"
    )
    with pytest.raises(TypeError, match="no predictive distribution"):
        s.fit(archs, y).predict_dist(archs)


def test_unfitted_surrogate_says_so(task):
    s = PredictorSurrogate(RandomForestRegressor(), ENC.transform)
    with pytest.raises(NotFittedError, match="fit"):
        s.predict(list(task.archs[:3]))


def test_proxy_surrogate_ranks_unrecorded_archs_last(task):
    s = ProxySurrogate(task, "nwot")
    archs = list(task.archs[:4])  # nwot recorded on odd rows only
    got = s.predict(archs)
    assert np.isneginf(got[0]) and np.isneginf(got[2])
    assert got[1] == task.proxies.loc[archs[1], "nwot"]
    assert not hasattr(s, "task")
    with pytest.raises(KeyError, match="no recorded proxy 'synflow'"):
        ProxySurrogate(task, "synflow")


def test_acquisitions_by_hand():
    rng = np.random.default_rng(0)
    mean = np.array([1.0, 2.0, 3.0])
    std = np.array([1.0, 0.0, 0.5])
    np.testing.assert_allclose(acquire("ucb", mean, std, best=0, rng=rng, explore=2), [3, 2, 4])
    np.testing.assert_array_equal(acquire("greedy", mean, std, best=0, rng=rng), mean)
    # EI with std 0 is the plain improvement; with mean = best it is std·φ(0).
    ei = acquire("ei", np.array([2.0, 5.0, 3.0]), np.array([0.0, 0.0, 2.0]), best=3.0, rng=rng)
    np.testing.assert_allclose(ei, [0.0, 2.0, 2.0 / np.sqrt(2 * np.pi)])
    draws = np.stack([acquire("its", mean, std, best=0, rng=rng) for _ in range(4000)])
    np.testing.assert_allclose(draws.mean(axis=0), mean, atol=0.05)
    np.testing.assert_allclose(draws.std(axis=0), std, atol=0.05)
    with pytest.raises(KeyError, match="choose from"):
        acquire("pi", mean, std, best=0, rng=rng)
