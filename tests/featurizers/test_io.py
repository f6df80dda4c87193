"""Atomic writes: the destination is whole or untouched, with an ordinary file mode."""

from __future__ import annotations

import os

import pytest

from featurizers.io import atomic_write, atomic_write_text


def test_writes_with_an_ordinary_mode(tmp_path):
    path = atomic_write_text(tmp_path / "sub" / "a.txt", "hello")
    assert path.read_text() == "hello"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in path.parent.iterdir()] == ["a.txt"]


def test_a_failing_writer_leaves_the_old_file_and_no_temp(tmp_path):
    path = atomic_write_text(tmp_path / "a.txt", "old")

    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(path, broken)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
