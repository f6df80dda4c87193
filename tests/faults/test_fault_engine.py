"""Faults of the run engine and the store: dead workers, killed parents, failed commits, bad
search input — each handled with the run recorded, the workers gone and the cause named."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from predbench.cli import app
from predbench.runs.executor import RunCrashed, execute
from predbench.runs.store import transaction

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_a_worker_killed_in_a_run_costs_that_run_only():
    def run(spec: int) -> int:
        if spec == 3:
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        time.sleep(0.2)
        return spec * 10

    outcomes = dict(execute(run, list(range(6)), jobs=2))
    assert set(outcomes) == set(range(6))
    assert isinstance(outcomes[3], RunCrashed) and "worker process died" in outcomes[3].error
    assert {k: v for k, v in outcomes.items() if k != 3} == {0: 0, 1: 10, 2: 20, 4: 40, 5: 50}


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_exit_when_the_parent_is_killed(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from predbench.runs.executor import execute

        def slow(spec):
            time.sleep(120)
            return spec

        print("started", flush=True)
        for _ in execute(slow, [1, 2, 3, 4], jobs=2):
            pass
        """
    )
    path = tmp_path / "parent.py"
    path.write_text(script)
    parent = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.5)
            workers = _descendants(parent.pid)
        assert len(workers) >= 2, "the pool never started"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.25)
        assert not [p for p in workers if _alive(p)], "workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()


class _FailingCommit:
    """A connection whose COMMIT fails as on a full disk (and whose ROLLBACK then fails too)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, sql: str, *args):
        self.statements.append(sql)
        if sql == "COMMIT":
            raise duckdb.IOException('Could not write file "r.duckdb.wal": No space left on device')
        if sql == "ROLLBACK":
            raise duckdb.TransactionException("cannot rollback - no transaction is active")
        return self


def test_a_failed_commit_reports_its_cause_not_the_rollback():
    con = _FailingCommit()
    with pytest.raises(duckdb.IOException, match="No space left on device"):
        with transaction(con):
            con.execute("INSERT INTO runs VALUES (1)")
    assert con.statements == [
        "BEGIN TRANSACTION",
        "INSERT INTO runs VALUES (1)",
        "COMMIT",
        "ROLLBACK",
    ]


@pytest.mark.parametrize(
    "options, words",
    [
        (["--budget", "0"], "budget: expected a whole number ≥ 1, got 0"),
        (["--seeds", "0"], "seeds: a seed count must be ≥ 1, got 0"),
        (["--seeds", "-4"], "seeds: a seed count must be ≥ 1, got -4"),
        (["--predictor", "xgb", "--predictor-param", "n_estimators=-5"], "n_estimators"),
        (["--param", "sample=3"], "has no parameter ['sample']"),
        (["--task", "nb201/cifar1000"], "unknown task 'nb201/cifar1000'"),
    ],
)
def test_search_checks_its_input_before_any_run(tmp_path, options, words):
    store = tmp_path / "s.duckdb"
    base = ["search", "--task", "nb201/cifar10", "--strategy", "evolution", "--store", str(store)]
    if options[0] == "--predictor":
        base[base.index("evolution")] = "bananas"
    if options[0] == "--task":
        base[2] = options[1]
        options = []
    result = runner.invoke(app, [*base, *options])
    assert result.exit_code != 0
    assert words in " ".join(result.output.split())
    assert not store.exists()  # nothing ran, nothing was written


def test_jobs_must_be_positive_for_search(tmp_path):
    result = runner.invoke(
        app, ["search", "--task", "nb201/cifar10", "--strategy", "random", "--jobs", "-3"]
    )
    text = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code != 0 and "--jobs" in text and "greater than or equal to 1" in text


def test_report_for_an_unknown_suite_is_an_error_not_an_empty_page(tmp_path):
    from predbench.evaluation import ResultsStore

    store = ResultsStore(tmp_path / "r.duckdb")
    store.set_suite("quickstart", "compare", [])
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["report", "--store", str(store.path), "--suite", "quikstart", "-o", str(out)]
    )
    assert result.exit_code != 0
    assert "no suite named ['quikstart']" in " ".join(result.output.replace("│", " ").split())
    assert not out.exists()


def test_proxies_on_a_missing_gpu_fail_instead_of_falling_back(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the fault cannot be provoked")
    archs = tmp_path / "archs.txt"
    archs.write_text(
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|\n"
    )
    out = tmp_path / "scores.json"
    result = runner.invoke(
        app,
        ["proxies", "--space", "nb201", "--archs", str(archs), "--proxies", "params",
         "--device", "cuda", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "CUDA is not available" in " ".join(result.output.replace("│", " ").split())
    assert not out.exists()


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(
        app,
        ["compare", "quickstart", "--scheduler", f"tcp://127.0.0.1:{port}", "--store",
         str(tmp_path / "r.duckdb"), "--seeds", "1"],
    )  # fmt: skip
    assert result.exit_code != 0
    text = " ".join(result.output.replace("│", " ").split())
    assert f"cannot reach the Dask scheduler tcp://127.0.0.1:{port}" in text
    assert "Traceback" not in result.output
