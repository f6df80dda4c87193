"""Published presets rebuild the model each paper's code fitted (same predictions)."""

from __future__ import annotations

import numpy as np
import pytest

from predbench.data import load_task
from predbench.evaluation.protocols import SUITE_ZERO_PROXIES
from predbench.predictors import PUBLISHED_PRESETS, make_published


@pytest.fixture(scope="module")
def proxies_and_target():
    task = load_task("nb201/cifar10")
    names = list(SUITE_ZERO_PROXIES["nb201"])
    archs = task.archs_with("val_accuracy", names)[:600]
    X = task.proxies.loc[archs, names].to_numpy()
    y = task.targets.loc[archs, "val_accuracy"].to_numpy()
    return X[:400], y[:400], X[400:]


def test_graf_xgb_is_xgboost_defaults(proxies_and_target):
    from xgboost import XGBRegressor

    X, y, X_test = proxies_and_target
    ours = make_published("graf_xgb", random_state=42).fit(X, y).predict(X_test)
    theirs = XGBRegressor(random_state=42, n_jobs=1).fit(X, y).predict(X_test)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_suite_zero_xgb_is_naslibs_train_call(proxies_and_target):
    import xgboost as xgb

    X, y, X_test = proxies_and_target
    ours = make_published("suite_zero_xgb", random_state=0).fit(X, y).predict(X_test)
    params = {
        "objective": "reg:squarederror", "eval_metric": "rmse", "booster": "gbtree",
        "max_depth": 6, "min_child_weight": 1, "colsample_bytree": 1, "learning_rate": 0.3,
        "colsample_bylevel": 1, "nthread": 1,
    }  # fmt: skip
    mean, std = y.mean(), y.std()
    booster = xgb.train(params, xgb.DMatrix(X, label=(y - mean) / std), num_boost_round=500)
    theirs = booster.predict(xgb.DMatrix(X_test)) * std + mean
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_presets_name_their_source_and_unknown_is_refused():
    for preset in PUBLISHED_PRESETS.values():
        assert preset.source and preset.predictor in {"xgb", "rf"}
    assert PUBLISHED_PRESETS["graf_xgb_tuned"].params["n_estimators"] == 10000
    with pytest.raises(KeyError, match="unknown published preset"):
        make_published("naslib_xgb")
