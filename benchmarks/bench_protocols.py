"""Published predictor tables re-run on their own protocols, then the best predbench predictor.

Protocols (split rules and sources: :mod:`predbench.evaluation.protocols`; model settings:
:mod:`predbench.predictors._published`):

``tagates``
    TA-GATES NB201 split as the GRAF paper used it: train on 46 / 233 / 467 / 935 cells drawn
    from the TA-GATES train file with the GRAF code's seeding, test on all 4,770 test-file cells,
    target = their CIFAR-10 test accuracy. Features ZCP (13 recorded proxies) + GRAF.
    Published τ: TA-GATES .699/.829/.855/.879; ZCP+GRAF XGBoost .752/.834/.858/.877.
``graf``
    GRAF paper NB201 CIFAR-10 table: 32 / 128 valid cells (the small-data cells; 1024 is in
    ``bench_compare.py``), test = every other valid cell, predbench's split rule
    (:func:`predbench.evaluation.splits.split`), ZCP+GRAF. Published RF .697/.778 (the best
    published cell of that table at these sizes).
``suite_zero``
    NAS-Bench-Suite-Zero XGBoost on proxies: 400 train / 200 test drawn NASLib's way, the
    published proxy sets (12 on NB201, 10 on TransNAS-Bench-101), on every task whose proxies the
    data hold for ≥ 600 labelled cells.

Parts (``--part``): ``repro`` (published models, their seeds), ``beat`` (the predbench winner
against the best published model on the reporting seeds, paired per seed), ``all``. The winner
with other datasets' accuracy as features (``transfer[all]``) runs as shipped suites and is
tabulated by ``benchmarks/protocols_transfer.py``, apart from the same-information comparison.

Each finished run is appended to ``--runs`` (JSON lines), so an interrupted run resumes;
``--fresh`` starts over. Printed tables are Markdown.

    PYTHONPATH=. python benchmarks/bench_protocols.py --part all
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from _env import ROOT
from rich.progress import Progress

from featurizers import feature_table
from predbench.data import load_tagates_split, load_task
from predbench.evaluation.metrics import kendall_tau, mean_interval
from predbench.evaluation.protocols import (
    GRAF_REPORTING_SEEDS,
    SUITE_ZERO_PROXIES,
    SUITE_ZERO_PUBLISHED,
    SUITE_ZERO_REPORTING_SEEDS,
    SUITE_ZERO_SEEDS,
    SUITE_ZERO_TEST_SIZE,
    SUITE_ZERO_TRAIN_SIZE,
    TAGATES_REPORTING_SEEDS,
    TAGATES_TRAIN_SIZES,
    TUNING_SEEDS,
    check_disjoint_seeds,
    suite_zero_split,
    tagates_train_subset,
)
from predbench.evaluation.splits import parse_pool, pool_of, split
from predbench.predictors import make_predictor, make_published

#: Published τ per protocol and cell: {model: values in cell order}.
TAGATES_PUBLISHED = {
    "TA-GATES": (0.699, 0.829, 0.855, 0.879),
    "ZCP+GRAF XGBoost (GRAF)": (0.752, 0.834, 0.858, 0.877),
}
GRAF_SIZES = (32, 128, 1024)
GRAF_PUBLISHED = {"ZCP+GRAF RF (GRAF)": (0.697, 0.778, 0.845)}
#: GRAF-table cells re-run against the winner: the small-data ones (1024 was beaten by
#: ``tuned_xgb`` in ``benchmarks/results/compare.md``; re-running it here costs 20 min of CPU).
GRAF_BEAT_SIZES = (32, 128)
#: Suite-Zero tasks the data support (≥ 600 labelled cells with the published proxy set; see
#: :func:`suite_zero_support` for every published task).
SUITE_ZERO_TASKS = {
    ("nb201", "cifar10"): "nb201/cifar10",
    ("tnb101_micro", "class_scene"): "tnb101_micro/class_scene",
}
#: Reproduction seeds: GRAF's first ten data seeds; Suite-Zero's published seeds.
TAGATES_REPRO_SEEDS = TAGATES_REPORTING_SEEDS[:10]
#: The predbench predictor compared with the published models.
WINNER = "consensus_ensemble"
MARGIN = 0.02


# --- data -------------------------------------------------------------------------------------


def tagates_data() -> tuple[pd.DataFrame, pd.Series, pd.Index, pd.Index]:
    """Features (ZCP+GRAF) and test accuracy of the split's cells; train and test archs."""
    task = load_task("nb201/cifar10")
    tagates = load_tagates_split()
    archs = tagates.train_archs.append(tagates.test_archs)
    features = feature_table("nb201", archs, "zcp+graf", zcp=task.proxies.loc[archs])
    target = pd.concat([tagates.train, tagates.test])
    return features, target, tagates.train_archs, tagates.test_archs


def graf_data() -> tuple[pd.DataFrame, pd.Series, pd.Index]:
    """ZCP+GRAF features and CIFAR-10 validation accuracy of the valid cells with all proxies."""
    task = load_task("nb201/cifar10")
    pool = pool_of(
        task, "val_accuracy", parse_pool("valid+proxies").resolve(tuple(task.proxies.columns))
    )
    features = feature_table("nb201", pool, "zcp+graf", zcp=task.proxies.loc[pool])
    return features, task.targets.loc[pool, "val_accuracy"], pool


def suite_zero_data(
    name: str, proxies: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Index]:
    """Features and target of the cells that have every proxy of Suite-Zero's set.

    Returns the published feature set (the proxies, sorted), predbench's feature set for the same
    cells (every recorded proxy + GRAF: free features, no extra label), the target and the pool.
    The pool keeps the task's own (sorted canonical id) order; NASLib drew from its file's order,
    which the data do not preserve, so only the distribution of the draws is reproduced.
    """
    task = load_task(name)
    proxies = list(proxies)
    pool = task.archs_with("val_accuracy", tuple(proxies))
    published = task.proxies.loc[pool, proxies].add_prefix("zcp:")
    recorded = task.proxies.loc[pool].dropna(axis=1)
    rich = feature_table(task.space, pool, "zcp+graf", zcp=recorded)
    return published, rich, task.targets.loc[pool, "val_accuracy"], pool


def suite_zero_support() -> list[tuple[str, str, str]]:
    """(space/task, published τ, what the data allow) for every published Suite-Zero task."""
    need = SUITE_ZERO_TRAIN_SIZE + SUITE_ZERO_TEST_SIZE
    rows = []
    for (space, name), published in SUITE_ZERO_PUBLISHED.items():
        task = load_task(f"{space}/{name}")
        proxies = SUITE_ZERO_PROXIES[space]
        recorded = task.proxies.notna()
        missing = [p for p in proxies if p not in recorded.columns or not recorded[p].any()]
        labelled = task.targets["val_accuracy"].notna()
        if missing:
            verdict = f"cannot: {', '.join(missing)} not recorded"
        else:
            n = int((labelled & recorded[list(proxies)].all(axis=1)).sum())
            verdict = (
                f"runs ({n:,} labelled cells)"
                if n >= need
                else (f"cannot: {n} labelled cells have all {len(proxies)} proxies; {need} needed")
            )
        rows.append((f"{space}/{name}", f"{published:.3f}", verdict))
    return rows


# --- runs -------------------------------------------------------------------------------------


class RunLog:
    """Finished runs as JSON lines, keyed by (protocol, task, size, model, seed)."""

    def __init__(self, path: Path, fresh: bool) -> None:
        self.path = path
        if fresh and path.exists():
            path.unlink()
        self.rows: dict[tuple, dict] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                row = json.loads(line)
                self.rows[self.key(row)] = row

    @staticmethod
    def key(row: dict) -> tuple:
        return (row["protocol"], row["task"], row["size"], row["model"], row["seed"])

    def done(self, **key) -> bool:
        return self.key(key) in self.rows

    def add(self, row: dict) -> None:
        self.rows[self.key(row)] = row
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as out:
            out.write(json.dumps(row) + "\n")

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows.values()))


def models() -> dict[str, Callable[[int], object]]:
    """Model name → factory(seed)."""
    return {
        "graf_xgb": lambda s: make_published("graf_xgb", random_state=s),
        "graf_xgb_tuned": lambda s: make_published("graf_xgb_tuned", random_state=s),
        "graf_rf": lambda s: make_published("graf_rf", random_state=s),
        "suite_zero_xgb": lambda s: make_published("suite_zero_xgb", random_state=s),
        WINNER: lambda s: make_predictor(WINNER, random_state=s),
    }


def fit_score(factory, seed, X, y, train, test, pool_features=None) -> tuple[float, float]:
    """Fit on ``train``, Kendall τ on ``test``; a model taking ``unlabeled`` gets the pool."""
    model = factory(seed)
    if pool_features is not None and "unlabeled" in model.get_params():
        model.set_params(unlabeled=pool_features.to_numpy())
    start = time.perf_counter()
    model.fit(X.loc[train], y.loc[train].to_numpy())
    prediction = model.predict(X.loc[test])
    return kendall_tau(y.loc[test].to_numpy(), prediction), time.perf_counter() - start


def plan(part: str) -> list[tuple[str, str, int, str, int]]:
    """(protocol, task, size, model, seed) of every run the part needs."""
    check_disjoint_seeds(TUNING_SEEDS, TAGATES_REPORTING_SEEDS)
    check_disjoint_seeds(TUNING_SEEDS, GRAF_REPORTING_SEEDS)
    check_disjoint_seeds(TUNING_SEEDS, SUITE_ZERO_REPORTING_SEEDS)
    runs = []
    if part in ("repro", "all"):
        for model in ("graf_xgb_tuned", "graf_xgb", "graf_rf"):
            for size in TAGATES_TRAIN_SIZES:
                runs += [("tagates", "nb201/cifar10", size, model, s) for s in TAGATES_REPRO_SEEDS]
        for (_space, _name), task in SUITE_ZERO_TASKS.items():
            for s in SUITE_ZERO_SEEDS:
                runs.append(("suite_zero", task, SUITE_ZERO_TRAIN_SIZE, "suite_zero_xgb", s))
    if part in ("beat", "all"):
        # Cheapest and smallest cells first, so an interrupted run has covered the most cells.
        tagates = [("tagates", "nb201/cifar10", size) for size in TAGATES_TRAIN_SIZES]
        graf = [("graf", "nb201/cifar10", size) for size in GRAF_BEAT_SIZES]
        suite = [("suite_zero", task, SUITE_ZERO_TRAIN_SIZE) for task in SUITE_ZERO_TASKS.values()]
        baseline = {"tagates": "graf_xgb_tuned", "graf": "graf_rf", "suite_zero": "suite_zero_xgb"}
        seeds = {"tagates": TAGATES_REPORTING_SEEDS, "graf": GRAF_REPORTING_SEEDS,
                 "suite_zero": SUITE_ZERO_REPORTING_SEEDS}  # fmt: skip
        for protocol, task, size in tagates[:2] + graf + suite + tagates[2:]:
            for model in (WINNER, baseline[protocol]):
                runs += [(protocol, task, size, model, s) for s in seeds[protocol]]
    return list(dict.fromkeys(runs))


def execute(runs, log: RunLog) -> None:
    """Run what the log lacks."""
    factories = models()
    cache: dict[str, tuple] = {}
    todo = [
        r for r in runs if not log.done(protocol=r[0], task=r[1], size=r[2], model=r[3], seed=r[4])
    ]
    with Progress(transient=True) as progress:
        bar = progress.add_task("runs", total=len(todo))
        for protocol, task, size, model, seed in todo:
            key = f"{protocol}:{task}"
            if key not in cache:
                if protocol == "tagates":
                    cache[key] = tagates_data()
                elif protocol == "graf":
                    cache[key] = graf_data()
                else:
                    space = task.split("/")[0]
                    cache[key] = suite_zero_data(task, SUITE_ZERO_PROXIES[space])
            data = cache[key]
            if protocol == "tagates":
                X, y, train_archs, test = data
                X_ours = X
                train = tagates_train_subset(train_archs, size, seed)
            elif protocol == "graf":
                X, y, pool = data
                X_ours = X
                train, test = split(pool, size, seed)
            else:
                X, X_ours, y, pool = data
                train, test = suite_zero_split(list(pool), seed)
            features = X_ours if model == WINNER else X
            tau, seconds = fit_score(factories[model], seed, features, y, train, test, features)
            log.add({"protocol": protocol, "task": task, "size": size, "model": model,
                     "seed": seed, "kendall_tau": tau, "seconds": seconds})  # fmt: skip
            progress.advance(bar)


# --- tables -----------------------------------------------------------------------------------


def _cell(frame: pd.DataFrame, protocol: str, task: str, size: int, model: str, seeds) -> pd.Series:
    rows = frame[(frame.protocol == protocol) & (frame.task == task) & (frame["size"] == size)
                 & (frame.model == model) & frame.seed.isin(list(seeds))]  # fmt: skip
    return rows.set_index("seed")["kendall_tau"].sort_index()


def _fmt(stats: dict) -> str:
    return f"{stats['mean']:.3f} [{stats['ci_low']:.3f}, {stats['ci_high']:.3f}]"


def repro_tables(frame: pd.DataFrame) -> str:
    lines = ["### TA-GATES split — published vs reproduced (GRAF seeds 42–51)", "",
             "| model | " + " | ".join(str(s) for s in TAGATES_TRAIN_SIZES) + " |",
             "|---|" + "---|" * len(TAGATES_TRAIN_SIZES)]  # fmt: skip
    for name, values in TAGATES_PUBLISHED.items():
        lines.append(f"| {name}, published | " + " | ".join(f"{v:.3f}" for v in values) + " |")
    for model in ("graf_xgb_tuned", "graf_xgb", "graf_rf"):
        cells = []
        for size in TAGATES_TRAIN_SIZES:
            taus = _cell(frame, "tagates", "nb201/cifar10", size, model, TAGATES_REPRO_SEEDS)
            cells.append(_fmt(mean_interval(taus)) if len(taus) else "–")
        lines.append(f"| `{model}`, reproduced | " + " | ".join(cells) + " |")
    lines += ["", "### NAS-Bench-Suite-Zero XGBoost — published vs reproduced (seeds 9000–9009)", "",
              "| task | pool (labelled cells with the proxies) | published | reproduced |",
              "|---|---|---|---|"]  # fmt: skip
    for (space, name), task in SUITE_ZERO_TASKS.items():
        taus = _cell(frame, "suite_zero", task, SUITE_ZERO_TRAIN_SIZE, "suite_zero_xgb",
                     SUITE_ZERO_SEEDS)  # fmt: skip
        pool = len(suite_zero_data(task, SUITE_ZERO_PROXIES[space])[3])
        got = _fmt(mean_interval(taus)) if len(taus) else "cannot run (pool < 600)"
        lines.append(f"| {task} | {pool:,} | {SUITE_ZERO_PUBLISHED[(space, name)]:.3f} | {got} |")
    return "\n".join(lines)


def beat_rows(frame: pd.DataFrame) -> list[dict]:
    """One row per cell: winner, best published model re-run, paired difference, margins."""
    out = []
    cells = [("tagates", "nb201/cifar10", s, "graf_xgb_tuned", TAGATES_REPORTING_SEEDS,
              max(v[i] for v in TAGATES_PUBLISHED.values()))
             for i, s in enumerate(TAGATES_TRAIN_SIZES)]  # fmt: skip
    cells += [("graf", "nb201/cifar10", s, "graf_rf", GRAF_REPORTING_SEEDS,
               GRAF_PUBLISHED["ZCP+GRAF RF (GRAF)"][i]) for i, s in enumerate(GRAF_BEAT_SIZES)]  # fmt: skip
    for (space, name), task in SUITE_ZERO_TASKS.items():
        cells.append(("suite_zero", task, SUITE_ZERO_TRAIN_SIZE, "suite_zero_xgb",
                      SUITE_ZERO_REPORTING_SEEDS, SUITE_ZERO_PUBLISHED[(space, name)]))  # fmt: skip
    for protocol, task, size, baseline, seeds, published in cells:
        ours = _cell(frame, protocol, task, size, WINNER, seeds)
        base = _cell(frame, protocol, task, size, baseline, seeds)
        shared = ours.index.intersection(base.index)
        if not len(shared):
            continue
        paired = mean_interval((ours.loc[shared] - base.loc[shared]).to_numpy())
        versus_published = mean_interval(ours.loc[shared].to_numpy() - published)
        out.append({
            "protocol": protocol, "task": task, "size": size, "n": len(shared),
            "best_published": published, "baseline": baseline,
            "baseline_tau": base.loc[shared].mean(), "winner_tau": ours.loc[shared].mean(),
            "paired": paired, "versus_published": versus_published,
            "beaten": versus_published["ci_low"] > 0 and versus_published["mean"] >= MARGIN,
        })  # fmt: skip
    return out


def beat_table(rows: list[dict]) -> str:
    lines = [f"### `{WINNER}` vs the best published number per cell (reporting seeds)", "",
             "| protocol | task | train | seeds | best published | published model re-run | "
             f"`{WINNER}` | paired Δ vs re-run [95 %] | Δ vs published [95 %] | beaten by ≥ 0.02 |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        p, v = r["paired"], r["versus_published"]
        lines.append(
            f"| {r['protocol']} | {r['task']} | {r['size']} | {r['n']} | {r['best_published']:.3f} "
            f"| `{r['baseline']}` {r['baseline_tau']:.3f} | {r['winner_tau']:.3f} "
            f"| {p['mean']:+.3f} [{p['ci_low']:+.3f}, {p['ci_high']:+.3f}] "
            f"| {v['mean']:+.3f} [{v['ci_low']:+.3f}, {v['ci_high']:+.3f}] "
            f"| {'yes' if r['beaten'] else 'no'} |"
        )
    return "\n".join(lines)


def leaderboards(frame: pd.DataFrame) -> str:
    """Per protocol: published rows and every model run on the reporting seeds, best first."""
    boards = [
        ("TA-GATES split (seeds 42–61)", "tagates", TAGATES_TRAIN_SIZES, TAGATES_REPORTING_SEEDS,
         TAGATES_PUBLISHED),
        ("GRAF NB201 table (seeds 0–19)", "graf", GRAF_BEAT_SIZES, GRAF_REPORTING_SEEDS,
         {k: v[: len(GRAF_BEAT_SIZES)] for k, v in GRAF_PUBLISHED.items()}),
    ]  # fmt: skip
    out = []
    for title, protocol, sizes, seeds, published in boards:
        rows = [(f"{name} (published)", list(values)) for name, values in published.items()]
        for model in sorted(set(frame[frame.protocol == protocol].model)):
            means = []
            for size in sizes:
                taus = _cell(frame, protocol, "nb201/cifar10", size, model, seeds)
                means.append(taus.mean() if len(taus) == len(seeds) else np.nan)
            if not np.isnan(means).all():
                rows.append((f"`{model}`", means))
        rows.sort(key=lambda r: -np.nanmean(r[1]))
        out += [f"### {title}", "", "| rank | model | " + " | ".join(map(str, sizes)) + " |",
                "|---|---|" + "---|" * len(sizes)]  # fmt: skip
        for i, (name, values) in enumerate(rows, 1):
            cells = " | ".join("–" if np.isnan(v) else f"{v:.3f}" for v in values)
            out.append(f"| {i} | {name} | {cells} |")
        out.append("")
    out += ["### NAS-Bench-Suite-Zero (seeds 9000–9019)", "",
            "| task | published | `suite_zero_xgb` re-run | `" + WINNER + "` |", "|---|---|---|---|"]  # fmt: skip
    for (space, name), task in SUITE_ZERO_TASKS.items():
        base = _cell(frame, "suite_zero", task, SUITE_ZERO_TRAIN_SIZE, "suite_zero_xgb",
                     SUITE_ZERO_REPORTING_SEEDS)  # fmt: skip
        ours = _cell(frame, "suite_zero", task, SUITE_ZERO_TRAIN_SIZE, WINNER,
                     SUITE_ZERO_REPORTING_SEEDS)  # fmt: skip
        out.append(f"| {task} | {SUITE_ZERO_PUBLISHED[(space, name)]:.3f} | {base.mean():.3f} "
                   f"| {ours.mean():.3f} |")  # fmt: skip
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("repro", "beat", "all"), default="all")
    parser.add_argument("--runs", type=Path, default=ROOT / "results" / "bench_protocols.jsonl")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    log = RunLog(args.runs, args.fresh)
    start = time.perf_counter()
    execute(plan(args.part), log)
    frame = log.frame()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{time.perf_counter() - start:.0f} s for the runs not in {args.runs}\n")  # fmt: skip
    if args.part in ("repro", "all"):
        print(repro_tables(frame), "\n")
    if args.part in ("beat", "all"):
        print(beat_table(beat_rows(frame)), "\n")
        print(leaderboards(frame), "\n")
    if args.part in ("repro", "all"):
        print("### Which published Suite-Zero tasks the data support\n")
        print("| task | published τ | here |\n|---|---|---|")
        for row in suite_zero_support():
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
