"""Same seeds → same metrics, whichever executor: in-process, 2 loky workers, a Dask LocalCluster."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from predbench.evaluation import ResultsStore, load_suite, run_suite
from predbench.evaluation.features import cached_pool, cached_task
from predbench.evaluation.runner import execute_run
from predbench.evaluation.splits import split

METRIC_COLUMNS = ["kendall_tau", "spearman", "precision_at_k", "r2", "mae", "n_train", "n_test"]


def _run(runs, path, **how) -> pd.DataFrame:
    store = ResultsStore(path)
    summary = run_suite(runs, store, **how)
    assert summary.failed == 0 and summary.ok == len(runs)
    return store.frame().set_index("run_id").sort_index()


def test_identical_metrics_across_executors(tiny_suite, tmp_path):
    _, runs = load_suite(tiny_suite)
    assert len(runs) == 8
    serial = _run(runs, tmp_path / "serial.duckdb", jobs=1)
    loky = _run(runs, tmp_path / "loky.duckdb", jobs=2)
    dask = _run(runs, tmp_path / "dask.duckdb", dask_workers=2)
    for other in (loky, dask):
        pd.testing.assert_frame_equal(
            serial[METRIC_COLUMNS], other[METRIC_COLUMNS], check_exact=True
        )
    assert serial["kendall_tau"].between(0.2, 1).all()  # they did learn something
    # a second invocation finds everything done
    again = run_suite(runs, ResultsStore(tmp_path / "serial.duckdb"))
    assert (again.skipped, again.ran) == (8, 0)


def test_split_is_shared_by_feature_sets_and_fixed_by_the_seed(tiny_suite):
    _, runs = load_suite(tiny_suite)
    pool = cached_pool("nb201/cifar10", "val_accuracy", runs[0].pool)
    assert len(pool) == runs[0].pool_size == 9445
    train_a, test_a = split(pool, 20, seed=1, test_size=400)
    train_b, test_b = split(pool, 20, seed=1, test_size=400)
    assert train_a.equals(train_b) and test_a.equals(test_b)
    assert len(train_a.intersection(test_a)) == 0 and len(test_a) == 400
    train_c, _ = split(pool, 20, seed=2, test_size=400)
    assert not train_a.equals(train_c)
    # one seed: nested training sets, one fixed-size test set for every train size
    train_big, test_big = split(pool, 200, seed=1, test_size=400)
    assert train_big[:20].equals(train_a) and test_big.equals(test_a)
    _, rest = split(pool, 20, seed=1)
    assert len(rest) == len(pool) - 20 and rest.isin(test_a).sum() == 400
    task = cached_task("nb201/cifar10")
    assert task.targets.loc[train_a, "val_accuracy"].notna().all()


def test_a_failing_run_becomes_an_error_row(tiny_suite):
    import dataclasses

    _, runs = load_suite(tiny_suite)
    broken = dataclasses.replace(runs[0], params='{"n_estimators": -3}')
    row = execute_run(broken)
    assert row["status"] == "error" and np.isnan(row.get("kendall_tau", np.nan))
    assert "n_estimators" in row["error"]
    stale = dataclasses.replace(runs[0], pool_hash="0" * 16)
    assert "not the one the run was planned on" in execute_run(stale)["error"]
    other_data = dataclasses.replace(runs[0], data="0" * 16)
    assert "this process reads other files" in execute_run(other_data)["error"]


@pytest.mark.parametrize("bad", [0, -1])
def test_jobs_must_be_positive(bad):
    from predbench.runs.executor import execute

    with pytest.raises(ValueError, match="jobs"):
        list(execute(str, ["a"], jobs=bad))


def test_an_existing_scheduler_by_address(tiny_suite, tmp_path):
    """``--scheduler tcp://…``: runs go to a cluster the harness did not start (and does not stop)."""
    from distributed import LocalCluster

    _, runs = load_suite(tiny_suite)
    runs = runs[:2]
    with LocalCluster(
        n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = _run(runs, tmp_path / "remote.duckdb", scheduler=cluster.scheduler_address)
        assert cluster.status.name == "running"
    local = _run(runs, tmp_path / "local.duckdb", jobs=1)
    pd.testing.assert_frame_equal(local[METRIC_COLUMNS], remote[METRIC_COLUMNS], check_exact=True)


def test_a_process_loads_each_task_and_builds_each_table_once(tiny_suite):
    from predbench.evaluation import features

    _, runs = load_suite(tiny_suite)
    features.clear_caches()
    for spec in runs:  # 8 runs over one task and two feature sets
        assert execute_run(spec)["status"] == "ok"
    from predbench.runs import cache

    assert cache.task_cache_info().misses == 1
    assert features.table_cache_info().misses == 2
    assert features.table_cache_info().hits == len(runs) - 2
