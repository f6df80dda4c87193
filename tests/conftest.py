"""Shared test fixtures.

Tests that need benchmark files read them from ``../shared`` beside the project root (override with
``PREDBENCH_SHARED``). When that folder is missing the tests **fail**, they never skip: a CI run
without the data must be red.

The autouse ``data_env`` fixture points predbench's data layer at ``../shared/data`` as a local
mirror and at a temporary cache, so any test can call ``predbench.data.load_task`` offline without
touching the user's cache.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PREDBENCH_SHARED", ROOT.parent / "shared")).resolve()


def shared_path(relative: str) -> Path:
    """Path of a file under the shared folder; fails the calling test if it is missing."""
    path = SHARED / relative
    if not path.exists():
        pytest.fail(
            f"{path} is missing: tests need the shared benchmark folder (../shared beside the "
            "project, or PREDBENCH_SHARED)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder (``data/``, ``reference/``)."""
    return shared_path(".")


@pytest.fixture(scope="session", autouse=True)
def data_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point predbench's data layer at the shared folder and a throw-away cache, for every test.

    ``PREDBENCH_MIRROR`` = ``../shared/data`` (no network, files still sha256-checked and copied)
    and ``PREDBENCH_CACHE`` = a temporary folder, so tests never read or write the user's cache.
    Under pytest-xdist the workers share one cache folder (downloads and parsed tasks are written
    atomically, so concurrent workers are safe). Yields the cache folder.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    cache = base / "predbench-cache"
    names = ("PREDBENCH_CACHE", "PREDBENCH_MIRROR")
    saved = {name: os.environ.get(name) for name in names}
    os.environ["PREDBENCH_CACHE"] = str(cache)
    os.environ["PREDBENCH_MIRROR"] = str(SHARED / "data")
    yield cache
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def data_mirror() -> Path:
    """The shared benchmark folder used as ``PREDBENCH_MIRROR`` (fails if it is missing)."""
    return shared_path("data")
