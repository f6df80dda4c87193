"""A small synthetic NB201 task with a known optimum, shared by the search tests.

The domain is every NB201 cell whose six edges carry ``skip_connect``, ``nor_conv_3x3`` or
``nor_conv_1x1`` (3**6 = 729 cells, each with 12 one-edit neighbours inside the domain). The
validation accuracy is additive over edges plus one pairwise bonus, so its optimum is unique and
reachable by hill climbing; the test accuracy differs from it on purpose (a leak would show);
``edgegpu_latency`` grows with the number of convolutions; ``nwot`` is a noisy copy of the
accuracy, recorded for half of the cells only.

Importable by a subprocess (``tests/search`` on ``sys.path``) for the resume test.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from featurizers.spaces import get_space
from predbench.data.task import Task

OPS_USED = (0, 2, 3)  # skip_connect, nor_conv_3x3, nor_conv_1x1
#: Per-edge contribution of each op id (rows: edges in tuple order; columns: op ids 0..4).
EDGE_GAIN = np.array(
    [
        [1.0, 0.0, 3.0, 2.0, 0.0],
        [2.0, 0.0, 1.0, 3.0, 0.0],
        [0.5, 0.0, 2.5, 1.5, 0.0],
        [3.0, 0.0, 1.0, 2.0, 0.0],
        [1.0, 0.0, 2.0, 3.5, 0.0],
        [1.5, 0.0, 3.0, 0.5, 0.0],
    ]
)
LATENCY = np.array([0.2, 0.0, 3.0, 1.0, 0.5])


def make_task() -> Task:
    space = get_space("nb201")
    ops = np.array(list(itertools.product(OPS_USED, repeat=6)), dtype=np.int8)
    archs = space.from_ops(ops)
    val = 60.0 + EDGE_GAIN[np.arange(6), ops].sum(axis=1)
    val = val + 1.25 * ((ops[:, 0] == 2) & (ops[:, 5] == 2))
    test = val - 1.0 + 0.3 * np.cos(np.arange(len(archs)))
    latency = LATENCY[ops].sum(axis=1) + 0.01 * (np.arange(len(archs)) % 7)
    rng = np.random.default_rng(0)
    nwot = val + rng.normal(0, 0.5, size=len(archs))
    nwot[::2] = np.nan
    index = pd.Index(archs, name="arch")
    targets = pd.DataFrame(
        {"val_accuracy": val, "test_accuracy": test, "edgegpu_latency": latency}, index=index
    )
    proxies = pd.DataFrame({"nwot": nwot}, index=index)
    times = pd.DataFrame({"nwot": np.where(np.isnan(nwot), np.nan, 0.01)}, index=index)
    return Task(
        space="nb201", name="synthetic", targets=targets, proxies=proxies, proxy_times=times
    )


_TASK: Task | None = None


def load_synthetic(key: str) -> Task:
    """Task loader for suites: only ``nb201/synthetic``."""
    global _TASK
    if key != "nb201/synthetic":
        raise KeyError(f"unknown test task {key!r}")
    if _TASK is None:
        _TASK = make_task()
    return _TASK
