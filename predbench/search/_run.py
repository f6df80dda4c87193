"""Driving a strategy against an oracle, and reading the result afterwards.

:func:`run_search` is the whole search loop: ask, query the oracle, tell, until the budget of
distinct queries is spent. It sees only the oracle. :func:`annotate` runs *after* the search and
adds what the search must never see: the test accuracy (or, when the fitness was a zero-cost
score, the validation accuracy) of the best arch found so far at every query, and for two
or more objectives the hypervolume over queries.

A trajectory is a DataFrame with one row per query:

``query``        1-based index of the distinct arch evaluated.
``arch``         Canonical id.
``value``        First objective's value (``value_<name>`` columns hold every objective).
``best_value``   Best first-objective value so far (max or min by the objective's direction).
``best_arch``    The arch holding it (earliest on ties).
``strategy_seconds`` Time spent in ``ask``/``tell`` for the batch, divided over its archs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from predbench.search._base import Strategy
from predbench.search._oracle import Objective, TabularOracle
from predbench.search._pareto import hypervolume, hypervolume_trajectory, nadir

#: Columns of the task reported for the best arch so far, after the search, when present.
REPORT_COLUMNS: tuple[str, ...] = ("val_accuracy", "test_accuracy")


class StrategyStalled(RuntimeError):
    """A strategy proposed nothing although budget and unevaluated archs remain."""


def run_search(
    strategy: Strategy,
    oracle: TabularOracle,
    budget: int,
    *,
    on_query: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run ``strategy`` on ``oracle`` until ``budget`` distinct archs are evaluated.

    Parameters
    ----------
    strategy
        An unstarted or started strategy; it is (re)started on ``oracle.domain``.
    oracle
        The tabular oracle (its query counter must be at 0).
    budget
        Distinct archs to evaluate; capped by the domain size.
    on_query
        Called with the number of queries done after each batch (progress bars).

    Returns
    -------
    DataFrame
        The trajectory (see the module docstring).
    """
    if oracle.n_queries:
        raise ValueError(f"oracle has already answered {oracle.n_queries} queries; use a fresh one")
    budget = min(int(budget), len(oracle.domain))
    if budget < 1:
        raise ValueError(f"budget must be >= 1, got {budget}")
    strategy.start(oracle.domain, maximize=[o.maximize for o in oracle.objectives])
    archs: list[str] = []
    values: list[np.ndarray] = []
    seconds: list[float] = []
    while oracle.n_queries < budget:
        t0 = time.perf_counter()
        batch = strategy.ask(min(strategy.batch_size, budget - oracle.n_queries))
        t_ask = time.perf_counter() - t0
        if not batch:
            raise StrategyStalled(
                f"{type(strategy).__name__} proposed no arch after {oracle.n_queries} queries "
                f"({len(oracle.domain) - oracle.n_queries} archs left)"
            )
        result = np.asarray(oracle.query(batch), dtype=np.float64).reshape(len(batch), -1)
        t1 = time.perf_counter()
        strategy.tell(batch, result)
        spent = t_ask + time.perf_counter() - t1
        archs.extend(batch)
        values.append(result)
        seconds.extend([spent / len(batch)] * len(batch))
        if on_query is not None:
            on_query(oracle.n_queries)
    return trajectory_frame(archs, np.vstack(values), oracle.objectives, seconds)


def trajectory_frame(
    archs: Sequence[str],
    values: np.ndarray,
    objectives: Sequence[Objective],
    seconds: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Trajectory table from evaluated archs and their raw objective values (in query order)."""
    values = np.asarray(values, dtype=np.float64).reshape(len(archs), -1)
    sign = objectives[0].sign
    score = values[:, 0] * sign
    running = np.maximum.accumulate(score)
    improved = np.ones(len(archs), dtype=bool)
    improved[1:] = score[1:] > running[:-1]
    best_idx = np.maximum.accumulate(np.where(improved, np.arange(len(archs)), 0))
    frame = pd.DataFrame(
        {
            "query": np.arange(1, len(archs) + 1, dtype=np.int64),
            "arch": list(archs),
            "value": values[:, 0],
            "best_value": running * sign,
            "best_arch": [archs[i] for i in best_idx],
        }
    )
    for j, obj in enumerate(objectives):
        frame[f"value_{obj.name}"] = values[:, j]
    frame["strategy_seconds"] = (
        np.asarray(seconds, dtype=np.float64) if seconds is not None else np.nan
    )
    return frame


def annotate(
    trajectory: pd.DataFrame,
    task: Any,
    objectives: Sequence[Objective],
    report_columns: Sequence[str] = REPORT_COLUMNS,
) -> pd.DataFrame:
    """Add post-search columns: ``best_<col>`` for each report column the task has (looked up
    for ``best_arch``), and for two or more objectives ``hypervolume`` (normalized by the
    hypervolume of every arch of the task's table, w.r.t. the table's nadir; see
    :func:`domain_front` and :mod:`._pareto`) and ``hypervolume_raw``.

    Call it only after the search: it reads the task directly.
    """
    out = trajectory.copy()
    targets = task.targets
    for col in report_columns:
        if col in targets.columns:
            out[f"best_{col}"] = targets[col].reindex(out["best_arch"]).to_numpy(np.float64)
    if len(objectives) >= 2:
        points, reference, maximize, total = domain_front(task, objectives)
        del points
        values = out[[f"value_{o.name}" for o in objectives]].to_numpy(np.float64)
        raw = hypervolume_trajectory(values, reference, maximize)
        out["hypervolume_raw"] = raw
        out["hypervolume"] = raw / total if total > 0 else np.nan
    return out


#: Hypervolume of a task's whole table per (task key, objectives, table content): the normalizer
#: is the same for every run of a suite, and costs ~0.2 s in three objectives.
_TABLE_HYPERVOLUME: dict[tuple, float] = {}


def domain_front(
    task: Any, objectives: Sequence[Objective]
) -> tuple[np.ndarray, np.ndarray, list[bool], float]:
    """Objective values of every arch the oracle would answer, their nadir (the hypervolume
    reference), the direction flags, and the hypervolume of the whole table (the normalizer).

    The table's hypervolume is computed once per process for a given task and objectives.
    """
    oracle = TabularOracle(task, objectives)
    points = oracle._values
    maximize = [o.maximize for o in objectives]
    reference = nadir(points, maximize)
    if len(objectives) < 2:
        return points, reference, maximize, float("nan")
    key = (str(getattr(task, "key", id(task))), tuple(objectives), hash(points.tobytes()))
    if key not in _TABLE_HYPERVOLUME:
        _TABLE_HYPERVOLUME[key] = hypervolume(points, reference, maximize)
    return points, reference, maximize, _TABLE_HYPERVOLUME[key]


def hypervolume_reference(task: Any, objectives: Sequence[Objective]) -> dict[str, Any]:
    """What a search's ``hypervolume`` is measured against, to be stated beside it: the reference
    point (the nadir of the task's whole table, per objective with its direction) and the raw
    hypervolume of the whole table that normalizes it (empty for one objective)."""
    if len(objectives) < 2:
        return {}
    _, reference, _, total = domain_front(task, objectives)
    return {
        "reference": [
            {"objective": o.name, "value": float(v), "direction": "max" if o.maximize else "min"}
            for o, v in zip(objectives, reference, strict=True)
        ],
        "rule": "nadir of the whole table; hypervolume divided by that of every arch of the table",
        "table_hypervolume": float(total),
    }


def describe_reference(reference: dict[str, Any]) -> str:
    """One line for tables and reports, e.g. ``val_accuracy=10 (max), pgd_eps1=9.6 (max)``."""
    if not reference:
        return ""
    return ", ".join(
        f"{item['objective']}={item['value']:.4g} ({item['direction']})"
        for item in reference["reference"]
    )


def queries_to_reach(trajectory: pd.DataFrame, threshold: float, maximize: bool = True) -> float:
    """First query at which ``value`` reaches ``threshold`` (NaN when it never does)."""
    values = trajectory["value"].to_numpy(np.float64)
    hit = values >= threshold if maximize else values <= threshold
    idx = np.flatnonzero(hit)
    return float(trajectory["query"].iloc[idx[0]]) if idx.size else float("nan")


def top_fraction_threshold(oracle: TabularOracle, fraction: float = 0.01) -> float:
    """Value an arch must reach to be among the best ``fraction`` of the oracle's domain (by the
    first objective; at least one arch qualifies)."""
    obj = oracle.objectives[0]
    values = oracle._values[:, 0] * obj.sign
    k = max(1, int(np.floor(fraction * values.size)))
    return float(np.sort(values)[::-1][k - 1] * obj.sign)
