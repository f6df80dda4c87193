"""Run the tutorials as tests (``pytest --nbmake notebooks/``) against this checkout.

Each notebook runs in its own kernel process, which inherits this process's environment: while a
notebook runs, the project root is on ``PYTHONPATH`` (so the tutorials import this checkout even
when it is not installed) and the data layer reads the shared benchmark folder ``../shared/data``
through ``PREDBENCH_MIRROR`` with a throw-away ``PREDBENCH_CACHE``, as the unit tests do.
(Notebook items take no fixtures, hence hooks.)

nbmake executes each notebook from scratch and does not write it back: the outputs committed
with the notebooks come from ``scripts/execute_notebooks.py`` and are checked by
``tests/notebooks/test_committed_notebooks.py``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PREDBENCH_SHARED", ROOT.parent / "shared")).resolve()
_CACHE = Path(tempfile.gettempdir()) / f"predbench-notebook-cache-{os.getpid()}"
_SAVED: dict[str, str | None] = {}


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not (SHARED / "data").is_dir():
        pytest.fail(
            f"{SHARED / 'data'} is missing: the tutorials need the shared benchmark folder",
            pytrace=False,
        )
    values = {
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
        "PREDBENCH_MIRROR": str(SHARED / "data"),
        "PREDBENCH_CACHE": str(_CACHE),
    }
    _SAVED.update({name: os.environ.get(name) for name in values})
    os.environ.update(values)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    for name, value in _SAVED.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _SAVED.clear()
