"""Issue 16, defect 2: every user or environment error ends in one line, not a traceback.

Each fault is injected for real and ``predbench`` runs as its own process: a mirror folder that
does not exist, an HTTP 404 from a server on 127.0.0.1, a mirror copy whose checksum is wrong, a
cache that cannot be written, an output path that cannot be written, an arch file that is binary
or a folder. Each must end with exactly one ``error:`` line on stderr naming the file, URL or
setting, no traceback, and a non-zero exit code; ``--debug`` brings the traceback back.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_path
from tests.faults.conftest import SMALL

ARCH = "(0, 1, 2, 3, 4, 0)"


def _predbench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "predbench", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr and "╭" not in done.stderr, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, done.stderr[-3000:]
    return lines[0]


def test_fault_missing_mirror_folder(tmp_path):
    missing = tmp_path / "no-such-mirror"
    done = _predbench(
        "data", "fetch", SMALL,
        env={"PREDBENCH_MIRROR": str(missing), "PREDBENCH_CACHE": str(tmp_path / "cache")},
    )  # fmt: skip
    line = _one_error_line(done)
    assert "PREDBENCH_MIRROR" in line and str(missing) in line and "no such folder" in line


def test_fault_http_404(faulty_server, tmp_path):
    url = f"{faulty_server}/missing"
    done = _predbench(
        "data", "show", "tnb101_micro/svhn",
        env={"PREDBENCH_MIRROR": url, "PREDBENCH_CACHE": str(tmp_path / "cache")},
    )  # fmt: skip
    line = _one_error_line(done)
    assert f"{url}/automl__NASLib/run/results/benchmarks/9x_all.zip" in line
    assert "HTTP 404" in line and "PREDBENCH_MIRROR" in line


def test_fault_checksum_mismatch(tmp_path):
    mirror = tmp_path / "mirror"
    copy = mirror / SMALL
    copy.parent.mkdir(parents=True)
    data = bytearray(shared_path(f"data/{SMALL}").read_bytes())
    data[100] ^= 0x04
    copy.write_bytes(bytes(data))
    done = _predbench(
        "data", "fetch", SMALL,
        env={"PREDBENCH_MIRROR": str(mirror), "PREDBENCH_CACHE": str(tmp_path / "cache")},
    )  # fmt: skip
    line = _one_error_line(done)
    assert SMALL in line and "does not match the known hash" in line


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder nothing can be created in: read-only for a normal user; under a file for root
    (root ignores permission bits, not a file standing where a folder must be)."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker / "sub"


def test_fault_unwritable_cache(tmp_path, data_mirror):
    cache = _unwritable_folder(tmp_path) / "cache"
    done = _predbench(
        "data", "fetch", SMALL,
        env={"PREDBENCH_MIRROR": str(data_mirror), "PREDBENCH_CACHE": str(cache)},
    )  # fmt: skip
    line = _one_error_line(done)
    assert str(cache.parent) in line or str(cache) in line


@pytest.fixture
def arch_file(tmp_path: Path) -> Path:
    path = tmp_path / "archs.txt"
    path.write_text(ARCH + "\n")
    return path


def test_fault_unwritable_output(tmp_path, arch_file):
    out = _unwritable_folder(tmp_path) / "features.parquet"
    done = _predbench(
        "featurize", "--space", "nb201", "--features", "onehot", "--archs", str(arch_file),
        "-o", str(out),
    )  # fmt: skip
    line = _one_error_line(done)
    assert str(out.parent) in line
    assert not out.exists()


@pytest.mark.parametrize("kind", ["binary", "folder"])
def test_fault_bad_arch_file(tmp_path, kind):
    if kind == "binary":
        archs = tmp_path / "archs.txt"
        archs.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    else:
        archs = tmp_path / "archs-folder"
        archs.mkdir()
    out = tmp_path / "features.parquet"
    done = _predbench(
        "featurize", "--space", "nb201", "--features", "onehot", "--archs", str(archs),
        "-o", str(out),
    )  # fmt: skip
    line = _one_error_line(done)
    assert str(archs) in line and ("binary" in line or "folder" in line)
    assert not out.exists()


def test_debug_shows_the_traceback(tmp_path):
    done = _predbench(
        "--debug", "data", "show", "tnb101_micro/svhn",
        env={"PREDBENCH_MIRROR": str(tmp_path / "none"), "PREDBENCH_CACHE": str(tmp_path / "c")},
    )  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" in done.stderr and "FileNotFoundError" in done.stderr


def test_version():
    from predbench import __version__

    done = _predbench("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"predbench {__version__}"


def test_fault_corrupt_results_store(tmp_path):
    store = tmp_path / "results.duckdb"
    store.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    line = _one_error_line(_predbench("results", "--store", str(store)))
    assert str(store) in line and "results store" in line


def test_fault_suite_path_is_a_folder(tmp_path):
    suite = tmp_path / "suite.toml"
    suite.mkdir()
    line = _one_error_line(_predbench("compare", str(suite)))
    assert str(suite) in line and "folder" in line
