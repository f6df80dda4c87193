"""Built-in suites: listed by ``predbench suites``, run by name from anywhere, shipped in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from predbench.cli import app
from predbench.runs.suitefile import builtin_folder, builtin_suites

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _plain(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_suites_lists_every_builtin_suite_with_its_kind():
    files = sorted(p.stem for p in builtin_folder().glob("*.toml"))
    assert "quickstart" in files and "search_quick" in files
    result = runner.invoke(app, ["suites"])
    assert result.exit_code == 0, result.output
    text = _plain(result.output)
    for name in files:
        assert name in text
    assert "quickstart compare" in text and "search_quick search" in text


def test_a_builtin_suite_runs_by_name_outside_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no suites/ folder here
    store = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["compare", "quickstart", "--dry-run", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "suite quickstart: 130 runs" in _plain(result.output)
    typo = runner.invoke(app, ["compare", "quikstart", "--store", str(store)])
    assert typo.exit_code != 0 and "no built-in suite of that name" in _plain(typo.output)


def test_the_wheel_carries_the_suites(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("predbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in builtin_suites():
        assert f"predbench/suites/{name}.toml" in names
    assert "predbench/data/registry.toml" in names
