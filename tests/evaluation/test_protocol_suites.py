"""The published protocols as suite presets: their draws, pools and seed roles."""

from __future__ import annotations

import pytest

from predbench.data import load_tagates_split
from predbench.evaluation import SuiteError, load_suite
from predbench.evaluation.protocols import suite_zero_split, tagates_train_subset
from predbench.evaluation.runner import execute_run, fit_run
from tests.evaluation._suites import write_suite

TAGATES = """
protocol = "tagates"
tasks = ["nb201/cifar10"]
features = ["zcp+graf"]
train_sizes = [46]
seeds = [42]

[[predictors]]
name = "rf"
params = { n_estimators = 30 }
"""

SUITE_ZERO = """
protocol = "suite_zero"
tasks = ["nb201/cifar10"]
features = ["zcp[flops,params,synflow,jacov]"]
seeds = [9000]

[[predictors]]
name = "rf"
params = { n_estimators = 30 }
"""


def test_tagates_trains_as_the_graf_code_and_tests_on_the_whole_test_file(tmp_path):
    suite, runs = load_suite(write_suite(tmp_path, TAGATES))
    assert suite.split == "tagates" and suite.target == "test_accuracy"
    (spec,) = runs
    fitted = fit_run(spec)
    files = load_tagates_split()
    expected = tagates_train_subset(list(files.train.index), 46, 42)
    assert list(fitted.X_train.index) == list(expected)
    assert set(fitted.X_test.index) == set(files.test.index) and len(fitted.X_test) == 4770
    row = execute_run(spec)
    assert row["status"] == "ok" and row["n_train"] == 46 and row["n_test"] == 4770
    assert 0.4 < row["kendall_tau"] < 0.9  # published models score .70-.75 at 46 cells


def test_suite_zero_draws_400_then_200(tmp_path):
    _, runs = load_suite(write_suite(tmp_path, SUITE_ZERO))
    (spec,) = runs
    assert (spec.train_size, spec.test_size, spec.split) == (400, 200, "suite_zero")
    fitted = fit_run(spec)
    from predbench.evaluation.features import cached_pool

    train, test = suite_zero_split(list(cached_pool(spec.task, spec.target, spec.pool)), 9000)
    assert list(fitted.X_train.index) == list(train) and list(fitted.X_test.index) == list(test)


def test_reporting_seeds_must_not_be_tuning_seeds(tmp_path):
    text = TAGATES.replace("seeds = [42]", "seeds = [42, 1003]")
    with pytest.raises(SuiteError, match=r"seeds: reporting seeds must be disjoint .* \[1003\]"):
        load_suite(write_suite(tmp_path, text))
    tuning = TAGATES.replace("seeds = [42]", 'seeds = [1003]\nseeds_role = "tuning"')
    _, runs = load_suite(write_suite(tmp_path, tuning))
    assert [r.seed for r in runs] == [1003]


def test_the_split_rule_is_part_of_the_identity(tmp_path):
    _, tagates = load_suite(write_suite(tmp_path, TAGATES))
    plain = TAGATES.replace('protocol = "tagates"', 'target = "test_accuracy"\npool = "valid"')
    _, permutation = load_suite(write_suite(tmp_path, plain))
    assert tagates[0].split == "tagates" and permutation[0].split == "permutation"
    assert tagates[0].run_id != permutation[0].run_id
