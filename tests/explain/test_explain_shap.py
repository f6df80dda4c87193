"""SHAP values: known features found, additivity, hand-checked values, seeding, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from predbench.explain import explain_model, feature_importance
from predbench.predictors import make_predictor

RELEVANT = ["zcp:a", "graf:b", "onehot:c"]


@pytest.fixture(scope="module")
def synthetic():
    """A task whose target depends on three known columns only, plus nine noise columns."""
    rng = np.random.default_rng(7)
    n = 500
    names = [*RELEVANT] + [f"zcp:noise{i}" for i in range(3)] + [f"graf:noise{i}" for i in range(6)]
    X = pd.DataFrame(rng.normal(size=(n, len(names))), columns=names)
    X["onehot:c"] = rng.integers(0, 2, n).astype(float)
    y = (
        3.0 * X["zcp:a"]
        + 2.0 * np.abs(X["graf:b"])
        - 2.5 * X["onehot:c"]
        + 0.05 * rng.normal(size=n)
    )
    X.index = [f"arch{i}" for i in range(n)]
    return X.iloc[:350], y.iloc[:350].to_numpy(), X.iloc[350:]


@pytest.mark.parametrize(
    ("name", "params", "method"),
    [
        ("rf", {"n_estimators": 50}, "tree"),
        ("xgb", {"n_estimators": 150}, "tree"),
        ("lgbm", {"n_estimators": 150}, "tree"),
        ("gp", {}, "permutation"),
    ],
)
def test_known_features_rank_on_top(synthetic, name, params, method):
    X_train, y_train, X_test = synthetic
    model = make_predictor(name, random_state=0, **params).fit(X_train, y_train)
    explanation = explain_model(
        model, X_test, background=X_train, n_explain=60, background_size=20, random_state=0
    )
    assert explanation.method == method
    importance = feature_importance(explanation)
    assert set(importance["feature"].head(3)) == set(RELEVANT)
    relevant = importance.set_index("feature").loc[RELEVANT, "share"].sum()
    assert relevant > 0.85, importance.head(6)
    # Rows stay tied to their arch ids.
    assert explanation.values.index.isin(X_test.index).all()


@pytest.mark.parametrize("name", ["rf", "xgb", "lgbm"])
def test_tree_additivity(synthetic, name):
    X_train, y_train, X_test = synthetic
    model = make_predictor(name, n_estimators=40, random_state=1).fit(X_train, y_train)
    explanation = explain_model(model, X_test)
    assert explanation.method == "tree"
    assert len(explanation) == len(X_test)  # exact route: every row
    total = explanation.values.sum(axis=1) + explanation.base_value
    expected = model.predict(X_test)
    # float32 boosters (XGBoost) carry ~1e-5 relative rounding; the others are exact.
    tolerance = 1e-4 if name == "xgb" else 1e-9
    np.testing.assert_allclose(total.to_numpy(), expected, atol=tolerance * np.abs(expected).max())
    assert explanation.additivity_error <= tolerance * np.abs(expected).max()


def test_stump_values_by_hand():
    # A stump on feature 1 split at 0.5, 3 training rows left (target 0) and 1 right (target 8):
    # path-dependent SHAP of x is f(x) − (3·0 + 1·8)/4 on feature 1, zero elsewhere.
    X = pd.DataFrame({"f0": [1.0, 0.0, 1.0, 0.0], "f1": [0.0, 0.1, 0.2, 1.0]})
    y = np.array([0.0, 0.0, 0.0, 8.0])
    stump = DecisionTreeRegressor(max_depth=1).fit(X, y)
    explanation = explain_model(stump, pd.DataFrame({"f0": [5.0, 5.0], "f1": [0.0, 0.9]}))
    assert explanation.base_value == pytest.approx(2.0)
    np.testing.assert_allclose(explanation.values["f1"], [-2.0, 6.0])
    np.testing.assert_allclose(explanation.values["f0"], [0.0, 0.0])


def test_permutation_is_exact_for_a_linear_model():
    # Without interactions every permutation gives the same marginal contributions, so the
    # values are β_j · (x_j − mean of the background's x_j), whatever the budget.
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(120, 5)), columns=[f"zcp:p{i}" for i in range(5)])
    beta = np.array([1.5, -2.0, 0.0, 0.7, 3.0])
    model = LinearRegression().fit(X, X.to_numpy() @ beta + 1.0)
    background = X.iloc[:40]
    explanation = explain_model(
        model,
        X.iloc[40:],
        background=background,
        method="permutation",
        background_size=40,
        n_explain=30,
        random_state=5,
    )
    rows = X.loc[explanation.values.index].to_numpy()
    expected = model.coef_ * (rows - background.to_numpy().mean(axis=0))
    np.testing.assert_allclose(explanation.values.to_numpy(), expected, atol=1e-9)
    assert explanation.base_value == pytest.approx(model.predict(background).mean())
    assert explanation.settings["n_explain"] == 30
    assert explanation.settings["max_evals"] == 2 * 5 + 1


def test_permutation_additivity_and_seeding(synthetic):
    X_train, y_train, X_test = synthetic
    model = make_predictor("ridge").fit(X_train, y_train)
    kwargs = dict(background=X_train, background_size=15, n_explain=25, method="permutation")
    first = explain_model(model, X_test, random_state=11, **kwargs)
    again = explain_model(model, X_test, random_state=11, **kwargs)
    other = explain_model(model, X_test, random_state=12, **kwargs)
    pd.testing.assert_frame_equal(first.values, again.values)
    assert not first.values.index.equals(other.values.index)  # another sample of rows
    for explanation in (first, other):
        total = explanation.values.sum(axis=1) + explanation.base_value
        np.testing.assert_allclose(total, explanation.predictions, atol=1e-8)
    # The global NumPy generator is left as it was.
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    explain_model(model, X_test, random_state=3, **kwargs)
    assert np.array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def test_single_proxy_credits_its_proxy_only(synthetic):
    X_train, y_train, X_test = synthetic
    model = make_predictor("single_proxy", proxy="zcp:noise1").fit(X_train, y_train)
    explanation = explain_model(model, X_test, background=X_train, n_explain=20, background_size=10)
    importance = feature_importance(explanation).set_index("feature")
    assert importance.loc["zcp:noise1", "rank"] == 1
    assert importance.drop(index="zcp:noise1")["mean_abs_shap"].max() == 0.0


def test_forest_rows_split_over_processes_give_the_same_values(synthetic):
    X_train, y_train, X_test = synthetic
    model = make_predictor("rf", n_estimators=20, random_state=0).fit(X_train, y_train)
    one = explain_model(model, X_test, n_jobs=1)
    two = explain_model(model, X_test, n_jobs=2)
    np.testing.assert_allclose(one.values.to_numpy(), two.values.to_numpy(), rtol=0, atol=1e-12)


def test_errors(synthetic):
    X_train, y_train, X_test = synthetic
    ridge = make_predictor("ridge").fit(X_train, y_train)
    with pytest.raises(ValueError, match="RidgePredictor has no tree ensemble"):
        explain_model(ridge, X_test, method="tree")
    with pytest.raises(ValueError, match="unknown SHAP method 'kernel'"):
        explain_model(ridge, X_test, method="kernel")
    with pytest.raises(ValueError, match=r"max_evals=5 is below .* 2·p \+ 1 = 25"):
        explain_model(ridge, X_test, method="permutation", max_evals=5)
    with pytest.raises(ValueError, match="no rows to explain"):
        explain_model(ridge, X_test.iloc[:0])


def test_tree_route_can_explain_a_seeded_sample(synthetic):
    X_train, y_train, X_test = synthetic
    model = make_predictor("xgb", n_estimators=20, random_state=0).fit(X_train, y_train)
    first = explain_model(model, X_test, n_explain=40, random_state=4)
    again = explain_model(model, X_test, n_explain=40, random_state=4)
    assert first.method == "tree" and len(first) == 40
    assert first.settings["n_explain"] == 40
    pd.testing.assert_frame_equal(first.values, again.values)
    full = explain_model(model, X_test)
    pd.testing.assert_frame_equal(first.values, full.values.loc[first.values.index])
    with pytest.raises(ValueError, match="n_explain must be ≥ 1"):
        explain_model(model, X_test, n_explain=0)
