"""The multi-target members: output shapes, and that the auxiliary columns are really used.

Hand-checkable case: a signal ``s = x0 + x1 + x2 + x3 + x4`` of ten standard-normal features is
the auxiliary target, measured exactly; the scored target is that signal under heavy noise,
``t = s + N(0, 3²)`` (signal-to-noise variance 5 : 9). What a ranking of ``t`` can at best recover
on fresh cells is the order of ``s``. A single-target model must find the five-feature sum through
the noise. The multi-output forest and the multi-output XGBoost are also fitted to ``s`` (weighted
10×, so their splits follow ``s``); the chain hands the scored model an out-of-fold estimate of
``s`` as a feature. Each must rank fresh cells by ``s`` better than its single-target base (random
forest; XGBoost with the same depth-2 trees) on each of five draws, and by 0.04 τ on average; told
to ignore the auxiliary column (``aux_weight = 0``), a multi-output member must equal its base.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kendalltau

from predbench.predictors import (
    PREDICTORS,
    ChainedPredictor,
    MultiOutputForestPredictor,
    MultiOutputXGBPredictor,
    RandomForestPredictor,
    XGBPredictor,
    make_predictor,
)


def _case(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, ``[t, s]`` and ``s`` of ``n`` cells (module docstring)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 10))
    signal = X[:, :5].sum(axis=1)
    target = signal + rng.normal(0, 3.0, n)
    return X, np.column_stack([target, signal]), signal


@pytest.fixture(scope="module")
def case():
    X, Y, _ = _case(300, 0)
    X_new, _, signal_new = _case(1000, 10)
    return X, Y, X_new, signal_new


def test_registered_under_their_names():
    assert PREDICTORS["multioutput_rf"] is MultiOutputForestPredictor
    assert PREDICTORS["multioutput_xgb"] is MultiOutputXGBPredictor
    assert PREDICTORS["chained"] is ChainedPredictor


def test_estimator_checks_include_the_multi_output_ones():
    """The zoo-wide checks (test_common.py) run the multi-output checks on these members."""
    from sklearn.utils.estimator_checks import check_regressor_multioutput

    for estimator in (
        MultiOutputForestPredictor(n_estimators=5),
        MultiOutputXGBPredictor(n_estimators=5),
        ChainedPredictor(cv=2),
    ):
        assert estimator.__sklearn_tags__().target_tags.multi_output
        check_regressor_multioutput(type(estimator).__name__, estimator)


@pytest.mark.parametrize("name", ["multioutput_rf", "multioutput_xgb", "chained"])
def test_two_d_targets_give_two_d_predictions_one_d_give_one_d(name, case):
    X, Y, X_new, _ = case
    params = {"cv": 3} if name == "chained" else {"n_estimators": 20}
    joint = make_predictor(name, random_state=0, **params).fit(X, Y)
    assert joint.predict(X_new).shape == (len(X_new), 2)
    single = make_predictor(name, random_state=0, **params).fit(X, Y[:, 0])
    assert single.predict(X_new).shape == (len(X_new),)


def test_one_d_target_is_the_plain_forest(case):
    X, Y, X_new, _ = case
    joint = MultiOutputForestPredictor(n_estimators=20, random_state=4).fit(X, Y[:, 0])
    plain = RandomForestPredictor(n_estimators=20, random_state=4).fit(X, Y[:, 0])
    np.testing.assert_allclose(joint.predict(X_new), plain.predict(X_new))


@pytest.mark.parametrize(
    ("joint", "single"),
    [("multioutput_rf", "rf"), ("multioutput_xgb", "xgb")],
)
def test_aux_weight_zero_ignores_the_auxiliary_column(joint, single, case):
    X, Y, X_new, _ = case
    ignored = make_predictor(joint, n_estimators=20, aux_weight=0, random_state=4).fit(X, Y)
    plain = make_predictor(single, n_estimators=20, random_state=4).fit(X, Y[:, 0])
    np.testing.assert_allclose(ignored.predict(X_new)[:, 0], plain.predict(X_new))
    # the auxiliary column is then predicted by its training mean
    np.testing.assert_allclose(ignored.predict(X_new)[:, 1], Y[:, 1].mean())


def test_one_d_target_is_the_plain_booster(case):
    X, Y, X_new, _ = case
    joint = make_predictor("multioutput_xgb", n_estimators=20, random_state=4).fit(X, Y[:, 0])
    plain = make_predictor("xgb", n_estimators=20, random_state=4).fit(X, Y[:, 0])
    np.testing.assert_allclose(joint.predict(X_new), plain.predict(X_new))


def _tau(truth: np.ndarray, prediction: np.ndarray) -> float:
    return float(kendalltau(truth, prediction).statistic)


@pytest.mark.parametrize(
    ("joint", "plain"),
    [
        (
            MultiOutputForestPredictor(
                n_estimators=30, aux_weight=10.0, min_samples_leaf=5, random_state=0
            ),
            RandomForestPredictor(n_estimators=30, random_state=0),
        ),
        (
            MultiOutputXGBPredictor(n_estimators=200, max_depth=2, aux_weight=10.0, random_state=0),
            XGBPredictor(n_estimators=200, max_depth=2, random_state=0),
        ),
        (
            ChainedPredictor(base_params={"n_estimators": 30}, cv=5, random_state=0),
            RandomForestPredictor(n_estimators=30, random_state=0),
        ),
    ],
    ids=["multioutput_rf", "multioutput_xgb", "chained"],
)
def test_auxiliary_signal_improves_the_ranking(joint, plain):
    gains = []
    for seed in range(5):
        X, Y, _ = _case(300, seed)
        X_new, _, signal_new = _case(1000, seed + 10)
        tau_plain = _tau(signal_new, plain.fit(X, Y[:, 0]).predict(X_new))
        tau_joint = _tau(signal_new, joint.fit(X, Y).predict(X_new)[:, 0])
        gains.append(tau_joint - tau_plain)
    assert min(gains) > 0, gains
    assert np.mean(gains) > 0.04, gains


def test_chain_feeds_the_auxiliary_prediction_to_the_scored_model(case):
    X, Y, _, _ = case
    chain = ChainedPredictor(base_params={"n_estimators": 20}, cv=3, random_state=0).fit(X, Y)
    links = chain.model_.estimators_
    assert list(chain.model_.order_) == [1, 0]
    assert links[0].n_features_in_ == 10  # auxiliary: features only
    assert links[1].n_features_in_ == 11  # scored: features + predicted auxiliary


def test_bad_parameters_are_refused(case):
    X, Y, _, _ = case
    with pytest.raises(ValueError, match="base"):
        ChainedPredictor(base="gp").fit(X, Y)
    with pytest.raises(ValueError, match="aux_weight"):
        MultiOutputForestPredictor(aux_weight=-1).fit(X, Y)


@pytest.mark.parametrize("name", ["multioutput_rf", "multioutput_xgb", "chained"])
def test_fitted_member_round_trips_through_skops(name, case, tmp_path):
    from predbench.predictors import load_predictor, save_predictor

    X, Y, X_new, _ = case
    small = (
        {"cv": 2, "base_params": {"n_estimators": 5}} if name == "chained" else {"n_estimators": 5}
    )
    model = make_predictor(name, random_state=0, **small).fit(X, Y)
    loaded = load_predictor(save_predictor(model, tmp_path / f"{name}.skops"))
    np.testing.assert_array_equal(loaded.predict(X_new), model.predict(X_new))
