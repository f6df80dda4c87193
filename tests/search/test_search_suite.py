"""Search suites: TOML parsing, run identities, the DuckDB store, resuming after a kill, the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from search_synthetic import load_synthetic

from predbench.search._registry import StrategySpec
from predbench.search._store import SearchStore
from predbench.search._suite import SearchSuite, run_suite, summarize

ROOT = Path(__file__).resolve().parents[2]
#: Task keys the suites of these tests may name (the synthetic task has no registry entry).
KNOWN = ["nb201/synthetic", "a/b"]

SUITE = """
name = "resume"
tasks = ["nb201/synthetic"]
budget = {budget}
seeds = {seeds}
objectives = "val_accuracy"

[[strategies]]
name = "local"
params = {{ n_init = 5 }}

[[strategies]]
label = "fa-ga-nwot"
name = "fa-ga"
proxy = "nwot"
params = {{ population_size = 10, pool_size = 60, top_k = 4, top_h = 1 }}
"""


def write_suite(tmp_path: Path, budget: int = 120, seeds: int = 3) -> Path:
    path = tmp_path / "suite.toml"
    path.write_text(SUITE.format(budget=budget, seeds=seeds))
    return path


def test_suite_parsing_and_run_ids(tmp_path):
    suite = SearchSuite.load(write_suite(tmp_path), KNOWN)
    runs = suite.runs(load_synthetic)
    assert len(runs) == 2 * 3
    assert [r.strategy.resolved_label() for r in runs[::3]] == ["local", "fa-ga-nwot"]
    ids = [r.run_id for r in runs]
    assert len(set(ids)) == len(ids)
    assert (
        SearchSuite.load(write_suite(tmp_path), KNOWN).runs(load_synthetic)[0].run_id == ids[0]
    )  # stable
    other = SearchSuite.load(write_suite(tmp_path, budget=121), KNOWN).runs(load_synthetic)
    assert not set(ids) & {r.run_id for r in other}


@pytest.mark.parametrize(
    "text, message",
    [
        ('tasks=["a/b"]\n', "strategies: missing or empty"),
        ('name="x"\n[[strategies]]\nname="random"\n', "tasks: missing or empty"),
        ('tasks=["a/b"]\nbudgett=3\n[[strategies]]\nname="random"\n', "budgett: unknown key"),
        ('tasks=["a/b"]\ndomain="some"\n[[strategies]]\nname="random"\n', "domain: 'some'"),
        ('tasks=["a/b"]\nseeds={start=1}\n[[strategies]]\nname="random"\n', "seeds: "),
        ('tasks=["a/b"]\n[[strategies]]\nname="annealing"\n', "strategies\\[0\\]: unknown search"),
        ('tasks=["a/b"]\n[[strategies]]\nname="random"\nseed=1\n', "unknown key 'seed'"),
        ('tasks=["a/b"]\n[[strategies]]\nname="bananas"\nfeatures="path+path"\n', "twice"),
        (
            'tasks=["a/b"]\n[[strategies]]\nname="random"\n[[strategies]]\nname="rs"\n',
            "labels repeat",
        ),
        ("tasks = [\n", "toml: "),
    ],
)
def test_suite_errors_name_the_file_and_key(tmp_path, text, message):
    from predbench.evaluation.suite import SuiteError

    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SuiteError, match=message) as info:
        SearchSuite.load(path, KNOWN)
    assert str(path) in str(info.value)


def test_strategy_spec_errors(task):
    with pytest.raises(TypeError, match="no parameter \\['sample'\\]"):
        StrategySpec("evolution", params={"sample": 3}).build(task, 0)
    with pytest.raises(ValueError, match="needs a surrogate"):
        StrategySpec("bananas").build(task, 0)
    with pytest.raises(ValueError, match="uses no predictor"):
        StrategySpec("random", proxy="nwot").build(task, 0)


def test_store_round_trip_and_skip(tmp_path):
    suite = SearchSuite.load(write_suite(tmp_path, budget=60, seeds=2), KNOWN)
    store = SearchStore(tmp_path / "s.duckdb")
    counts = run_suite(
        suite.runs(load_synthetic), store, task_loader=load_synthetic, progress=False
    )
    assert (counts.done, counts.skipped, counts.total, counts.failed) == (4, 0, 4, [])
    again = run_suite(suite.runs(load_synthetic), store, task_loader=load_synthetic, progress=False)
    assert (again.done, again.skipped, again.total) == (0, 4, 4)
    traj = store.trajectories()
    assert len(traj) == 4 * 60
    assert traj.groupby("run_id")["query"].apply(list).map(lambda q: q == list(range(1, 61))).all()
    task = load_synthetic("nb201/synthetic")
    best = traj.groupby("run_id").tail(1)
    np.testing.assert_array_equal(
        best["best_test_accuracy"], task.targets.loc[best["best_arch"], "test_accuracy"]
    )
    summary = summarize(traj, store.runs(), load_synthetic, checkpoints=(60,))
    assert sorted(summary["strategy"]) == ["fa-ga-nwot", "local"]
    assert (summary["seeds"] == 2).all() and (summary["domain"] == "all (729)").all()


def test_a_failing_run_is_reported_and_the_others_go_on(tmp_path):
    path = tmp_path / "suite.toml"
    path.write_text(
        'tasks = ["nb201/synthetic"]\nbudget = 20\nseeds = 2\n'
        '[[strategies]]\nname = "random"\n'
        '[[strategies]]\nname = "evolution"\nparams = { population_size = 5, sample_size = 9 }\n'
    )
    store = SearchStore(tmp_path / "s.duckdb")
    outcome = run_suite(
        SearchSuite.load(path, KNOWN).runs(load_synthetic),
        store,
        task_loader=load_synthetic,
        progress=False,
    )
    assert outcome.done == 2 and len(outcome.failed) == 2
    run, error = outcome.failed[0]
    assert run.strategy.name == "evolution" and "sample_size <= population_size" in error
    assert len(store.runs()) == 2  # failed runs are not stored: a re-run retries them


def test_suite_resumes_after_being_killed(tmp_path):
    suite_path = write_suite(tmp_path, budget=400, seeds=4)
    db = tmp_path / "resume.duckdb"
    script = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests" / "search")!r}]
        from search_synthetic import load_synthetic
        from predbench.search._store import SearchStore
        from predbench.search._suite import SearchSuite, run_suite
        runs = SearchSuite.load({str(suite_path)!r}, ["nb201/synthetic"]).runs(load_synthetic)
        run_suite(runs, SearchStore({str(db)!r}), task_loader=load_synthetic, progress=False,
                  on_done=lambda r: print("done", r["run_id"], flush=True))
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    finished = []
    try:
        for line in proc.stdout:
            finished.append(line.split()[1])
            if len(finished) == 2:
                proc.send_signal(signal.SIGKILL)  # in the middle of the third run
                break
    finally:
        proc.kill()
        proc.wait(timeout=60)
    runs = SearchSuite.load(suite_path, KNOWN).runs(load_synthetic)
    store = SearchStore(db)
    stored = store.done_run_ids()
    assert set(finished) <= stored and len(stored) < len(runs)
    counts = run_suite(runs, store, task_loader=load_synthetic, progress=False)
    assert counts.skipped == len(stored) and counts.done == len(runs) - len(stored)
    traj = store.trajectories()
    assert len(store.runs()) == len(runs)
    assert len(traj) == len(runs) * 400
    assert not traj.duplicated(["run_id", "query"]).any()
    # The interrupted-and-resumed store holds exactly what an uninterrupted run produces.
    fresh = SearchStore(tmp_path / "fresh.duckdb")
    run_suite(runs, fresh, task_loader=load_synthetic, progress=False)
    cols = ["run_id", "query", "arch", "value", "best_value", "best_arch"]
    a = traj[cols].sort_values(["run_id", "query"]).reset_index(drop=True)
    b = fresh.trajectories()[cols].sort_values(["run_id", "query"]).reset_index(drop=True)
    assert a.equals(b)


def test_cli_runs_and_summarizes(tmp_path):
    from typer.testing import CliRunner

    from predbench.cli import app

    store = tmp_path / "cli.duckdb"
    args = [
        "search",
        "--task",
        "nb201/cifar10",
        "--strategy",
        "evolution",
        "--param",
        "population_size=10",
        "--param",
        "sample_size=3",
        "--label",
        "evo[pop10]",
        "--budget",
        "30",
        "--seeds",
        "2",
        "--store",
        str(store),
        "--no-progress",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 run(s) done" in result.output and "evo[pop10]" in result.output
    again = CliRunner().invoke(app, args)
    assert "0 run(s) done, 2 already in" in again.output
    assert len(SearchStore(store).trajectories()) == 60
    bad = CliRunner().invoke(app, ["search", "--task", "nb201/cifar10", "--strategy", "tabu"])
    assert bad.exit_code == 1 and "unknown search strategy 'tabu'" in bad.output


def test_any_sklearn_regressor_plugs_in_by_import_path(task, optimum):
    from predbench.search import TabularOracle, run_search

    spec = StrategySpec(
        "bananas",
        predictor="sklearn.ensemble:ExtraTreesRegressor",
        predictor_params={"n_estimators": 20},
        features="onehot",
        n_members=2,
        params={"n_init": 5, "batch_size": 5},
    )
    strategy = spec.build(task, seed=0)
    assert type(strategy.surrogate.predictor).__name__ == "ExtraTreesRegressor"
    trajectory = run_search(strategy, TabularOracle(task), 150)
    assert trajectory["best_arch"].iloc[-1] == optimum
    with pytest.raises(TypeError, match="not a regressor"):
        StrategySpec("bananas", predictor="sklearn.linear_model:LogisticRegression").build(task, 0)
    with pytest.raises(TypeError, match="not a regressor"):
        StrategySpec("bananas", predictor="sklearn.cluster:KMeans").build(task, 0)
    ngb = StrategySpec("bananas", predictor="ngboost:NGBRegressor", features="onehot")
    assert type(ngb.build(task, 0).surrogate.predictor).__name__ == "NGBRegressor"
    with pytest.raises(ValueError, match="cannot import predictor"):
        StrategySpec("bananas", predictor="sklearn.nothing:Thing").build(task, 0)


def test_zcp_features_need_recorded_proxies(task):
    from predbench.search._features import task_featurizer
    from predbench.search._suite import domain_archs

    featurizer = task_featurizer(task, "zcp+onehot")
    assert (
        task_featurizer(task, "onehot+zcp[nwot]")(list(task.archs[1:2])).columns[-1] == "zcp:nwot"
    )
    recorded = domain_archs(task, "proxies")
    assert len(recorded) == task.proxies["nwot"].notna().sum()
    table = featurizer(list(recorded[:5]))
    assert list(table.columns[:1]) == ["zcp:nwot"] and table.shape == (5, 1 + 30)
    np.testing.assert_array_equal(table["zcp:nwot"], task.proxies.loc[recorded[:5], "nwot"])
    missing = task.archs[0]  # nwot is recorded on odd rows only
    with pytest.raises(KeyError, match="nwot"):
        featurizer([missing])
