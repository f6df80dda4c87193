"""Accuracy vs adversarial robustness (vs latency) searches on the real NB201 CIFAR-10 table: a
small three-objective suite end to end (every multi-objective strategy, the stated hypervolume
reference in store and summary, resuming), ``seeds_role`` of search suites, and the shipped
robustness suites."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from predbench.runs.suitefile import SuiteError
from predbench.search import hypervolume
from predbench.search._store import SearchStore
from predbench.search._suite import SearchSuite, run_suite, summarize

ROOT = Path(__file__).resolve().parents[2]
OBJECTIVES = "val_accuracy,pgd_eps1,edgegpu_latency"

SUITE = f"""
name = "robust3"
tasks = ["nb201/cifar10"]
budget = 30
seeds = [2000, 2001]
seeds_role = "reporting"
objectives = "{OBJECTIVES}"

[[strategies]]
name = "random"

[[strategies]]
name = "nsga2"
params = {{ population_size = 8 }}

[[strategies]]
label = "parego[rf/path]"
name = "parego"
predictor = "rf"
predictor_params = {{ n_estimators = 10 }}
features = "path"
n_members = 1
uncertainty = "none"
params = {{ n_init = 10, batch_size = 10, n_candidates = 60, n_random_candidates = 30 }}
"""


@pytest.fixture(scope="module")
def robust3(tmp_path_factory):
    """The small three-objective suite, run once into a fresh store."""
    folder = tmp_path_factory.mktemp("robust3")
    path = folder / "robust3.toml"
    path.write_text(SUITE)
    suite = SearchSuite.load(path)
    store = SearchStore(folder / "r.duckdb")
    counts = run_suite(suite.runs(), store, progress=False)
    assert (counts.done, counts.total, counts.failed) == (6, 6, [])
    return suite, store


def test_three_objective_suite_runs_end_to_end(robust3, nb201_cifar10):
    suite, store = robust3
    assert run_suite(suite.runs(), store, progress=False).skipped == 6

    targets = nb201_cifar10.targets
    # The reference is the nadir of the whole table, stated with every run.
    nadir = [targets["val_accuracy"].min(), targets["pgd_eps1"].min()]
    nadir.append(targets["edgegpu_latency"].max())
    runs = store.runs()
    for text in runs["hv_reference"]:
        stated = json.loads(text)
        assert [v["objective"] for v in stated["reference"]] == OBJECTIVES.split(",")
        assert [v["value"] for v in stated["reference"]] == nadir
        assert [v["direction"] for v in stated["reference"]] == ["max", "max", "min"]

    # Every query's hypervolume, recomputed from the trajectory's own points against that
    # reference, divided by the hypervolume of all 15,625 cells.
    total = json.loads(runs["hv_reference"].iloc[0])["table_hypervolume"]
    table = targets[OBJECTIVES.split(",")].to_numpy()
    assert total == pytest.approx(hypervolume(table, nadir, [True, True, False]))
    traj = store.trajectories()
    assert set(traj["strategy"]) == {"random", "nsga2", "parego[rf/path]"}
    for _, run in traj.groupby("run_id"):
        points = np.array(run["objective_values"].tolist())
        # The oracle answered the table's own values.
        np.testing.assert_array_equal(points, table[targets.index.get_indexer(run["arch"])])
        for q in (10, 30):
            expected = hypervolume(points[:q], nadir, [True, True, False]) / total
            assert run["hypervolume"].iloc[q - 1] == pytest.approx(expected, rel=1e-12)
        assert 0 < run["hypervolume"].iloc[-1] < 1
        assert (np.diff(run["hypervolume"].to_numpy()) >= 0).all()

    summary = summarize(traj, runs, checkpoints=(10, 30))
    assert {"hv@10", "hv@30", "hv_reference"} <= set(summary.columns)
    assert summary["hv_reference"].str.contains("pgd_eps1=9.6 (max)", regex=False).all()
    assert summary["hv_reference"].str.contains("edgegpu_latency=11.69 (min)", regex=False).all()


def test_report_draws_three_objective_hypervolume_and_states_the_reference(robust3, tmp_path):
    from predbench.report._build import build_report
    from predbench.report._data import ReportData

    _, store = robust3
    data = ReportData(search_runs=store.runs(), trajectories=store.trajectories())
    html = build_report(data, figures_dir=tmp_path)
    assert "the hypervolume of the Pareto front found so far (exact)" in html
    assert "val_accuracy=10 (max), pgd_eps1=9.6 (max), edgegpu_latency=11.69 (min)" in html, (
        "the report must state the reference point"
    )
    csv = pd.read_csv(tmp_path / "search__nb201-cifar10__trajectory.csv")
    traj = store.trajectories()
    at30 = traj[(traj["query"] == 30) & (traj["strategy"] == "nsga2")]["hypervolume"]
    row = csv[(csv["strategy"] == "nsga2") & (csv["query"] == 30)].iloc[0]
    assert row["mean"] == pytest.approx(at30.mean())


def test_report_keeps_objective_sets_apart(robust3, tmp_path):
    """Hypervolumes of different objective sets on one task are never drawn on one axis."""
    from predbench.report._build import build_report
    from predbench.report._data import ReportData

    _, store = robust3
    runs, traj = store.runs(), store.trajectories()
    two = runs["run_id"][runs["strategy"] == "random"]
    traj = traj.assign(
        objectives=np.where(traj["run_id"].isin(two), "val_accuracy,pgd_eps1", traj["objectives"])
    )
    build_report(ReportData(search_runs=runs, trajectories=traj), figures_dir=tmp_path)
    csvs = sorted(tmp_path.glob("search__nb201-cifar10__trajectory*.csv"))
    assert len(csvs) == 2
    strategies = [set(pd.read_csv(c)["strategy"]) for c in csvs]
    assert {"random"} in strategies and {"nsga2", "parego[rf/path]"} in strategies


def test_parego_uses_every_objective(nb201_cifar10):
    """With three objectives ParEGO fits one surrogate per objective and its picks differ from
    those it makes when latency is dropped."""
    from predbench.search import ParEGO, PredictorSurrogate, TabularOracle, run_search

    def run(objectives):
        from sklearn.ensemble import RandomForestRegressor

        from featurizers.onehot import OneHot

        enc = OneHot("nb201").fit()
        surrogate = PredictorSurrogate(
            RandomForestRegressor(n_estimators=10), lambda a: enc.transform(list(a)), n_members=1
        )
        strategy = ParEGO(surrogate, n_candidates=60, n_random_candidates=30, random_state=0)
        trajectory = run_search(strategy, TabularOracle(nb201_cifar10, objectives), 30)
        return strategy, trajectory

    three, traj3 = run(OBJECTIVES)
    two, traj2 = run("val_accuracy,pgd_eps1")
    assert len(three.surrogates_) == 3 and len(two.surrogates_) == 2
    assert list(traj3["arch"][:10]) == list(traj2["arch"][:10])  # same random start
    assert list(traj3["arch"][10:]) != list(traj2["arch"][10:])
    assert {"value_val_accuracy", "value_pgd_eps1", "value_edgegpu_latency"} <= set(traj3.columns)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('seeds = [1003, 2000]\nseeds_role = "reporting"', "disjoint from the tuning seeds"),
        ('seeds = 2\nseeds_role = "final"', "expected one of ['tuning', 'reporting']"),
    ],
)
def test_search_suites_check_seeds_role(extra, message):
    text = f'tasks = ["nb201/cifar10"]\n{extra}\n[[strategies]]\nname = "random"\n'
    with pytest.raises(SuiteError, match="seeds") as err:
        SearchSuite.from_mapping(tomllib.loads(text), "x.toml")
    assert message in str(err.value)
    tuning = SearchSuite.from_mapping(
        tomllib.loads(text.replace("reporting", "tuning").replace('"final"', '"tuning"')), "x.toml"
    )
    assert tuning.seeds_role == "tuning"


@pytest.mark.parametrize(
    ("name", "objectives"),
    [
        ("search_nb201_robust", "val_accuracy,pgd_eps1"),
        ("search_nb201_robust_hw", OBJECTIVES),
    ],
)
def test_shipped_robustness_suites(name, objectives):
    suite = SearchSuite.load(ROOT / "suites" / f"{name}.toml")
    assert suite.objectives == objectives and suite.budget == 150
    assert suite.seeds_role == "reporting" and len(suite.seeds) >= 10
    assert not set(suite.seeds) & set(range(1000, 1010))
    names = pd.Series([s.name for s in suite.strategies])
    assert {"random", "nsga2", "parego"} <= set(names)
    # The file states its reference point.
    assert "nadir of the whole table" in (ROOT / "suites" / f"{name}.toml").read_text()


MULTI = {
    "random": {"name": "random"},
    "nsga2": {"name": "nsga2", "params": {"population_size": 8}},
    "parego[xgb/graf]": {
        "name": "parego",
        "predictor": "xgb",
        "predictor_params": {"n_estimators": 20, "max_depth": 3},
        "features": "graf",
        "n_members": 1,
        "uncertainty": "none",
        "params": {"n_init": 8, "batch_size": 8, "n_candidates": 40, "n_random_candidates": 20},
    },
}


@pytest.mark.parametrize("objectives", ["val_accuracy,pgd_eps1", OBJECTIVES])
@pytest.mark.parametrize("name", sorted(MULTI))
def test_each_multi_objective_strategy_with_two_and_three_objectives(
    nb201_cifar10, name, objectives
):
    from predbench.search import TabularOracle, annotate, run_search
    from predbench.search._registry import StrategySpec

    strategy = StrategySpec.from_mapping(dict(MULTI[name])).build(nb201_cifar10, 2000)
    oracle = TabularOracle(nb201_cifar10, objectives)
    traj = annotate(run_search(strategy, oracle, 32), nb201_cifar10, oracle.objectives)
    names = objectives.split(",")
    points = traj[[f"value_{n}" for n in names]].to_numpy()
    assert len(set(traj["arch"])) == 32
    np.testing.assert_array_equal(points, nb201_cifar10.targets.loc[traj["arch"], names].to_numpy())
    maximize = [o.maximize for o in oracle.objectives]
    assert maximize == [True, True, False][: len(names)]
    table = nb201_cifar10.targets[names].to_numpy()
    nadir = np.where(maximize, table.min(axis=0), table.max(axis=0))
    expected = hypervolume(points, nadir, maximize) / hypervolume(table, nadir, maximize)
    assert traj["hypervolume"].iloc[-1] == pytest.approx(expected, rel=1e-12)


def test_nsga2_order_with_three_objectives_by_hand():
    from predbench.search._multiobjective import rank_and_crowding_order

    # Larger is better. e (row 0) is dominated by everyone; d (row 1) only by a; a, b, c (rows
    # 2-4) are mutually non-dominated, each the extreme of one objective, so their crowding is
    # infinite and their stable order is kept: fronts a b c, then d, then e.
    scores = np.array(
        [[0.0, 0.0, 0.0], [2.0, 0.5, 0.5], [3.0, 1.0, 1.0], [1.0, 3.0, 1.0], [1.0, 1.0, 3.0]]
    )
    assert list(rank_and_crowding_order(scores)) == [2, 3, 4, 1, 0]


def test_a_store_written_before_the_reference_column_gains_it(tmp_path):
    import duckdb
    from search_synthetic import load_synthetic

    from predbench.runs.store import Store

    text = 'tasks = ["nb201/synthetic"]\nbudget = 12\nseeds = 2\nobjectives = "{}"\n'
    text += '[[strategies]]\nname = "random"\n'
    path = tmp_path / "old.duckdb"
    one = SearchSuite.from_mapping(
        tomllib.loads(text.format("val_accuracy,edgegpu_latency")), "s.toml", ["nb201/synthetic"]
    )
    runs = one.runs(load_synthetic)
    run_suite(runs[:1], SearchStore(path), task_loader=load_synthetic, progress=False)
    with duckdb.connect(str(path)) as con:  # the file as an older predbench left it
        con.execute("ALTER TABLE search_runs DROP COLUMN hv_reference")
    Store._ready.clear()  # a new process
    run_suite(runs, SearchStore(path), task_loader=load_synthetic, progress=False)
    stored = SearchStore(path).runs().set_index("seed")["hv_reference"]
    assert stored.isna().sum() == 1  # the run written before the column existed
    reference = json.loads(stored.dropna().iloc[0])["reference"]
    assert [r["objective"] for r in reference] == ["val_accuracy", "edgegpu_latency"]


def test_cli_states_the_reference_under_the_summary(tmp_path):
    from typer.testing import CliRunner

    from predbench.cli import app

    args = ["search", "--task", "nb201/cifar10", "--strategy", "nsga2", "--objectives", OBJECTIVES]
    args += ["--budget", "20", "--seeds", "1", "--store", str(tmp_path / "c.duckdb")]
    result = CliRunner().invoke(app, [*args, "--no-progress"])
    assert result.exit_code == 0, result.output
    expected = "hv_reference (nb201/cifar10): val_accuracy=10 (max), pgd_eps1=9.6 (max), "
    assert expected + "edgegpu_latency=11.69 (min)" in " ".join(result.output.split())
