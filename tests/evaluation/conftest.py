"""Tiny suites on real data (NB201 CIFAR-10) for the harness tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.evaluation._suites import TINY, write_suite


@pytest.fixture
def tiny_suite(tmp_path: Path) -> Path:
    """8 fast runs: graf/zcp × rf/xgb × one train size × two seeds, 400 test archs."""
    return write_suite(tmp_path, TINY, "tiny.toml")
