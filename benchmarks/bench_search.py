"""Search on NB201 CIFAR-10: queries to the top 1 %, accuracy after 100/150 queries, Pareto
hypervolume, and the time of one predictor step. Every figure is printed beside its baseline.

Run from the project root (the suites are resumable: a re-run only does what is missing):

    PREDBENCH_MIRROR=../shared/data PYTHONPATH=. python benchmarks/bench_search.py \
        [--jobs 2] [--out benchmarks/results/search.md] [--skip-search]

1. Trains the "pre-trained" predictor the suite plugs in: the zoo's XGBoost on the path encoding
   of all 15,625 cells with their NB201 **CIFAR-100** validation accuracy (another dataset: no
   CIFAR-10 information), saved with skops to ``results/nb201_cifar100_xgb_path.skops``.
2. Runs ``suites/search_nb201.toml`` (every strategy, all cells), ``search_nb201_valid.toml`` (the
   9,445 valid cells with zero-cost features / fitness) and ``search_nb201_hw.toml`` (accuracy vs
   Edge-GPU latency) into ``results/search_nb201.duckdb``.
3. Summarizes: median queries until an arch of the domain's top 1 % (by validation accuracy) is
   evaluated — runs that never get there count as budget + 1 — next to random search, both its
   runs and its exact expectation (hypergeometric); median best validation accuracy after 100 and
   150 queries; normalized hypervolume for the two-objective suite.
4. Times one search step: featurize 1,000 new candidates and predict them with a fitted tree
   model (and a 3-member ensemble), ``n_jobs=2``, against the budget of 0.5 s.

NB201 CIFAR-10 *test* accuracy is not in the shared data (only validation accuracy), so no test
figure is reported; the store has a ``best_test_accuracy`` column for tasks that record one.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import hypergeom

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_stats import median_interval, ratio_interval

ROOT = Path(__file__).resolve().parents[1]
SUITES = ("search_nb201.toml", "search_nb201_valid.toml", "search_nb201_hw.toml")
PRETRAINED = ROOT / "results" / "nb201_cifar100_xgb_path.skops"
STEP_CANDIDATES = 1000
STEP_REPEATS = 15
STEP_BUDGET_S = 0.5
CHECKPOINTS = (100, 150)
#: Published NB201 CIFAR-10 test accuracy (%) of the architecture a search returned, with its
#: conditions (none is at 100 / 150 queries of 200-epoch validation accuracy: see search.md).
PUBLISHED_TEST = (
    (
        "random search",
        "93.70 ± 0.36 (mean ± sd)",
        "Dong & Yang, NAS-Bench-201 (ICLR 2020), Table 5: 12,000 s simulated budget, 12-epoch "
        "validation accuracy as the search signal, 500 runs",
    ),
    (
        "regularized evolution (REA)",
        "93.92 ± 0.30 (mean ± sd)",
        "same table and conditions",
    ),
    (
        "regularized evolution",
        "≈ 94.21 (test error ≈ 5.79 %)",
        "White, Nolen & Savani, local search paper (`realityengines/local_search`, "
        "`img/ls_cifar10_titled.png`), read off the figure at ≈ 9 simulated GPU-hours",
    ),
    ("BANANAS", "≈ 94.32 (test error ≈ 5.68 %)", "same figure"),
    ("local search", "≈ 94.37 (test error ≈ 5.63 %)", "same figure"),
    ("best cell of the space", "94.37", "NAS-Bench-201 (maximum of the test accuracies)"),
)
#: Strategies that read labels of another dataset: reported apart, never ranked with the others.
TRANSFER = ("bananas[pretrained-c100]",)


def train_pretrained() -> Path:
    """The zoo's XGBoost on path features of every cell, CIFAR-100 validation accuracy."""
    from predbench.data import load_task
    from predbench.predictors import make_predictor
    from predbench.search._features import task_featurizer
    from predbench.search._persist import save_predictor

    if PRETRAINED.exists():
        return PRETRAINED
    task = load_task("nb201/cifar100")
    y = task.targets["val_accuracy"].dropna()
    X = task_featurizer(task, "path")(list(y.index))
    model = make_predictor("xgb", random_state=0).fit(X, y.to_numpy())
    return save_predictor(model, PRETRAINED, features="path", space="nb201", target="val_accuracy")


def run_suites(jobs: int, only: set[str] | None = None) -> None:
    """Run the suites; ``only`` restricts them to these strategy labels (cheap ones first)."""
    from predbench.search._store import SearchStore
    from predbench.search._suite import SearchSuite, run_suite

    for name in SUITES:
        suite = SearchSuite.load(ROOT / "suites" / name)
        store = SearchStore(ROOT / suite.store)
        runs = [r for r in suite.runs() if not only or r.strategy.resolved_label() in only]
        if not runs:
            continue
        t0 = time.perf_counter()
        counts = run_suite(runs, store, n_jobs=jobs, progress=sys.stderr.isatty())
        print(
            f"# {name}: {counts.done} runs done, {counts.skipped} already stored "
            f"({time.perf_counter() - t0:.0f} s)",
            file=sys.stderr,
        )
        for run, error in counts.failed:
            print(
                f"# FAILED {run.strategy.resolved_label()} seed {run.seed}: {error}",
                file=sys.stderr,
            )
        if counts.failed:
            raise SystemExit(f"{len(counts.failed)} runs of {name} failed")


def random_search_median(n: int, k: int) -> int:
    """Smallest q with P(no top-k arch among q distinct uniform draws from n) <= 1/2."""
    q = np.arange(1, n - k + 2)
    p_miss = hypergeom(n, k, q).pmf(0)
    return int(q[np.argmax(p_miss <= 0.5)])


def _per_seed(group: pd.DataFrame, threshold: float, budget: int) -> pd.DataFrame:
    """One row per run (indexed by seed): queries to the threshold (budget + 1 when never
    reached), best validation and test accuracy of the final pick after 100 and 150 queries."""
    from predbench.search._run import queries_to_reach

    rows = {}
    for seed, t in group.groupby("seed"):
        q = queries_to_reach(t, threshold)
        row = {"hits": q if q == q else budget + 1}
        for c in CHECKPOINTS:
            at = t[t["query"] == c].iloc[0]
            row[f"val@{c}"] = float(at["best_value"])
            test = at.get("best_test_accuracy")
            row[f"test@{c}"] = 100.0 * float(test) if test is not None and test == test else np.nan
        if "hypervolume" in t:
            for c in (50, 100, 150):
                row[f"hv@{c}"] = float(t.loc[t["query"] == c, "hypervolume"].iloc[0])
        row["seconds"] = float(t["strategy_seconds"].sum())
        rows[int(seed)] = row
    return pd.DataFrame.from_dict(rows, orient="index").sort_index()


def search_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per suite and strategy: the medians of the tables with their 95 % intervals."""
    from predbench.data import load_task
    from predbench.evaluation.metrics import mean_interval
    from predbench.search._run import top_fraction_threshold
    from predbench.search._store import SearchStore
    from predbench.search._suite import SearchSuite, make_oracle

    task = load_task("nb201/cifar10")
    single, multi = [], []
    for name in SUITES:
        suite = SearchSuite.load(ROOT / "suites" / name)
        store = SearchStore(ROOT / suite.store)
        ids = {r.run_id: r for r in suite.runs()}
        traj = store.trajectories(list(ids))
        # A run shared with another suite (same settings, same id) keeps the label it was stored
        # under; name it as this suite does.
        labels = {i: r.strategy.resolved_label() for i, r in ids.items()}
        traj["strategy"] = traj["run_id"].map(labels)
        oracle = make_oracle(task, suite.objectives, suite.domain)
        threshold = top_fraction_threshold(oracle, 0.01)
        n, k = len(oracle.domain), int((oracle._values[:, 0] >= threshold).sum())
        expected = random_search_median(n, k)
        order = {spec.resolved_label(): i for i, spec in enumerate(suite.strategies)}
        groups = sorted(traj.groupby("strategy"), key=lambda item: order[item[0]])
        per_seed = {label: _per_seed(g, threshold, suite.budget) for label, g in groups}
        random_label = next((lab for lab in per_seed if lab.startswith("random")), None)
        for label, runs in per_seed.items():
            hits = runs["hits"].to_numpy(np.float64)
            med = median_interval(hits)
            row = {
                "suite": suite.name,
                "strategy": label,
                "seeds": len(runs),
                "domain": n,
                "top1%": k,
                "threshold": threshold,
                "median_q": med["median"],
                "q_low": med["low"],
                "q_high": med["high"],
                "q_coverage": med["coverage"],
                "reached": int((hits <= suite.budget).sum()),
                "random_expected": expected,
                "seconds_per_run": float(runs["seconds"].median()),
            }
            vs_expected = ratio_interval(hits, constant=expected)
            row.update({f"exp_{key}": v for key, v in vs_expected.items()})
            if random_label is not None:
                shared = runs.index.intersection(per_seed[random_label].index)
                vs_runs = ratio_interval(
                    runs.loc[shared, "hits"], per_seed[random_label].loc[shared, "hits"]
                )
                row.update({f"runs_{key}": v for key, v in vs_runs.items()})
            for c in CHECKPOINTS:
                val = runs[f"val@{c}"]
                row.update(
                    {
                        f"val@{c}": float(val.median()),
                        f"val@{c}_mean": float(val.mean()),
                        f"val@{c}_sd": float(val.std()),
                    }
                )
                test = runs[f"test@{c}"].dropna()
                tmed, tmean = median_interval(test), mean_interval(test)
                row.update(
                    {
                        f"test@{c}_n": int(test.size),
                        f"test@{c}": tmed["median"],
                        f"test@{c}_low": tmed["low"],
                        f"test@{c}_high": tmed["high"],
                        f"test@{c}_mean": tmean["mean"],
                        f"test@{c}_mean_low": tmean["ci_low"],
                        f"test@{c}_mean_high": tmean["ci_high"],
                    }
                )
            if suite.name.endswith("_hw"):
                row.update({f"hv@{c}": float(runs[f"hv@{c}"].median()) for c in (50, 100, 150)})
                multi.append(row)
            else:
                single.append(row)
    return pd.DataFrame(single), pd.DataFrame(multi)


def step_timing() -> pd.DataFrame:
    """Featurize + predict 1,000 new candidates with a fitted tree model (2 threads)."""
    from predbench.data import load_task
    from predbench.predictors import make_predictor
    from predbench.search import FeatureCache, PredictorSurrogate
    from predbench.search._features import task_featurizer
    from predbench.search._suite import domain_archs

    task = load_task("nb201/cifar10")
    rng = np.random.default_rng(0)
    rows = []
    for features, domain in (("path", "all"), ("zcp+graf", "valid")):
        archs = np.asarray(domain_archs(task, domain) if domain != "all" else task.archs)
        train = list(rng.choice(archs, 150, replace=False))
        y = task.targets.loc[train, "val_accuracy"].to_numpy()
        for name in ("xgb", "rf", "lgbm"):
            for members in (1, 3):
                predictor = make_predictor(name, n_jobs=2, random_state=0)
                featurizer = task_featurizer(task, features)
                surrogate = PredictorSurrogate(
                    predictor,
                    featurizer,
                    uncertainty="ensemble" if members > 1 else "none",
                    n_members=members,
                    random_state=0,
                )
                t0 = time.perf_counter()
                surrogate.fit(train, y)
                fit_s = time.perf_counter() - t0
                times = []
                for _ in range(STEP_REPEATS):
                    candidates = list(rng.choice(archs, STEP_CANDIDATES, replace=False))
                    surrogate.features_ = FeatureCache(featurizer)  # no cached features
                    t0 = time.perf_counter()
                    mean, _ = surrogate.predict_dist(candidates)
                    times.append(time.perf_counter() - t0)
                    assert mean.shape == (STEP_CANDIDATES,)
                rows.append(
                    {
                        "predictor": name,
                        "features": features,
                        "members": members,
                        "fit_150_s": fit_s,
                        "step_median_s": statistics.median(times),
                        "step_max_s": max(times),
                    }
                )
    return pd.DataFrame(rows)


def machine() -> str:
    try:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        load = "n/a"
    return (
        f"{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} cores · load average {load} · Python {platform.python_version()}"
    )


def _ci(value: float, low: float, high: float, fmt: str = ".1f", bound: float | None = None) -> str:
    if not np.isfinite(low):
        return f"{value:{fmt}}"
    upper = f"> {bound - 1:.0f}" if bound is not None and high >= bound else f"{high:{fmt}}"
    return f"{value:{fmt}} [{low:{fmt}}, {upper}]"


def _third(low: float, high: float) -> str:
    """Is the ratio ≤ 1/3? Only when the whole 95 % interval says so."""
    if not np.isfinite(high):
        return "—"
    if high <= 1 / 3:
        return "yes"
    if low > 1 / 3:
        return "no"
    return "not shown"


def _strategy_rows(table: pd.DataFrame, budget: int) -> list[str]:
    out = [
        "| strategy | median queries to top 1 % [95 % CI] | reached ≤150 | ratio to random runs "
        "[95 % CI] | ratio to random expected [95 % CI] | ≤ 1/3 of random (expected / runs) "
        "| val@100 median (mean ± sd) | val@150 median (mean ± sd) | s/run |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for _, r in table.iterrows():
        paired = "runs_ratio" in r and not r["strategy"].startswith("random")
        runs = _ci(r["runs_ratio"], r["runs_low"], r["runs_high"], ".2f") if paired else "—"
        verdict_runs = _third(r["runs_low"], r["runs_high"]) if paired else "—"
        out.append(
            f"| {r['strategy']} | {_ci(r['median_q'], r['q_low'], r['q_high'], bound=budget + 1)} | "
            f"{r['reached']}/{r['seeds']} | {runs} | "
            f"{_ci(r['exp_ratio'], r['exp_low'], r['exp_high'], '.2f')} | "
            f"{_third(r['exp_low'], r['exp_high'])} / {verdict_runs} | "
            f"{r['val@100']:.2f} ({r['val@100_mean']:.2f} ± {r['val@100_sd']:.2f}) | "
            f"{r['val@150']:.2f} ({r['val@150_mean']:.2f} ± {r['val@150_sd']:.2f}) | "
            f"{r['seconds_per_run']:.1f} |"
        )
    return out


def _test_rows(table: pd.DataFrame) -> list[str]:
    out = [
        "| strategy | picks with a test accuracy (@100 / @150) | test@100 median [95 % CI] "
        "| test@100 mean [95 % CI] | test@150 median [95 % CI] | test@150 mean [95 % CI] |",
        "|---|---|---|---|---|---|",
    ]
    for _, r in table.iterrows():
        cells = []
        for c in CHECKPOINTS:
            cells.append(_ci(r[f"test@{c}"], r[f"test@{c}_low"], r[f"test@{c}_high"], ".2f"))
            cells.append(
                _ci(r[f"test@{c}_mean"], r[f"test@{c}_mean_low"], r[f"test@{c}_mean_high"], ".2f")
            )
        label = r["strategy"] + (" (transfer, apart)" if r["strategy"] in TRANSFER else "")
        out.append(
            f"| {label} | {r['test@100_n']} / {r['test@150_n']} of {r['seeds']} | "
            + " | ".join(cells)
            + " |"
        )
    return out


def markdown(
    single: pd.DataFrame, multi: pd.DataFrame, steps: pd.DataFrame, budget: int = 150
) -> str:
    out = []
    for suite, table in single.groupby("suite", sort=False):
        first = table.iloc[0]
        competing = table[~table["strategy"].isin(TRANSFER)]
        transfer = table[table["strategy"].isin(TRANSFER)]
        out.append(
            f"### {suite}: {first['domain']:,} archs, top 1 % = {first['top1%']} archs "
            f"(val acc ≥ {first['threshold']:.2f}), {first['seeds']} seeds\n"
        )
        out.extend(_strategy_rows(competing, budget))
        out.append(
            f"\nRandom search, exact expectation: median {first['random_expected']} queries "
            f"(hypergeometric, {first['top1%']} of {first['domain']:,}).\n"
        )
        if len(transfer):
            out.append(
                f"#### {suite}, transfer upper bound (reported apart: the predictor was fitted on "
                "all 15,625 NB201 **CIFAR-100** accuracies, which correlate with CIFAR-10 at "
                "Spearman 0.97; it is not a strategy competing on the target)\n"
            )
            out.extend(_strategy_rows(transfer, budget))
            out.append("")
        if (table["test@150_n"] > 0).any():
            out.append(
                f"#### {suite}: NB201 CIFAR-10 test accuracy (%) of the final pick (best by "
                "validation accuracy; the search never sees test accuracy)\n"
            )
            out.extend(_test_rows(table))
            out.append("")
    if len(single) and (single["test@150_n"] > 0).any():
        out.append("#### Published NB201 CIFAR-10 test accuracy of the returned architecture\n")
        out.append("| method | test accuracy (%) | source and conditions |")
        out.append("|---|---|---|")
        out.extend(f"| {m} | {v} | {src} |" for m, v, src in PUBLISHED_TEST)
        out.append("")
    if len(multi):
        out.append("### search_nb201_hw: val accuracy ↑ vs edgegpu_latency ↓ (normalized HV)\n")
        out.append(
            "| strategy | seeds | HV@50 | HV@100 | HV@150 | gap to the true front @150 "
            "(1 − HV) | s/run |"
        )
        out.append("|---|---|---|---|---|---|---|")
        for _, r in multi.iterrows():
            out.append(
                f"| {r['strategy']} | {r['seeds']} | {r['hv@50']:.4f} | {r['hv@100']:.4f} | "
                f"{r['hv@150']:.4f} | {1 - r['hv@150']:.4f} | {r['seconds_per_run']:.1f} |"
            )
        out.append("")
    out.append(
        f"### One step: featurize + predict {STEP_CANDIDATES:,} new candidates "
        f"(budget {STEP_BUDGET_S} s, 2 threads, median of {STEP_REPEATS})\n"
    )
    out.append(
        "| predictor | features | members | fit on 150 (s) | step median (s) | step max (s) | within budget |"
    )
    out.append("|---|---|---|---|---|---|---|")
    for _, r in steps.iterrows():
        ok = "yes" if r["step_median_s"] < STEP_BUDGET_S else "**no**"
        out.append(
            f"| {r['predictor']} | {r['features']} | {r['members']} | {r['fit_150_s']:.3f} | "
            f"{r['step_median_s']:.3f} | {r['step_max_s']:.3f} | {ok} |"
        )
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the suites")
    parser.add_argument("--skip-search", action="store_true", help="only summarize stored runs")
    parser.add_argument("--skip-steps", action="store_true", help="do not time the step")
    parser.add_argument("--out", type=Path, help="also write the tables to this markdown file")
    parser.add_argument(
        "--only",
        action="append",
        metavar="LABEL",
        help="run only this strategy label (repeatable); summarizing still reads every stored run",
    )
    args = parser.parse_args()
    os.chdir(ROOT)
    t0 = time.perf_counter()
    if not args.skip_search:
        train_pretrained()
        run_suites(args.jobs, set(args.only) if args.only else None)
    single, multi = search_tables()
    steps = (
        step_timing()
        if not args.skip_steps
        else pd.DataFrame(
            columns=["predictor", "features", "members", "fit_150_s", "step_median_s", "step_max_s"]
        )
    )
    text = f"Machine: {machine()}\n\n" + markdown(single, multi, steps)
    print(text)
    print(f"(total {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
