"""scikit-learn's API checks on every member of the zoo.

Instances are made small (few trees/rounds/candidates) so the whole check battery stays fast; the
checks concern the estimator contract, not accuracy.

Check instances that differ from the defaults, and why:

* ``SingleProxy(proxy=0)``: the generic checks feed unnamed arrays, so the proxy column is given by
  position; its ``poor_score`` tag makes ``check_regressors_train`` skip the "fits the training
  data" assertion, since ranking by a fixed column ignores ``y`` by design. No check is skipped.
* ``OMNIPredictor``: on a bare array it uses every column (there are no ``zcp:`` names to select).
* ``gcn``, ``gin``, ``gates`` with ``space=None``: the checks feed numeric matrices, not arch ids;
  the graph predictors then run on the columns alone (their graph inputs are tested in
  ``test_gnn.py``).
"""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from predbench.predictors import PREDICTORS, make_predictor

#: Graph predictors read arch ids; on the checks' numeric arrays they run features-only
#: (``space=None``, the documented mode for plain matrices), small and short.
GNN_CHECKED = {"space": None, "hidden": 16, "epochs": 40, "batch_size": 32}

SMALL = {
    "rf": {"n_estimators": 10},
    "xgb": {"n_estimators": 30},
    "tuned_xgb": {"n_iter": 2, "cv": 2},
    "lgbm": {"n_estimators": 30},
    "consensus_ensemble": {"n_estimators": 30, "rf_n_estimators": 10},
    "multioutput_rf": {"n_estimators": 10},
    "multioutput_xgb": {"n_estimators": 30},
    "chained": {"base_params": {"n_estimators": 10}, "cv": 3},
    "gp": {},
    "ngboost": {"n_estimators": 15, "learning_rate": 0.2},
    "omni": {"n_hypers": 1, "cv": 2, "n_estimators": (10, 15), "learning_rate": (0.2, 0.3)},
    "mlp": {"hidden_layer_sizes": (16,), "max_iter": 200},
    "ridge": {},
    "single_proxy": {"proxy": 0},
    "gcn": GNN_CHECKED,
    "gin": GNN_CHECKED,
    "gates": GNN_CHECKED,
}


def test_every_member_is_checked():
    assert set(SMALL) == set(PREDICTORS)


def _instances():
    for name, params in SMALL.items():
        kwargs = dict(params)
        if "random_state" in PREDICTORS[name]._get_param_names():
            kwargs["random_state"] = 0
        yield make_predictor(name, **kwargs)


@parametrize_with_checks(list(_instances()))
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name", sorted(PREDICTORS))
def test_defaults_construct_with_n_jobs_one(name):
    predictor = make_predictor(name)
    if "n_jobs" in predictor.get_params():
        assert predictor.get_params()["n_jobs"] == 1
