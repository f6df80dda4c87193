"""Your own benchmark file in every entry point: search, explain and featurize (--task-file)."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from predbench.cli import app
from predbench.runs.cache import cached_task

runner = CliRunner()


def _own_file(folder, n: int = 400):
    task = cached_task("nb201/cifar10")
    archs = task.archs_with("val_accuracy", ("synflow", "jacov"))[:n]
    frame = task.targets.loc[archs, ["val_accuracy"]].join(
        task.proxies.loc[archs, ["synflow", "jacov"]]
    )
    path = folder / "my_bench.csv"
    frame.rename_axis("arch").reset_index().to_csv(path, index=False)
    return path


def test_search_on_a_users_file(tmp_path):
    data = _own_file(tmp_path)
    store = tmp_path / "s.duckdb"
    result = runner.invoke(
        app,
        ["search", "--task-file", str(data), "--space", "nb201", "--strategy", "evolution",
         "--budget", "30", "--seeds", "2", "--store", str(store), "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "nb201/my_bench" in result.output and "all (400)" in result.output
    missing = runner.invoke(app, ["search", "--task-file", str(data), "--strategy", "random"])
    assert missing.exit_code != 0 and "--space" in missing.output


def test_explain_and_featurize_a_users_file(tmp_path):
    data = _own_file(tmp_path)
    store = tmp_path / "r.duckdb"
    result = runner.invoke(
        app,
        ["explain", "--task-file", str(data), "--space", "nb201", "--features", "zcp+graf",
         "--predictor", "xgb", "--train-size", "64", "--store", str(store), "--top", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "nb201/my_bench" in result.output
    out = tmp_path / "f.parquet"
    done = runner.invoke(
        app,
        ["featurize", "--space", "nb201", "--features", "zcp+graf", "--task-file", str(data),
         "-o", str(out)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    table = pd.read_parquet(out)
    assert len(table) == 400 and {"zcp:synflow", "zcp:jacov"} <= set(table.columns)
