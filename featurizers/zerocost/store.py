"""Writing proxy scores: NAS-Bench-Suite-Zero JSON or parquet, atomically, resumable by chunk.

Layout of the JSON file (the one NAS-Bench-Suite-Zero ships, so NASLib, GRAF and zc_combine read
it)::

    {dataset: {"(4, 0, 3, 1, 4, 3)": {proxy: {"score": x, "time": seconds}, ...}, ...}}

keyed by the NASLib tuple key of each arch. The parquet file has one row per arch: ``arch``
(canonical id), ``net`` (tuple key), ``dataset``, one column per proxy and ``<proxy>_time``.

While a run is under way every finished chunk is written to ``<output>.parts/chunk-NNNNNN.json``
(temp file + rename, so a chunk file is whole or absent) next to a ``settings.json`` that pins
what the chunks were computed with. A rerun with the same settings skips the archs already there;
killing the process loses at most the chunk in flight. The final file is written the same
atomic way, then the parts folder is removed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io import atomic_write
from .engine import ChunkResult

SETTINGS_FILE = "settings.json"
FORMATS = (".json", ".parquet")


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Run ``write(tmp)`` on a temp file in ``path``'s folder, then rename it onto ``path``."""
    atomic_write(path, write)


def _dump_json(obj: Any) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        with tmp.open("w") as fh:
            json.dump(obj, fh)
            fh.flush()
            os.fsync(fh.fileno())

    return write


def _damaged(path: Path, why: str) -> ValueError:
    return ValueError(
        f"{path}: {why}; the file is damaged (chunks are written whole, so the disk or another "
        "program changed it). Delete it and rerun: its archs are scored again"
    )


def _read_part(path: Path, parts: Path) -> Any:
    """JSON of a chunk or settings file in the parts folder; a damaged one names itself."""
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _damaged(path, f"not valid JSON ({exc})") from None


class ResumableRun:
    """Chunk-by-chunk persistence of one scoring run.

    Parameters
    ----------
    output
        Final file, ``.json`` or ``.parquet``.
    settings
        Everything that determines the scores (space, dataset, proxies, batch size, seed, data
        source, dtype). Chunks written under other settings are never mixed in.
    """

    def __init__(self, output: str | Path, settings: dict[str, Any]) -> None:
        self.output = Path(output)
        if self.output.suffix not in FORMATS:
            raise ValueError(
                f"output {self.output} must end in {' or '.join(FORMATS)} "
                "(NAS-Bench-Suite-Zero JSON or a parquet table)"
            )
        self.settings = json.loads(json.dumps(settings))  # normalised (tuples → lists)
        self.parts = self.output.with_name(self.output.name + ".parts")
        self._next = 0

    def load(self) -> list[ChunkResult]:
        """Chunks already finished under the same settings (creates the parts folder)."""
        settings_path = self.parts / SETTINGS_FILE
        if settings_path.exists():
            saved = _read_part(settings_path, self.parts)
            if saved != self.settings:
                diff = sorted(
                    k
                    for k in set(saved) | set(self.settings)
                    if saved.get(k) != self.settings.get(k)
                )
                detail = "; ".join(
                    f"{k}: {saved.get(k)!r} there, {self.settings.get(k)!r} now" for k in diff
                )
                raise ValueError(
                    f"{self.parts} holds an unfinished run with other settings ({detail}); "
                    "rerun with the same settings to resume it, or delete that folder to start over"
                )
        else:
            self.parts.mkdir(parents=True, exist_ok=True)
            write_atomic(settings_path, _dump_json(self.settings))
        chunks = []
        for path in sorted(self.parts.glob("chunk-*.json")):
            data = _read_part(path, self.parts)
            try:
                chunks.append(
                    ChunkResult(
                        list(data["archs"]),
                        {k: np.asarray(v, dtype=np.float64) for k, v in data["scores"].items()},
                        {k: np.asarray(v, dtype=bool) for k, v in data["failed"].items()},
                        {k: float(v) for k, v in data["seconds_per_arch"].items()},
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise _damaged(
                    path, f"not a chunk of scores ({type(exc).__name__}: {exc})"
                ) from None
            self._next = max(self._next, int(path.stem.split("-")[1]) + 1)
        return chunks

    def save(self, chunk: ChunkResult) -> None:
        """Persist one finished chunk."""
        data = {
            "archs": list(chunk.archs),
            "scores": {k: v.tolist() for k, v in chunk.scores.items()},
            "failed": {k: v.tolist() for k, v in chunk.failed.items()},
            "seconds_per_arch": chunk.seconds_per_arch,
        }
        write_atomic(self.parts / f"chunk-{self._next:06d}.json", _dump_json(data))
        self._next += 1

    def finish(self, scores: pd.DataFrame, times: pd.DataFrame, dataset: str, tuple_key) -> None:
        """Write the final file atomically, then drop the parts folder."""
        write_scores(self.output, scores, times, dataset, tuple_key)
        shutil.rmtree(self.parts, ignore_errors=True)


def suite_zero_layout(
    scores: pd.DataFrame,
    times: pd.DataFrame,
    dataset: str,
    tuple_key: Callable[[str], str],
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """``{dataset: {tuple_key: {proxy: {"score", "time"}}}}`` from score/time tables."""
    columns = list(scores.columns)
    values = scores.to_numpy(dtype=np.float64).tolist()
    seconds = times.loc[scores.index, columns].to_numpy(dtype=np.float64).tolist()
    body = {
        tuple_key(arch): {
            p: {"score": v, "time": t} for p, v, t in zip(columns, row, trow, strict=True)
        }
        for arch, row, trow in zip(scores.index, values, seconds, strict=True)
    }
    return {dataset: body}


def write_scores(
    path: str | Path,
    scores: pd.DataFrame,
    times: pd.DataFrame,
    dataset: str,
    tuple_key: Callable[[str], str],
) -> None:
    """Write scores (index = canonical ids) to ``.json`` or ``.parquet``, atomically."""
    path = Path(path)
    if path.suffix == ".json":
        write_atomic(path, _dump_json(suite_zero_layout(scores, times, dataset, tuple_key)))
        return
    if path.suffix != ".parquet":
        raise ValueError(f"output {path} must end in {' or '.join(FORMATS)}")
    table = scores.copy()
    for p in scores.columns:
        table[f"{p}_time"] = times[p].to_numpy()
    table.insert(0, "dataset", dataset)
    table.insert(0, "net", [tuple_key(a) for a in scores.index])
    table.index.name = "arch"
    write_atomic(path, lambda tmp: table.reset_index().to_parquet(tmp, index=False))


def read_scores(path: str | Path, parse: Callable[[Iterable[str]], list[str]]) -> pd.DataFrame:
    """Scores written by :func:`write_scores` (either format), indexed by canonical id.

    With several datasets in a JSON file the index is (dataset, arch).
    """
    path = Path(path)
    if path.suffix == ".parquet":
        table = pd.read_parquet(path)
        table.index = pd.Index(parse(table.pop("arch")), name="arch")
        return table.drop(columns=["net", "dataset"] + [c for c in table if c.endswith("_time")])
    data = json.loads(path.read_text())
    frames = []
    for dataset, body in data.items():
        rows = {key: {p: v["score"] for p, v in entry.items()} for key, entry in body.items()}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index = pd.Index(parse(frame.index), name="arch")
        frames.append(frame.assign(dataset=dataset))
    if len(frames) == 1:
        return frames[0].drop(columns="dataset")
    return pd.concat(frames).set_index("dataset", append=True).swaplevel()
