"""How long does ``load_task`` take: cold (read + merge files), warm from disk, warm in memory?

Baseline: reading the same source files with plain pandas / json / zipfile (no arch parsing, no
merging) — the least a user's own script would spend on every run. Run from the project root:

    PREDBENCH_MIRROR=../shared/data PYTHONPATH=. python benchmarks/data_load.py [TASK ...]

Uses a temporary cache (files are copied from the mirror first; copying is not timed).
"""

from __future__ import annotations

import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

import pandas as pd

DEFAULT_TASKS = ("nb201/cifar10", "nb301/cifar10", "nb101/cifar10", "tnb101_micro/class_scene")
REPEATS = 5


def _baseline(paths: list[str]) -> float:
    """Seconds to read every file of a task with plain tools, nothing else."""
    start = time.perf_counter()
    for path in paths:
        if path.endswith(".csv"):
            pd.read_csv(path)
        elif path.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.endswith(".json"):
                        json.loads(archive.read(member))
        elif path.endswith(".json"):
            with open(path) as handle:
                json.load(handle)
        elif path.endswith(".pt"):
            with zipfile.ZipFile(path) as archive:
                pickle.loads(archive.read("archive/data.pkl"))
    return time.perf_counter() - start


def _in_fresh_process(key: str, call: str) -> float:
    """Seconds ``call`` takes in a new process (imports done, nothing cached in memory)."""
    code = (
        "import time; from predbench.data import build_task, load_task, task_info; "
        f"t = time.perf_counter(); {call}({key!r}); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    tasks = sys.argv[1:] or DEFAULT_TASKS
    if not os.environ.get("PREDBENCH_MIRROR"):
        sys.exit("set PREDBENCH_MIRROR (e.g. ../shared/data) or run with network access")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["PREDBENCH_CACHE"] = cache
        from predbench.data import fetch_all, task_info
        from predbench.data.loading import _MEMORY, build_task, load_task

        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}"
        )
        header = (
            f"{'task':28s} {'archs':>7s} {'baseline':>9s} {'cold':>7s} {'disk':>7s} {'memory':>7s}"
        )
        print("seconds. baseline: plain pandas/json read of the task's files (min of 5); cold:")
        print("read + parse + merge in a new process (min of 3); disk: load_task from the parquet")
        print("cache in a new process (min of 3); memory: repeated load_task (median of 5)")
        print(header)
        for key in tasks:
            info = task_info(key)
            paths = fetch_all(info.files, progress=False)
            base = min(_baseline([str(paths[f]) for f in info.files]) for _ in range(REPEATS))
            task = build_task(info)
            cold = min(
                _in_fresh_process(key, "(lambda k: build_task(task_info(k)))") for _ in range(3)
            )
            load_task(key)  # writes the disk cache
            disk = min(_in_fresh_process(key, "load_task") for _ in range(3))
            _MEMORY.clear()
            load_task(key)
            mem = []
            for _ in range(REPEATS):
                start = time.perf_counter()
                load_task(key)
                mem.append(time.perf_counter() - start)
            print(
                f"{key:28s} {len(task):7d} {base:9.3f} {cold:7.3f} "
                f"{disk:7.3f} {statistics.median(mem):7.4f}"
            )


if __name__ == "__main__":
    main()
