"""consensus_ensemble: the proxy consensus it learns, its inputs, and its quality on real splits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers import feature_table
from predbench.data import load_tagates_split, load_task
from predbench.evaluation.metrics import kendall_tau
from predbench.evaluation.protocols import tagates_train_subset
from predbench.predictors import make_predictor

SMALL = {"n_estimators": 50, "rf_n_estimators": 20, "random_state": 0}


def _toy() -> tuple[pd.DataFrame, np.ndarray]:
    y = np.arange(40, dtype=float)
    X = pd.DataFrame({
        "zcp:up": y ** 2,            # rises with y: Spearman +1
        "zcp:down": -np.sqrt(y),     # falls with y: Spearman −1
        "graf:noise": np.tile([0.0, 1.0], 20),
    })  # fmt: skip
    return X, y


def test_consensus_weights_are_the_proxies_spearman_with_the_target():
    X, y = _toy()
    model = make_predictor("consensus_ensemble", **SMALL).fit(X, y)
    assert list(model.proxy_columns_) == [0, 1]  # only the zcp: columns
    np.testing.assert_allclose(model.proxy_weights_, [0.5, -0.5])


def test_plain_arrays_use_every_column_and_unlabeled_must_match():
    X, y = _toy()
    model = make_predictor("consensus_ensemble", **SMALL).fit(X.to_numpy(), y)
    assert list(model.proxy_columns_) == [0, 1, 2]
    bad = make_predictor("consensus_ensemble", unlabeled=np.zeros((10, 2)), **SMALL)
    with pytest.raises(ValueError, match=r"unlabeled must have the 3 columns of X"):
        bad.fit(X, y)


def test_same_seed_same_predictions():
    X, y = _toy()
    a = make_predictor("consensus_ensemble", **SMALL).fit(X, y).predict(X)
    b = make_predictor("consensus_ensemble", **SMALL).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)


def test_ranks_the_tagates_test_file_from_46_cells():
    """Tuning seed 1000, TA-GATES split: τ well above the published 46-cell TA-GATES 0.699."""
    split = load_tagates_split()
    task = load_task("nb201/cifar10")
    archs = split.train_archs.append(split.test_archs)
    X = feature_table("nb201", archs, "zcp+graf", zcp=task.proxies.loc[archs])
    train = tagates_train_subset(split.train_archs, 46, 1000)
    model = make_predictor(
        "consensus_ensemble", n_estimators=500, learning_rate=0.1, random_state=1000,
        unlabeled=X.to_numpy(),
    )  # fmt: skip
    model.fit(X.loc[train], split.train.loc[train].to_numpy())
    tau = kendall_tau(split.test.to_numpy(), model.predict(X.loc[split.test_archs]))
    assert tau > 0.72
