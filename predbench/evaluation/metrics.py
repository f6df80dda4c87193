"""How well a predictor ranks architectures, and how results over seeds are summarised.

Per run (one train/test split, one fitted predictor), on the test architectures:

``kendall_tau``
    Kendall τ-b between predicted and true target (:func:`scipy.stats.kendalltau`; ties in either
    vector are handled by the τ-b correction). The headline metric of GRAF and White et al.
``spearman``
    Spearman ρ (:func:`scipy.stats.spearmanr`).
``precision_at_k``
    Of the true top ``k`` fraction of test architectures, the fraction that is also in the predicted
    top ``k`` fraction: ``|top_k(y_true) ∩ top_k(y_pred)| / m`` with ``m = max(1, ceil(k · n))``.
    "Top" means highest target; ties are broken by position (the earlier architecture ranks
    higher), so the value is deterministic. It asks whether a search that trusts the predictor
    would keep the best architectures. NASLib's ``precision_10`` counts a fixed 10 architectures;
    on its 200-architecture test sets that is ``k = 0.05`` (the ``white`` suite preset).

A **constant prediction** (every test architecture gets the same value — a tree ensemble fitted
on 5 archs can do that) ranks nothing: :func:`compute_metrics` scores it τ = ρ = 0, the value of
a predictor that knows nothing about the order, and flags the run (``constant_prediction``), so
it is counted in every mean and shown in every table instead of silently dropped (dropping it
would bias a cell's mean upwards exactly where some seeds fail). :func:`kendall_tau` and
:func:`spearman` themselves stay the plain statistics (NaN for a constant input). A metric that
is still undefined (a constant *target* on the test set) is NaN and counted as ``undefined``.

Per cell (one *condition*: every setting but the seed, see :mod:`predbench.runs.identity`), over
seeds — :func:`aggregate`: the mean,
the sample standard deviation (ddof = 1) and a 95 % confidence interval for the mean from
Student's t distribution, ``mean ± t₀.₉₇₅,ₙ₋₁ · std / √n``. Seeds are independent draws of the
training set, so the t-interval is the textbook interval for their mean; it assumes roughly
normal per-seed values, which holds well for τ away from ±1. ``n`` counts the finished runs whose
metric is defined; ``failed`` (runs that stopped with an error), ``constant`` and ``undefined``
are counted beside it; with ``n = 1`` the std and the interval are NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

#: Names of the per-run metrics, in the order tables show them.
METRICS: tuple[str, ...] = ("kendall_tau", "spearman", "precision_at_k", "r2", "mae")


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(y_true, dtype=np.float64).reshape(-1)
    p = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(f"y_true has {t.size} values but y_pred has {p.size}")
    return t, p


def kendall_tau(y_true: Any, y_pred: Any) -> float:
    """Kendall τ-b of ``y_pred`` against ``y_true`` (NaN if either is constant)."""
    t, p = _pair(y_true, y_pred)
    return float(stats.kendalltau(t, p).statistic)


def spearman(y_true: Any, y_pred: Any) -> float:
    """Spearman rank correlation (NaN if either is constant)."""
    t, p = _pair(y_true, y_pred)
    if t.size < 2 or np.all(t == t[0]) or np.all(p == p[0]):
        return float("nan")
    return float(stats.spearmanr(t, p).statistic)


def _top(values: np.ndarray, m: int) -> np.ndarray:
    # Descending by value; a stable sort keeps the earlier position first among ties.
    return np.argsort(-values, kind="stable")[:m]


def precision_at_top_k(y_true: Any, y_pred: Any, k: float = 0.1) -> float:
    """Fraction of the true top-``k`` (a fraction of the rows) that the prediction also puts there.

    Parameters
    ----------
    y_true, y_pred
        Targets and predictions of the same rows (higher is better).
    k
        Fraction in (0, 1]; ``m = max(1, ceil(k · n))`` rows make the top.
    """
    t, p = _pair(y_true, y_pred)
    if not 0 < k <= 1:
        raise ValueError(f"k must be a fraction in (0, 1], got {k}")
    if t.size == 0:
        return float("nan")
    m = max(1, math.ceil(k * t.size - 1e-9))
    common = np.intersect1d(_top(t, m), _top(p, m))
    return common.size / m


def compute_metrics(y_true: Any, y_pred: Any, *, top_k: float = 0.1) -> dict[str, Any]:
    """Every metric of :data:`METRICS` for one test set, and whether the prediction was constant.

    R² and MAE are secondary regression scores. A constant prediction scores τ = ρ = 0 (see the
    module docstring).
    """
    t, p = _pair(y_true, y_pred)
    ss_tot = float(np.sum((t - t.mean()) ** 2)) if t.size else 0.0
    constant = bool(p.size > 1 and np.all(p == p[0]))
    target_varies = bool(t.size > 1 and not np.all(t == t[0]))
    ranked = 0.0 if constant and target_varies else None
    return {
        "kendall_tau": ranked if ranked is not None else kendall_tau(t, p),
        "spearman": ranked if ranked is not None else spearman(t, p),
        "precision_at_k": precision_at_top_k(t, p, top_k),
        "r2": 1.0 - float(np.sum((t - p) ** 2)) / ss_tot if ss_tot > 0 else float("nan"),
        "mae": float(np.mean(np.abs(t - p))) if t.size else float("nan"),
        "constant_prediction": constant,
    }


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> dict[str, float]:
    """Mean, std (ddof 1), t-interval bounds and count of the finite ``values``."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return {"mean": np.nan, "std": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0}
    mean = float(x.mean())
    if n == 1:
        return {"mean": mean, "std": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 1}
    std = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * std / math.sqrt(n)
    return {"mean": mean, "std": std, "ci_low": mean - half, "ci_high": mean + half, "n": n}


#: Columns that describe a cell of a comparison table (display; identity is ``condition_id``).
CELL: tuple[str, ...] = ("task", "target", "features", "predictor", "train_size")


def aggregate(
    runs: pd.DataFrame,
    metric: str = "kendall_tau",
    by: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """One row per condition: mean, std, t-interval and counts of ``metric`` over its seeds.

    Runs are grouped by ``by`` — by default ``condition_id`` (every setting but the seed) when the
    frame has it, so runs of different settings are never averaged together; the :data:`CELL`
    columns are carried along for display. ``n`` counts finished runs with a defined metric;
    ``failed``, ``constant`` (constant predictions, scored 0 and included in ``n``) and
    ``undefined`` are counted beside it.
    """
    if by is None:
        by = ["condition_id"] if "condition_id" in runs.columns else list(CELL)
    by = list(by)
    display = [c for c in (*CELL, "series_id") if c in runs.columns and c not in by]
    status = runs["status"] if "status" in runs.columns else pd.Series("ok", index=runs.index)
    rows = []
    for key, group in runs.groupby(by, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        ok = group[status.loc[group.index] == "ok"]
        stats = mean_interval(ok[metric], confidence)
        constant = ok["constant_prediction"] if "constant_prediction" in ok.columns else None
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                **{c: group[c].iloc[0] for c in display},
                **stats,
                "failed": int(len(group) - len(ok)),
                "constant": int(constant.fillna(False).astype(bool).sum())
                if constant is not None
                else 0,
                "undefined": int(ok[metric].isna().sum()),
            }
        )
    columns = [
        *by,
        *display,
        "mean",
        "std",
        "ci_low",
        "ci_high",
        "n",
        "failed",
        "constant",
        "undefined",
    ]
    return pd.DataFrame(rows, columns=columns)


def ranking_tau(y_true: Any, y_pred: Any) -> float:
    """Kendall τ with the harness's convention: a constant prediction scores 0 (not NaN)."""
    return float(compute_metrics(y_true, y_pred)["kendall_tau"])


def _make_tau_scorer() -> Any:
    from sklearn.metrics import make_scorer

    return make_scorer(ranking_tau, greater_is_better=True)


#: Kendall τ as a scikit-learn scorer: ``GridSearchCV(predictor, grid, scoring=kendall_tau_scorer)``
#: chooses hyper-parameters by how well a predictor *ranks* held-out architectures.
kendall_tau_scorer = _make_tau_scorer()
