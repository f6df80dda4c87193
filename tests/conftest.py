"""Shared test fixtures.

Tests that need benchmark files read them from ``../shared`` beside the project root (override with
``PREDBENCH_SHARED``). When that folder is missing the tests **fail**, they never skip: a CI run
without the data must be red.
"""

from __future__ import annotations

import os
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
