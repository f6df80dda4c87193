"""Execute the tutorial notebooks from scratch and save them with their outputs.

The notebooks in ``notebooks/`` are committed *with* their outputs, so that tables and plots show
when browsing the repository; CI still executes them from scratch (``pytest --nbmake``), without
writing them back. This script is how the committed outputs are refreshed::

    PREDBENCH_MIRROR=../shared/data python scripts/execute_notebooks.py            # all three
    PREDBENCH_MIRROR=../shared/data python scripts/execute_notebooks.py notebooks/02_*.ipynb

Each notebook runs in a fresh kernel in ``notebooks/`` (as nbmake runs it) with this checkout
first on ``PYTHONPATH`` and a throw-away ``PREDBENCH_CACHE``. Before saving, what changes from
run to run without meaning anything is dropped — execution timings, the kernel's Python version —
so that re-executing an unchanged notebook gives the same file. Afterwards
``pytest tests/notebooks`` checks the saved outputs (no warnings, no paths, no per-arch rows).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from featurizers.io import atomic_write_text

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: Notebook-level metadata kept; the rest (language_info's version, widgets state) is run noise.
KEPT_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop per-run noise so an unchanged notebook re-executes to the same bytes."""
    nb.metadata = nbformat.from_dict(KEPT_METADATA)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
    return nb


def execute(path: Path, timeout: int) -> None:
    """Run ``path`` top to bottom in a fresh kernel and write it back with its outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    text = nbformat.writes(clean(nb))
    text += "" if text.endswith("\n") else "\n"
    atomic_write_text(path, text)
    print(f"{path.name}: {len(text.encode()) / 1024:.0f} KiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))

    mirror = Path(os.environ.get("PREDBENCH_MIRROR", ROOT.parent / "shared" / "data")).resolve()
    if not mirror.is_dir():
        print(f"{mirror} is missing: set PREDBENCH_MIRROR to the benchmark folder", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="predbench-notebook-cache-") as cache:
        # The kernels inherit this environment (as under nbmake: notebooks/conftest.py).
        os.environ.update(
            {
                "PYTHONPATH": os.pathsep.join(
                    p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p
                ),
                "PREDBENCH_MIRROR": str(mirror),
                "PREDBENCH_CACHE": cache,
            }
        )
        for path in paths:
            execute(path, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
