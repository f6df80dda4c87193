"""``predbench explain`` on the real NB201 tasks: the explained model is the harness's model,
results land in the store and in the export folder, reruns skip, bad options are refused."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from predbench.cli import app
from predbench.evaluation.runner import execute_run
from predbench.explain import ExplainStore

runner = CliRunner()
TASKS = ("nb201/cifar10", "nb201/cifar100")


@pytest.fixture(scope="module")
def explained(tmp_path_factory):
    """Two NB201 tasks, GRAF features, a random forest on 32 valid cells, seed 3."""
    root = tmp_path_factory.mktemp("explain")
    store = root / "results.duckdb"
    args = ["explain", "--store", str(store), "-o", str(root / "tables")]
    for task in TASKS:
        args += ["--task", task]
    args += ["--features", "graf", "--predictor", "rf", "--train-size", "32", "--seed", "3"]
    args += ["--pool", "valid", "--top", "3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return root, store, args, result.output


def test_store_rows_and_values(explained):
    _, store_path, _, output = explained
    store = ExplainStore(store_path)
    runs = store.runs()
    assert sorted(runs["task"]) == sorted(TASKS)
    assert set(runs["method"]) == {"tree"}
    assert (runs["n_rows"] == 9445 - 32).all()  # every valid cell not trained on
    assert (runs["n_features"] == 191).all()
    assert (runs["additivity_error"] < 1e-9).all()
    assert set(json.loads(runs["versions"].iloc[0])) >= {"shap", "scikit-learn", "numpy"}
    importance = store.importance()
    assert len(importance) == 2 * 191
    assert (importance.groupby("explain_id")["share"].sum().round(9) == 1.0).all()
    values = store.values(runs["explain_id"].iloc[0], ["graf:op_count[none]"])
    assert list(values.columns) == [
        "arch",
        "prediction",
        "shap:graf:op_count[none]",
        "value:graf:op_count[none]",
    ]
    assert len(values) == 9445 - 32
    assert "τ =" in output and "graf:" in output


def test_explained_model_is_the_harness_model(explained):
    # Rebuild the runs the command explained and let the harness run them: same split, same
    # seed, same predictor → the same Kendall τ as the refitted model the explanation recorded.
    from predbench.cli.explain import _select_runs

    _, store_path, _, _ = explained
    runs, _ = _select_runs(None, list(TASKS), ["graf"], ["rf"], 32, 3, "val_accuracy", "valid")
    recorded = ExplainStore(store_path).runs().set_index("run_id")
    for spec in runs:
        row = execute_run(spec)
        assert row["status"] == "ok", row["error"]
        assert recorded.loc[spec.run_id, "kendall_tau"] == pytest.approx(
            row["kendall_tau"], abs=1e-12
        )


def test_exported_tables(explained):
    root, _, _, _ = explained
    tables = root / "tables"
    ranks = pd.read_csv(tables / "ranks_graf_rf_n32.csv")
    assert list(ranks.columns) == ["feature", "family", *TASKS, "mean_rank", "n_tasks"]
    assert ranks["mean_rank"].is_monotonic_increasing
    assert (ranks["n_tasks"] == 2).all()
    importance = pd.read_parquet(tables / "importance.parquet")
    assert set(importance["task"]) == set(TASKS)
    families = pd.read_csv(tables / "families_graf_rf_n32.csv")
    assert families["family"].tolist() == ["graf"]


def test_rerun_skips_what_is_stored(explained):
    _, _, args, _ = explained
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 already in" in result.output and "0 to compute" in result.output


def test_suite_selection(tmp_path):
    suite = tmp_path / "tiny.toml"
    suite.write_text(
        'name = "tiny"\ntasks = ["nb201/cifar10"]\nfeatures = ["zcp"]\npool = "valid"\n'
        "train_sizes = [16, 24]\nseeds = [5, 6]\n"
        '[[predictors]]\nname = "xgb"\nparams = { n_estimators = 30 }\n'
        '[[predictors]]\nname = "single_proxy"\nlabel = "synflow"\n'
        'params = { proxy = "zcp:synflow" }\n',
        encoding="utf-8",
    )
    store = tmp_path / "r.duckdb"
    result = runner.invoke(
        app, ["explain", "--suite", str(suite), "--store", str(store), "--n-explain", "20"]
    )
    assert result.exit_code == 0, result.output
    runs = ExplainStore(store).runs()
    # Default choice: the largest training size and the first seed, every predictor.
    assert sorted(runs["predictor"]) == ["synflow", "xgb"]
    assert set(runs["train_size"]) == {24} and set(runs["seed"]) == {5}
    assert set(runs["suite"]) == {"tiny"}
    assert sorted(ExplainStore(store).runs(suite="tiny")["predictor"]) == ["synflow", "xgb"]
    methods = runs.set_index("predictor")["method"]
    assert methods["xgb"] == "tree" and methods["synflow"] == "permutation"
    assert runs.set_index("predictor").loc["synflow", "n_rows"] == 20
    top = ExplainStore(store).importance()
    synflow = top[top["predictor"] == "synflow"].sort_values("rank")
    assert synflow["feature"].iloc[0] == "zcp:synflow"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--task", "nb201/cifar10"], "without --suite, give --features, --predictor"),
        (
            ["--task", "nb201/nope", "--features", "zcp", "--predictor", "xgb", "-n", "8"],
            "unknown task 'nb201/nope'",
        ),
        (
            [
                "--task",
                "nb201/cifar10",
                "--features",
                "zcp",
                "--predictor",
                "xgb",
                "-n",
                "8",
                "--method",
                "kernel",
            ],
            "unknown method 'kernel'",
        ),
    ],
)
def test_bad_options(tmp_path, args, message):
    result = runner.invoke(app, ["explain", "--store", str(tmp_path / "s.duckdb"), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
