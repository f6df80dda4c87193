"""Two ``predbench compare`` processes on one store share a suite: each run executes once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from predbench.evaluation import ResultsStore

ROOT = Path(__file__).resolve().parents[2]

SUITE = """
name = "shared"
tasks = ["nb201/cifar10"]
features = ["graf"]
train_sizes = [128]
seeds = 8
pool = "valid"

[[predictors]]
name = "rf"
params = { n_estimators = 60 }
"""


def test_two_compares_on_one_store_split_the_runs(tmp_path):
    suite = tmp_path / "shared.toml"
    suite.write_text(SUITE)
    store = tmp_path / "r.duckdb"
    env = {**os.environ, "COLUMNS": "200"}
    command = [sys.executable, "-m", "predbench", "compare", str(suite), "--store", str(store)]
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    outputs = [p.communicate(timeout=600)[0] for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    done = [int(re.search(r"(\d+) runs done", out).group(1)) for out in outputs]
    assert sum(done) == 8, outputs  # no run executed twice, none left out
    frame = ResultsStore(store).frame()
    assert len(frame) == 8 and frame["run_id"].is_unique and (frame["status"] == "ok").all()
    for out in outputs:  # both print the whole suite's table
        assert "(n=8)" in out, out
    if min(done) > 0:
        assert all("done by another process" in out for out in outputs), outputs
