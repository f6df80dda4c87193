"""Issue 16, defect 1: a parsed-task cache entry whose bytes changed on disk is never served.

The fault injected is the one reproduced on 0.1.0: one bit flipped inside a parquet *data page*
of the cached task, chosen so that the file still decodes and one number changes (a silent
error, not a crash). ``load_task`` must notice (the sha256 recorded at write time), warn, and
serve the values rebuilt from the verified downloads.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from predbench.data import CacheIntegrityWarning, _cache, load_task, task_info
from predbench.data.loading import _MEMORY

TASK = "tnb101_micro/svhn"  # one source file (9x_all.zip): quick to rebuild
COLUMN = "target:val_accuracy"


def _silent_bit_flip(path: Path, column: str) -> tuple[int, int]:
    """Flip one bit inside ``column``'s data page so the file still reads but a value changes.

    Returns (byte offset, bit). Tries the page's bytes from the end (values) backwards.
    """
    meta = pq.ParquetFile(path).metadata
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    chunk = meta.row_group(0).column(names.index(column))
    start = chunk.data_page_offset
    stop = start + chunk.total_compressed_size
    original = path.read_bytes()
    before = pq.read_table(path, columns=[column]).column(0).to_numpy()
    for offset in range(stop - 1, start, -1):
        for bit in range(8):
            data = bytearray(original)
            data[offset] ^= 1 << bit
            path.write_bytes(bytes(data))
            try:
                after = pq.read_table(path, columns=[column]).column(0).to_numpy()
            except Exception:
                continue
            if after.shape == before.shape and not np.array_equal(after, before, equal_nan=True):
                return offset, bit
    path.write_bytes(original)
    raise AssertionError("no silent single-bit flip found in the column's data page")


def test_fault_task_cache_bitflip(tmp_path, monkeypatch):
    monkeypatch.setenv("PREDBENCH_CACHE", str(tmp_path / "cache"))
    info = task_info(TASK)
    path = _cache.task_cache_path(info)
    _MEMORY.pop(path, None)
    good = load_task(TASK)
    assert path.is_file() and _cache.hash_record_path(path).is_file()

    _silent_bit_flip(path, COLUMN)
    # The flip is silent: the damaged file decodes and holds a different number.
    damaged = pq.read_table(path, columns=[COLUMN]).column(0).to_numpy()
    changed = np.flatnonzero(~np.isclose(damaged, good.targets["val_accuracy"].to_numpy()))
    assert changed.size >= 1

    _MEMORY.pop(path, None)  # a new process: nothing in memory
    with pytest.warns(CacheIntegrityWarning, match=r"differs from .* recorded when it was written"):
        served = load_task(TASK)
    np.testing.assert_array_equal(
        served.targets["val_accuracy"].to_numpy(), good.targets["val_accuracy"].to_numpy()
    )
    # The entry was rewritten and verifies again: the next load is quiet.
    _cache.verify(path)
    _MEMORY.pop(path, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheIntegrityWarning)
        assert load_task(TASK).targets.equals(good.targets)


def test_cache_entry_without_hash_record_is_rebuilt(tmp_path, monkeypatch):
    """A process killed between writing the file and its record leaves an unverifiable entry."""
    monkeypatch.setenv("PREDBENCH_CACHE", str(tmp_path / "cache"))
    path = _cache.task_cache_path(task_info(TASK))
    _MEMORY.pop(path, None)
    good = load_task(TASK)
    _cache.hash_record_path(path).unlink()
    _MEMORY.pop(path, None)
    with pytest.warns(CacheIntegrityWarning, match="no hash record"):
        assert load_task(TASK).proxies.equals(good.proxies)
    assert _cache.hash_record_path(path).is_file()
