"""``predbench featurize``: tables written atomically, errors naming the bad line."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from featurizers import feature_table
from predbench.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["featurize", *args])


def squeezed(text: str) -> str:
    """Output without whitespace and panel borders (rich wraps long paths at any width)."""
    return re.sub(r"[\s│╭╮╰╯─]+", "", text)


def test_file_of_archs_to_parquet(tmp_path):
    archs = tmp_path / "archs.txt"
    archs.write_text("# NB201 cells in two forms\n(4, 0, 3, 1, 4, 3)\n\n(2, 2, 2, 2, 2, 2)\n")
    out = tmp_path / "out" / "features.parquet"
    result = run(
        "--space", "nb201", "--features", "onehot+graf", "--archs", str(archs), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    expected = feature_table("nb201", ["(4, 0, 3, 1, 4, 3)", "(2, 2, 2, 2, 2, 2)"], "onehot+graf")
    pd.testing.assert_frame_equal(table, expected)
    assert "2 archs × 221 features" in result.output


def test_whole_space_to_csv(tmp_path):
    out = tmp_path / "tnb.csv"
    result = run("--space", "tnb101_micro", "-f", "graf", "-o", str(out), "--archs", "all")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, index_col="arch")
    assert table.shape == (4_096, 95)
    assert table.index[0] == "64-41414-0_00_000"


def test_options_reach_the_featurizers(tmp_path):
    config = tmp_path / "graf.json"
    config.write_text('[{"name": "op_count"}]')
    out = tmp_path / "o.csv"
    result = run(
        "-s", "nb201", "-f", "graf+path", "--graf-config", str(config), "--path-cutoff", "5",
        "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out, index_col="arch").shape == (15_625, 5 + 5)


def test_bad_arch_names_the_line_and_leaves_the_old_file(tmp_path):
    archs = tmp_path / "archs.txt"
    archs.write_text("(0, 0, 0, 0, 0, 0)\n\n(0, 0, 0, 0, 0, 9)\n")
    out = tmp_path / "features.csv"
    out.write_text("old contents")
    result = run("--space", "nb201", "--archs", str(archs), "-o", str(out))
    assert result.exit_code == 2
    assert "archs.txt:3:" in squeezed(result.output)
    assert "(0,0,0,0,0,9)" in squeezed(result.output)
    assert out.read_text() == "old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archs.txt", "features.csv"]


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    out = tmp_path / "features.parquet"
    out.write_bytes(b"old")

    def broken(self, path, *args, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"half a table")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    result = run("--space", "tnb101_micro", "-o", str(out))
    assert result.exit_code != 0
    assert "error: disk full" in result.output  # one line, not a traceback
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["features.parquet"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--space", "nb201", "-o", "x.xlsx"], "unknown format"),
        (["--space", "nb201", "-f", "grof", "-o", "x.csv"], "unknown feature family"),
        (["--space", "tnb101_macro", "-f", "path", "-o", "x.csv"], "no path encoding"),
        (["--space", "nb301", "-o", "x.csv"], "cannot be enumerated"),
        (["--space", "nb201", "-f", "zcp", "-o", "x.csv"], "needs proxy scores"),
        (["--space", "nb201", "--archs", "missing.txt", "-o", "x.csv"], "no such file"),
    ],
)
def test_usage_errors(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert squeezed(message) in squeezed(result.output)
    assert list(tmp_path.iterdir()) == []


def test_zcp_from_recorded_task(tmp_path):
    archs = tmp_path / "archs.txt"
    archs.write_text("(4, 0, 3, 1, 4, 3)\n(2, 2, 2, 2, 2, 2)\n")
    out = tmp_path / "zcp.csv"
    result = run(
        "--space", "nb201", "--features", "zcp+graf", "--task", "nb201/cifar10",
        "--archs", str(archs), "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, index_col="arch")
    # recorded NAS-Bench-Suite-Zero values for these two cells (MFLOPs, M params)
    assert table["zcp:flops"].tolist() == [19.248832, 222.860992]
    assert table["zcp:params"].tolist() == [0.129306, 1.531546]
    assert table.shape[1] == 13 + 191


def test_zcp_from_computed_scores_file(tmp_path):
    from predbench.data import load_task_from_file

    archs = tmp_path / "archs.txt"
    archs.write_text("(4, 0, 3, 1, 4, 3)\n(1, 1, 1, 1, 1, 1)\n")
    scores = tmp_path / "scores.json"
    computed = runner.invoke(
        app,
        ["proxies", "--space", "nb201", "--archs", str(archs), "--proxies", "flops,params,synflow",
         "--device", "cpu", "-o", str(scores)],
    )  # fmt: skip
    assert computed.exit_code == 0, computed.output
    out = tmp_path / "zcp.parquet"
    result = run(
        "--space", "nb201", "--features", "zcp", "--proxies-file", str(scores), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    recorded = load_task_from_file(scores, "nb201").proxies
    assert sorted(table.columns) == ["zcp:flops", "zcp:params", "zcp:synflow"]
    pd.testing.assert_series_equal(
        table["zcp:synflow"], recorded.loc[table.index, "synflow"], check_names=False
    )
    # the all-none cell: params/flops of the fixed part only, synflow exactly 0 (as recorded)
    none_cell = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    assert table.loc[none_cell, "zcp:params"] == pytest.approx(0.073306)
    assert table.loc[none_cell, "zcp:synflow"] == 0.0


def test_zcp_without_scores_is_refused(tmp_path):
    result = run("--space", "nb201", "--features", "zcp", "-o", str(tmp_path / "x.csv"))
    assert result.exit_code != 0
    assert "--task" in squeezed(result.output)


def test_zcp_subset_grammar_and_the_dropped_archs_are_said(tmp_path):
    out = tmp_path / "f.parquet"
    result = runner.invoke(
        app,
        ["featurize", "--space", "nb201", "--features", "zcp[synflow,nwot]+graf",
         "--task", "nb201/cifar10", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    # 15,625 cells; synflow is missing for 5,992 of them, nwot for 6,180
    assert "left out 6,180 of 15,625" in text and "synflow 5,992, nwot 6,180" in text
    table = pd.read_parquet(out)
    assert len(table) == 9445
    assert [c for c in table.columns if c.startswith("zcp:")] == ["zcp:synflow", "zcp:nwot"]
    whole = runner.invoke(
        app,
        ["featurize", "--space", "nb201", "--features", "zcp[zen]", "--task", "nb201/cifar10",
         "-o", str(out)],
    )  # fmt: skip
    assert whole.exit_code == 0 and "left out" not in whole.output
    assert len(pd.read_parquet(out)) == 15625


def test_transfer_features_read_the_other_datasets_of_the_task_space(tmp_path):
    from predbench.runs.cache import cached_task

    archs = tmp_path / "archs.txt"
    archs.write_text("(4, 0, 3, 1, 4, 3)\n(2, 2, 2, 2, 2, 2)\n")
    out = tmp_path / "features.csv"
    features = ["--features", "graf+transfer[all]", "--archs", str(archs), "-o", str(out)]
    result = run("--space", "nb201", *features)
    assert result.exit_code != 0
    assert "pass--taskSPACE/TASK" in squeezed(result.output)
    assert not out.exists()
    result = run("--space", "nb201", "--task", "nb201/cifar10", *features)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, index_col="arch")
    assert list(table.columns[-2:]) == ["transfer:cifar100", "transfer:ImageNet16-120"]
    recorded = cached_task("nb201/cifar100").targets["val_accuracy"]
    assert table["transfer:cifar100"].tolist() == recorded.loc[table.index].tolist()
    result = run("--space", "nb201", "--task", "nb201/cifar10", *features[:1],
                 "graf+transfer[cifar10]", *features[2:])  # fmt: skip
    assert result.exit_code != 0
    assert "itslabelscannotbeitsfeatures" in squeezed(result.output)
