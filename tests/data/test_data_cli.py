"""``predbench data`` through typer's CliRunner."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from predbench.cli import app
from predbench.data import TASKS, load_registry
from predbench.data.download import files_dir

runner = CliRunner()


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_list_shows_every_task_without_loading():
    result = runner.invoke(app, ["data", "list"])
    assert result.exit_code == 0, result.output
    for key in TASKS:
        assert key in result.output
    assert "15,625" in result.output and "11,721" in result.output


def test_show_nb201_cifar10():
    result = runner.invoke(app, ["data", "show", "nb201/cifar10"])
    assert result.exit_code == 0, result.output
    text = _plain(result.output)
    assert "15,625 archs; 15,625 with val_accuracy; 9,445 with all 13 proxies" in text
    assert re.search(r"zen │ proxy │ 15,625 │ 341 │ 15,625", text)
    assert re.search(r"edgetpu_latency │ target │ 10,926", text)
    assert "zc_nasbench201.json" in text  # the pilot disagreements are listed


def test_show_unknown_task_fails_cleanly():
    result = runner.invoke(app, ["data", "show", "nb201/cifar1000"])
    assert result.exit_code == 1
    assert "unknown task 'nb201/cifar1000'" in _plain(result.output)


def test_fetch_names_and_tasks():
    name = "HayeonLee__HELP/LICENSE"
    result = runner.invoke(app, ["data", "fetch", name, "nb201/svhn"])
    assert result.exit_code == 0, result.output
    assert "2 file(s)" in result.output
    assert (files_dir() / name).is_file()
    assert (files_dir() / "automl__NASLib/run/results/benchmarks/9x_all.zip").is_file()


def test_fetch_all():
    result = runner.invoke(app, ["data", "fetch", "--all"])
    assert result.exit_code == 0, result.output
    assert f"{len(load_registry())} file(s)" in result.output


def test_fetch_needs_a_name():
    result = runner.invoke(app, ["data", "fetch"])
    assert result.exit_code == 1
    assert "--all" in result.output
    result = runner.invoke(app, ["data", "fetch", "no/such/file"])
    assert result.exit_code == 1
    assert "neither a registry file nor a task" in _plain(result.output)
