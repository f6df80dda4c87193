"""Intervals for search summaries: medians over seeds and ratios of medians.

A search table reports medians over a few dozen seeded runs; these helpers attach the 95 %
intervals the claims need.

* :func:`median_interval` — distribution-free interval for a median from order statistics
  (the binomial rule), so it holds whatever the shape of the queries-to-target distribution.
  Censored runs (never reached the target, counted as budget + 1) stay in as the largest values:
  an upper bound equal to that count means "not bounded within the budget".
* :func:`ratio_interval` — percentile bootstrap over seeds of median(a) / median(b) (or of
  median(a) / constant). Runs of two strategies with the same seed share their first random
  draws, so the resampling is paired by seed when both are given per seed.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

CONFIDENCE = 0.95
N_BOOT = 10_000


def median_interval(values, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Median and the order-statistic interval [x_(j), x_(n-j+1)] covering it with ≥ confidence.

    ``j`` is the largest rank with P(Binomial(n, ½) ≤ j − 1) ≤ (1 − confidence) / 2; ``coverage``
    is the exact coverage of that interval (≥ ``confidence``). Fewer than 6 values cannot reach
    95 %: the bounds are then NaN.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = x.size
    if n == 0:
        return {"median": np.nan, "low": np.nan, "high": np.nan, "coverage": np.nan, "n": 0}
    alpha = (1.0 - confidence) / 2.0
    j = 0
    while j + 1 <= n and binom.cdf(j, n, 0.5) <= alpha:
        j += 1
    median = float(np.median(x))
    if j == 0:
        return {"median": median, "low": np.nan, "high": np.nan, "coverage": np.nan, "n": n}
    coverage = 1.0 - 2.0 * float(binom.cdf(j - 1, n, 0.5))
    return {
        "median": median,
        "low": float(x[j - 1]),
        "high": float(x[n - j]),
        "coverage": coverage,
        "n": n,
    }


def ratio_interval(
    a,
    b=None,
    *,
    constant: float | None = None,
    confidence: float = CONFIDENCE,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> dict[str, float]:
    """median(a) / median(b) (paired by position: same seed) or median(a) / constant, with a
    percentile-bootstrap interval over seeds."""
    a = np.asarray(a, dtype=np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, a.size, size=(n_boot, a.size))
    boot_a = np.median(a[idx], axis=1)
    if b is None:
        if constant is None:
            raise ValueError("give either b (per-seed values) or constant")
        point = float(np.median(a)) / constant
        boot = boot_a / constant
    else:
        b = np.asarray(b, dtype=np.float64)
        if b.size != a.size:
            raise ValueError(
                f"paired ratio needs as many values in b as in a ({b.size} vs {a.size})"
            )
        point = float(np.median(a) / np.median(b))
        boot = boot_a / np.median(b[idx], axis=1)
    lo, hi = np.percentile(boot, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    return {"ratio": point, "low": float(lo), "high": float(hi)}
