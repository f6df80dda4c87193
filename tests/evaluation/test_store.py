"""The results store: no duplicates, failed runs retried, exports, and SIGKILL in mid-suite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from predbench.evaluation import ResultsStore, load_suite
from predbench.evaluation.store import COLUMNS, write_frame
from tests.evaluation._suites import write_suite


def row(run_id: str, status: str = "ok", tau: float | None = 0.5) -> dict:
    return {
        "run_id": run_id,
        "condition_id": "c-" + run_id,
        "series_id": "s-" + run_id,
        "settings": "{}",
        "task": "nb201/cifar10",
        "features": "graf",
        "predictor": "rf",
        "train_size": 32,
        "seed": 0,
        "status": status,
        "kendall_tau": tau,
        "error": None if status == "ok" else "Traceback ...\nValueError: boom",
    }


def test_ok_rows_are_never_duplicated_and_failed_rows_are_replaced(tmp_path):
    store = ResultsStore(tmp_path / "sub" / "r.duckdb")
    assert store.finished() == set()
    assert store.add([row("a"), row("b", "error", None)]) == 2
    assert store.finished() == {"a"}
    # the same ok run again: kept as it was; the failed run succeeds now: replaced
    assert store.add([row("a", tau=0.9), row("b")]) == 1
    frame = store.frame()
    assert sorted(frame["run_id"]) == ["a", "b"]
    assert frame.set_index("run_id").loc["a", "kendall_tau"] == 0.5
    assert store.finished(["b", "zzz"]) == {"b"}


def test_rows_come_back_in_the_requested_order(tmp_path):
    store = ResultsStore(tmp_path / "r.duckdb")
    store.add([row(x) for x in "abc"])
    assert list(store.frame(run_ids=["c", "a", "b"])["run_id"]) == ["c", "a", "b"]


def test_unknown_columns_are_refused(tmp_path):
    with pytest.raises(KeyError, match="kendal_tau"):
        ResultsStore(tmp_path / "r.duckdb").add([{**row("a"), "kendal_tau": 1.0}])


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".md"])
def test_exports_round_trip(tmp_path, suffix):
    store = ResultsStore(tmp_path / "r.duckdb")
    store.add([row("a", tau=0.25), row("b", tau=0.75)])
    path = store.export(tmp_path / f"out{suffix}")
    assert not list(tmp_path.glob(".out*"))  # no temporary file left behind
    if suffix == ".csv":
        back = pd.read_csv(path)
        assert list(back.columns) == list(COLUMNS)
        assert back["kendall_tau"].tolist() == [0.25, 0.75]
    elif suffix == ".parquet":
        assert pd.read_parquet(path)["kendall_tau"].tolist() == [0.25, 0.75]
    else:
        lines = path.read_text().splitlines()
        assert lines[0].startswith("| run_id | condition_id | series_id | task |")
        assert lines[2].startswith("| a |") and "| 0.250 |" in lines[2]


def test_unknown_export_format(tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        write_frame(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx")


SLOW = """
name = "killme"
tasks = ["nb201/cifar10"]
features = ["graf", "onehot"]
train_sizes = [16, 24]
seeds = 6
test_size = 3000
pool = "valid"

[[predictors]]
name = "rf"
params = { n_estimators = 60 }
"""


def _count(path: Path) -> int:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException:
        return -1  # the writer holds the file right now
    try:
        return con.execute("SELECT count(*) FROM runs").fetchone()[0]
    except duckdb.CatalogException:
        return 0
    finally:
        con.close()


def test_sigkill_mid_suite_loses_nothing_and_duplicates_nothing(tmp_path):
    suite_file = write_suite(tmp_path, SLOW)
    _, runs = load_suite(suite_file)
    assert len(runs) == 24
    db = tmp_path / "r.duckdb"
    command = [sys.executable, "-m", "predbench", "compare", str(suite_file), "--store", str(db)]
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _count(db) < 3:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no rows were written in 120 s"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    partial = ResultsStore(db).frame()
    assert 3 <= len(partial) < len(runs), "the kill must land mid-suite"
    assert partial["run_id"].is_unique and (partial["status"] == "ok").all()

    rerun = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(runs) - len(partial)} runs to do, {len(partial)} already in" in rerun.stdout
    final = ResultsStore(db).frame()
    assert len(final) == len(runs)  # 0 lost
    assert final["run_id"].is_unique  # 0 duplicated
    assert set(final["run_id"]) == {r.run_id for r in runs}
    assert (final["status"] == "ok").all() and final["kendall_tau"].notna().all()
    # the runs finished before the kill were not redone
    kept = final.set_index("run_id").loc[partial["run_id"], "finished_at"]
    assert kept.tolist() == partial["finished_at"].tolist()


def test_a_second_process_waits_for_the_lock_then_writes(tmp_path):
    from predbench.evaluation.store import StoreBusyError

    db = tmp_path / "r.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True);"
            " time.sleep(1.5); c.close()",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusyError, match="stayed locked by another process"):
            ResultsStore(db, lock_timeout=0.2).add([row("a")])
        start = time.monotonic()
        assert ResultsStore(db, lock_timeout=30).add([row("a")]) == 1
        assert time.monotonic() - start > 0.5  # it waited for the other writer
    finally:
        holder.wait(timeout=30)
    assert ResultsStore(db).finished() == {"a"}
