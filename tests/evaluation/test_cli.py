"""``predbench compare`` / ``results`` / ``predictors`` through typer's CliRunner."""

from __future__ import annotations

import re

import pandas as pd
from typer.testing import CliRunner

from predbench.cli import app
from predbench.predictors import PREDICTORS
from tests.evaluation._suites import TINY, write_suite

runner = CliRunner()


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_predictors_lists_the_zoo():
    result = runner.invoke(app, ["predictors"])
    assert result.exit_code == 0, result.output
    for name in PREDICTORS:
        assert name in result.output
    assert "ngboost" in result.output and "xgboost" in result.output


def test_compare_then_results_in_every_format(tmp_path):
    suite = write_suite(tmp_path, TINY.replace("seeds = [0, 1]", "seeds = [0]"), "tiny.toml")
    store = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["compare", str(suite), "--store", str(store)])
    assert result.exit_code == 0, result.output
    out = _plain(result.output)
    assert "4 runs to do, 0 already in" in out
    assert "4 runs done, 0 failed, 0 skipped" in out
    assert "n=20" in out and "graf" in out and "xgb" in out

    again = runner.invoke(app, ["compare", str(suite), "--store", str(store)])
    assert "0 runs to do, 4 already in" in _plain(again.output)

    table = runner.invoke(app, ["results", "--store", str(store), "--suite", str(suite)])
    assert table.exit_code == 0 and "kendall_tau" in table.output

    csv = tmp_path / "runs.csv"
    result = runner.invoke(
        app, ["results", "--store", str(store), "--format", "csv", "-o", str(csv)]
    )
    assert result.exit_code == 0, result.output
    runs = pd.read_csv(csv)
    assert len(runs) == 4 and set(runs["features"]) == {"graf", "zcp"}

    parquet = tmp_path / "cells.parquet"
    result = runner.invoke(
        app,
        ["results", "--store", str(store), "-f", "parquet", "--level", "cells", "-o", str(parquet)],
    )
    assert result.exit_code == 0, result.output
    cells = pd.read_parquet(parquet)
    assert len(cells) == 4 and (cells["n"] == 1).all()
    pd.testing.assert_series_equal(
        cells.sort_values(["features", "predictor"])["mean"].reset_index(drop=True),
        runs.sort_values(["features", "predictor"])["kendall_tau"].reset_index(drop=True),
        check_names=False,
    )

    md = runner.invoke(app, ["results", "--store", str(store), "--suite", "tiny", "-f", "markdown"])
    assert md.exit_code == 0
    assert md.output.startswith("| features | predictor | n=20 |")


def test_compare_rejects_a_typo_before_running(tmp_path):
    suite = write_suite(tmp_path, TINY.replace('name = "xgb"', 'name = "xgbb"'))
    store = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["compare", str(suite), "--store", str(store)])
    assert result.exit_code == 1
    assert "predictors[1].name: unknown predictor 'xgbb'" in _plain(result.output)
    assert not store.exists()


def test_results_without_a_store_says_so(tmp_path):
    result = runner.invoke(app, ["results", "--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no results store" in _plain(result.output)


def test_compare_seeds_override_without_editing_the_suite(tmp_path):
    suite = write_suite(tmp_path, TINY, "tiny.toml")
    store = tmp_path / "r.duckdb"
    listed = runner.invoke(
        app, ["compare", str(suite), "--store", str(store), "--seeds", "3,5", "--dry-run"]
    )
    assert listed.exit_code == 0, listed.output
    assert "8 runs, 8 to run" in _plain(listed.output)
    counted = runner.invoke(
        app, ["compare", str(suite), "--store", str(store), "--seeds", "1", "--dry-run"]
    )
    assert "4 runs, 4 to run" in _plain(counted.output)
    bad = runner.invoke(app, ["compare", str(suite), "--store", str(store), "--seeds", "0"])
    assert bad.exit_code != 0 and "seeds: a seed count must be ≥ 1, got 0" in _plain(bad.output)
