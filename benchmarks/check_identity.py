"""Check that no view of a shared store averages different conditions, and that every suite's
view equals what its ``compare`` printed.

One store receives: the quick-start suite, the GRAF table suite, three white-protocol suites
(two overlapping — one reuses the other's seeds — and one on another pool under the same
predictor label), and two search suites whose strategies share one label. Then:

* every suite's ``predbench results --suite NAME`` and ``--suite FILE`` tables equal the table
  its ``predbench compare`` printed, row for row;
* ``predbench results`` on the whole store, and the report's data, show each label in a table
  for exactly one series of conditions, and each cell over exactly the seeds of one condition;
* the search summary and the report's search data give each strategy label one condition.

Run: ``PREDBENCH_MIRROR=../shared/data python benchmarks/check_identity.py [--jobs 2]``; it
prints what it checked and exits non-zero on the first violation.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WHITE = """
name = "{name}"
protocol = "white"
tasks = ["nb201/cifar10"]
features = {features}
train_sizes = [5, 24, 100]
seeds = {seeds}
{pool}

[[predictors]]
name = "rf"
params = {{ n_estimators = 50 }}

[[predictors]]
name = "lgbm"
"""

SEARCH = """
name = "{name}"
tasks = ["nb201/cifar10"]
budget = 30
seeds = 3

[[strategies]]
name = "{strategy}"
label = "mine"
"""


def predbench(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "predbench", *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"predbench {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def table_rows(output: str) -> list[str]:
    """The body rows of the rich table an output printed (``│ … │`` lines)."""
    return [line.strip() for line in output.splitlines() if line.strip().startswith("│")]


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"ok: {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="2")
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "200")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = str(tmp / "shared.duckdb")
        suites = {
            "quickstart": ROOT / "suites" / "quickstart.toml",
            "graf_table": ROOT / "suites" / "graf_table.toml",
        }
        for name, features, seeds, pool in (
            ("white_a", '["onehot"]', "5", ""),
            ("white_a_more", '["onehot"]', "8", ""),
            ("white_proxies", '["onehot", "zcp"]', "5", 'pool = "all+proxies"'),
        ):
            path = tmp / f"{name}.toml"
            text = WHITE.format(name=name, features=features, seeds=seeds, pool=pool)
            path.write_text(text)
            suites[name] = path
        printed = {}
        for name, path in suites.items():
            out = predbench("compare", str(path), "--store", store, "--jobs", args.jobs)
            printed[name] = table_rows(out)
            print(f"compare {name}: {len(printed[name])} table rows")
        for name, path in suites.items():
            by_name = table_rows(predbench("results", "--store", store, "--suite", name))
            by_file = table_rows(predbench("results", "--store", store, "--suite", str(path)))
            check(
                by_name == printed[name] == by_file,
                f"results --suite {name} (by name and by file) equals what compare printed",
            )
        for name, strategy in (("search_one", "random"), ("search_two", "evolution")):
            path = tmp / f"{name}.toml"
            path.write_text(SEARCH.format(name=name, strategy=strategy))
            predbench("search", "--suite", str(path), "--store", store, "--no-progress")

        from predbench.evaluation import ResultsStore
        from predbench.evaluation.tables import labelled
        from predbench.report import load_report_data
        from predbench.search import SearchStore, summarize

        frame = ResultsStore(store).frame()
        keys = ["task", "target", "features", "predictor"]
        shown = labelled(frame)
        series = shown.groupby(keys)["series_id"].nunique()
        check(bool((series == 1).all()), f"{len(series)} table rows, each one series of conditions")
        cells = shown.groupby([*keys, "train_size"])["condition_id"].nunique()
        check(bool((cells == 1).all()), f"{len(cells)} table cells, each one condition")
        from predbench.evaluation.metrics import aggregate

        cells = aggregate(shown)
        sizes = shown.groupby("condition_id").size()
        counted = cells.set_index("condition_id")[["n", "failed", "undefined"]].sum(axis=1)
        check(
            bool((counted == sizes.reindex(counted.index)).all()),
            "every cell counts exactly the runs of its condition",
        )
        white = shown[
            (shown["features"] == "onehot")
            & (shown["train_size"] == 100)
            & (shown["predictor_name"] == "rf")
            & shown["pool"].str.startswith("all")
        ]
        seeds = white.groupby(["pool", "predictor"])["seed"].nunique().reset_index()
        print(seeds.to_string(index=False))
        check(
            sorted(seeds["seed"]) == [5, 8] and seeds["predictor"].is_unique,
            "white rf/onehot: the two overlapping suites pool into one condition (seeds 0-7, "
            "n=8); the other pool is its own, differently labelled row (n=5)",
        )
        whole = predbench("results", "--store", store)
        check("pool=all+proxies[13]" in whole, "the whole-store table labels the other pool")
        report = tmp / "report.html"
        predbench("report", "--store", store, "-o", str(report))
        data = load_report_data(store)
        rows = data.results.groupby(keys)["series_id"].nunique()
        check(bool((rows == 1).all()), "the report's results: each label one series")
        traj = data.trajectories.groupby(["task", "strategy"])["condition_id"].nunique()
        check(
            bool((traj == 1).all()),
            f"the report's searches: {len(traj)} labels, one condition each",
        )
        search = SearchStore(store)
        summary = summarize(search.trajectories(), search.runs())
        check(
            summary["strategy"].is_unique and len(summary) == 2,
            f"search summary splits the colliding label: {sorted(summary['strategy'])}",
        )
        pools = sorted(
            set(zip(frame["pool"].str.split("[").str[0], frame["pool_size"], strict=True))
        )
        print(f"pools in the store: {pools}")
    print(f"all checks passed in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
