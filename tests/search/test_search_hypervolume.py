"""Exact hypervolume in any number of objectives: hand-computed boxes, an exact count of unit
cells on integer points, a Monte-Carlo estimate, the 2-D staircase unchanged, the trajectory, and
the sweep front used for whole tables."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from predbench.search import hypervolume, hypervolume_2d, hypervolume_trajectory, pareto_front
from predbench.search._pareto import _dominance, _front_mask_sweep


def test_one_box_is_its_volume():
    # Minimization: [1, 4] × [2, 4] × [3, 4] = 3 · 2 · 1.
    assert hypervolume(np.array([[1.0, 2.0, 3.0]]), [4.0, 4.0, 4.0]) == 6.0


def test_two_overlapping_boxes_by_inclusion_exclusion():
    # Boxes to the reference (10, 10, 10): (2, 6, 4) → 8 · 4 · 6 = 192; (5, 3, 7) → 5 · 7 · 3 =
    # 105; their intersection starts at the componentwise max (5, 6, 7) → 5 · 4 · 3 = 60.
    pts = np.array([[2.0, 6.0, 4.0], [5.0, 3.0, 7.0]])
    assert hypervolume(pts, [10.0, 10.0, 10.0]) == 192.0 + 105.0 - 60.0


def test_three_boxes_mixed_directions_by_hand():
    # Accuracy ↑, robustness ↑, latency ↓; reference (accuracy 80, robustness 20, latency 10).
    # a = (90, 30, 8) → box 10 · 10 · 2 = 200; b = (85, 40, 5) → 5 · 20 · 5 = 500;
    # c = (82, 25, 2) → 2 · 5 · 8 = 80. Pairwise intersections (worst of each objective):
    # a∩b = (85, 30, 8) → 5 · 10 · 2 = 100; a∩c = (82, 25, 8) → 2 · 5 · 2 = 20;
    # b∩c = (82, 25, 5) → 2 · 5 · 5 = 50; a∩b∩c = (82, 25, 8) → 20.
    pts = np.array([[90.0, 30.0, 8.0], [85.0, 40.0, 5.0], [82.0, 25.0, 2.0]])
    expected = 200 + 500 + 80 - 100 - 20 - 50 + 20
    assert hypervolume(pts, [80.0, 20.0, 10.0], [True, True, False]) == expected
    # A dominated point, a duplicate and a point that does not beat the reference add nothing.
    more = np.vstack([pts, [[84.0, 24.0, 9.0], [85.0, 40.0, 5.0], [95.0, 50.0, 10.0]]])
    assert hypervolume(more, [80.0, 20.0, 10.0], [True, True, False]) == expected
    assert hypervolume(np.empty((0, 3)), [80.0, 20.0, 10.0], [True, True, False]) == 0.0


@pytest.mark.parametrize("k", [3, 4])
def test_integer_points_match_an_exact_count_of_unit_cells(k):
    # On integer points the dominated region is a union of unit cells: count them one by one.
    rng = np.random.default_rng(k)
    side = 7
    pts = rng.integers(0, side, size=(25, k)).astype(float)
    ref = np.full(k, float(side))
    cells = np.array(list(itertools.product(range(side), repeat=k)), dtype=float)
    covered = (pts[None, :, :] <= cells[:, None, :]).all(axis=2).any(axis=1)
    assert hypervolume(pts, ref) == covered.sum()


def test_monte_carlo_agrees_in_three_objectives():
    rng = np.random.default_rng(3)
    # Points near the unit sphere's positive octant surface: a genuinely curved 3-D front.
    pts = np.abs(rng.normal(size=(40, 3)))
    pts = 1.0 - pts / np.linalg.norm(pts, axis=1, keepdims=True) * 0.9
    samples = rng.random((300_000, 3))
    dominated = (pts[None, :, :] <= samples[:, None, :]).all(axis=2).any(axis=1)
    stderr = dominated.std() / np.sqrt(dominated.size)
    assert hypervolume(pts, [1.0, 1.0, 1.0]) == pytest.approx(dominated.mean(), abs=4 * stderr)


def test_two_objectives_unchanged():
    rng = np.random.default_rng(5)
    pts = rng.random((200, 2))
    ref = [0.95, 0.9]
    assert hypervolume(pts, ref) == hypervolume_2d(pts, ref)
    assert hypervolume(pts, ref, [True, False]) == hypervolume_2d(pts, ref, [True, False])
    # The trajectory of two objectives is still the prefix hypervolume of hypervolume_2d.
    curve = hypervolume_trajectory(pts, ref, [True, False])
    for i in (0, 17, 199):
        assert curve[i] == hypervolume_2d(pts[: i + 1], ref, [True, False])


def test_three_objective_trajectory_is_the_prefix_hypervolume():
    rng = np.random.default_rng(6)
    pts = rng.random((60, 3))
    maximize = [True, True, False]
    ref = [0.1, 0.1, 0.9]  # some points fall outside and must add nothing
    curve = hypervolume_trajectory(pts, ref, maximize)
    assert np.all(np.diff(curve) >= 0)
    for i in range(60):
        assert curve[i] == pytest.approx(hypervolume(pts[: i + 1], ref, maximize), rel=1e-12)


def test_reference_must_have_one_value_per_objective():
    with pytest.raises(ValueError, match="reference has 2 values for 3 objectives"):
        hypervolume(np.ones((2, 3)), [2.0, 2.0])
    with pytest.raises(ValueError, match="reference has 2 values for 3 objectives"):
        hypervolume_trajectory(np.ones((2, 3)), [2.0, 2.0])


def test_sweep_front_of_a_large_table_equals_the_dominance_matrix():
    rng = np.random.default_rng(7)
    pts = rng.integers(0, 30, size=(2500, 3)).astype(float)  # ties and duplicates
    dense = ~_dominance(pts).any(axis=0)
    np.testing.assert_array_equal(_front_mask_sweep(pts), dense)
    np.testing.assert_array_equal(pareto_front(pts), dense)  # > 2,000 points: the sweep
