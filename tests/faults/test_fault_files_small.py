"""Issue 16, defect 11 (data parts): file modes, killed writes, damaged chunk and arch files.

* cached downloads get an ordinary file's mode (``0o666`` minus the umask), not pooch's private
  0600;
* a writer killed with SIGKILL (a real process) leaves its ``.tmp`` file; the next write to the
  same destination removes it — and never the temporary file of a writer still running;
* a damaged ``<output>.parts`` chunk, or a damaged / binary arch file, gives an error naming the
  file and what to do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from featurizers.io import STALE_AFTER_S, atomic_write_text, remove_stale_temporaries
from featurizers.spaces import get_space
from featurizers.zerocost.engine import ChunkResult
from featurizers.zerocost.store import ResumableRun
from predbench.cli.proxies import read_archs
from predbench.data import fetch
from tests.conftest import ROOT
from tests.faults.conftest import SMALL


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_fault_download_mode_follows_umask(fresh_cache, data_mirror, monkeypatch, umask, mode):
    monkeypatch.setenv("PREDBENCH_MIRROR", str(data_mirror))
    old = os.umask(umask)
    try:
        path = fetch(SMALL, progress=False)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode


def test_private_download_of_older_version_is_relaxed(fresh_cache, data_mirror, monkeypatch):
    monkeypatch.setenv("PREDBENCH_MIRROR", str(data_mirror))
    path = fetch(SMALL, progress=False)
    path.chmod(0o600)
    old = os.umask(0o022)
    try:
        assert fetch(SMALL, progress=False) == path
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


_KILLED_WRITER = """
import os, signal, sys
from featurizers.io import atomic_write

def write(tmp):
    tmp.write_text("half a table")
    os.kill(os.getpid(), signal.SIGKILL)

atomic_write(sys.argv[1], write)
"""


def test_fault_killed_atomic_write_is_cleaned(tmp_path):
    target = tmp_path / "table.csv"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(target)], cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == -9  # really killed
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].name.startswith(".table.csv.")
    assert not target.exists()

    # A temporary file of a writer that is still running (this process) must survive.
    from featurizers import io as fio

    running = tmp_path / f".table.csv.{os.getpid()}-{fio._HOST}-abc123.tmp"
    running.write_text("in progress")
    # Old-style names (no writer id): removed only once a day old.
    legacy_old, legacy_new = tmp_path / ".table.csv.x1y2.tmp", tmp_path / ".table.csv.z3w4.tmp"
    legacy_old.write_text("old")
    legacy_new.write_text("new")
    stamp = time.time() - STALE_AFTER_S - 60
    os.utime(legacy_old, (stamp, stamp))
    other = tmp_path / ".other.csv.1-00000000-zz.tmp"  # another destination: not ours to judge
    other.write_text("x")

    atomic_write_text(target, "whole table")
    assert target.read_text() == "whole table"
    assert not left[0].exists() and not legacy_old.exists()
    assert running.exists() and legacy_new.exists() and other.exists()
    assert remove_stale_temporaries(target) == []


def _run_with_one_chunk(output: Path) -> Path:
    run = ResumableRun(output, {"space": "nb201", "proxies": ["params"], "seed": 0})
    assert run.load() == []
    archs = get_space("nb201").all_archs()[:3]
    run.save(
        ChunkResult(
            archs,
            {"params": np.array([0.1, 0.2, 0.3])},
            {"params": np.zeros(3, dtype=bool)},
            {"params": 0.01},
        )
    )
    (chunk,) = sorted(run.parts.glob("chunk-*.json"))
    return chunk


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b"\x00\xff" + b[2:],  # binary garbage
        lambda b: json.dumps({"archs": [1], "scores": 5}).encode(),  # wrong structure
    ],
    ids=["truncated", "binary", "wrong-structure"],
)
def test_fault_damaged_parts_chunk_names_the_file(tmp_path, damage):
    output = tmp_path / "scores.json"
    chunk = _run_with_one_chunk(output)
    chunk.write_bytes(damage(chunk.read_bytes()))
    run = ResumableRun(output, {"space": "nb201", "proxies": ["params"], "seed": 0})
    with pytest.raises(ValueError) as info:
        run.load()
    message = str(info.value)
    assert str(chunk) in message and "Delete it and rerun" in message
    assert "\n" not in message


def test_undamaged_chunk_still_resumes(tmp_path):
    output = tmp_path / "scores.json"
    _run_with_one_chunk(output)
    chunks = ResumableRun(output, {"space": "nb201", "proxies": ["params"], "seed": 0}).load()
    assert len(chunks) == 1 and chunks[0].scores["params"].tolist() == [0.1, 0.2, 0.3]


@pytest.mark.parametrize(
    ("name", "content", "part"),
    [
        ("archs.json", b'["(0, 1, 2, 3, 4, 0)", ', "not valid JSON"),
        ("archs.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        ("archs.txt", "(0, 1, 2, 3, 4, 0)\n\xe9t\xe9\n".encode("latin-1"), "not UTF-8"),
        ("archs.csv", b'arch\n"(0, 1, 2\n', "cannot read as CSV"),
    ],
)
def test_fault_damaged_arch_file_names_the_file(tmp_path, name, content, part):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        read_archs(str(path), get_space("nb201"))
    message = str(info.value)
    assert str(path) in message and part in message


def test_arch_file_that_is_a_folder(tmp_path):
    with pytest.raises(ValueError, match=r"is a folder, expected a file of archs"):
        read_archs(str(tmp_path), get_space("nb201"))
