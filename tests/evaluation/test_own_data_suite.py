"""A user's own benchmark file as a task of a suite, beside a shipped task."""

from __future__ import annotations

import re

import numpy as np
from typer.testing import CliRunner

from predbench.cli import app
from predbench.evaluation import ResultsStore
from predbench.runs.cache import cached_task

runner = CliRunner()

SUITE = """
name = "mixed"
tasks = ["nb201/cifar10", {{ file = "{file}", space = "nb201", name = "mine" }}]
features = ["graf", "zcp[synflow,jacov]"]
train_sizes = [20]
seeds = 2
pool = "valid"
test_size = 100

[[predictors]]
name = "rf"
params = {{ n_estimators = 20 }}
"""


def _own_file(folder, n: int = 300):
    """A CSV benchmark of ``n`` valid NB201 cells, made from the shipped task for the test."""
    task = cached_task("nb201/cifar10")
    archs = task.archs_with("val_accuracy", ("synflow", "jacov"))[:n]
    frame = task.targets.loc[archs, ["val_accuracy"]].join(
        task.proxies.loc[archs, ["synflow", "jacov"]]
    )
    path = folder / "bench" / "my_bench.csv"
    path.parent.mkdir()
    frame.rename_axis("arch").reset_index().to_csv(path, index=False)
    return path


def _plain(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_a_suite_mixes_a_shipped_task_and_a_users_file(tmp_path):
    data = _own_file(tmp_path)
    suite = tmp_path / "mixed.toml"
    suite.write_text(SUITE.format(file="bench/my_bench.csv"))  # relative to the suite file
    store = tmp_path / "r.duckdb"
    first = runner.invoke(app, ["compare", str(suite), "--store", str(store)])
    assert first.exit_code == 0, first.output
    assert "8 runs to do" in _plain(first.output)
    frame = ResultsStore(store).frame()
    assert set(frame["task"]) == {"nb201/cifar10", "nb201/mine"}
    mine = frame[frame["task"] == "nb201/mine"]
    assert (mine["status"] == "ok").all() and mine["data"].str.startswith("sha256:").all()
    assert "pool of nb201/mine: valid" in _plain(first.output)

    again = runner.invoke(app, ["compare", str(suite), "--store", str(store)])
    assert "0 runs to do, 8 already in" in _plain(again.output)

    # Editing the file makes its runs new runs; the stale ones are never shown for the suite.
    text = data.read_text().splitlines()
    cells = text[1].split(",")
    cells[1] = str(float(cells[1]) - 1.0)
    data.write_text("\n".join([text[0], ",".join(cells), *text[2:]]) + "\n")
    edited = runner.invoke(app, ["compare", str(suite), "--store", str(store)])
    assert edited.exit_code == 0, edited.output
    assert "4 runs to do, 4 already in" in _plain(edited.output)
    view = ResultsStore(store).frame(suite="mixed")
    assert len(view) == 8 and view["run_id"].is_unique
    assert len(ResultsStore(store).frame()) == 12  # the old file's 4 runs stay, apart
    shown = runner.invoke(app, ["results", "--store", str(store), "--suite", str(suite)])
    assert "(n=4)" not in shown.output and shown.output.count("(n=2)") == 4


def test_a_bad_own_file_stops_the_suite_naming_file_row_and_field(tmp_path):
    data = _own_file(tmp_path, n=50)
    lines = data.read_text().splitlines()
    cells = lines[3].split(",")
    cells[1] = "inf"
    lines[3] = ",".join(cells)
    data.write_text("\n".join(lines) + "\n")
    suite = tmp_path / "mixed.toml"
    suite.write_text(SUITE.format(file="bench/my_bench.csv"))
    store = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["compare", str(suite), "--store", str(store)])
    assert result.exit_code != 0
    text = _plain(result.output)
    assert "my_bench.csv" in text and re.search(r"line 4", text) and "val_accuracy" in text
    assert not store.exists()
    assert np.isinf(float("inf"))


COMPUTED = """
name = "computed"
tasks = [{{ file = "{file}", space = "nb201", name = "mine" }}]
features = ["zcp[params,flops,synflow]", "zcp[params,flops,synflow]+graf"]
proxies_from = "computed"
train_sizes = [20]
seeds = 2

[[predictors]]
name = "rf"
params = {{ n_estimators = 20 }}
"""


def test_a_suite_on_own_archs_with_computed_proxies(tmp_path):
    """Accuracies only, no proxies in the file: the engine computes them, once, and the run
    identity says how (dataset, minibatch, network version)."""
    task = cached_task("nb201/cifar10")
    archs = task.archs_with("val_accuracy", ("synflow", "flops"))[:48]
    frame = task.targets.loc[archs, ["val_accuracy"]].rename_axis("arch").reset_index()
    data = tmp_path / "accs.csv"
    frame.to_csv(data, index=False)
    suite = tmp_path / "computed.toml"
    suite.write_text(COMPUTED.format(file="accs.csv"))
    store = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["compare", str(suite), "--store", str(store)])
    assert result.exit_code == 0, result.output
    runs = ResultsStore(store).frame()
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert runs["proxy_source"].str.contains('"network_version"').all()
    assert runs["proxy_source"].str.contains('"dataset":"cifar10"').all()
    # computed params/flops rank like the recorded ones: the features carry signal
    assert runs["kendall_tau"].mean() > 0.3
    from predbench.evaluation.features import build_table

    own = cached_task("nb201/mine")
    computed = build_table(own, "zcp[params,flops]", own.archs, runs["proxy_source"].iloc[0])
    recorded = task.proxies.loc[own.archs, ["params", "flops"]]
    assert np.allclose(computed.to_numpy(), recorded.to_numpy(), rtol=1e-6)


def test_transfer_all_on_a_users_file_reads_every_shipped_task_of_its_space(tmp_path):
    from predbench.evaluation import load_suite

    _own_file(tmp_path)
    suite = tmp_path / "mixed.toml"
    text = SUITE.format(file="bench/my_bench.csv").replace(
        '["graf", "zcp[synflow,jacov]"]', '["graf+transfer[all]", "graf+transfer[cifar100]"]'
    )
    suite.write_text(text)
    _, runs = load_suite(suite)
    mine = {r.features: r.feature_sources for r in runs if r.task == "nb201/mine"}
    assert set(eval_json(mine["graf+transfer[all]"])) == {
        "nb201/cifar10", "nb201/cifar100", "nb201/ImageNet16-120"
    }  # fmt: skip
    assert set(eval_json(mine["graf+transfer[cifar100]"])) == {"nb201/cifar100"}
    shipped = {r.features: r.feature_sources for r in runs if r.task == "nb201/cifar10"}
    assert "nb201/cifar10" not in eval_json(shipped["graf+transfer[all]"])


def eval_json(text: str) -> dict:
    import json

    return json.loads(text)
