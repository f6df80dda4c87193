"""TransNAS-Bench-101 networks: synflow and zen computed vs NAS-Bench-Suite-Zero's recorded values.

Run from the project root::

    python benchmarks/proxies_tnb101.py                                  # default plan, 100 archs
    python benchmarks/proxies_tnb101.py --plan tnb101_micro/svhn --n 20
    python benchmarks/proxies_tnb101.py --markdown benchmarks/results/proxies_tnb101.md

For each (space, task) of the plan, ``--n`` archs are drawn (``--seed``) from those whose recorded
synflow and zen are both real values (not the −1e8 placeholder). Each arch's network is built by
``featurizers.zerocost.networks.tnb101_{micro,macro}`` with the benchmark's own init, then:

synflow
    :func:`featurizers.zerocost.reference.synflow` (NASLib's procedure: BN off, |weights|, float64,
    all-ones input of batch 1), then the sign-preserving log NAS-Bench-Suite-Zero stores.
zen
    NASLib's zen-score: Conv/Linear weights N(0, 1), biases 0, BN weight 1 / bias 0; two N(0, 1)
    draws x, ε of shape ``(--zen-batch, *input)``; ``log mean_n Σ|f(x) − f(x + 0.01ε)|`` plus
    ``Σ_BN log √mean(running_var)`` after those two train-mode forwards; f = the task's zen
    features (:func:`zen_features`).

Both are data-free, so no Taskonomy / NAS-Bench-360 images are needed.

``--engine`` additionally scores the same archs with all 13 proxies through the proxy engine
(:class:`featurizers.zerocost.engine.ProxyEngine`, synthetic minibatch of ``--batch-size``, CPU)
and reports Spearman ρ against every recorded proxy (``--engine-plan``, default the cheap
nine-task ``tnb101_micro/svhn``).

Scores are cached per arch
in ``--cache`` (a CSV rewritten atomically after every arch; default ``results/``, git-ignored) so an interrupted run resumes where it stopped.
Reports Spearman ρ (computed vs recorded), the median absolute difference and seconds per arch.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd
import torch
from rich.progress import track
from scipy.stats import spearmanr
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from featurizers.io import atomic_write  # noqa: E402
from featurizers.proxy_names import FAILED_PROXY  # noqa: E402
from featurizers.zerocost import reference  # noqa: E402
from featurizers.zerocost.networks import tnb101_macro, tnb101_micro  # noqa: E402
from predbench.data import load_task  # noqa: E402
from predbench.evaluation.store import to_markdown  # noqa: E402

MODULES = {"tnb101_micro": tnb101_micro, "tnb101_macro": tnb101_macro}
DEFAULT_PLAN = ("tnb101_micro/svhn", "tnb101_macro/class_scene", "tnb101_micro/class_scene")
PROXIES = ("synflow", "zen")


def sign_log(value: float) -> float:
    """NAS-Bench-Suite-Zero's stored synflow: log(s) for s > 0, −log(−s) for s < 0, 0 stays."""
    if not math.isfinite(value):
        return FAILED_PROXY
    if value == 0:
        return 0.0
    return math.log(value) if value > 0 else -math.log(-value)


def zen_score(module, net: nn.Module, input_shape, batch: int, gen: torch.Generator) -> float:
    """NASLib's zen-score of ``net`` (modified in place: call on a fresh network)."""
    net.train()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.normal_(generator=gen)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.BatchNorm2d) and m.weight is not None:
                m.weight.fill_(1.0)
                m.bias.zero_()
        x = torch.randn(batch, *input_shape, generator=gen)
        eps = torch.randn(batch, *input_shape, generator=gen)
        delta = (module.zen_features(net, x) - module.zen_features(net, x + 0.01 * eps)).abs()
        delta = delta.sum(dim=(1, 2, 3)).mean().item()
        log_bn = sum(
            math.log(math.sqrt(m.running_var.mean().item()))
            for m in net.modules()
            if isinstance(m, nn.BatchNorm2d)
        )
    score = math.log(delta) + log_bn if delta > 0 else float("nan")
    return score if math.isfinite(score) else FAILED_PROXY


def score_arch(space: str, task: str, arch: str, seed: int, zen_batch: int) -> dict[str, float]:
    module = MODULES[space]
    io = module.task_io(task)
    gen = torch.Generator().manual_seed(seed)
    net = module.build_network(arch, task, generator=gen)
    t0 = time.perf_counter()
    synflow = sign_log(reference.synflow(net, torch.zeros(1, *io.input_shape), None))
    t1 = time.perf_counter()
    zen = zen_score(module, net, io.input_shape, zen_batch, gen)
    t2 = time.perf_counter()
    return {"synflow": synflow, "zen": zen, "synflow_s": t1 - t0, "zen_s": t2 - t1}


def sample_archs(space: str, task: str, n: int, seed: int) -> pd.DataFrame:
    recorded = load_task(f"{space}/{task}").proxies[list(PROXIES)].dropna()
    real = recorded[(recorded > FAILED_PROXY).all(axis=1)]
    if len(real) < n:
        raise ValueError(
            f"{space}/{task}: only {len(real)} archs with recorded {PROXIES}, need {n}"
        )
    return real.sample(n, random_state=seed)


def run_plan(args: argparse.Namespace) -> pd.DataFrame:
    cache_path = Path(args.cache)
    done = pd.read_csv(cache_path) if cache_path.exists() else pd.DataFrame()
    rows = done.to_dict("records")
    seen = {(r["space"], r["task"], r["arch"], r["zen_batch"]) for r in rows}
    for key in args.plan:
        space, task = key.split("/")
        sampled = sample_archs(space, task, args.n, args.seed)
        todo = [a for a in sampled.index if (space, task, a, args.zen_batch) not in seen]
        for i, arch in enumerate(track(todo, description=f"{key} ({len(todo)} to score)")):
            seed = args.seed * 100_003 + i
            scores = score_arch(space, task, arch, seed, args.zen_batch)
            rows.append(
                {
                    "space": space,
                    "task": task,
                    "arch": arch,
                    "zen_batch": args.zen_batch,
                    **scores,
                    **{f"recorded_{p}": float(sampled.loc[arch, p]) for p in PROXIES},
                }
            )
            frame = pd.DataFrame(rows)
            atomic_write(cache_path, lambda path, f=frame: f.to_csv(path, index=False))
    return pd.DataFrame(rows)


def run_engine(args: argparse.Namespace) -> pd.DataFrame:
    """All 13 proxies through the engine for the archs of ``--engine-plan``; resumable."""
    from featurizers.zerocost.engine import ProxyEngine

    cache_path = Path(args.cache).with_name(Path(args.cache).stem + "_engine.csv")
    done = pd.read_csv(cache_path) if cache_path.exists() else pd.DataFrame()
    parts = [done] if len(done) else []
    for key in args.engine_plan:
        space, task = key.split("/")
        recorded = load_task(key).proxies
        archs = list(sample_archs(space, task, args.n, args.seed).index)
        if len(done):
            seen = set(done.loc[(done.space == space) & (done.task == task), "arch"])
            archs = [a for a in archs if a not in seen]
        engine = ProxyEngine(
            space, "all", task, batch_size=args.batch_size, seed=args.seed, device="cpu"
        )
        for lo in track(range(0, len(archs), 10), description=f"engine {key}"):
            chunk = archs[lo : lo + 10]
            result = engine.score(chunk)
            frame = result.scores.copy()
            frame.columns = [f"engine_{c}" for c in frame.columns]
            for proxy in result.scores.columns:
                frame[f"recorded_{proxy}"] = recorded.loc[chunk, proxy].to_numpy()
            frame["engine_s_per_arch"] = result.seconds / len(chunk)
            frame.insert(0, "arch", chunk)
            frame.insert(0, "task", task)
            frame.insert(0, "space", space)
            parts.append(frame.reset_index(drop=True))
            table = pd.concat(parts, ignore_index=True)
            atomic_write(cache_path, lambda path, t=table: t.to_csv(path, index=False))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def summarise_engine(frame: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (space, task), part in frame.groupby(["space", "task"], sort=False):
        for col in [
            c for c in part.columns if c.startswith("engine_") and c != "engine_s_per_arch"
        ]:
            proxy = col.removeprefix("engine_")
            ok = (part[f"recorded_{proxy}"] > FAILED_PROXY) & (part[col] > FAILED_PROXY)
            rho = spearmanr(part.loc[ok, col], part.loc[ok, f"recorded_{proxy}"]).statistic
            out.append(
                {
                    "space": space,
                    "task": task,
                    "proxy": proxy,
                    "n": int(ok.sum()),
                    "spearman": round(float(rho), 4),
                    "s_per_arch_all13": round(float(part["engine_s_per_arch"].mean()), 2),
                }
            )
    return pd.DataFrame(out)


def summarise(frame: pd.DataFrame, args: argparse.Namespace) -> pd.DataFrame:
    out = []
    for key in args.plan:
        space, task = key.split("/")
        part = frame[(frame.space == space) & (frame.task == task)]
        part = part[part.zen_batch == args.zen_batch]
        for proxy in PROXIES:
            rho = spearmanr(part[proxy], part[f"recorded_{proxy}"]).statistic
            out.append(
                {
                    "space": space,
                    "task": task,
                    "proxy": proxy,
                    "n": len(part),
                    "spearman": round(float(rho), 4),
                    "median_abs_diff": round(
                        float((part[proxy] - part[f"recorded_{proxy}"]).abs().median()), 4
                    ),
                    "s_per_arch": round(float(part[f"{proxy}_s"].mean()), 2),
                }
            )
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plan", nargs="*", default=list(DEFAULT_PLAN))
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--zen-batch", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cache", default=os.path.join("results", "proxies_tnb101_scores.csv"))
    parser.add_argument("--markdown", default=None)
    parser.add_argument("--engine", action="store_true", help="also score all 13 via the engine")
    parser.add_argument("--engine-plan", nargs="+", default=["tnb101_micro/svhn"])
    parser.add_argument("--batch-size", type=int, default=32, help="engine minibatch")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="summarise the archs already in --cache, score nothing",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.report_only:
        frame = pd.read_csv(args.cache)
    else:
        frame = run_plan(args)
    summary = summarise(frame, args)
    print(summary.to_string(index=False))
    engine_summary = None
    if args.engine:
        engine_frame = (
            pd.read_csv(Path(args.cache).with_name(Path(args.cache).stem + "_engine.csv"))
            if args.report_only
            else run_engine(args)
        )
        engine_summary = summarise_engine(engine_frame)
        print(engine_summary.to_string(index=False))
    if args.markdown:
        text = (
            f"machine: {platform.machine()}, {os.cpu_count()} cores, torch threads "
            f"{args.threads}, torch {torch.__version__}\n\n" + to_markdown(summary, ".4f") + "\n"
        )
        if engine_summary is not None:
            text += "\nEngine, all 13 proxies:\n\n" + to_markdown(engine_summary, ".4f") + "\n"
        atomic_write(Path(args.markdown), lambda path: Path(path).write_text(text))


if __name__ == "__main__":
    main()
