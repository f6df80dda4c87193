"""HELP's NAS-Bench-201 latency lists (``data/nasbench201/latency/<device>.pt``).

Each file is a ``torch.save`` zip whose ``data.pkl`` is a plain list of 15,625 floats (ms),
position = official NAS-Bench-201 index; ``str_arch2idx.pt`` maps the NB201 arch string to that
index. The two are joined on the arch string, never on row order shared with another file (NASLib
files use a different order). Reading needs no torch: the pickles hold only builtins, and they are
loaded with an unpickler that refuses anything else, so a tampered file cannot run code.
"""

from __future__ import annotations

import pickle
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ._common import MalformedFileError, SourceTable, canonical_ids, table_from_columns


class _BuiltinsOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: expected plain data")


def read_torch_pickle(path: str | Path) -> Any:
    """The object inside a ``torch.save`` zip holding only builtins (list, dict, float, ...)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            member = next((n for n in archive.namelist() if n.endswith("data.pkl")), None)
            if member is None:
                raise MalformedFileError(f"{path}: no data.pkl inside (not a torch.save zip)")
            with archive.open(member) as handle:
                return _BuiltinsOnly(handle).load()
    except (zipfile.BadZipFile, pickle.UnpicklingError, EOFError) as exc:
        raise MalformedFileError(
            f"{path}: cannot read as a torch.save zip of plain data ({exc})"
        ) from exc


@lru_cache(maxsize=4)
def _index_ids(path: str, mtime_ns: int) -> tuple[list[str], np.ndarray]:
    mapping = read_torch_pickle(path)
    if not isinstance(mapping, dict):
        raise MalformedFileError(f"{path}: expected a dict arch string -> NB201 index")
    strings = list(mapping)
    ids = canonical_ids("nb201", strings, path, [f"key {s!r}" for s in strings])
    return ids, np.asarray([mapping[s] for s in strings], dtype=np.int64)


def read_help_latency(path: str | Path, index_path: str | Path, device: str) -> SourceTable:
    """Target ``latency_<device>`` (ms) of every NB201 cell from one HELP latency list."""
    path, index_path = Path(path), Path(index_path)
    latencies = read_torch_pickle(path)
    if not isinstance(latencies, list) or not all(isinstance(x, (int, float)) for x in latencies):
        raise MalformedFileError(f"{path}: expected a list of latencies")
    ids, index = _index_ids(str(index_path), index_path.stat().st_mtime_ns)
    if len(latencies) != len(ids) or index.min() < 0 or index.max() >= len(latencies):
        raise MalformedFileError(
            f"{path}: {len(latencies)} latencies do not match the {len(ids)} archs of {index_path}"
        )
    values = np.asarray(latencies, dtype=float)[index]
    return table_from_columns(
        ids, {f"latency_{device}": values}, {}, {}, origin=str(path), labels=[""] * len(ids)
    )
