"""Suite files: parsing, presets, and rejection (naming file and key) before anything runs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from predbench.evaluation.runspec import HARNESS_VERSION, RunSpec
from predbench.evaluation.suite import (
    PROTOCOLS,
    FeatureSet,
    SuiteError,
    load_suite,
    parse_feature_set,
    parse_suite,
)
from tests.evaluation._suites import TINY, write_suite


class FakeData:
    """A validator over one made-up task of 100 architectures."""

    def tasks(self):
        return ["toy/a"]

    def targets(self, task):
        return ["acc", "latency"]

    def proxies(self, task):
        return ["synflow", "jacov"]

    def families(self, task):
        return ["onehot", "graf", "zcp"]

    def can_select_valid(self, task):
        return True

    def pool(self, task, target, pool):
        return pd.Index([f"a{i:03d}" for i in range(100)])

    def lacking(self, task, archs, proxies):
        return {}

    def fingerprint(self, task):
        return "data0123"

    def flag(self, task, target):
        return "near-constant" if target == "latency" else None

    def feature_names(self, task, fs: FeatureSet):
        names = []
        for family in fs.families:
            if family == "zcp":
                names += [f"zcp:{p}" for p in fs.proxies or self.proxies(task)]
            else:
                names += [f"{family}:x{i}" for i in range(3)]
        return names


GOOD = """
tasks = ["toy/a"]
target = "acc"
features = ["onehot", "zcp+graf", "graf+zcp[synflow]"]
train_sizes = [10, 50]
seeds = 3

[[predictors]]
name = "rf"

[[predictors]]
name = "single_proxy"
label = "synflow"
params = { proxy = "zcp:synflow" }
features = ["zcp"]
"""


def load(tmp_path: Path, text: str):
    return load_suite(write_suite(tmp_path, text), FakeData())


def test_good_suite_expands_to_every_run(tmp_path):
    suite, runs = load(tmp_path, GOOD)
    assert suite.name == "suite"  # file stem
    assert suite.seeds == (0, 1, 2)
    # rf: 3 feature sets × 2 sizes × 3 seeds ; single_proxy: zcp × 2 × 3
    assert len(runs) == 18 + 6
    assert len({r.run_id for r in runs}) == len(runs)
    assert {r.pool_size for r in runs} == {100}
    # the default pool is every arch; the proxies a feature set reads are part of its identity
    assert {r.pool for r in runs} == {"all"}
    zcp_graf = next(r for r in runs if r.features == "zcp+graf")
    assert zcp_graf.feature_proxies == '["synflow","jacov"]'
    assert next(r for r in runs if r.features == "onehot").feature_proxies == "[]"
    assert {r.data for r in runs} == {"data0123"}


def test_feature_set_syntax():
    assert parse_feature_set("zcp[flops, params]+graf") == FeatureSet(
        "zcp[flops, params]+graf", ("zcp", "graf"), ("flops", "params")
    )
    with pytest.raises(ValueError, match="twice"):
        parse_feature_set("graf+graf")
    with pytest.raises(ValueError, match="selects no proxy"):
        parse_feature_set("zcp[]")


@pytest.mark.parametrize(
    "edit, key, words",
    [
        (("train_sizes = [10, 50]", "train_size = [10, 50]"), "train_size", "unknown key"),
        (('name = "rf"', 'name = "rff"'), "predictors[0].name", "unknown predictor 'rff'"),
        (('label = "synflow"', 'label = "synflow"\nseed = 1'), "predictors[1].seed", "unknown key"),
        (('tasks = ["toy/a"]', 'tasks = ["toy/b"]'), "tasks", "unknown task 'toy/b'"),
        (('target = "acc"', 'target = "accuracy"'), "target", "no target 'accuracy'"),
        (('"onehot",', '"onehott",'), "features", "'onehott'"),
        (("zcp[synflow]", "zcp[synflo]"), "features", "no proxy ['synflo']"),
        (("train_sizes = [10, 50]", "train_sizes = [10, 100]"), "train_sizes", "exceeds the 100"),
        (("seeds = 3", "seeds = [1, 1]"), "seeds", "repeated"),
        (("zcp:synflow", "zcp:snip"), "predictors[1].params", "no column 'zcp:snip'"),
        (
            ('params = { proxy = "zcp:synflow" }', 'params = { proxy = "zcp:synflow", depth = 2 }'),
            "predictors[1].params",
            "no parameter ['depth']",
        ),
    ],
)
def test_bad_suite_is_rejected_naming_file_and_key(tmp_path, edit, key, words):
    old, new = edit
    assert old in GOOD
    path = write_suite(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SuiteError) as info:
        load_suite(path, FakeData())
    assert info.value.key == key
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: ")
    assert words in message


def test_a_flagged_target_is_used_only_on_purpose(tmp_path):
    text = GOOD.replace('target = "acc"', 'target = "latency"')
    with pytest.raises(SuiteError, match=r"target: target 'latency' of task 'toy/a' is flagged"):
        load(tmp_path, text)
    _, runs = load(tmp_path, "allow_flagged_target = true\n" + text)
    assert {r.target for r in runs} == {"latency"}


def test_single_proxy_on_a_set_without_the_proxy_is_rejected(tmp_path):
    text = GOOD.replace('features = ["zcp"]', 'features = ["onehot"]')
    with pytest.raises(SuiteError, match=r"predictors\[1\]\.params: with features 'onehot'"):
        load(tmp_path, text)


def test_test_size_counts_against_the_pool(tmp_path):
    text = GOOD.replace("seeds = 3", "seeds = 3\ntest_size = 60")
    with pytest.raises(SuiteError, match=r"train size 50 \+ test_size 60 exceeds the 100"):
        load(tmp_path, text)


def test_protocol_presets_fill_missing_keys():
    graf = parse_suite(
        {"protocol": "graf", "tasks": ["t"], "features": ["graf"], "predictors": ["rf"]}
    )
    assert graf.train_sizes == (32, 128, 1024)
    assert graf.pool.rule == "valid" and graf.test_size is None
    assert len(graf.seeds) == PROTOCOLS["graf"]["seeds"] == 50
    white = parse_suite(
        {
            "protocol": "white",
            "tasks": ["t"],
            "features": ["onehot"],
            "predictors": ["rf"],
            "seeds": 5,
        }
    )
    assert white.train_sizes == (5, 8, 14, 24, 42, 71, 121, 205, 347, 589, 1000)
    assert white.test_size == 200 and white.seeds == (0, 1, 2, 3, 4)
    assert white.top_k == 0.05 and white.pool.rule == "all"
    with pytest.raises(SuiteError, match="protocol: unknown protocol 'nas'"):
        parse_suite({"protocol": "nas"}, "x.toml")


def test_missing_and_malformed_files_name_the_file(tmp_path):
    with pytest.raises(SuiteError, match=r"nope\.toml: file: no such file"):
        load_suite(tmp_path / "nope.toml", FakeData())
    bad = write_suite(tmp_path, "tasks = [", "bad.toml")
    with pytest.raises(SuiteError, match=r"bad\.toml: toml: "):
        load_suite(bad, FakeData())


SPEC = RunSpec(
    task="nb201/cifar10",
    target="val_accuracy",
    data="d" * 16,
    pool="valid",
    pool_size=9445,
    pool_hash="0123456789abcdef",
    split="permutation",
    test_size=None,
    top_k=0.1,
    features="graf",
    feature_proxies="[]",
    proxy_source="recorded",
    predictor_name="rf",
    predictor_config='{"n_estimators":100}',
    train_size=32,
    seed=0,
    params="{}",
    predictor="rf",
    protocol="graf",
)


def test_run_id_is_the_hash_of_the_canonical_settings():
    text = (
        '{"data":"dddddddddddddddd","feature_proxies":"[]","features":"graf","harness":HARNESS,'
        '"pool":"valid","pool_hash":"0123456789abcdef","pool_size":9445,'
        '"predictor_config":"{\\"n_estimators\\":100}","predictor_name":"rf",'
        '"proxy_source":"recorded","seed":0,'
        '"split":"permutation","target":"val_accuracy","task":"nb201/cifar10","test_size":null,'
        '"top_k":0.1,"train_size":32}'
    ).replace("HARNESS", str(HARNESS_VERSION))
    assert SPEC.run_id == hashlib.sha256(text.encode()).hexdigest()[:20]


def test_run_id_is_stable_across_processes_and_ignores_labels():
    code = (
        "from tests.evaluation.test_suite import SPEC; import dataclasses;"
        "print(dataclasses.replace(SPEC, predictor='my label', protocol='', params='{}  ').run_id)"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == SPEC.run_id


def test_every_setting_changes_the_run_id_and_only_the_seed_keeps_the_condition():
    from dataclasses import replace

    changed = {
        "pool": "all",
        "data": "e" * 16,
        "split": "other",
        "test_size": 200,
        "top_k": 0.05,
        "feature_proxies": '["zen"]',
        "predictor_config": '{"n_estimators":300}',
        "train_size": 64,
        "seed": 1,
    }
    for field, value in changed.items():
        other = replace(SPEC, **{field: value})
        assert other.run_id != SPEC.run_id, field
        assert (other.condition_id == SPEC.condition_id) == (field == "seed"), field
        assert (other.series_id == SPEC.series_id) == (field in ("seed", "train_size")), field


def test_default_parameters_are_the_same_run_as_written_ones():
    from predbench.evaluation.runspec import full_params

    assert full_params("rf", {}) == full_params("rf", {"n_estimators": 100})
    assert full_params("rf", {}) != full_params("rf", {"n_estimators": 300})


def test_real_data_rejects_a_train_size_larger_than_the_task(tmp_path):
    text = TINY.replace("train_sizes = [20]", "train_sizes = [20, 9100]")
    path = write_suite(tmp_path, text)
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert info.value.key == "train_sizes"
    assert "exceeds the 9445 architectures of pool 'valid' of task 'nb201/cifar10'" in str(
        info.value
    )


def test_real_data_rejects_unknown_target_and_proxy(tmp_path):
    with pytest.raises(SuiteError, match="target: task 'nb201/cifar10' has no target 'val_acc'"):
        load_suite(write_suite(tmp_path, 'target = "val_acc"\n' + TINY))
    text = TINY.replace('"zcp"]', '"zcp[synflow,snipp]"]')
    with pytest.raises(
        SuiteError, match=r"features: task 'nb201/cifar10' records no proxy \['snipp'\]"
    ):
        load_suite(write_suite(tmp_path, text))
