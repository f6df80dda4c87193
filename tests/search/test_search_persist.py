"""Fitted predictors saved with skops load back with identical predictions; untrusted files are
refused; a pre-trained predictor steers a search unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge

from featurizers.onehot import OneHot
from predbench.search import Bananas, PredictorSurrogate, TabularOracle, run_search
from predbench.search._persist import (
    UntrustedTypesError,
    load_predictor,
    load_predictor_bundle,
    save_predictor,
)

ENC = OneHot("nb201").fit()


def features(task):
    return ENC.transform(list(task.archs)), task.targets["val_accuracy"].to_numpy()


def _models():
    from ngboost import NGBRegressor
    from xgboost import XGBRegressor

    return {
        "forest": RandomForestRegressor(n_estimators=15, random_state=0),
        "xgb": XGBRegressor(n_estimators=20, max_depth=3, n_jobs=1, random_state=0),
        "ngboost": NGBRegressor(n_estimators=30, verbose=False, random_state=0),
    }


@pytest.mark.parametrize("name", ["forest", "xgb", "ngboost"])
def test_round_trip_gives_identical_predictions(task, tmp_path, name):
    X, y = features(task)
    model = _models()[name].fit(X, y)
    path = save_predictor(
        model, tmp_path / f"{name}.skops", features="onehot", space="nb201", target="val_accuracy"
    )
    loaded = load_predictor(path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    bundle = load_predictor_bundle(path)
    assert (bundle["features"], bundle["space"], bundle["target"]) == (
        "onehot",
        "nb201",
        "val_accuracy",
    )
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


class Opaque:
    """A class nobody listed as trusted."""

    def __init__(self):
        self.weights = [1.0, 2.0]


def test_untrusted_types_are_refused(tmp_path):
    path = tmp_path / "opaque.skops"
    sio.dump({"format": 1, "predictor": Opaque()}, path)
    with pytest.raises(UntrustedTypesError, match=r"Opaque.*trusted=\["):
        load_predictor(path)
    name = sio.get_untrusted_types(file=path)
    assert isinstance(load_predictor(path, trusted=name), Opaque)


def test_not_a_bundle_and_missing_file(tmp_path):
    path = tmp_path / "plain.skops"
    sio.dump(Ridge().fit([[0.0], [1.0]], [0.0, 1.0]), path)
    with pytest.raises(ValueError, match="not a predbench predictor file"):
        load_predictor(path)
    with pytest.raises(FileNotFoundError, match="no predictor file"):
        load_predictor(tmp_path / "absent.skops")


def test_pretrained_predictor_steers_a_search_as_saved(task, tmp_path):
    X, y = features(task)
    model = RandomForestRegressor(n_estimators=30, random_state=0).fit(X, y)
    path = save_predictor(model, tmp_path / "rf.skops", features="onehot")
    loaded = load_predictor(path)

    def search(predictor):
        surrogate = PredictorSurrogate(
            predictor, lambda a: ENC.transform(list(a)), uncertainty="none", refit_every=0
        )
        strategy = Bananas(surrogate, n_init=5, batch_size=5, acquisition="greedy", random_state=1)
        return strategy, run_search(strategy, TabularOracle(task), 40)

    strategy, trajectory = search(loaded)
    assert strategy.surrogate_.members_ == [loaded]  # never refitted
    np.testing.assert_array_equal(
        strategy.surrogate_.predict(list(task.archs[:50])), model.predict(X[:50])
    )
    assert search(model)[1]["arch"].tolist() == trajectory["arch"].tolist()


def _zoo_params(name):
    from predbench.predictors import PREDICTORS

    params = {"random_state": 0} if "random_state" in PREDICTORS[name]._get_param_names() else {}
    if name == "single_proxy":
        params["proxy"] = "zcp:synflow"
    small = {
        "omni": {"n_hypers": 1, "cv": 2, "n_estimators": (10, 15)},
        "tuned_xgb": {"n_iter": 2, "cv": 2},
        "ngboost": {"n_estimators": 20},
        "xgb": {"n_estimators": 50},
        "lgbm": {"n_estimators": 50},
        "rf": {"n_estimators": 20},
    }
    params.update(small.get(name, {}))
    return params


@pytest.mark.parametrize(
    "name",
    ["rf", "xgb", "tuned_xgb", "lgbm", "gp", "ngboost", "omni", "mlp", "ridge", "single_proxy"],
)
def test_every_zoo_predictor_round_trips(task, tmp_path, name):
    from predbench.predictors import PREDICTORS, make_predictor

    assert name in PREDICTORS
    X = pd.DataFrame(ENC.transform(list(task.archs[:120])), columns=ENC.get_feature_names_out())
    y = task.targets["val_accuracy"].to_numpy()[:120]
    X["zcp:synflow"] = y + np.cos(np.arange(120))
    X["zcp:jacov"] = -y
    model = make_predictor(name, **_zoo_params(name)).fit(X, y)
    loaded = load_predictor(save_predictor(model, tmp_path / f"{name}.skops"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_persistence_is_reachable_from_predictors_and_the_old_path():
    import predbench.predictors as predictors
    import predbench.search as search

    assert predictors.save_predictor is search.save_predictor
    assert predictors.load_predictor is search.load_predictor
