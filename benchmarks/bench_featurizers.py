"""Speed of predbench's featurizers, side by side with the reference GRAF implementation.

Times every featurizer (one-hot, path, GRAF) on every space — all 15,625 NB201 cells, all 4,096
TNB101-micro cells, all 3,256 TNB101-macro networks, ``--sample`` NB101 / NB301 archs — and, when
``--graf`` points at a checkout of github.com/gabikadlecova/GRAF, runs the reference GRAF code on
the same archs in a subprocess, checks that its values equal ours, and prints the speed ratio.

    git clone https://github.com/gabikadlecova/GRAF /tmp/GRAF   # any folder outside the project
    python benchmarks/bench_featurizers.py --graf /tmp/GRAF --markdown benchmarks/results/featurizers.md

The reference needs the NASLib stand-in from ``../shared/reference/generator/naslib_standin``
(``--naslib-standin``) and networkx/torch/tqdm, as when the reference tables were generated.
Timings are wall-clock ``perf_counter`` around one call on canonical arch ids (parsing, arrays,
features and the DataFrame), best and median of ``--repeats``; numpy runs single-threaded here.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from featurizers import feature_table  # noqa: E402
from featurizers.graf import DEFAULT_CONFIGS, reference_column_name  # noqa: E402
from featurizers.spaces import get_space  # noqa: E402

SPACES = ("nb201", "tnb101_micro", "tnb101_macro", "nb101", "nb301")
FAMILIES = ("onehot", "path", "graf")
ENUMERABLE = ("nb201", "tnb101_micro", "tnb101_macro")


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "platform": platform.platform(),
    }


def archs_of(space: str, sample: int) -> list[str]:
    module = get_space(space)
    if space in ENUMERABLE:
        return module.all_archs()
    return module.sample(sample, random_state=0)


def timed(fn, repeats: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return times, out


# ------------------------------------------------------------------------------- the reference
def reference_inputs(space: str, archs: list[str]) -> list:
    module = get_space(space)
    if space in ENUMERABLE:
        return [module.to_tuple_key(a) for a in archs]
    if space == "nb101":
        adj, ops, n = module.to_arrays(archs)
        return [(adj[i, : n[i], : n[i]].tolist(), ops[i, : n[i]].tolist()) for i in range(len(n))]
    genotypes = [module.to_genotype(a) for a in archs]
    return [([tuple(e) for e in g.normal], [tuple(e) for e in g.reduce]) for g in genotypes]


def run_reference(space: str, archs: list[str], graf: Path, standin: Path, repeats: int) -> dict:
    job = {
        "space": space,
        "config": [dict(e) for e in DEFAULT_CONFIGS[space]],
        "archs": reference_inputs(space, archs),
        "repeats": repeats,
    }
    with tempfile.TemporaryDirectory() as tmp:
        job_path, out_path = Path(tmp) / "job.pkl", Path(tmp) / "out.pkl"
        job_path.write_bytes(pickle.dumps(job))
        env = {**os.environ, "PYTHONPATH": f"{standin}{os.pathsep}{graf}"}
        runner = Path(__file__).with_name("_graf_reference_run.py")
        subprocess.run(
            [sys.executable, "-W", "ignore", str(runner), str(job_path), str(out_path)],
            check=True,
            env=env,
            cwd=tmp,
        )
        return pickle.loads(out_path.read_bytes())


def agreement(space: str, ours: pd.DataFrame, reference: pd.DataFrame) -> str:
    """``equal`` when every reference value is ours (NB101 max path: the reference's offset)."""
    mapped = {reference_column_name(space, c): c for c in ours.columns}
    if set(mapped) != set(reference.columns):
        extra = sorted(set(mapped) ^ set(reference.columns))[:3]
        return f"columns differ: {extra}"
    worst, where = 0.0, ""
    for column in reference.columns:
        a = ours[mapped[column]].to_numpy(np.float64)
        b = reference[column].to_numpy(np.float64)
        if space == "nb101" and column.startswith("max_op_on_path"):
            a = np.where(a > 0, a - 3, -4)  # reference: (nodes on path) - 4
        diff = float(np.max(np.abs(a - b))) if len(a) else 0.0
        if diff > worst:
            worst, where = diff, column
    if worst == 0.0:
        return f"equal ({len(reference.columns)} columns)"
    return f"max |diff| {worst} in {where}"


# -------------------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graf", type=Path, help="checkout of gabikadlecova/GRAF (reference)")
    parser.add_argument(
        "--naslib-standin",
        type=Path,
        default=ROOT.parent / "shared/reference/generator/naslib_standin",
    )
    parser.add_argument("--sample", type=int, default=10_000, help="NB101/NB301 archs")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reference-repeats", type=int, default=1)
    parser.add_argument(
        "--reference-sample", type=int, default=500, help="NB101/NB301 archs for the reference"
    )
    parser.add_argument("--spaces", default=",".join(SPACES))
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown")
    args = parser.parse_args()

    info = machine()
    print(json.dumps(info))
    rows: list[dict[str, object]] = []
    references: list[dict[str, object]] = []
    parses: dict[str, tuple[int, float]] = {}
    for space in args.spaces.split(","):
        archs = archs_of(space, args.sample)
        module = get_space(space)
        if space not in ENUMERABLE:  # parsing happens once per id; report it on its own
            parse_time, _ = timed(lambda module=module, archs=archs: module.parse_many(archs), 1)
            parses[space] = (len(archs), parse_time[0])
            print(f"{space}: parse {len(archs):,} sampled ids (first call) {parse_time[0]:.3f} s")
        for family in FAMILIES:
            try:
                times, table = timed(
                    lambda space=space, archs=archs, family=family: feature_table(
                        space, archs, family
                    ),
                    args.repeats,
                )
            except ValueError as exc:  # no such encoding for the space
                print(f"{space:13} {family:7} -- {exc}")
                continue
            row = {
                "space": space,
                "family": family,
                "archs": len(archs),
                "features": table.shape[1],
                "best_s": min(times),
                "median_s": statistics.median(times),
                "table_MB": table.memory_usage(deep=True).sum() / 1e6,
            }
            rows.append(row)
            print(
                f"{space:13} {family:7} {row['archs']:>7,} archs × {row['features']:>6,} "
                f"best {row['best_s']:.4f} s  median {row['median_s']:.4f} s  "
                f"{row['table_MB']:.1f} MB"
            )
        if args.graf is None:
            continue
        ref_archs = archs if space in ENUMERABLE else archs[: args.reference_sample]
        result = run_reference(
            space, ref_archs, args.graf, args.naslib_standin, args.reference_repeats
        )
        ours_times, ours = timed(lambda a=ref_archs, s=space: feature_table(s, a, "graf"), 3)
        ours_full = next(r for r in rows if r["space"] == space and r["family"] == "graf")
        ref_time = statistics.median(result["times"])
        per_arch_ref = ref_time / len(ref_archs)
        per_arch_ours = ours_full["best_s"] / ours_full["archs"]
        entry = {
            "space": space,
            "archs": len(ref_archs),
            "reference_s": ref_time,
            "ours_same_archs_s": min(ours_times),
            "ratio_same_archs": ref_time / min(ours_times),
            "ratio_per_arch": per_arch_ref / per_arch_ours,
            "values": agreement(
                space, ours.reset_index(drop=True), result["table"].reset_index(drop=True)
            ),
        }
        references.append(entry)
        print(
            f"{space:13} reference GRAF {entry['archs']:,} archs {ref_time:.2f} s; ours "
            f"{entry['ours_same_archs_s']:.4f} s → ×{entry['ratio_same_archs']:.0f} "
            f"(per arch vs our full run ×{entry['ratio_per_arch']:.0f}); values {entry['values']}"
        )
    info["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(info, rows, references, parses, args))
        print(f"wrote {args.markdown}")


def markdown(info, rows, references, parses, args) -> str:
    lines = [
        "# Featurizer speed",
        "",
        f"Command: `python benchmarks/bench_featurizers.py --sample {args.sample} "
        f"--repeats {args.repeats} --reference-sample {args.reference_sample}"
        + (" --graf <GRAF checkout>`" if args.graf else "`"),
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, numpy "
        f"{info['numpy']}, pandas {info['pandas']}. Load average (1/5/15 min) at start "
        f"{info['load_avg_1_5_15']}, at end {info['load_avg_after']}.",
        "",
        "| space | family | archs | features | best (s) | median (s) | table (MB) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['space']} | {r['family']} | {r['archs']:,} | {r['features']:,} | "
            f"{r['best_s']:.4f} | {r['median_s']:.4f} | {r['table_MB']:.1f} |"
        )
    lines += [
        "",
        "Each time is one `feature_table(space, ids, family)` call on canonical ids: id lookup, "
        "the space's arrays, the features and the DataFrame (compact dtypes; `table` is its "
        "`memory_usage(deep=True)`, index included). Sampled NB101/NB301 ids are parsed once "
        "before timing (the spaces cache parsed ids); that first parse took "
        + ", ".join(f"{s} {t:.2f} s for {n:,} ids" for s, (n, t) in parses.items())
        + ". numpy runs these on one core.",
    ]
    if references:
        lines += [
            "",
            "Reference GRAF (`graf_nas`, same archs, feature loop only) vs predbench `graf`:",
            "",
            "| space | archs | reference (s) | predbench (s) | speed-up | per-arch speed-up "
            "(vs full run above) | values |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for e in references:
            lines.append(
                f"| {e['space']} | {e['archs']:,} | {e['reference_s']:.2f} | "
                f"{e['ours_same_archs_s']:.4f} | ×{e['ratio_same_archs']:.0f} | "
                f"×{e['ratio_per_arch']:.0f} | {e['values']} |"
            )
        lines += [
            "",
            "The reference runs in a subprocess on the same archs with its shipped configs "
            "(`graf_nas` @ 635defe, NASLib stand-in); only its feature loop is timed. `speed-up` "
            "compares runs on those same archs (for 500-arch samples predbench's fixed costs "
            "dominate); `per-arch` divides its per-arch time by predbench's on the full set. "
            "NB101: the reference cannot parse keys at that commit, so its graph objects are "
            "built directly and its feature functions run unchanged; its `max_op_on_path` is "
            "predbench's `max_path_len` − 3 (−4 without a path), checked as such. NB301: its "
            "`max_op_on_path` wrapper raises, so that group goes through its `max_num_on_path` "
            "with the `out` edge allowed by id; every other value is its unchanged code's.",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
