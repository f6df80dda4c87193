"""Time parsing every arch key of the shared benchmark files into canonical ids, per space.

Baseline: ``ast.literal_eval`` of every key — only reading the Python literal, with no checking,
pruning or canonicalization — the floor for any parser that reads these keys as Python literals.
Per-string caches are cleared before each timed run (cold parse; the enumerated spaces keep
their once-per-process lookup tables); the warm column re-parses the same keys.

Run from the project root::

    python benchmarks/spaces_parse.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import ast
import json
import time
import zipfile
from pathlib import Path

from featurizers.spaces import nb101, nb201, nb301, tnb101_macro, tnb101_micro

NASLIB = "data/automl__NASLib"


def _zip_keys(shared: Path, relative: str, space: str) -> list[str]:
    keys: set[str] = set()
    with zipfile.ZipFile(shared / NASLIB / relative) as zf:
        for name in zf.namelist():
            if name.endswith(".json") and f"--{space}--" in name:
                keys.update(r["arch"] for r in json.loads(zf.read(name)))
    return sorted(keys)


def _arch_list(shared: Path, name: str) -> list[str]:
    return list(
        json.loads((shared / NASLIB / f"naslib/data/archs/archs_{name}.json").read_text()).values()
    )


def _clear_caches() -> None:
    nb101._PARSED.clear()
    nb101._arrays_of_id.cache_clear()
    nb301._parse_str.cache_clear()
    nb301._canon_of_id.cache_clear()


def _best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        _clear_caches()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared"
    )
    args = parser.parse_args()
    cases = [
        ("nb201", nb201, _arch_list(args.shared, "nasbench201")),
        ("tnb101_micro", tnb101_micro, _arch_list(args.shared, "transbench101_micro")),
        ("tnb101_macro", tnb101_macro, _arch_list(args.shared, "transbench101_macro")),
        (
            "nb101",
            nb101,
            _zip_keys(args.shared, "run/results/benchmarks/nb101_zen.zip", "nasbench101"),
        ),
        ("nb301", nb301, _arch_list(args.shared, "nasbench301")),
    ]
    print(
        f"{'space':<14}{'keys':>8}{'parse_many cold':>18}{'warm':>10}{'literal_eval':>15}{'cold/literal':>14}"
    )
    for name, space, keys in cases:
        cold = _best_of(lambda s=space, k=keys: s.parse_many(k))
        space.parse_many(keys)
        start = time.perf_counter()
        space.parse_many(keys)
        warm = time.perf_counter() - start
        base = _best_of(lambda k=keys: [ast.literal_eval(x) for x in k])
        print(
            f"{name:<14}{len(keys):>8}{cold * 1e3:>15.1f} ms{warm * 1e3:>7.1f} ms"
            f"{base * 1e3:>12.1f} ms{cold / base:>13.2f}x"
        )


if __name__ == "__main__":
    main()
