"""What makes two results the same result: run ids, conditions and recorded versions.

A run's **settings** are every value that changes its numbers (for a comparison run: task and
target, the data files' hashes, the pool, the split protocol, the feature set with its proxies,
the predictor with all its parameters, the training-set size and the seed). Its **run id** is the
sha256 of their canonical JSON, so the same run has the same id in any process or suite file.

A **condition** is the settings without the seed: the runs a table may average. A view never
puts two conditions under one label; :func:`condition_settings` gives the dict a condition id is
the hash of, and the views compare those dicts to say what differs between two conditions that
would otherwise share a label.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata
from typing import Any

#: Bumped when a change of the harness (split rule, metric definition) changes the numbers of the
#: same settings; part of every run id, so old results are never mistaken for new ones.
#: 2: explicit pools, constant predictions score τ = ρ = 0, full predictor parameters.
HARNESS_VERSION: int = 2

#: Libraries whose versions every stored run records.
VERSIONED: tuple[str, ...] = (
    "predbench",
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "xgboost",
    "lightgbm",
    "ngboost",
    "torch",
    "shap",
)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: equal values give equal strings.

    Values JSON cannot hold (a kernel object among a predictor's parameters) are written by
    ``repr``, which for scikit-learn objects spells out their parameters.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=repr)


def digest(value: Any, length: int = 20) -> str:
    """First ``length`` hex digits of the sha256 of ``value``'s canonical JSON."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()[:length]


def condition_settings(settings: Mapping[str, Any], drop: Iterable[str] = ("seed",)) -> dict:
    """``settings`` without the keys in ``drop`` (the seed: what a condition leaves out)."""
    dropped = set(drop)
    return {k: v for k, v in settings.items() if k not in dropped}


def flatten(settings: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"params": {"n": 3}}`` → ``{"params.n": 3}``; JSON-encoded dict strings are opened too."""
    out: dict[str, Any] = {}
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, str) and value.startswith("{"):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                pass
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


@cache
def library_versions() -> str:
    """JSON object: Python and the versions of the libraries that shape the numbers."""
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "predbench":
                import predbench

                versions[name] = predbench.__version__
    return canonical_json(versions)
