"""Fixtures of the search tests: the synthetic task, and the real NB201 CIFAR-10 task."""

from __future__ import annotations

import pytest
from search_synthetic import make_task


@pytest.fixture(scope="session")
def task():
    return make_task()


@pytest.fixture(scope="session")
def optimum(task):
    values = task.targets["val_accuracy"]
    top = values.max()
    assert (values == top).sum() == 1, "the synthetic optimum must be unique"
    return values.idxmax()


@pytest.fixture(scope="session")
def nb201_cifar10():
    """The real NB201 CIFAR-10 task (read from the shared benchmark folder by the data layer)."""
    from predbench.data import load_task

    return load_task("nb201/cifar10")
