"""Results you can trust: one regression test per way 0.1.0 mixed results that are not comparable.

1. two suites with different pools showed under one label, averaged together;
2. a ``zcp`` feature set silently shrank the pool of every predictor;
3. a suite's view showed the runs it reused from another suite under the other suite's name;
4. a pre-trained and an online surrogate shared the label ``bananas[xgb/path]``;
5. constant predictions scored NULL and vanished from the means;
and a store written by 0.1.0 is refused with a clear message.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from predbench.cli import app
from predbench.evaluation import ResultsStore, SuiteError, load_suite, run_suite
from predbench.evaluation.metrics import aggregate, compute_metrics
from predbench.evaluation.tables import comparison_table
from predbench.runs import StoreVersionError
from tests.evaluation._suites import write_suite

runner = CliRunner()

WHITE_ONEHOT = """
name = "{name}"
protocol = "white"
tasks = ["nb201/cifar10"]
features = {features}
train_sizes = [100]
seeds = 3
{pool}

[[predictors]]
name = "rf"
params = {{ n_estimators = 10 }}
"""


def _suite(tmp_path, name, features='["onehot"]', pool=""):
    text = WHITE_ONEHOT.format(name=name, features=features, pool=pool)
    return write_suite(tmp_path, text, f"{name}.toml")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_1_two_pools_under_one_label_are_two_rows_never_one_average(tmp_path):
    store = ResultsStore(tmp_path / "r.duckdb")
    whole = _suite(tmp_path, "whole")
    with_proxies = _suite(
        tmp_path, "proxied", features='["onehot", "zcp"]', pool='pool = "all+proxies"'
    )
    for path in (whole, with_proxies):
        suite, runs = load_suite(path)
        run_suite(runs, store, suite=suite.name)
    frame = store.frame()
    onehot = frame[frame["features"] == "onehot"]
    assert len(onehot) == 6 and onehot["condition_id"].nunique() == 2
    table = comparison_table(frame)
    rows = table[table["features"] == "onehot"]
    # two rows, each over its own 3 seeds, labelled by what differs: the pool
    assert len(rows) == 2
    assert sorted(rows["predictor"]) == ["rf · pool=all", "rf · pool=all+proxies[13]"]
    assert all("(n=3)" in cell for cell in rows["n=100"])
    cells = aggregate(frame)
    assert (cells["n"] == 3).all()
    # the command line shows the same split, never an n=6 blend
    out = runner.invoke(app, ["results", "--store", str(store.path)])
    assert out.exit_code == 0, out.output
    assert "n=6" not in out.output and "pool of nb201/cifar10: all " in _plain(out.output)


def test_2_a_feature_set_never_shrinks_the_pool_silently(tmp_path):
    path = _suite(tmp_path, "white_zcp", features='["onehot", "zcp"]')
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    message = str(info.value)
    assert info.value.key == "features"
    # 15,625 cells have a validation accuracy; 6,180 of them lack the data-dependent proxies
    assert "6,180 of the 15,625 archs of pool 'all'" in message
    assert 'pool = "all+proxies" (9,445 archs' in message
    # choosing the pool explicitly works, and every run says which pool it drew from
    fixed = _suite(
        tmp_path, "white_zcp2", features='["onehot", "zcp"]', pool='pool = "all+proxies"'
    )
    _, runs = load_suite(fixed)
    assert {r.pool_size for r in runs} == {9445}
    assert all(r.pool.startswith("all+proxies[") for r in runs)


def test_3_a_suite_view_is_exactly_what_its_compare_printed(tmp_path):
    store = tmp_path / "r.duckdb"
    small = write_suite(
        tmp_path,
        WHITE_ONEHOT.format(name="small", features='["onehot"]', pool="").replace(
            "seeds = 3", "seeds = 2"
        ),
        "small.toml",
    )
    large = _suite(tmp_path, "large")  # seeds 0-2: reuses seeds 0-1 of "small"
    assert runner.invoke(app, ["compare", str(small), "--store", str(store)]).exit_code == 0
    printed = runner.invoke(app, ["compare", str(large), "--store", str(store)])
    assert printed.exit_code == 0, printed.output
    assert "1 runs to do, 2 already in" in _plain(printed.output)
    assert "(n=3)" in printed.output
    by_name = runner.invoke(app, ["results", "--store", str(store), "--suite", "large"])
    by_file = runner.invoke(app, ["results", "--store", str(store), "--suite", str(large)])
    assert by_name.exit_code == 0 and by_file.exit_code == 0
    cell = re.search(r"\d\.\d{3} ± \d\.\d{3} \(n=3\)", printed.output).group(0)
    assert cell in by_name.output and cell in by_file.output
    frame = ResultsStore(store).frame(suite="large")
    assert sorted(frame["seed"]) == [0, 1, 2]
    assert sorted(ResultsStore(store).frame(suite="small")["seed"]) == [0, 1]
    # an unknown suite name is an error, not an empty view
    typo = runner.invoke(app, ["results", "--store", str(store), "--suite", "lrage"])
    assert typo.exit_code != 0 and "no comparison suite named 'lrage'" in _plain(typo.output)


def test_4_colliding_search_labels_are_split_by_condition(tmp_path):
    from predbench.search import SearchStore, SearchSuite, summarize
    from predbench.search import run_suite as run_search_suite
    from predbench.search._registry import StrategySpec

    assert StrategySpec("bananas", predictor="model/xgb.skops").resolved_label() == (
        "bananas[xgb.skops/path]"
    )
    assert StrategySpec("bananas", predictor="xgb").resolved_label() == "bananas[xgb/path]"
    store = SearchStore(tmp_path / "s.duckdb")
    for name, strategy in (("one", "random"), ("two", "evolution")):
        suite = SearchSuite.from_mapping(
            {
                "name": name,
                "tasks": ["nb201/cifar10"],
                "budget": 12,
                "seeds": 2,
                "strategies": [{"name": strategy, "label": "mine"}],
            }
        )
        run_search_suite(suite.runs(), store, progress=False)
    summary = summarize(store.trajectories(), store.runs())
    assert len(summary) == 2 and (summary["seeds"] == 2).all()
    assert summary["strategy"].nunique() == 2
    assert all(label.startswith("mine · ") for label in summary["strategy"])
    assert store.suite_run_ids("one") and store.suite_run_ids("two")


def test_5_constant_predictions_score_zero_and_are_counted(tmp_path):
    metrics = compute_metrics([1.0, 2.0, 3.0], [5.0, 5.0, 5.0])
    assert metrics["kendall_tau"] == 0.0 and metrics["spearman"] == 0.0
    assert metrics["constant_prediction"] is True
    assert compute_metrics([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])["constant_prediction"] is False
    # LightGBM on 5 training cells cannot split (min_child_samples = 20): a constant model
    text = (
        WHITE_ONEHOT.format(name="lgbm5", features='["onehot"]', pool="")
        .replace('name = "rf"\nparams = { n_estimators = 10 }', 'name = "lgbm"')
        .replace("train_sizes = [100]", "train_sizes = [5, 100]")
    )
    suite, runs = load_suite(write_suite(tmp_path, text, "lgbm5.toml"))
    store = ResultsStore(tmp_path / "r.duckdb")
    run_suite(runs, store, suite=suite.name)
    frame = store.frame()
    small = frame[frame["train_size"] == 5]
    assert small["constant_prediction"].all() and (small["kendall_tau"] == 0).all()
    cells = aggregate(frame).set_index("train_size")
    assert cells.loc[5, "n"] == 3 and cells.loc[5, "constant"] == 3 and cells.loc[5, "mean"] == 0
    assert "3 const" in comparison_table(frame).iloc[0]["n=5"]
    assert np.isfinite(cells.loc[100, "mean"]) and cells.loc[100, "constant"] == 0


def test_a_store_written_by_0_1_0_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, suite VARCHAR)")
    con.close()
    with pytest.raises(StoreVersionError, match=r"written by predbench 0\.1\.0.*mv "):
        ResultsStore(path).frame()
    out = runner.invoke(app, ["results", "--store", str(path)])
    assert out.exit_code != 0


def test_labels_name_the_differing_setting_not_its_consequences():
    from predbench.runs.labels import describe_difference

    parts = describe_difference(
        [
            {"pool": "valid", "pool_size": 9445, "pool_hash": "a", "seed": 0},
            {"pool": "all", "pool_size": 15625, "pool_hash": "b", "seed": 0},
        ]
    )
    assert parts == ["pool=valid", "pool=all"]
    frame = pd.DataFrame({"a": [1]})
    assert len(frame) == 1
