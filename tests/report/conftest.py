"""Fixtures of the report tests: one store filled through the real store classes.

Synthetic harness results (two targets of NB201 CIFAR-10, two feature sets, two predictors, two
training sizes, three seeds), explanations of small fitted random forests and two search
strategies' trajectories, so every section and every figure of the report is drawn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from predbench.evaluation import ResultsStore
from predbench.explain import ExplainStore, explain_model
from predbench.predictors import make_predictor
from predbench.search._store import SearchStore

ODD_LABEL = "xgb <b>&</b>"


def _results(rng: np.random.Generator) -> list[dict]:
    rows = []
    for task, target in (("nb201/cifar10", "val_accuracy"), ("nb201/cifar10", "edgegpu_energy")):
        for features in ("graf", "zcp+graf"):
            for predictor, quality in (("rf", 0.7), (ODD_LABEL, 0.6)):
                for size in (16, 64):
                    for seed in range(3):
                        tau = quality + 0.05 * np.log2(size / 16) + 0.02 * rng.normal()
                        series = f"{task}-{target}-{features}-{predictor}"
                        rows.append(
                            {
                                "run_id": f"{series}-{size}-{seed}",
                                "condition_id": f"{series}-{size}",
                                "series_id": series,
                                "settings": json.dumps({"task": task, "predictor": predictor}),
                                "task": task,
                                "target": target,
                                "features": features,
                                "predictor": predictor,
                                "predictor_name": "xgb" if predictor == ODD_LABEL else "rf",
                                "params": "{}",
                                "train_size": size,
                                "seed": seed,
                                "status": "ok",
                                "kendall_tau": tau,
                                "spearman": min(1.0, tau * 1.3),
                                "n_test": 500,
                                "pool": "valid",
                                "pool_size": 9445,
                                "versions": '{"numpy":"2.0"}',
                            }
                        )
    failed = dict(rows[0], run_id="failed-one", seed=9, status="error", kendall_tau=None)
    failed["error"] = "Traceback ...\nValueError: something broke"
    rows.append(failed)
    other = dict(rows[1], run_id="other-suite")
    rows.append(other)
    return rows


def _memberships(path: Path, rows: list[dict]) -> None:
    store = ResultsStore(path)
    store.set_suite("demo", "compare", [r["run_id"] for r in rows if r["run_id"] != "other-suite"])
    store.set_suite("other", "compare", ["other-suite"])
    store.set_suite("demo", "explain", ["e0", "e1"])
    store.set_suite(
        "demo", "search", [f"{s}-{seed}" for s in ("random", "evolution") for seed in range(2)]
    )


def _explain(store: ExplainStore, rng: np.random.Generator) -> None:
    names = ["zcp:jacov", "zcp:nwot", "graf:min_path_len[skip_connect]", "graf:op_count[none]"]
    for i, (task, target) in enumerate(
        (("nb201/cifar10", "val_accuracy"), ("nb201/cifar10", "edgegpu_energy"))
    ):
        X = pd.DataFrame(rng.normal(size=(160, 4)), columns=names)
        X.index = [f"arch{j}" for j in range(160)]
        y = X.iloc[:, i] * 2 + X.iloc[:, 2]
        model = make_predictor("rf", n_estimators=10, random_state=0).fit(X[:60], y[:60])
        explanation = explain_model(model, X[60:])
        store.add(
            explanation,
            {
                "explain_id": f"e{i}",
                "run_id": f"r{i}",
                "condition_id": f"{target}-zcp+graf-rf-64",
                "series_id": f"{target}-zcp+graf-rf",
                "run_settings": json.dumps({"target": target, "predictor": "rf"}),
                "suite": "demo",
                "task": task,
                "target": target,
                "features": "zcp+graf",
                "predictor": "rf",
                "predictor_name": "rf",
                "train_size": 64,
                "seed": 0,
                "method": explanation.method,
                "n_rows": len(explanation),
                "n_features": 4,
                "base_value": explanation.base_value,
                "additivity_error": explanation.additivity_error,
                "kendall_tau": 0.7,
                "shap_seconds": explanation.seconds,
                "versions": '{"shap":"0.51.0"}',
            },
        )


def _search(store: SearchStore) -> None:
    for strategy in ("random", "evolution"):
        for seed in range(2):
            values = np.random.default_rng(seed).uniform(80, 94, size=30)
            best = np.maximum.accumulate(values)
            trajectory = pd.DataFrame(
                {
                    "query": np.arange(1, 31),
                    "arch": [f"a{q}" for q in range(30)],
                    "value": values,
                    "value_val_accuracy": values,
                    "best_value": best,
                    "best_arch": "a0",
                }
            )
            store.write_run(
                {
                    "run_id": f"{strategy}-{seed}",
                    "condition_id": strategy,
                    "task": "nb201/cifar10",
                    "strategy": strategy,
                    "seed": seed,
                    "budget": 30,
                    "objectives": ["val_accuracy"],
                    "settings": {},
                },
                trajectory,
            )


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "results.duckdb"
    rng = np.random.default_rng(0)
    rows = _results(rng)
    ResultsStore(path).add(rows)
    _explain(ExplainStore(path), rng)
    _search(SearchStore(path))
    _memberships(path, rows)
    return path


@dataclass
class BuiltReport:
    """One ``predbench report -o … --figures …`` run on :func:`store`, with the figures drawn."""

    html: str
    html_path: Path
    figures_dir: Path
    #: stable name → the matplotlib figure written under it
    figures: dict[str, Figure]
    output: str


@pytest.fixture(scope="session")
def built(store, tmp_path_factory) -> BuiltReport:
    """The report built once through the CLI, both the page and the exported figures."""
    from typer.testing import CliRunner

    from predbench.cli import app
    from predbench.report import _export

    out = tmp_path_factory.mktemp("built")
    captured: dict[str, Figure] = {}
    original = _export.FigureExport.add

    def add(self, fig, data, **names):
        stem = original(self, fig, data, **names)
        captured[stem] = fig
        return stem

    args = ["report", str(store), "-o", str(out / "demo.html"), "--figures", str(out / "figs")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_export.FigureExport, "add", add)
        result = CliRunner().invoke(app, [*args, "--suite", "demo", "--title", "Demo <report>"])
    assert result.exit_code == 0, result.output
    html_path = out / "demo.html"
    return BuiltReport(
        html=html_path.read_text(encoding="utf-8"),
        html_path=html_path,
        figures_dir=out / "figs",
        figures=captured,
        output=result.output,
    )
