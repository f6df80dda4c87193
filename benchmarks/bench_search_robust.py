"""Multi-objective search for accurate and robust NB201 cells: normalized hypervolume after 50,
100 and 150 queries per strategy, medians with 95 % intervals over seeds, and paired differences
against random search and NSGA-II.

Run from the project root (the suites are resumable: a re-run only does what is missing):

    PREDBENCH_MIRROR=../shared/data PYTHONPATH=. python benchmarks/bench_search_robust.py \
        [--jobs 1] [--out benchmarks/results/search_robust.md] [--skip-search]

1. Runs ``suites/search_nb201_robust.toml`` (validation accuracy vs PGD ε=1 accuracy) and
   ``suites/search_nb201_robust_hw.toml`` (… and Edge-GPU latency) into their stores.
2. Reads each suite's runs back from its store and summarizes the ``hypervolume`` column (exact,
   w.r.t. the nadir of the whole table, divided by the hypervolume of all 15,625 cells; the
   reference point printed is the one stored with the runs).

Intervals: the 95 % interval of a median is the distribution-free order-statistic interval
(``scipy.stats.quantile_test``, binomial); a paired difference is taken seed by seed (same seed,
two strategies) and summarized the same way, with the count of seeds where the strategy is ahead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import quantile_test

ROOT = Path(__file__).resolve().parents[1]
SUITES = ("search_nb201_robust.toml", "search_nb201_robust_hw.toml")
CHECKPOINTS = (50, 100, 150)
BASELINES = ("random", "nsga2")


def run_suites(jobs: int) -> None:
    from predbench.search._store import SearchStore
    from predbench.search._suite import SearchSuite, run_suite

    for name in SUITES:
        suite = SearchSuite.load(ROOT / "suites" / name)
        outcome = run_suite(suite.runs(), SearchStore(suite.store), n_jobs=jobs)
        print(f"{name}: {outcome.done} done, {outcome.skipped} stored", file=sys.stderr)
        if outcome.failed:
            raise SystemExit(f"{len(outcome.failed)} runs of {name} failed: {outcome.failed[0]}")


def median_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Median and its 95 % order-statistic interval."""
    values = np.asarray(values, dtype=np.float64)
    ci = quantile_test(values, q=float(np.median(values)), p=0.5).confidence_interval(0.95)
    return float(np.median(values)), float(ci.low), float(ci.high)


def suite_frames(name: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Hypervolume at each checkpoint per (strategy, seed), run seconds, and the stated
    reference of one suite's runs."""
    from predbench.search._store import SearchStore
    from predbench.search._suite import SearchSuite

    suite = SearchSuite.load(ROOT / "suites" / name)
    store = SearchStore(suite.store)
    ids = store.suite_run_ids(suite.name)
    if not ids:
        raise SystemExit(f"{suite.store} holds no runs of {suite.name}; run without --skip-search")
    runs = store.runs(ids)
    traj = store.trajectories(ids)
    references = {text for text in runs["hv_reference"].dropna()}
    if len(references) != 1:
        raise SystemExit(f"{suite.name}: expected one hypervolume reference, got {references}")
    at = traj[traj["query"].isin(CHECKPOINTS)].pivot_table(
        index=["strategy", "seed"], columns="query", values="hypervolume"
    )
    reference = json.loads(references.pop())
    # The extent of what each run found: the best value of every objective within the budget.
    values = np.array(traj["objective_values"].tolist())
    for j, item in enumerate(reference["reference"]):
        column = pd.Series(values[:, j], index=traj.index)
        group = column.groupby([traj["strategy"], traj["seed"]])
        at[f"best {item['objective']}"] = group.max() if item["direction"] == "max" else group.min()
    return at, runs, reference


def base_name(label: str) -> str:
    return label.split(" ", 1)[0].split("[", 1)[0]


def suite_markdown(name: str) -> str:
    from predbench.search._run import describe_reference

    at, runs, reference = suite_frames(name)
    strategies = list(dict.fromkeys(runs.sort_values("strategy", kind="stable")["strategy"]))
    order = {"random": 0, "nsga2": 1, "parego": 2}
    strategies.sort(key=lambda s: order.get(base_name(s), 9))
    seeds = runs.groupby("strategy")["seed"].nunique()
    objectives = runs["objectives"].iloc[0]
    out = [
        f"### {name.removesuffix('.toml')}: {objectives.replace(',', ' · ')}\n",
        f"Reference point (nadir of the whole table): {describe_reference(reference)}; "
        f"hypervolume divided by that of all 15,625 cells "
        f"({reference['table_hypervolume']:.6g} in raw units). Seeds "
        f"{runs['seed'].min()}–{runs['seed'].max()}, budget 150.\n",
        "| strategy | seeds | "
        + " | ".join(f"HV@{c} median [95 % CI]" for c in CHECKPOINTS)
        + " | 1 − HV@150 | "
        + " | ".join(f"best {item['objective']} @150" for item in reference["reference"])
        + " | s/run (median) |",
        "|---|---|" + "---|" * len(CHECKPOINTS) + "---|" * (len(reference["reference"]) + 2),
    ]
    for s in strategies:
        cells = []
        for c in CHECKPOINTS:
            m, lo, hi = median_interval(at.loc[s, c].to_numpy())
            cells.append(f"{m:.4f} [{lo:.4f}, {hi:.4f}]")
        final = float(np.median(at.loc[s, 150]))
        secs = float(runs.loc[runs["strategy"] == s, "seconds"].median())
        extent = [
            f"{float(np.median(at.loc[s, 'best ' + item['objective']])):.2f}"
            for item in reference["reference"]
        ]
        out.append(
            f"| {s} | {seeds[s]} | "
            + " | ".join(cells)
            + f" | {1 - final:.4f} | "
            + " | ".join(extent)
            + f" | {secs:.1f} |"
        )
    out.append("")
    out.append(
        "Paired by seed (strategy − baseline, same seed): median difference of HV [95 % CI] and "
        "seeds where the strategy is ahead.\n"
    )
    out.append("| strategy | baseline | " + " | ".join(f"ΔHV@{c}" for c in CHECKPOINTS) + " |")
    out.append("|---|---|" + "---|" * len(CHECKPOINTS))
    for baseline_name in BASELINES:
        baseline = next((s for s in strategies if base_name(s) == baseline_name), None)
        if baseline is None:
            continue
        for s in strategies:
            if s == baseline or order.get(base_name(s), 9) <= order[baseline_name]:
                continue
            cells = []
            for c in CHECKPOINTS:
                diff = (at.loc[s, c] - at.loc[baseline, c]).dropna().to_numpy()
                m, lo, hi = median_interval(diff)
                ahead = int((diff > 0).sum())
                cells.append(f"{m:+.4f} [{lo:+.4f}, {hi:+.4f}] ({ahead}/{diff.size})")
            out.append(f"| {s} | {baseline} | " + " | ".join(cells) + " |")
    out.append("")
    return "\n".join(out)


def machine() -> str:
    try:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        load = "n/a"
    return (
        f"{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} cores · load average {load} · Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for the suites")
    parser.add_argument("--skip-search", action="store_true", help="only summarize stored runs")
    parser.add_argument("--out", type=Path, help="also write the tables to this markdown file")
    args = parser.parse_args()
    os.chdir(ROOT)
    t0 = time.perf_counter()
    if not args.skip_search:
        run_suites(args.jobs)
    text = f"Machine: {machine()}\n\n" + "\n".join(suite_markdown(name) for name in SUITES)
    print(text)
    print(f"(total {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
