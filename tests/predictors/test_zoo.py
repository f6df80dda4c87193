"""Registry, seeding, the failed-proxy preprocessing, the single-proxy baseline and OMNI's inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from predbench.predictors import (
    PREDICTORS,
    FailedProxyClipper,
    OMNIPredictor,
    SingleProxy,
    make_predictor,
)

FAILED = -1e8


@pytest.fixture(scope="module")
def toy() -> tuple[pd.DataFrame, np.ndarray]:
    """60 rows: y depends on two proxy-like columns; one proxy failed for five rows."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "onehot:e0=skip": rng.integers(0, 2, 60),
            "zcp:synflow": rng.normal(50, 10, 60),
            "zcp:jacov": rng.normal(-60, 5, 60),
        }
    )
    y = 0.1 * X["zcp:synflow"] - 0.05 * X["zcp:jacov"] + rng.normal(0, 0.1, 60)
    X.loc[:4, "zcp:jacov"] = FAILED
    return X, y.to_numpy()


def test_unknown_name_lists_the_choices():
    with pytest.raises(
        KeyError,
        match=r"unknown predictor 'forest'; choose from \['chained', 'consensus_ensemble', ",
    ):
        make_predictor("forest")


def test_unknown_parameter_lists_the_accepted_ones():
    with pytest.raises(TypeError, match=r"predictor 'rf' has no parameter \['trees'\]"):
        make_predictor("rf", trees=3)


@pytest.mark.parametrize("name", ["rf", "xgb", "lgbm", "gp", "mlp", "ridge", "ngboost"])
def test_same_seed_same_predictions(name, toy):
    X, y = toy
    params = {"n_estimators": 30} if "n_estimators" in PREDICTORS[name]._get_param_names() else {}
    a = make_predictor(name, random_state=3, **params).fit(X, y).predict(X)
    b = make_predictor(name, random_state=3, **params).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    assert np.isfinite(a).all()


def test_different_seeds_differ_for_a_randomised_learner(toy):
    X, y = toy
    a = make_predictor("rf", n_estimators=10, random_state=1).fit(X, y).predict(X)
    b = make_predictor("rf", n_estimators=10, random_state=2).fit(X, y).predict(X)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("name", ["rf", "xgb", "lgbm"])
def test_n_jobs_reaches_the_library(name):
    # Built, not fitted: OpenMP libraries with 2 threads crawl on an oversubscribed machine.
    model = make_predictor(name, n_jobs=2)._build_model(seed=0, n_samples=10, n_features=3)
    assert model.get_params()["n_jobs"] == 2
    assert make_predictor(name)._build_model(0, 10, 3).get_params()["n_jobs"] == 1


def test_clipper_replaces_failures_by_a_floor_below_the_rest():
    X = np.array([[FAILED, 5.0], [1.0, 5.0], [3.0, FAILED], [5.0, FAILED]])
    clip = FailedProxyClipper().fit(X)
    # column 0: finite 1, 3, 5 → min 1 − std(1,3,5) = 1 − 1.63299 ; column 1: single value → 5 − 1
    np.testing.assert_allclose(clip.floor_, [1 - np.std([1, 3, 5]), 4.0])
    out = clip.transform(np.array([[FAILED, FAILED], [2.0, 7.0]]))
    np.testing.assert_allclose(out, [[1 - np.std([1, 3, 5]), 4.0], [2.0, 7.0]])
    assert list(clip.get_feature_names_out(["a", "b"])) == ["a", "b"]


@pytest.mark.parametrize("name", ["gp", "mlp", "ridge"])
def test_scaled_predictors_are_not_thrown_by_the_sentinel(name, toy):
    """With −1e8 in a column, an unclipped scaler would squash it to a constant; ours still learns."""
    X, y = toy
    pred = make_predictor(name, random_state=0).fit(X.iloc[:40], y[:40]).predict(X.iloc[40:])
    tau = pd.Series(pred).corr(pd.Series(y[40:]), method="kendall")
    assert tau > 0.5


def test_single_proxy_by_name_bare_name_and_position(toy):
    X, y = toy
    by_name = SingleProxy("zcp:synflow").fit(X, y).predict(X)
    np.testing.assert_array_equal(by_name, X["zcp:synflow"].to_numpy())
    np.testing.assert_array_equal(SingleProxy("synflow").fit(X, y).predict(X), by_name)
    np.testing.assert_array_equal(
        SingleProxy(1).fit(X.to_numpy(), y).predict(X.to_numpy()), by_name
    )


def test_single_proxy_keeps_failed_archs_last_whatever_the_sign(toy):
    X, y = toy
    for sign in (1, -1):
        pred = SingleProxy("jacov", sign=sign).fit(X, y).predict(X)
        assert (pred[:5] == FAILED).all()
        assert pred[:5].max() < pred[5:].min()
    np.testing.assert_array_equal(
        SingleProxy("jacov", sign=-1).fit(X, y).predict(X)[5:], -X["zcp:jacov"].to_numpy()[5:]
    )


def test_single_proxy_errors_name_the_column(toy):
    X, y = toy
    with pytest.raises(ValueError, match=r"no column 'snip'.*\['zcp:synflow', 'zcp:jacov'\]"):
        SingleProxy("snip").fit(X, y)
    with pytest.raises(ValueError, match="needs feature names"):
        SingleProxy("synflow").fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="sign must be 1 or -1"):
        SingleProxy("synflow", sign=2).fit(X, y)


def test_omni_uses_the_encoding_and_the_chosen_proxies_only(toy):
    X, y = toy
    fast = {"n_hypers": 2, "n_estimators": (20, 30), "random_state": 0}
    jacov = OMNIPredictor(**fast).fit(X, y)
    assert list(jacov.columns_) == [0, 2]  # onehot + zcp:jacov, not synflow
    assert jacov.best_params_  # tuned on the training rows
    everything = OMNIPredictor(zero_cost="all", **fast).fit(X, y)
    assert list(everything.columns_) == [0, 1, 2]
    with pytest.raises(ValueError, match=r"no column \['zcp:zen'\]"):
        OMNIPredictor(zero_cost=("zen",), **fast).fit(X, y)
    np.testing.assert_array_equal(jacov.predict(X), OMNIPredictor(**fast).fit(X, y).predict(X))


def test_tuned_xgb_searches_only_with_enough_rows(toy):
    X, y = toy
    tuned = make_predictor("tuned_xgb", n_iter=2, cv=2, random_state=0).fit(X, y)
    assert set(tuned.best_params_) >= {"learning_rate", "max_depth", "n_estimators"}
    assert -1 <= tuned.best_score_ <= 1
    small = make_predictor("tuned_xgb", n_iter=2, random_state=0).fit(X.iloc[:6], y[:6])
    assert small.best_params_ == {} and np.isnan(small.best_score_)
