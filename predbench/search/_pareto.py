"""Pareto fronts and hypervolume, vectorized.

Every function takes raw objective values ``points`` of shape ``(n, k)`` and ``maximize``, one bool
per objective (accuracy: True, latency: False), and works internally on minimization.

*Domination*: ``a`` dominates ``b`` when ``a`` is no worse in every objective and strictly better
in one. Identical points do not dominate each other, so both stay on the front.

*Hypervolume* (exact, any number of objectives): the volume dominated by the front and bounded by
a reference point ``reference`` that every counted point must strictly beat in every objective.
Two objectives take the O(n log n) staircase (:func:`hypervolume_2d`); more objectives slice the
volume along the last objective (the HSO sweep of While et al. 2006: between two consecutive
values of the last objective the cross-section is the (k−1)-objective hypervolume of the points
already passed), recursing down to the staircase. That is exact and fast for the fronts of a
search (tens to a few hundred points in three objectives).

predbench's default reference for a task (:func:`nadir`) is the worst value of each objective
over every arch of the task's table (lowest accuracy, lowest robust accuracy, highest latency): it
is fixed per task, so hypervolumes are comparable across strategies, seeds and budgets, and the
hypervolume of the whole table is the largest value any search can reach (the normalizer of the
``hypervolume`` column of a search trajectory).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _as_min(points: np.ndarray, maximize: bool | Sequence[bool] | None) -> np.ndarray:
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2:
        raise ValueError(f"points must have shape (n, k), got {pts.shape}")
    if maximize is None:
        flags = np.zeros(pts.shape[1], dtype=bool)
    elif isinstance(maximize, (bool, np.bool_)):
        flags = np.full(pts.shape[1], bool(maximize))
    else:
        flags = np.asarray(maximize, dtype=bool)
    if flags.shape != (pts.shape[1],):
        raise ValueError(f"maximize needs one flag per objective ({pts.shape[1]}), got {maximize}")
    if np.isnan(pts).any():
        raise ValueError("points contain NaN")
    return np.where(flags, -pts, pts)


def _front_mask_2d(pts: np.ndarray) -> np.ndarray:
    """Non-dominated points of a 2-D minimization problem in O(n log n)."""
    n = pts.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((pts[:, 1], pts[:, 0]))
    s = pts[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (s[1:, 0] != s[:-1, 0]) | (s[1:, 1] != s[:-1, 1])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    prefix_min = np.minimum.accumulate(s[:, 1])
    # Smallest second objective among points sorted strictly before this point's group of
    # identical points: such a point is no worse in both objectives and differs, so it dominates.
    before = np.where(group_start > 0, prefix_min[np.maximum(group_start - 1, 0)], np.inf)
    mask = np.empty(n, dtype=bool)
    mask[order] = before > s[:, 1]
    return mask


def _dominance(pts: np.ndarray) -> np.ndarray:
    """``D[i, j]``: point i dominates point j (n × n booleans)."""
    le = (pts[:, None, :] <= pts[None, :, :]).all(axis=2)
    lt = (pts[:, None, :] < pts[None, :, :]).any(axis=2)
    return le & lt


def pareto_front(points: np.ndarray, maximize: bool | Sequence[bool] | None = None) -> np.ndarray:
    """Boolean mask of the non-dominated points."""
    pts = _as_min(points, maximize)
    if pts.shape[1] == 2:
        return _front_mask_2d(pts)
    if pts.shape[1] == 1:
        return pts[:, 0] == pts[:, 0].min(initial=np.inf)
    if pts.shape[0] > _DENSE_LIMIT:
        return _front_mask_sweep(pts)
    return ~_dominance(pts).any(axis=0)


#: Above this many points a front is found by a sweep instead of the n × n dominance matrix
#: (15,625 NB201 cells would need a 15,625² × k boolean array).
_DENSE_LIMIT = 2000


def _front_mask_sweep(pts: np.ndarray) -> np.ndarray:
    """Non-dominated points of a k-objective minimization problem, O(n · front size).

    In lexicographic order a point can only be dominated by a point before it, and dominance is
    transitive, so comparing each point with the front kept so far is enough.
    """
    order = np.lexsort(pts.T[::-1])
    mask = np.zeros(pts.shape[0], dtype=bool)
    front = np.empty((0, pts.shape[1]))
    for i in order:
        p = pts[i]
        if front.shape[0] and ((front <= p).all(axis=1) & (front < p).any(axis=1)).any():
            continue
        mask[i] = True
        front = np.vstack([front, p])
    return mask


def non_dominated_sort(
    points: np.ndarray, maximize: bool | Sequence[bool] | None = None
) -> np.ndarray:
    """Front index of every point (0 = Pareto front, 1 = front once front 0 is removed, ...)."""
    pts = _as_min(points, maximize)
    n = pts.shape[0]
    rank = np.full(n, -1, dtype=np.int64)
    if pts.shape[1] == 2:
        remaining = np.arange(n)
        level = 0
        while remaining.size:
            mask = _front_mask_2d(pts[remaining])
            rank[remaining[mask]] = level
            remaining = remaining[~mask]
            level += 1
        return rank
    dom = _dominance(pts)
    count = dom.sum(axis=0)
    level = 0
    alive = np.ones(n, dtype=bool)
    while alive.any():
        front = alive & (count == 0)
        rank[front] = level
        alive &= ~front
        count = count - dom[front].sum(axis=0)
        level += 1
    return rank


def hypervolume_2d(
    points: np.ndarray, reference: Sequence[float], maximize: bool | Sequence[bool] | None = None
) -> float:
    """Exact area dominated by ``points`` and bounded by ``reference`` (2 objectives).

    Points that do not strictly beat the reference in both objectives add nothing.
    """
    pts = _as_min(points, maximize)
    if pts.shape[1] != 2:
        raise ValueError(f"hypervolume_2d needs 2 objectives, got {pts.shape[1]}")
    ref = _as_min(np.asarray(reference, dtype=np.float64)[None, :], maximize)[0]
    pts = pts[(pts < ref).all(axis=1)]
    if pts.shape[0] == 0:
        return 0.0
    front = pts[_front_mask_2d(pts)]
    front = np.unique(front, axis=0)  # sorted by the first objective, second decreasing
    return _staircase(front, ref)


def _staircase(front: np.ndarray, ref: np.ndarray) -> float:
    """Area of a 2-D minimization front (sorted by the first objective, unique) below ``ref``."""
    widths = np.diff(np.append(front[:, 0], ref[0]))
    return float(np.sum(widths * (ref[1] - front[:, 1])))


def _hv_min(pts: np.ndarray, ref: np.ndarray) -> float:
    """Exact hypervolume of minimization points that all strictly beat ``ref``."""
    k = pts.shape[1]
    if pts.shape[0] == 0:
        return 0.0
    if k == 1:
        return float(ref[0] - pts[:, 0].min())
    pts = np.unique(pts[pareto_front(pts)], axis=0)
    if k == 2:
        return _staircase(pts, ref)
    # Slice along the last objective: the slab [z_i, z_{i+1}) has as cross-section the
    # (k-1)-objective hypervolume of every point with last objective <= z_i.
    pts = pts[np.argsort(pts[:, -1], kind="stable")]
    bounds = np.append(pts[:, -1], ref[-1])
    total = 0.0
    for i in range(pts.shape[0]):
        height = bounds[i + 1] - bounds[i]
        if height > 0:
            total += height * _hv_min(pts[: i + 1, :-1], ref[:-1])
    return total


def hypervolume(
    points: np.ndarray, reference: Sequence[float], maximize: bool | Sequence[bool] | None = None
) -> float:
    """Exact hypervolume dominated by ``points`` and bounded by ``reference`` (any number of
    objectives; see the module docstring for the method).

    Points that do not strictly beat the reference in every objective add nothing. For two
    objectives this equals :func:`hypervolume_2d`.
    """
    pts = _as_min(points, maximize)
    ref = _as_min(np.asarray(reference, dtype=np.float64)[None, :], maximize)[0]
    if ref.shape[0] != pts.shape[1]:
        raise ValueError(
            f"reference has {ref.shape[0]} values for {pts.shape[1]} objectives: {reference}"
        )
    return _hv_min(pts[(pts < ref).all(axis=1)], ref)


def hypervolume_trajectory(
    points: np.ndarray,
    reference: Sequence[float],
    maximize: bool | Sequence[bool] | None = None,
) -> np.ndarray:
    """Hypervolume of the first 1, 2, …, n points (the curve of a search over its queries), for
    any number of objectives.

    The hypervolume is recomputed only when a point enters the front kept so far; a point that
    is dominated by it (or does not beat the reference) leaves the value unchanged.
    """
    pts = _as_min(points, maximize)
    ref = _as_min(np.asarray(reference, dtype=np.float64)[None, :], maximize)[0]
    if ref.shape[0] != pts.shape[1]:
        raise ValueError(
            f"reference has {ref.shape[0]} values for {pts.shape[1]} objectives: {reference}"
        )
    out = np.zeros(pts.shape[0])
    front = np.empty((0, pts.shape[1]))
    current = 0.0
    for i, p in enumerate(pts):
        beaten = ((front <= p).all(axis=1) & (front < p).any(axis=1)).any()
        if (p < ref).all() and not beaten and not (front == p).all(axis=1).any():
            cand = np.vstack([front, p])
            front = cand[pareto_front(cand)]
            current = _hv_min(front, ref)
        out[i] = current
    return out


def nadir(points: np.ndarray, maximize: bool | Sequence[bool] | None = None) -> np.ndarray:
    """Worst value of each objective over ``points`` (the default hypervolume reference)."""
    pts = _as_min(points, maximize)
    worst = pts.max(axis=0)
    flags = np.asarray(
        [maximize] * pts.shape[1]
        if isinstance(maximize, (bool, np.bool_)) or maximize is None
        else maximize,
        dtype=bool,
    )
    return np.where(flags, -worst, worst)
