"""Ranking NB201 cells by adversarial robustness: the GRAF-protocol RF against multi-target members.

Protocol (as the GRAF preset of the suites): NB201 CIFAR-10, the 9,445 valid cells, features
ZCP (13 recorded proxies) + GRAF, train on ``n`` cells drawn by predbench's split rule
(:func:`predbench.evaluation.splits.split`), test on every other valid cell, Kendall τ. Targets:
clean validation accuracy and the CIFAR-10 accuracy under FGSM, PGD, Square and APGD-CE at
L∞ ε = 1/255 (``--eps 0.5 1 2`` for more).

Members (``predbench.predictors``): the baseline ``rf`` (scikit-learn defaults, the GRAF paper's
predictor), ``xgb`` (single target), and the multi-target members fitted to
``[target, *auxiliary]`` — auxiliary = the *cheaper* measurements of the same training cells:
clean accuracy and FGSM (one gradient step) at the same ε, or at every ε. Auxiliary values are
read for the training cells only; the test cells are ranked from their features.

Parts (``--part``):

``tune``
    Every candidate on the tuning seeds 1000–1009 (:data:`~predbench.evaluation.protocols.
    TUNING_SEEDS`), PGD ε = 1 — the choice of member and auxiliary set is made here only.
``report``
    Baseline, ``xgb`` and the chosen member(s) (:data:`CHOSEN`) on reporting seeds 0, 1, …
    (``--seeds``), every target, with the paired 95 % t-interval of (member − baseline) per seed.
``lukasik``
    Lukasik et al. (GCPR 2023) setting: each recorded proxy alone as a ranker (τ of the proxy on
    the test cells, signed) against a random forest on all 13 proxies, clean vs robust targets,
    and the proxies the forest relies on (impurity importance), at 1,024 training cells.

Each finished run is appended to ``--runs`` (JSON lines) so an interrupted run resumes.

    PYTHONPATH=. python benchmarks/bench_robustness.py --part all
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import _env  # noqa: F401  (project root on the path, mirror default)
import numpy as np
import pandas as pd
from rich.progress import Progress

from predbench.evaluation.features import cached_table, cached_task
from predbench.evaluation.metrics import kendall_tau, mean_interval
from predbench.evaluation.protocols import TUNING_SEEDS, check_disjoint_seeds
from predbench.evaluation.splits import split
from predbench.predictors import make_predictor

TASK = "nb201/cifar10"
POOL = "valid"
FEATURES = "zcp+graf"
SIZES = (128, 1024)
ATTACKS = ("fgsm", "pgd", "square", "apgd_ce")
FGSM_EPS = ("0.1", "0.5", "1", "2", "3", "4", "8")
BASELINE = "rf"
#: The goal of the robustness work: τ on PGD ε = 1 at 1,024 training cells.
GOAL = ("pgd_eps1", 1024, 0.78)

#: label → (zoo name, parameters, auxiliary set). Auxiliary sets: ``None`` (single target),
#: ``"clean+fgsm"`` (clean accuracy and FGSM at the target's ε), ``"clean+fgsm_all"`` (clean
#: accuracy and FGSM at every ε).
CANDIDATES: dict[str, tuple[str, dict, str | None]] = {
    "rf": ("rf", {}, None),
    "xgb": ("xgb", {}, None),
    "multioutput_rf[clean+fgsm]": ("multioutput_rf", {}, "clean+fgsm"),
    "multioutput_rf[clean+fgsm_all]": ("multioutput_rf", {}, "clean+fgsm_all"),
    "rf[max_features=0.3]": ("rf", {"max_features": 0.3}, None),
    "multioutput_rf[clean+fgsm,max_features=0.3]": (
        "multioutput_rf",
        {"max_features": 0.3},
        "clean+fgsm",
    ),
    "multioutput_rf[clean+fgsm_all,max_features=0.3]": (
        "multioutput_rf",
        {"max_features": 0.3},
        "clean+fgsm_all",
    ),
    "multioutput_xgb[clean+fgsm]": ("multioutput_xgb", {}, "clean+fgsm"),
    "multioutput_xgb[clean+fgsm_all]": ("multioutput_xgb", {}, "clean+fgsm_all"),
    "chained_lgbm[clean+fgsm]": ("chained", {"base": "lgbm", "cv": 3}, "clean+fgsm"),
}
#: Reported beside the baseline: the single-target booster and the member chosen on the tuning
#: seeds (benchmarks/results/robustness.md, "Selection").
CHOSEN: tuple[str, ...] = ("xgb", "multioutput_xgb[clean+fgsm_all]")


def target_name(attack: str, eps: str) -> str:
    return "val_accuracy" if attack == "clean" else f"{attack}_eps{eps}"


def auxiliary(target: str, kind: str | None) -> list[str]:
    """Auxiliary columns of ``target`` for an auxiliary set (never the target itself)."""
    if kind is None or target == "val_accuracy":
        return []
    eps = target.rsplit("_eps", 1)[1]
    columns = ["val_accuracy"]
    columns += [f"fgsm_eps{eps}"] if kind == "clean+fgsm" else [f"fgsm_eps{e}" for e in FGSM_EPS]
    return [c for c in columns if c != target]


class Runs:
    """Finished runs, appended to a JSON-lines file so a run resumes where it stopped."""

    def __init__(self, path: Path):
        self.path = path
        self.rows: dict[str, dict] = {}
        self._read()

    def _read(self) -> None:
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                if line.strip():
                    row = json.loads(line)
                    self.rows[row["key"]] = row

    def get(self, key: str) -> dict | None:
        """The finished run ``key``; the file is re-read on a miss (another process may add it)."""
        if key not in self.rows:
            self._read()
        return self.rows.get(key)

    def add(self, row: dict) -> None:
        self.rows[row["key"]] = row
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(json.dumps(row) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def data(target: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Feature table of the pool and the task's targets of the same cells."""
    X = cached_table(TASK, target, POOL, FEATURES)
    return X, cached_task(TASK).targets.loc[X.index]


def run_one(
    runs: Runs, label: str, target: str, size: int, seed: int, cached: bool = False
) -> float | None:
    """τ of candidate ``label`` on one split (cached in ``runs``; ``cached``: never compute)."""
    key = f"{label}|{target}|{size}|{seed}"
    done = runs.get(key)
    if done is not None:
        return done["tau"]
    if cached:
        return None
    name, params, kind = CANDIDATES[label]
    X, targets = data(target)
    train, test = split(X.index, size, seed)
    columns = [target, *auxiliary(target, kind)]
    Y = targets.loc[train, columns].to_numpy(np.float64)
    y = Y[:, 0] if Y.shape[1] == 1 else Y
    start = time.perf_counter()
    predictor = make_predictor(name, random_state=seed, **params).fit(X.loc[train], y)
    prediction = np.asarray(predictor.predict(X.loc[test]))
    prediction = prediction[:, 0] if prediction.ndim == 2 else prediction
    tau = kendall_tau(targets.loc[test, target], prediction)
    runs.add({"key": key, "tau": tau, "seconds": time.perf_counter() - start, "aux": columns[1:]})
    return tau


def sweep(runs: Runs, labels, targets, seeds, sizes=SIZES, cached: bool = False) -> pd.DataFrame:
    jobs = [(t, n, s, lab) for t in targets for n in sizes for s in seeds for lab in labels]
    rows = []
    with Progress(transient=True) as progress:
        bar = progress.add_task("runs", total=len(jobs))
        for target, size, seed, label in jobs:
            tau = run_one(runs, label, target, size, seed, cached)
            if tau is not None:
                rows.append(
                    {"target": target, "size": size, "seed": seed, "member": label, "tau": tau}
                )
            progress.advance(bar)
    return pd.DataFrame(rows)


def paired_table(frame: pd.DataFrame, labels) -> str:
    """Markdown, one row per target × size × member: mean τ and (member − baseline) interval."""
    versus = [BASELINE, *(["xgb"] if "xgb" in labels else [])]
    lines = [
        "| target | n | member | τ (seeds) | "
        + " | ".join(f"− {v}: mean [95 % CI] (pairs)" for v in versus)
        + " |",
        "|---|---|---|---|" + "---|" * len(versus),
    ]
    for (target, size), cell in frame.groupby(["target", "size"], sort=False):
        wide = cell.pivot(index="seed", columns="member", values="tau").reindex(columns=labels)
        for lab in labels:
            if not wide[lab].count():
                continue
            diffs = []
            for other in versus:
                if lab in versus[: versus.index(other) + 1]:
                    diffs.append("")
                    continue
                d = mean_interval((wide[lab] - wide[other]).dropna())
                low, high = d["ci_low"], d["ci_high"]
                interval = f"[{low:+.3f}, {high:+.3f}]" if np.isfinite(low) else "[–]"
                diffs.append(f"{d['mean']:+.3f} {interval} ({d['n']})")
            lines.append(
                f"| {target} | {size} | {lab} | {wide[lab].mean():.3f} ({wide[lab].count()}) | "
                + " | ".join(diffs)
                + " |"
            )
    lines.append(
        f"\nseeds {frame['seed'].min()}–{frame['seed'].max()}; τ = mean over the seeds run "
        "(their count in parentheses); intervals: paired t over the seeds run by both."
    )
    return "\n".join(lines)


def part_tune(runs: Runs, sizes, members, n_seeds: int, cached: bool = False) -> None:
    labels = [BASELINE, *(m for m in members or CANDIDATES if m != BASELINE)]
    seeds = TUNING_SEEDS[:n_seeds]
    frame = sweep(runs, labels, ["pgd_eps1"], seeds, sizes, cached)
    print(f"## Selection (tuning seeds {seeds[0]}–{seeds[-1]}, PGD ε = 1)\n")
    print(paired_table(frame, labels))


def part_report(
    runs: Runs, eps: list[str], n_seeds: int, sizes, members, attacks, cached: bool = False
) -> None:
    seeds = list(range(n_seeds))
    check_disjoint_seeds(TUNING_SEEDS, seeds)
    targets = ["val_accuracy"] if "clean" in attacks else []
    targets += [target_name(a, e) for e in eps for a in ATTACKS if a in attacks]
    labels = [BASELINE, *(m for m in members or CHOSEN if m != BASELINE)]
    frame = sweep(runs, labels, targets, seeds, sizes, cached)
    print("## Report (reporting seeds, every target)\n")
    print(paired_table(frame, labels))
    goal_target, goal_size, goal = GOAL
    cell = frame[(frame.target == goal_target) & (frame["size"] == goal_size)]
    best = cell.groupby("member")["tau"].mean().max()
    verdict = "met" if best >= goal else f"missed by {goal - best:.3f}"
    print(f"\nGoal τ ≥ {goal} on {goal_target} at {goal_size}: best {best:.3f} — {verdict}.")


def markdown(table: pd.DataFrame) -> str:
    """A numeric DataFrame as a Markdown table (3 decimals), index as the first column."""
    head = [str(table.index.name or ""), *map(str, table.columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in table.iterrows():
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
    return "\n".join(lines)


def part_lukasik(runs: Runs, n_seeds: int) -> None:
    size = 1024
    targets = ["val_accuracy"] + [target_name(a, "1") for a in ATTACKS]
    seeds = list(range(n_seeds))
    proxies = list(cached_task(TASK).proxies.columns)
    rows, importance = [], []
    for target in targets:
        X, T = data(target)
        zcp = X[[f"zcp:{p}" for p in proxies]]
        for seed in seeds:
            train, test = split(X.index, size, seed)
            y_test = T.loc[test, target]
            for proxy in proxies:
                tau = kendall_tau(y_test, zcp.loc[test, f"zcp:{proxy}"])
                rows.append({"target": target, "seed": seed, "model": proxy, "tau": tau})
            key = f"lukasik_rf_zcp|{target}|{size}|{seed}"
            done = runs.get(key)
            if done is None:
                rf = make_predictor("rf", random_state=seed).fit(
                    zcp.loc[train], T.loc[train, target]
                )
                done = {
                    "key": key,
                    "tau": kendall_tau(y_test, rf.predict(zcp.loc[test])),
                    "importance": rf.model_.feature_importances_.tolist(),
                }
                runs.add(done)
            rows.append(
                {"target": target, "seed": seed, "model": "RF (13 proxies)", "tau": done["tau"]}
            )
            importance.append(pd.Series(done["importance"], index=proxies, name=target))
    frame = pd.DataFrame(rows)
    table = frame.groupby(["model", "target"])["tau"].mean().unstack()[targets]
    best_single = table.drop(index="RF (13 proxies)").abs().max()
    print(f"## Single proxy vs all proxies (τ on the test cells, {size} train, {n_seeds} seeds)\n")
    print(markdown(table))
    print("\nbest |τ| of one proxy: " + ", ".join(f"{t} {v:.3f}" for t, v in best_single.items()))
    imp = pd.concat(importance, axis=1).T.groupby(level=0).mean().T[targets]
    print("\n## Random-forest impurity importance of each proxy (mean over seeds)\n")
    print(markdown(imp))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["tune", "report", "lukasik", "all"], default="all")
    parser.add_argument(
        "--attacks", nargs="+", default=["clean", *ATTACKS], choices=["clean", *ATTACKS]
    )
    parser.add_argument("--eps", nargs="+", default=["1"], help="ε of the attacks reported")
    parser.add_argument("--seeds", type=int, default=20, help="reporting seeds 0..N-1")
    parser.add_argument("--tune-seeds", type=int, default=10, help="first N tuning seeds")
    parser.add_argument(
        "--members",
        nargs="+",
        choices=list(CANDIDATES),
        help="members beside the baseline (default: every candidate to tune, the chosen to report)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="train sizes")
    parser.add_argument(
        "--runs",
        type=Path,
        default=Path.home() / ".cache" / "predbench" / "bench_robustness.jsonl",
        help="JSON-lines file of finished runs (resumed from; outside the repository)",
    )
    parser.add_argument(
        "--cached", action="store_true", help="print from finished runs only; compute nothing"
    )
    args = parser.parse_args(argv)
    runs = Runs(args.runs)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; runs cached in {args.runs}\n")
    if args.part in ("tune", "all"):
        part_tune(runs, args.sizes, args.members, args.tune_seeds, args.cached)
    if args.part in ("report", "all"):
        part_report(runs, args.eps, args.seeds, args.sizes, args.members, args.attacks, args.cached)
    if args.part in ("lukasik", "all"):
        part_lukasik(runs, min(args.seeds, 5))


if __name__ == "__main__":
    main()
