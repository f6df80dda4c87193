"""Graph neural predictors on NB201 CIFAR-10: Kendall τ vs train size, and speed.

Quality (TA-GATES protocol sizes): train on 46 / 233 / 467 / 935 archs drawn (seeded) from the
9,445 NB201 cells that have every recorded proxy, test on all the other ones; Kendall τ of the
predicted against the recorded CIFAR-10 validation accuracy. The sizes are TA-GATES's 1 / 5 / 10
/ 20 % of its 4,675-arch NB201 training pool (GRAF's comparison scales its proportions by 4,675);
TA-GATES itself evaluates on its own held-out NB201 split, so the published figures printed
beside ours come from a different test set of the same space.

Speed: one fit on 1,024 archs (default 200 epochs), and predicting all 15,625 NB201 cells, with
torch limited to 2 threads (``n_jobs=2``) and to 1. The quality runs use 1 thread each.

Data come from ``predbench.data.load_task("nb201/cifar10")``; features are the 13 recorded
zero-cost proxies plus GRAF (``featurizers.graf.Graf``). When ``PREDBENCH_MIRROR`` is unset and
``../shared/data`` exists beside the project, it is used as the mirror.

Every finished run is appended to a JSON-lines file (``--runs``), so an interrupted benchmark
resumes where it stopped; ``--fresh`` starts over.

    PYTHONPATH=. python benchmarks/bench_gnn.py --seeds 5 --out benchmarks/results/gnn.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.progress import Progress
from scipy.stats import kendalltau

ROOT = Path(__file__).resolve().parents[1]
TRAIN_SIZES = (46, 233, 467, 935)
#: Published Kendall τ at the sizes above (TA-GATES paper; GRAF paper, ZCP+GRAF XGBoost).
PUBLISHED = {
    "TA-GATES (published)": (0.699, 0.829, 0.855, 0.879),
    "ZCP+GRAF XGBoost (published)": (0.752, 0.834, 0.858, 0.877),
}


def models(seed: int) -> dict[str, tuple[object, str | None]]:
    """Name → (unfitted estimator, extra columns it reads: None, "zcp" or "zcp+graf")."""
    from xgboost import XGBRegressor

    from predbench.predictors.gnn import GATESRegressor, GCNRegressor, GINRegressor

    common = {"n_jobs": 1, "random_state": seed}  # defaults: 200 epochs, batch 128, pairwise
    with_feats = {"use_features": True, **common}
    return {
        "GCN": (GCNRegressor(**common), None),
        "GIN": (GINRegressor(**common), None),
        "GATES-style": (GATESRegressor(**common), None),
        "GCN + ZCP": (GCNRegressor(**with_feats), "zcp"),
        "GIN + ZCP": (GINRegressor(**with_feats), "zcp"),
        "GATES-style + ZCP": (GATESRegressor(**with_feats), "zcp"),
        "GIN + ZCP, feature_dropout=0.25": (
            GINRegressor(feature_dropout=0.25, **with_feats),
            "zcp",
        ),
        "GIN + ZCP+GRAF": (GINRegressor(**with_feats), "zcp+graf"),
        "XGBoost, ZCP+GRAF (same splits)": (XGBRegressor(n_jobs=1, random_state=seed), "zcp+graf"),
    }


def load_data() -> tuple[pd.DataFrame, pd.Series]:
    shared = ROOT.parent / "shared" / "data"
    if "PREDBENCH_MIRROR" not in os.environ and shared.is_dir():
        os.environ["PREDBENCH_MIRROR"] = str(shared)
    from featurizers.graf import Graf
    from predbench.data import load_task

    task = load_task("nb201/cifar10")
    keep = task.proxies.notna().all(axis=1) & task.targets["val_accuracy"].notna()
    proxies = task.proxies[keep].add_prefix("zcp:")
    graf = Graf("nb201").fit().transform_frame(proxies.index)
    return pd.concat([proxies, graf], axis=1), task.targets.loc[keep, "val_accuracy"]


def run_quality(feats, y, seeds, runs_path: Path, names) -> pd.DataFrame:
    done = {}
    if runs_path.exists():
        for line in runs_path.read_text().splitlines():
            row = json.loads(line)
            done[(row["model"], row["n"], row["seed"])] = row
    ids = feats.index.to_numpy()
    zcp = [c for c in feats.columns if c.startswith("zcp:")]
    todo = [(m, n, s) for s in range(seeds) for n in TRAIN_SIZES for m in names]
    with Progress() as bar, runs_path.open("a") as sink:
        task = bar.add_task("fits", total=len(todo))
        for name, n, seed in todo:
            if (name, n, seed) not in done:
                order = np.random.default_rng(1000 + seed).permutation(len(ids))
                tr, te = order[:n], order[n:]
                est, cols = models(seed)[name]
                table = feats if cols == "zcp+graf" else feats[zcp]
                if not hasattr(est, "graph_form"):  # xgboost rejects '[' in names: pass arrays
                    x_tr, x_te = table.iloc[tr].to_numpy(), table.iloc[te].to_numpy()
                elif cols is not None:
                    x_tr, x_te = table.iloc[tr], table.iloc[te]
                else:
                    x_tr, x_te = list(ids[tr]), list(ids[te])
                t0 = time.perf_counter()
                est.fit(x_tr, y.iloc[tr].to_numpy())
                fit_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                pred = est.predict(x_te)
                pred_s = time.perf_counter() - t0
                tau = float(kendalltau(pred, y.iloc[te]).statistic)
                row = {
                    "model": name,
                    "n": n,
                    "seed": seed,
                    "tau": tau,
                    "fit_s": fit_s,
                    "pred_s": pred_s,
                }
                sink.write(json.dumps(row) + "\n")
                sink.flush()
                done[(name, n, seed)] = row
            bar.advance(task)
    return pd.DataFrame([done[k] for k in todo])


def run_speed(feats, y) -> dict[str, float]:
    from featurizers.spaces import get_space
    from predbench.predictors.gnn import GATESRegressor, GCNRegressor, GINRegressor

    space = get_space("nb201")
    every = space.all_archs()
    ids = feats.index.to_numpy()
    order = np.random.default_rng(0).permutation(len(ids))[:1024]
    out = {}
    for cls in (GCNRegressor, GINRegressor, GATESRegressor):
        for threads in (2, 1):
            est = cls(n_jobs=threads, random_state=0)
            t0 = time.perf_counter()
            est.fit(list(ids[order]), y.iloc[order].to_numpy())
            out[f"{cls.__name__} fit, 1,024 archs, {threads} thread(s)"] = time.perf_counter() - t0
            est.predict(every[:10])  # the space's graph table is built once per process
            t0 = time.perf_counter()
            est.predict(every)
            out[f"{cls.__name__} predict all 15,625 NB201 cells, {threads} thread(s)"] = (
                time.perf_counter() - t0
            )
    return out


def markdown(results: pd.DataFrame, speed: dict[str, float], seeds: int) -> str:
    agg = results.groupby(["model", "n"])["tau"].agg(["mean", "std"]).reset_index()
    order = list(dict.fromkeys(results["model"]))
    lines = [
        "| predictor | " + " | ".join(str(n) for n in TRAIN_SIZES) + " |",
        "|---|" + "---:|" * len(TRAIN_SIZES),
    ]
    for name, taus in PUBLISHED.items():
        lines.append(f"| {name} | " + " | ".join(f"{t:.3f}" for t in taus) + " |")
    for name in order:
        cells = []
        for n in TRAIN_SIZES:
            r = agg[(agg["model"] == name) & (agg["n"] == n)]
            cells.append(f"{r['mean'].iloc[0]:.3f} ± {r['std'].iloc[0]:.3f}" if len(r) else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    fit = results.groupby(["model", "n"])["fit_s"].mean().unstack("n")
    lines += ["", "Mean fit time (s) per train size:", ""]
    lines.append("| predictor | " + " | ".join(str(n) for n in TRAIN_SIZES) + " |")
    lines.append("|---|" + "---:|" * len(TRAIN_SIZES))
    for name in order:
        lines.append(
            f"| {name} | " + " | ".join(f"{fit.loc[name, n]:.1f}" for n in TRAIN_SIZES) + " |"
        )
    lines += ["", "| speed check (default settings) | seconds | target |", "|---|---:|---:|"]
    for key, secs in speed.items():
        target = "< 60" if "fit" in key else "< 5"
        lines.append(f"| {key} | {secs:.2f} | {target} |")
    lines += [
        "",
        f"τ: mean ± std over {seeds} seeds; test set = the other NB201 cells with every proxy recorded.",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average at the end {os.getloadavg()[0]:.1f}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--models", nargs="*", default=None, help="subset of model names")
    parser.add_argument("--runs", type=Path, default=Path("/tmp/predbench_bench_gnn_runs.jsonl"))
    parser.add_argument("--fresh", action="store_true", help="forget earlier runs")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args()
    if args.fresh and args.runs.exists():
        args.runs.unlink()
    feats, y = load_data()
    names = args.models or list(models(0))
    results = run_quality(feats, y, args.seeds, args.runs, names)
    speed = {} if args.skip_speed else run_speed(feats, y)
    text = markdown(results, speed, args.seeds)
    print(text)
    if args.out:
        tmp = args.out.with_suffix(".tmp")
        tmp.write_text(text + "\n")
        tmp.replace(args.out)


if __name__ == "__main__":
    main()
