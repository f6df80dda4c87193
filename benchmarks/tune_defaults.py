"""Re-check three existing defaults on the tuning seeds only, then report the choice apart.

Honest selection (:data:`predbench.evaluation.protocols.TUNING_SEEDS`, 1000–1009): every
candidate below is scored on tuning seeds only; the chosen value is then run on reporting seeds
that took no part in the choice. Run from the project root:

    PREDBENCH_MIRROR=../shared/data PYTHONPATH=. python benchmarks/tune_defaults.py \
        [--part scaling|gnn|ngboost|report|all] [--runs results/tune_defaults.jsonl]

Defaults re-checked (the candidates are the current default and its neighbours):

``scaling``
    ``predbench/predictors/_smooth.py``'s input scaling of GP, MLP and ridge: ``standard`` vs
    ``quantile``. NB201 CIFAR-10, ZCP+GRAF features of the 9,445 valid cells, train 128 / 1,024
    cells drawn with predbench's split rule, test on every other valid cell, Kendall τ.
``gnn``
    GIN + ZCP's ``feature_dropout`` (``predbench/predictors/gnn``): 0.0 / 0.25 / 0.5, same data
    and sizes, estimator defaults otherwise (200 epochs, one torch thread).
``ngboost``
    The archs BANANAS evaluates per NGBoost refit in the search suite (``batch_size`` of
    ``suites/search_nb201.toml``'s NGBoost entry): 3 / 5 / 10, NB201 CIFAR-10, all 15,625 cells,
    150 queries, search seeds 1000–1009 (``benchmarks/suites/tune_ngboost_batch.toml``).

Choice rule, fixed before the runs: a default moves only if another candidate is better on the
tuning seeds by more than the noise margin (mean Kendall τ over every size × seed cell higher by
> 0.005 for the predictors; median queries to the top 1 % lower by > 2 with a mean val@150 no
lower for the search). ``report`` then runs each chosen value on reporting seeds: GRAF reporting
seeds 0–2 (same split rule) for the predictors, search seeds 1010–1029 for the search.

Finished fits are appended to ``--runs`` (JSON lines) so an interrupted run resumes; search runs
go to the search store (``results/search_nb201.duckdb``), which resumes on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _env import ROOT
from search_stats import median_interval

from predbench.evaluation.metrics import kendall_tau, mean_interval
from predbench.evaluation.protocols import (
    GRAF_REPORTING_SEEDS,
    TUNING_SEEDS,
    check_disjoint_seeds,
)

SIZES = (128, 1024)
SCALING_SEEDS = TUNING_SEEDS[:3]
GNN_SEEDS = TUNING_SEEDS[:2]
REPORT_SEEDS = GRAF_REPORTING_SEEDS[:3]
SEARCH_TUNING_SUITE = ROOT / "benchmarks" / "suites" / "tune_ngboost_batch.toml"
SEARCH_REPORT_SEEDS = tuple(range(1010, 1030))
#: Search seeds per batch size on the tuning side (all ten tuning seeds, 1000–1009).
NGBOOST_TUNING_RUNS = 10
TAU_MARGIN = 0.005
QUERY_MARGIN = 2.0

#: Default → candidates, per re-checked setting (the first candidate is the current default).
SCALING_CANDIDATES = ("standard", "quantile")
DROPOUT_CANDIDATES = (0.0, 0.25, 0.5)
NGBOOST_LABELS = {
    5: "bananas[ngboost/path,native]",
    3: "bananas[ngboost/path,native] batch 3",
    10: "bananas[ngboost/path,native] batch 10",
}

check_disjoint_seeds(TUNING_SEEDS, REPORT_SEEDS)
check_disjoint_seeds(TUNING_SEEDS, SEARCH_REPORT_SEEDS)


# --- data -------------------------------------------------------------------------------------


def nb201_valid() -> tuple[pd.DataFrame, pd.Series]:
    """ZCP+GRAF features and CIFAR-10 validation accuracy of the valid cells (all proxies)."""
    from featurizers import feature_table
    from predbench.data import load_task

    task = load_task("nb201/cifar10")
    pool = pd.Index(sorted(task.archs_with("val_accuracy", tuple(task.proxies.columns))))
    features = feature_table("nb201", pool, "zcp+graf", zcp=task.proxies.loc[pool])
    return features, task.targets.loc[pool, "val_accuracy"]


# --- predictor fits ---------------------------------------------------------------------------


class RunLog:
    """Finished fits as JSON lines keyed by (setting, value, model, size, seed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[tuple, dict] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                row = json.loads(line)
                self.rows[self.key(row)] = row

    @staticmethod
    def key(row: dict) -> tuple:
        return (row["setting"], str(row["value"]), row["model"], row["size"], row["seed"])

    def add(self, row: dict) -> None:
        self.rows[self.key(row)] = row
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as out:
            out.write(json.dumps(row) + "\n")

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows.values()))


def _factories() -> dict[tuple[str, str], Callable[[object, int], object]]:
    """(setting, model) → factory(value, seed)."""
    from predbench.predictors import make_predictor

    return {
        ("scaling", "gp"): lambda v, s: make_predictor("gp", scaling=v, random_state=s),
        ("scaling", "mlp"): lambda v, s: make_predictor("mlp", scaling=v, random_state=s),
        ("scaling", "ridge"): lambda v, s: make_predictor("ridge", scaling=v, random_state=s),
        ("feature_dropout", "gin+zcp"): lambda v, s: make_predictor(
            "gin", use_features=True, feature_dropout=float(v), n_jobs=1, random_state=s
        ),
    }


def fit_runs(grid: list[tuple[str, object, str, int, int]], log: RunLog) -> None:
    """Fit every (setting, value, model, size, seed) not yet logged; Kendall τ on the rest."""
    from rich.progress import Progress

    from predbench.evaluation.splits import split

    todo = [g for g in grid if RunLog.key(dict(zip(_KEYS, g, strict=True))) not in log.rows]
    if not todo:
        return
    features, target = nb201_valid()
    zcp = [c for c in features.columns if c.startswith("zcp:")]
    factories = _factories()
    with Progress(disable=not sys.stderr.isatty()) as bar:
        job = bar.add_task("fits", total=len(todo))
        for setting, value, model, size, seed in todo:
            train, test = split(features.index, size, seed)
            X = features[zcp] if model.startswith("gin") else features
            estimator = factories[(setting, model)](value, seed)
            t0 = time.perf_counter()
            estimator.fit(X.loc[train], target.loc[train].to_numpy())
            tau = kendall_tau(target.loc[test].to_numpy(), estimator.predict(X.loc[test]))
            row = dict(zip(_KEYS, (setting, value, model, size, seed), strict=True))
            log.add({**row, "tau": tau, "seconds": time.perf_counter() - t0, "n_test": len(test)})
            print(
                f"# {setting}={value} {model} n={size} seed {seed}: tau {tau:.3f}", file=sys.stderr
            )
            bar.advance(job)


_KEYS = ("setting", "value", "model", "size", "seed")


def predictor_grid(part: str) -> list[tuple[str, object, str, int, int]]:
    if part == "scaling":
        return [
            ("scaling", v, m, n, s)
            for s in SCALING_SEEDS
            for n in SIZES
            for m in ("ridge", "gp", "mlp")
            for v in SCALING_CANDIDATES
        ]
    return [
        ("feature_dropout", v, "gin+zcp", n, s)
        for s in GNN_SEEDS
        for n in SIZES
        for v in DROPOUT_CANDIDATES
    ]


def choose_predictor(frame: pd.DataFrame, setting: str, model: str, seeds) -> tuple[object, list]:
    """(chosen value, rows of the tuning table) by the rule of the module docstring."""
    runs = frame[(frame.setting == setting) & (frame.model == model) & frame.seed.isin(seeds)]
    candidates = SCALING_CANDIDATES if setting == "scaling" else DROPOUT_CANDIDATES
    default = candidates[0]
    cells = runs.pivot_table(index=["size", "seed"], columns="value", values="tau")
    cells.columns = [str(c) for c in cells.columns]
    rows, best, best_gain = [], default, TAU_MARGIN
    for value in candidates:
        if str(value) not in cells:
            continue
        per_size = cells[str(value)].groupby(level="size").mean()
        diff = mean_interval(cells[str(value)] - cells[str(default)])
        rows.append(
            {
                "model": model,
                "value": value,
                **{f"tau@{n}": per_size.get(n, np.nan) for n in SIZES},
                "mean": float(cells[str(value)].mean()),
                "diff": diff,
                "cells": int(cells[str(value)].notna().sum()),
            }
        )
        if value != default and diff["mean"] > best_gain:
            best, best_gain = value, diff["mean"]
    return best, rows


# --- search -----------------------------------------------------------------------------------


def search_suite(seeds: tuple[int, ...] | None = None, labels: set[str] | None = None):
    from predbench.search._suite import SearchSuite

    suite = SearchSuite.load(SEARCH_TUNING_SUITE)
    runs = suite.runs()
    if seeds is not None:
        from dataclasses import replace

        runs = [replace(r, seed=s) for r in runs for s in seeds if r.seed == suite.seeds[0]]
    if labels is not None:
        runs = [r for r in runs if r.strategy.resolved_label() in labels]
    return suite, runs


def run_search(seeds: tuple[int, ...] | None = None, labels: set[str] | None = None) -> None:
    from predbench.search._store import SearchStore
    from predbench.search._suite import run_suite

    suite, runs = search_suite(seeds, labels)
    store = SearchStore(ROOT / suite.store)
    outcome = run_suite(runs, store, n_jobs=1, progress=sys.stderr.isatty())
    if outcome.failed:
        raise SystemExit(f"{len(outcome.failed)} search runs failed: {outcome.failed[0][1]}")


def search_rows(seeds: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Per batch size: queries to the top 1 % (median, 95 % interval) and val@150."""
    from predbench.data import load_task
    from predbench.search._run import queries_to_reach, top_fraction_threshold
    from predbench.search._store import SearchStore
    from predbench.search._suite import make_oracle

    suite, runs = search_suite(seeds)
    store = SearchStore(ROOT / suite.store)
    by_id = {r.run_id: r for r in runs}
    traj = store.trajectories(list(by_id))
    if traj.empty:
        return pd.DataFrame()
    # a run shared with another suite keeps the label it was stored under: name it as here
    traj["strategy"] = traj["run_id"].map(lambda i: by_id[i].strategy.resolved_label())
    oracle = make_oracle(load_task("nb201/cifar10"), suite.objectives, suite.domain)
    threshold = top_fraction_threshold(oracle, 0.01)
    batch = {label: b for b, label in NGBOOST_LABELS.items()}
    rows = []
    for label, group in traj.groupby("strategy"):
        hits, finals = [], []
        for _, t in group.groupby("run_id"):
            q = queries_to_reach(t, threshold)
            hits.append(q if q == q else t["query"].max() + 1)
            finals.append(float(t.loc[t["query"] == suite.budget, "best_value"].iloc[0]))
        med = median_interval(np.asarray(hits, dtype=float))
        rows.append(
            {
                "batch": batch[label],
                "seeds": len(hits),
                "median_q": med["median"],
                "q_low": med["low"],
                "q_high": med["high"],
                "val150_mean": float(np.mean(finals)),
                "seconds": float(group.groupby("run_id")["strategy_seconds"].sum().median()),
            }
        )
    return pd.DataFrame(rows).sort_values("batch")


def choose_batch(table: pd.DataFrame) -> int:
    default = 5
    base = table.set_index("batch").loc[default]
    best, best_q = default, base["median_q"] - QUERY_MARGIN
    for _, r in table.iterrows():
        if (
            r["batch"] != default
            and r["median_q"] < best_q
            and r["val150_mean"] >= base["val150_mean"]
        ):
            best, best_q = int(r["batch"]), r["median_q"]
    return best


# --- output -----------------------------------------------------------------------------------


def _diff(d: dict) -> str:
    if not np.isfinite(d.get("ci_low", np.nan)):
        return "—"
    return f"{d['mean']:+.3f} [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}]"


def predictor_section(
    frame: pd.DataFrame, setting: str, models: tuple[str, ...]
) -> tuple[str, dict]:
    out, chosen = [], {}
    seeds = SCALING_SEEDS if setting == "scaling" else GNN_SEEDS
    out.append(
        f"| model | {setting} | "
        + " | ".join(f"τ @ {n}" for n in SIZES)
        + " | mean | paired diff vs default [95 % CI] | cells |"
    )
    out.append("|---|---|" + "---:|" * (len(SIZES) + 3))
    for model in models:
        choice, rows = choose_predictor(frame, setting, model, seeds)
        chosen[model] = choice
        for r in rows:
            mark = " **chosen**" if r["value"] == choice else ""
            out.append(
                f"| {model} | {r['value']}{mark} | "
                + " | ".join(f"{r[f'tau@{n}']:.3f}" for n in SIZES)
                + f" | {r['mean']:.3f} | {_diff(r['diff'])} | {r['cells']} |"
            )
    return "\n".join(out), chosen


def report_section(frame: pd.DataFrame, setting: str, chosen: dict) -> str:
    out = [
        f"| model | {setting} (chosen) | "
        + " | ".join(f"τ @ {n} (mean ± sd)" for n in SIZES)
        + " | seeds |",
        "|---|---|" + "---:|" * (len(SIZES) + 1),
    ]
    for model, value in chosen.items():
        runs = frame[
            (frame.setting == setting)
            & (frame.model == model)
            & (frame.value.astype(str) == str(value))
            & frame.seed.isin(REPORT_SEEDS)
        ]
        if runs.empty:
            continue
        cells = []
        for n in SIZES:
            tau = runs.loc[runs["size"] == n, "tau"]
            cells.append(f"{tau.mean():.3f} ± {tau.std():.3f}" if len(tau) > 1 else "—")
        out.append(f"| {model} | {value} | " + " | ".join(cells) + f" | {runs.seed.nunique()} |")
    return "\n".join(out)


def machine() -> str:
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"{platform.machine()} · {os.cpu_count()} cores (shared) · load average {load} · "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--part", choices=("scaling", "gnn", "ngboost", "report", "summary", "all"), default="all"
    )
    parser.add_argument("--runs", type=Path, default=ROOT / "results" / "tune_defaults.jsonl")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    log = RunLog(args.runs)
    parts = ("scaling", "gnn", "ngboost", "report") if args.part == "all" else (args.part,)
    if "scaling" in parts:
        fit_runs(predictor_grid("scaling"), log)
    if "gnn" in parts:
        fit_runs(predictor_grid("gnn"), log)
    if "ngboost" in parts:
        run_search()
    frame = log.frame()
    scaling_table, scaling_choice = ("", {})
    dropout_table, dropout_choice = ("", {})
    if not frame.empty and (frame.setting == "scaling").any():
        scaling_table, scaling_choice = predictor_section(frame, "scaling", ("ridge", "gp", "mlp"))
    if not frame.empty and (frame.setting == "feature_dropout").any():
        dropout_table, dropout_choice = predictor_section(frame, "feature_dropout", ("gin+zcp",))
    batch_table = search_rows()
    complete_search = len(batch_table) == len(NGBOOST_LABELS) and bool(
        (batch_table["seeds"] == NGBOOST_TUNING_RUNS).all()
    )
    batch_choice = choose_batch(batch_table) if complete_search else None
    if "report" in parts:
        # A choice is reported only once its whole tuning grid has run.
        done = set(log.rows)
        grid = []
        for setting, choice in (("scaling", scaling_choice), ("gnn", dropout_choice)):
            tuning = {RunLog.key(dict(zip(_KEYS, g, strict=True))) for g in predictor_grid(setting)}
            if not tuning <= done:
                continue
            name = "scaling" if setting == "scaling" else "feature_dropout"
            grid += [
                (name, v, m, n, s) for m, v in choice.items() for n in SIZES for s in REPORT_SEEDS
            ]
        fit_runs(grid, log)
        frame = log.frame()
        if batch_choice is not None:
            run_search(SEARCH_REPORT_SEEDS, {NGBOOST_LABELS[batch_choice]})
    print(f"Machine: {machine()}\n")
    print(f"## Tuning seeds {SCALING_SEEDS} — input scaling (ZCP+GRAF, NB201 CIFAR-10)\n")
    print(scaling_table + "\n")
    print(f"## Tuning seeds {GNN_SEEDS} — GIN + ZCP feature_dropout\n")
    print(dropout_table + "\n")
    print("## Tuning seeds 1000–1009 — NGBoost BANANAS batch size (150 queries, all cells)\n")
    print(_batch_markdown(batch_table, batch_choice) + "\n")
    if "report" in parts or args.part == "summary":
        print(f"## Reporting seeds {REPORT_SEEDS} — the chosen values\n")
        if scaling_choice:
            print(report_section(frame, "scaling", scaling_choice) + "\n")
        if dropout_choice:
            print(report_section(frame, "feature_dropout", dropout_choice) + "\n")
        if batch_choice is not None:
            report = search_rows(SEARCH_REPORT_SEEDS)
            print(f"Search seeds {SEARCH_REPORT_SEEDS[0]}–{SEARCH_REPORT_SEEDS[-1]}:\n")
            print(_batch_markdown(report, None) + "\n")


def _batch_markdown(table: pd.DataFrame, choice: int | None) -> str:
    if table.empty:
        return "(no runs)"
    out = [
        "| batch size | seeds | median queries to top 1 % [95 % CI] | mean val@150 | s/run |",
        "|---:|---:|---|---:|---:|",
    ]
    for _, r in table.iterrows():
        mark = " **chosen**" if choice is not None and r["batch"] == choice else ""
        out.append(
            f"| {int(r['batch'])}{mark} | {int(r['seeds'])} | {r['median_q']:.1f} "
            + (f"[{r['q_low']:.0f}, {r['q_high']:.0f}]" if np.isfinite(r["q_low"]) else "(n < 6)")
            + f" | {r['val150_mean']:.2f} | {r['seconds']:.1f} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    main()
