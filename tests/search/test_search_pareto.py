"""Pareto fronts, non-dominated sorting and 2-D hypervolume on hand-worked cases, and the
vectorized versions against a brute-force definition."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from predbench.search import (
    NSGA2,
    ParEGO,
    PredictorSurrogate,
    RandomSearch,
    TabularOracle,
    annotate,
    hypervolume_2d,
    hypervolume_trajectory,
    nadir,
    non_dominated_sort,
    pareto_front,
    run_search,
)


def brute_front(points):
    """Definition: not dominated by any other point (minimization)."""
    n = len(points)
    out = np.ones(n, dtype=bool)
    for i, j in itertools.permutations(range(n), 2):
        if np.all(points[j] <= points[i]) and np.any(points[j] < points[i]):
            out[i] = False
    return out


def test_front_by_hand_with_duplicates():
    pts = np.array([[1, 5], [2, 3], [3, 4], [4, 1], [2, 3], [1, 6]], dtype=float)
    # (3,4) is dominated by (2,3); (1,6) by (1,5); the two (2,3) do not dominate each other.
    np.testing.assert_array_equal(pareto_front(pts), [True, True, False, True, True, False])
    np.testing.assert_array_equal(non_dominated_sort(pts), [0, 0, 1, 0, 0, 1])


def test_directions():
    # (accuracy ↑, latency ↓): (90, 5) beats (85, 6); (80, 1) is the fastest; (70, 2) is dominated.
    pts = np.array([[90.0, 5.0], [85.0, 6.0], [80.0, 1.0], [70.0, 2.0]])
    np.testing.assert_array_equal(pareto_front(pts, [True, False]), [True, False, True, False])
    np.testing.assert_array_equal(non_dominated_sort(pts, [True, False]), [0, 1, 0, 1])
    np.testing.assert_array_equal(nadir(pts, [True, False]), [70.0, 6.0])


@pytest.mark.parametrize("k", [2, 3])
def test_vectorized_sort_matches_brute_force(k):
    rng = np.random.default_rng(k)
    pts = rng.integers(0, 6, size=(120, k)).astype(float)  # many ties and duplicates
    np.testing.assert_array_equal(pareto_front(pts), brute_front(pts))
    rank = non_dominated_sort(pts)
    remaining = np.arange(len(pts))
    level = 0
    while remaining.size:
        front = brute_front(pts[remaining])
        assert (rank[remaining[front]] == level).all()
        remaining = remaining[~front]
        level += 1


def test_hypervolume_by_hand():
    pts = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    # Union of [1,4]×[3,4], [2,4]×[2,4], [3,4]×[1,4] = 3 + 2 + 1 (stairs) = 6.
    assert hypervolume_2d(pts, [4.0, 4.0]) == 6.0
    # A dominated point and a point outside the reference box change nothing.
    more = np.vstack([pts, [[3.0, 3.0], [5.0, 0.5]]])
    assert hypervolume_2d(more, [4.0, 4.0]) == 6.0
    # A point on the reference boundary adds nothing; one beyond it is ignored.
    assert hypervolume_2d(np.array([[4.0, 1.0]]), [4.0, 4.0]) == 0.0
    assert hypervolume_2d(np.empty((0, 2)), [4.0, 4.0]) == 0.0


def test_hypervolume_accuracy_vs_latency_by_hand():
    # Maximize accuracy, minimize latency; reference = (accuracy 80, latency 10).
    pts = np.array([[90.0, 8.0], [85.0, 4.0]])
    # Rectangles (80..90)×(8..10) = 20 and (80..85)×(4..10) = 30, overlap (80..85)×(8..10) = 10.
    assert hypervolume_2d(pts, [80.0, 10.0], [True, False]) == 40.0


def test_hypervolume_trajectory_is_the_prefix_hypervolume():
    rng = np.random.default_rng(0)
    pts = rng.random((40, 2))
    ref = [1.0, 1.0]
    curve = hypervolume_trajectory(pts, ref)
    assert np.all(np.diff(curve) >= -1e-15)
    for i in (0, 9, 39):
        assert curve[i] == pytest.approx(hypervolume_2d(pts[: i + 1], ref))


def test_monte_carlo_agrees_with_exact_hypervolume():
    rng = np.random.default_rng(1)
    pts = rng.random((15, 2))
    samples = rng.random((200_000, 2))
    dominated = (pts[None, :, :] <= samples[:, None, :]).all(axis=2).any(axis=1)
    assert hypervolume_2d(pts, [1.0, 1.0]) == pytest.approx(dominated.mean(), abs=0.005)


@pytest.mark.parametrize("name", ["nsga2", "parego"])
def test_multi_objective_strategies_approach_the_true_front(task, name):
    from sklearn.ensemble import RandomForestRegressor

    from featurizers.onehot import OneHot

    enc = OneHot("nb201").fit()
    objectives = "val_accuracy,edgegpu_latency"
    if name == "nsga2":
        strategy = NSGA2(population_size=16, random_state=0)
    else:
        surrogate = PredictorSurrogate(
            RandomForestRegressor(n_estimators=20), lambda a: enc.transform(list(a)), n_members=2
        )
        strategy = ParEGO(surrogate, n_candidates=100, n_random_candidates=50, random_state=0)
    oracle = TabularOracle(task, objectives)
    trajectory = annotate(run_search(strategy, oracle, 150), task, oracle.objectives)
    baseline = run_search(RandomSearch(random_state=0), TabularOracle(task, objectives), 150)
    random = annotate(baseline, task, oracle.objectives)
    hv = trajectory["hypervolume"].to_numpy()
    assert 0 < hv[-1] <= 1 and np.all(np.diff(hv) >= -1e-12)
    assert hv[-1] > random["hypervolume"].iloc[-1]
