"""Display labels that never put two conditions under one name.

A view shows each condition (or each series of conditions across training-set sizes) under a
label — the predictor's or strategy's label from its suite. When two different conditions would
be shown under the same label in the same place (two suites that ran ``rf`` on different pools,
a pre-trained and an online ``xgb`` surrogate), :func:`unique_labels` appends what differs,
read from the stored settings: ``rf · pool=valid`` and ``rf · pool=all``. Values derived from
another differing setting (the pool's size and fingerprint when the pool rule differs) are left
out so the label says the cause, not its consequences.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from predbench.runs.identity import flatten

#: A setting that follows from another: shown only if the other does not differ.
DERIVED: dict[str, str] = {
    "pool_size": "pool",
    "pool_hash": "pool",
    "feature_proxies": "features",
    "predictor_config": "params",
}
#: Settings never shown as a difference (the label's own scope or a per-run value).
HIDDEN: frozenset[str] = frozenset({"seed", "train_size", "harness"})
#: Most differences spelled out in one label.
MAX_SHOWN = 3


def _short(value: Any, width: int = 24) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    # A pool's long proxy list reads better as its count: all+proxies[13].
    if text.count(",") >= 3 and "[" in text and text.endswith("]"):
        head, _, names = text[:-1].partition("[")
        text = f"{head}[{names.count(',') + 1}]"
    return text if len(text) <= width else text[: width - 1] + "…"


def _name(key: str) -> str:
    """``predictor_config.n_estimators`` → ``n_estimators``: a parameter reads by its name."""
    for prefix in ("predictor_config.", "params.", "strategy.params.", "strategy."):
        if key.startswith(prefix):
            return key.removeprefix(prefix)
    return key


def describe_difference(settings: Sequence[dict[str, Any]]) -> list[str]:
    """For each settings dict, ``"key=value"`` parts that tell it apart from the others."""
    flat = [flatten(s) for s in settings]
    keys = sorted({k for f in flat for k in f} - HIDDEN)
    differing = [k for k in keys if len({json.dumps(f.get(k), default=str) for f in flat}) > 1]
    primary = [
        k
        for k in differing
        if not (k.split(".")[0] in DERIVED and DERIVED[k.split(".")[0]] in differing)
    ]
    shown = primary or differing
    if "predictor_config" in shown and any(k.startswith("params.") for k in shown):
        shown = [k for k in shown if k != "predictor_config"]
    parts = []
    for f in flat:
        items = [f"{_name(k)}={_short(f.get(k))}" for k in shown]
        extra = len(items) - MAX_SHOWN
        parts.append(", ".join(items[:MAX_SHOWN]) + (f", +{extra} more" if extra > 0 else ""))
    return parts


def unique_labels(
    frame: pd.DataFrame,
    *,
    label: str,
    key: str,
    settings: str = "settings",
    scope: Sequence[str] = (),
    drop: Sequence[str] = ("seed",),
) -> pd.Series:
    """Labels for the rows of ``frame`` such that different ``key`` values never share one.

    Parameters
    ----------
    frame
        One row per run (or per condition), with ``label``, ``key`` and ``settings`` columns.
    label
        Column holding the suite's label (``predictor``, ``strategy``).
    key
        Column whose distinct values must get distinct labels (``series_id``, ``condition_id``).
    settings
        Column of canonical-JSON settings, read to say what differs.
    scope
        Columns within which labels must be unique (e.g. ``task``, ``features``): the same label
        in another task's table is no clash.
    drop
        Settings that do not count as a difference (the seed).
    """
    if frame.empty:
        return pd.Series(dtype=object, index=frame.index)
    # One label per key: the first the store recorded (two suites may label one condition
    # differently; the condition is the same, so it keeps one name).
    base = frame.groupby(key, sort=False)[label].transform("first").astype(str)
    result = base.copy()
    groups = [*scope, "__label"]
    work = frame.assign(__label=base)
    for _, group in work.groupby(groups, sort=False, dropna=False):
        keys = list(dict.fromkeys(group[key]))
        if len(keys) < 2:
            continue
        first = group.drop_duplicates(key).set_index(key)[settings]
        parsed = []
        for k in keys:
            values = json.loads(first[k]) if isinstance(first[k], str) else dict(first[k])
            parsed.append({n: v for n, v in values.items() if n not in set(drop)})
        for k, extra in zip(keys, describe_difference(parsed), strict=True):
            rows = group.index[group[key] == k]
            result.loc[rows] = (
                f"{base.loc[rows[0]]} · {extra}" if extra else f"{base.loc[rows[0]]} · {k[:8]}"
            )
    return result
