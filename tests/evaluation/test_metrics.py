"""Metrics against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from predbench.evaluation.metrics import (
    aggregate,
    compute_metrics,
    kendall_tau,
    mean_interval,
    precision_at_top_k,
    spearman,
)


@pytest.mark.parametrize(
    "pred, tau",
    [
        ([1, 2, 3, 4], 1.0),
        ([4, 3, 2, 1], -1.0),
        # pairs (of 6): one discordant (items 1,2 swapped) → (5 − 1) / 6
        ([2, 1, 3, 4], 4 / 6),
        # two swaps: (1,2) and (3,4) discordant → (4 − 2) / 6
        ([2, 1, 4, 3], 2 / 6),
    ],
)
def test_kendall_tau_by_hand(pred, tau):
    assert kendall_tau([0.1, 0.2, 0.3, 0.4], pred) == pytest.approx(tau)


def test_kendall_tau_b_with_a_tie():
    # y = 1,2,3 ; p = 1,1,2. Pairs: (1,2) tie in p, (1,3) concordant, (2,3) concordant.
    # tau-b = (C − D) / sqrt((n0 − n1)(n0 − n2)) = 2 / sqrt(3 · 2)
    assert kendall_tau([1, 2, 3], [1, 1, 2]) == pytest.approx(2 / math.sqrt(6))


def test_spearman_by_hand():
    # ranks 1..5 vs 1,2,3,5,4: d² = 0+0+0+1+1 = 2 → 1 − 6·2 / (5·24) = 0.9
    assert spearman([1, 2, 3, 4, 5], [10, 20, 30, 50, 40]) == pytest.approx(0.9)


def test_constant_prediction_is_undefined_not_zero():
    assert math.isnan(kendall_tau([1, 2, 3], [5, 5, 5]))
    assert math.isnan(spearman([1, 2, 3], [5, 5, 5]))


def test_precision_at_top_k_by_hand():
    y = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]  # true top 20 % = rows 0, 1
    assert precision_at_top_k(y, [9, 8, 0, 0, 0, 0, 0, 0, 0, 0], k=0.2) == 1.0
    assert precision_at_top_k(y, [9, 0, 8, 0, 0, 0, 0, 0, 0, 0], k=0.2) == 0.5  # rows 0, 2
    assert precision_at_top_k(y, [0, 0, 0, 0, 0, 0, 0, 0, 2, 1], k=0.2) == 0.0
    # k · n = 2.5 → top 3 = rows 0,1,2 ; predicted top 3 = rows 0, 5, 6 → 1/3
    assert precision_at_top_k(y, [9, 0, 0, 0, 0, 8, 7, 0, 0, 0], k=0.25) == pytest.approx(1 / 3)


def test_precision_ties_break_by_position():
    # All predictions equal: the predicted top-1 is the first row; the true best is the last.
    assert precision_at_top_k([1, 2, 3], [0, 0, 0], k=0.1) == 0.0
    assert precision_at_top_k([3, 2, 1], [0, 0, 0], k=0.1) == 1.0


def test_precision_rejects_bad_k():
    with pytest.raises(ValueError, match="fraction"):
        precision_at_top_k([1, 2], [1, 2], k=0)


def test_compute_metrics_perfect_prediction():
    y = np.array([1.0, 3.0, 2.0, 5.0])
    m = compute_metrics(y, y)
    assert m == {
        "kendall_tau": 1.0,
        "spearman": 1.0,
        "precision_at_k": 1.0,
        "r2": 1.0,
        "mae": 0.0,
        "constant_prediction": False,
    }


def test_mean_interval_by_hand():
    # values 1, 2, 3: mean 2, std 1, t(0.975, 2) = 4.302653 → half-width 4.302653 / sqrt(3)
    out = mean_interval([1.0, 2.0, 3.0, float("nan")])
    assert out["n"] == 3
    assert out["mean"] == pytest.approx(2.0)
    assert out["std"] == pytest.approx(1.0)
    assert out["ci_high"] - out["mean"] == pytest.approx(4.302653 / math.sqrt(3), rel=1e-6)
    single = mean_interval([0.5])
    assert single["n"] == 1 and math.isnan(single["std"]) and math.isnan(single["ci_low"])


def test_aggregate_groups_cells_and_ignores_failed_runs():
    runs = pd.DataFrame(
        {
            "task": ["t"] * 5,
            "target": ["acc"] * 5,
            "features": ["graf", "graf", "graf", "zcp", "zcp"],
            "predictor": ["rf"] * 5,
            "train_size": [32] * 5,
            "status": ["ok", "ok", "error", "ok", "ok"],
            "kendall_tau": [0.5, 0.7, np.nan, 0.2, 0.2],
        }
    )
    table = aggregate(runs).set_index("features")
    assert table.loc["graf", "mean"] == pytest.approx(0.6)
    assert table.loc["graf", "n"] == 2
    assert table.loc["zcp", "std"] == 0.0


def test_kendall_tau_scorer_drives_grid_search():
    from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

    from predbench.evaluation import kendall_tau_scorer
    from predbench.predictors import make_predictor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    y = X[:, 0] - 0.5 * X[:, 1] ** 2 + 0.05 * rng.normal(size=90)
    folds = KFold(3, shuffle=True, random_state=0)
    grid = GridSearchCV(
        make_predictor("rf", random_state=0),
        {"max_depth": [1, None]},
        scoring=kendall_tau_scorer,
        cv=folds,
    ).fit(X, y)
    assert grid.best_params_ == {"max_depth": None}
    scores = cross_val_score(
        make_predictor("rf", random_state=0), X, y, scoring=kendall_tau_scorer, cv=folds
    )
    assert grid.best_score_ == pytest.approx(scores.mean())
    assert 0.5 < grid.best_score_ <= 1.0
