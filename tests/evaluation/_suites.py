"""Suite texts shared by the harness tests."""

from __future__ import annotations

from pathlib import Path

TINY = """
name = "tiny"
tasks = ["nb201/cifar10"]
features = ["graf", "zcp"]
train_sizes = [20]
seeds = [0, 1]
test_size = 400
pool = "valid"

[[predictors]]
name = "rf"
params = { n_estimators = 10 }

[[predictors]]
name = "xgb"
params = { n_estimators = 20 }
"""


def write_suite(folder: Path, text: str, name: str = "suite.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
