"""Graph predictors named in a suite run through the harness: in-process, loky, Dask."""

from __future__ import annotations

import pandas as pd
import pytest

from predbench.evaluation import ResultsStore, load_suite, run_suite

SUITE = """
name = "gnn-tiny"
tasks = ["nb201/cifar10"]
features = ["zcp"]
train_sizes = [40]
seeds = [0]
test_size = 300
pool = "valid"

[[predictors]]
name = "gin"
label = "gin+zcp"
params = { hidden = 16, epochs = 30 }

[[predictors]]
name = "gates"
label = "gates graph-only"
params = { hidden = 16, epochs = 30, use_features = false }
"""

METRICS = ["kendall_tau", "spearman", "r2", "n_train", "n_test"]


def _frame(runs, path, **how) -> pd.DataFrame:
    summary = run_suite(runs, ResultsStore(path), **how)
    assert summary.failed == 0, ResultsStore(path).frame()["error"].dropna().tolist()
    return ResultsStore(path).frame().set_index("run_id").sort_index()


@pytest.mark.slow
def test_gnn_suite_runs_identically_in_process_and_in_workers(tmp_path):
    """Pickled to workers, torch limited to one thread each, same seed → same metrics."""
    path = tmp_path / "gnn.toml"
    path.write_text(SUITE, encoding="utf-8")
    _, runs = load_suite(path)
    assert len(runs) == 2
    serial = _frame(runs, tmp_path / "serial.duckdb", jobs=1)
    for other in (
        _frame(runs, tmp_path / "loky.duckdb", jobs=2),
        _frame(runs, tmp_path / "dask.duckdb", dask_workers=2),
    ):
        pd.testing.assert_frame_equal(serial[METRICS], other[METRICS], check_exact=True)
    assert serial["kendall_tau"].between(0.2, 1).all()
    assert sorted(serial["n_features"]) == [13, 13]
