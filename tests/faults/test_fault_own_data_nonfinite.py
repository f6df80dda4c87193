"""Issue 16, defect 9: ±inf (and NaN) targets or proxies in a user's file are refused.

0.1.0 read ``inf`` targets as numbers and ``inf`` proxies as failed proxies, from JSON and CSV
alike, so one bad export skewed every metric computed on it. Now the file, row and field are
named, from Python and from the command line (one line, exit code non-zero, nothing written);
the −1e8 placeholder for a failed proxy stays accepted.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from predbench.data import FAILED_PROXY, MalformedFileError, load_task_from_file
from tests.conftest import ROOT

ROWS = '"(0, 1, 2, 3, 4, 0)"', '"(2, 2, 2, 2, 2, 2)"'


@pytest.mark.parametrize(
    ("suffix", "content", "where", "field"),
    [
        (".csv", f"arch,val_accuracy,snip\n{ROWS[0]},1,2\n{ROWS[1]},inf,2\n", "line 3",
         "target 'val_accuracy'"),
        (".csv", f"arch,val_accuracy,snip\n{ROWS[0]},1,-inf\n", "line 2", "proxy 'snip'"),
        (".json", '{"c10": {"(2, 2, 2, 2, 2, 2)": {"val_accuracy": -Infinity}}}',
         "arch '(2, 2, 2, 2, 2, 2)'", "target 'val_accuracy'"),
        (".json", '{"c10": {"(2, 2, 2, 2, 2, 2)": {"val_accuracy": 1, "zen": Infinity}}}',
         "arch '(2, 2, 2, 2, 2, 2)'", "proxy 'zen'"),
    ],
)  # fmt: skip
def test_fault_own_data_nonfinite(tmp_path, suffix, content, where, field):
    path = tmp_path / f"mine{suffix}"
    path.write_text(content)
    with pytest.raises(MalformedFileError) as info:
        load_task_from_file(path, "nb201")
    message = str(info.value)
    assert str(path) in message and where in message and field in message
    assert "inf" in message and "\n" not in message


def test_failed_proxy_placeholder_stays_accepted(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(f"arch,val_accuracy,snip\n{ROWS[0]},1,-1e8\n{ROWS[1]},2,3.5\n")
    task = load_task_from_file(path, "nb201")
    assert sorted(task.proxies["snip"].tolist()) == [FAILED_PROXY, 3.5]


def test_fault_own_data_nonfinite_cli(tmp_path):
    """``predbench featurize --proxies-file`` refuses the file in one line and writes nothing."""
    scores = tmp_path / "scores.csv"
    scores.write_text(f"arch,val_accuracy,synflow\n{ROWS[0]},1,2\n{ROWS[1]},2,inf\n")
    out = tmp_path / "features.parquet"
    done = subprocess.run(
        [sys.executable, "-m", "predbench", "featurize", "--space", "nb201", "--features",
         "zcp", "--proxies-file", str(scores), "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "line 3" in done.stderr and "synflow" in done.stderr and str(scores) in done.stderr
    assert not out.exists()
    assert [p for p in tmp_path.iterdir() if p.name not in ("scores.csv",)] == []
