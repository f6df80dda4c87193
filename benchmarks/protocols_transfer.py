"""Published protocols with and without transfer features: what other datasets' labels add.

Reads the runs of the three shipped suites ``tagates_transfer``, ``graf_table_transfer`` and
``suite_zero_transfer`` (``consensus_ensemble`` on ``zcp+graf`` and on ``zcp+graf+transfer[all]``,
reporting seeds only) from a results store and prints, per published cell: both means, the paired
gain of the transfer columns (same splits, per seed), and each variant's Δ against the best
published number of the cell (mean and 95 % t-interval over the seeds). "Beaten by ≥ 0.02" needs
a mean Δ ≥ 0.02 whose interval excludes 0, as in ``results/protocols.md``. The transfer variant
reads each cell's accuracy on the space's other datasets (NB201: CIFAR-100 and ImageNet16-120;
TransNAS-Bench-101 micro: the six other tasks) — information no published model on these
protocols used, so its verdicts are a separate column, never mixed with the same-information one.

    predbench compare tagates_transfer --store runs.duckdb        # and the two other suites
    PYTHONPATH=. python benchmarks/protocols_transfer.py --store runs.duckdb
"""

from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

import pandas as pd

from predbench.evaluation import ResultsStore
from predbench.evaluation.metrics import mean_interval

#: (suite, task, train size) → best published τ of the cell, over every published model of the
#: protocol (TA-GATES and GRAF's XGB+ on the TA-GATES split; GRAF's RF on its NB201 table;
#: NASLib's XGBoost on Suite-Zero). Sources in ``benchmarks/results/protocols.md``.
BEST_PUBLISHED: dict[tuple[str, str, int], tuple[float, str]] = {
    ("tagates_transfer", "nb201/cifar10", 46): (0.752, "GRAF XGB+"),
    ("tagates_transfer", "nb201/cifar10", 233): (0.834, "GRAF XGB+"),
    ("tagates_transfer", "nb201/cifar10", 467): (0.858, "GRAF XGB+"),
    ("tagates_transfer", "nb201/cifar10", 935): (0.879, "TA-GATES"),
    ("graf_table_transfer", "nb201/cifar10", 32): (0.697, "GRAF RF"),
    ("graf_table_transfer", "nb201/cifar10", 128): (0.778, "GRAF RF"),
    ("graf_table_transfer", "nb201/cifar10", 1024): (0.845, "GRAF RF"),
    ("suite_zero_transfer", "nb201/cifar10", 400): (0.794, "Suite-Zero XGBoost"),
    ("suite_zero_transfer", "tnb101_micro/class_scene", 400): (0.697, "Suite-Zero XGBoost"),
}
SAME, TRANSFER = "zcp+graf", "zcp+graf+transfer[all]"
MARGIN = 0.02


def _interval(stats: dict) -> str:
    return f"{stats['mean']:+.3f} [{stats['ci_low']:+.3f}, {stats['ci_high']:+.3f}]"


def _beaten(stats: dict) -> str:
    return "yes" if stats["mean"] >= MARGIN and stats["ci_low"] > 0 else "no"


def cell_rows(store: ResultsStore) -> list[dict]:
    """One row per published cell with both variants' runs on the same seeds."""
    rows = []
    frames: dict[str, pd.DataFrame] = {}
    for (suite, task, size), (published, model) in BEST_PUBLISHED.items():
        if suite not in frames:
            try:
                frames[suite] = store.frame(suite=suite)
            except KeyError:
                frames[suite] = pd.DataFrame()
        frame = frames[suite]
        if frame.empty:
            continue
        frame = frame[(frame.status == "ok") & (frame.task == task) & (frame.train_size == size)]
        taus = frame.pivot_table(index="seed", columns="features", values="kendall_tau")
        if SAME not in taus or TRANSFER not in taus:
            continue
        taus = taus[[SAME, TRANSFER]].dropna()
        if taus.empty:
            continue
        rows.append({
            "suite": suite, "task": task, "size": size, "seeds": len(taus),
            "published": published, "published_model": model,
            "same": taus[SAME].mean(), "transfer": taus[TRANSFER].mean(),
            "gain": mean_interval((taus[TRANSFER] - taus[SAME]).to_numpy()),
            "same_vs_published": mean_interval(taus[SAME].to_numpy() - published),
            "transfer_vs_published": mean_interval(taus[TRANSFER].to_numpy() - published),
        })  # fmt: skip
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| protocol | task | train | seeds | best published | `consensus_ensemble` ZCP+GRAF | "
        "Δ vs published [95 %] | ≥ 0.02 | + `transfer[all]` | gain, paired [95 %] | "
        "Δ vs published [95 %] | ≥ 0.02 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['suite'].removesuffix('_transfer')} | {r['task']} | {r['size']} | {r['seeds']} "
            f"| {r['published']:.3f} ({r['published_model']}) | {r['same']:.3f} "
            f"| {_interval(r['same_vs_published'])} | {_beaten(r['same_vs_published'])} "
            f"| {r['transfer']:.3f} | {_interval(r['gain'])} "
            f"| {_interval(r['transfer_vs_published'])} | {_beaten(r['transfer_vs_published'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("runs.duckdb"))
    args = parser.parse_args(argv)
    store = ResultsStore(args.store)
    rows = cell_rows(store)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores; store {args.store}\n")
    print(table(rows))
    same = sum(_beaten(r["same_vs_published"]) == "yes" for r in rows)
    transfer = sum(_beaten(r["transfer_vs_published"]) == "yes" for r in rows)
    print(f"\ncells beaten by ≥ {MARGIN}: same information {same} of {len(rows)}; "
          f"with transfer features {transfer} of {len(rows)}")  # fmt: skip


if __name__ == "__main__":
    main()
