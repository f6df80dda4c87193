"""Issue 16, defect 5: a slow mirror neither hangs ``fetch`` nor leaves a ``tmp*`` in the cache.

A real HTTP server on 127.0.0.1 trickles the file: one byte a second (stalled by any measure) or
2.4 kB a second (steady but too slow for the whole-file deadline). Both downloads end within a
second or two of the configured limit with :class:`DownloadTimeoutError`, the message names the URL
and the settings, and nothing is left in the cache. A ``tmp*`` file left by a killed download is
cleaned by the next fetch once it is older than the deadline.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from predbench.data import fetch, load_registry
from predbench.data.download import DownloadTimeoutError, files_dir
from tests.conftest import ROOT
from tests.faults.conftest import SMALL, files_under


def test_fault_slow_mirror_stall(faulty_server, fresh_cache, monkeypatch):
    monkeypatch.setenv("PREDBENCH_MIRROR", f"{faulty_server}/trickle")
    monkeypatch.setenv("PREDBENCH_DOWNLOAD_STALL", "2")
    start = time.monotonic()
    with pytest.raises(DownloadTimeoutError) as info:
        fetch(SMALL, progress=False)
    elapsed = time.monotonic() - start
    assert 2.0 <= elapsed < 10.0
    message = str(info.value)
    assert f"{faulty_server}/trickle/{SMALL}" in message
    assert "stalled" in message and "PREDBENCH_DOWNLOAD_STALL" in message
    assert files_under(fresh_cache) == []


def test_fault_slow_mirror_deadline(faulty_server, fresh_cache, monkeypatch):
    """Steady 2.4 kB/s is no stall (1 s window), but the 1.2 s whole-file deadline ends it."""
    monkeypatch.setenv("PREDBENCH_MIRROR", f"{faulty_server}/slow")
    monkeypatch.setenv("PREDBENCH_DOWNLOAD_STALL", "1")
    monkeypatch.setenv("PREDBENCH_DOWNLOAD_DEADLINE", "1.2")
    start = time.monotonic()
    with pytest.raises(DownloadTimeoutError, match=r"ran past 1\.2 s"):
        fetch(SMALL, progress=False)
    assert time.monotonic() - start < 10.0
    assert files_under(fresh_cache) == []


def test_fault_slow_mirror_cli_process_ends(faulty_server, tmp_path):
    """``predbench data fetch`` as a real process: ends on its own, exit code non-zero."""
    env = {
        **os.environ,
        "PREDBENCH_CACHE": str(tmp_path / "cache"),
        "PREDBENCH_MIRROR": f"{faulty_server}/trickle",
        "PREDBENCH_DOWNLOAD_STALL": "2",
    }
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "predbench", "data", "fetch", SMALL],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert time.monotonic() - start < 40.0
    assert "Traceback" not in done.stderr
    error = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "PREDBENCH_DOWNLOAD_STALL" in error[0], done.stderr
    assert files_under(tmp_path / "cache") == []


def test_stale_pooch_temporary_is_removed(faulty_server, fresh_cache, monkeypatch):
    monkeypatch.setenv("PREDBENCH_MIRROR", f"{faulty_server}/good")
    folder = (files_dir() / SMALL).parent
    folder.mkdir(parents=True)
    stale, fresh, other = folder / "tmpab12cd34", folder / "tmpzz99yy88", folder / "tmp-notes.txt"
    for path in (stale, fresh, other):
        path.write_bytes(b"partial")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    path = fetch(SMALL, progress=False)
    assert path.stat().st_size == load_registry()[SMALL].size
    assert not stale.exists()  # left by a killed download an hour ago
    assert fresh.exists()  # may belong to a download still running
    assert other.exists()  # not a pooch temporary name


def test_download_settings_are_checked(monkeypatch):
    from predbench.data.download import deadline_seconds, stall_seconds

    monkeypatch.setenv("PREDBENCH_DOWNLOAD_STALL", "soon")
    with pytest.raises(ValueError, match="PREDBENCH_DOWNLOAD_STALL='soon'"):
        stall_seconds()
    monkeypatch.setenv("PREDBENCH_DOWNLOAD_DEADLINE", "-1")
    with pytest.raises(ValueError, match="positive number of seconds"):
        deadline_seconds()
    monkeypatch.delenv("PREDBENCH_DOWNLOAD_STALL")
    monkeypatch.delenv("PREDBENCH_DOWNLOAD_DEADLINE")
    assert (stall_seconds(), deadline_seconds()) == (30.0, 600.0)
