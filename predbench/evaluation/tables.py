"""Comparison tables: one row per (task, target, features, predictor), one column per train size."""

from __future__ import annotations

import pandas as pd

from predbench.evaluation.metrics import aggregate


def comparison_table(
    runs: pd.DataFrame, metric: str = "kendall_tau", digits: int = 3
) -> pd.DataFrame:
    """``mean ± std (n)`` of ``metric`` per cell, train sizes as columns (strings, for display).

    Rows keep the order of first appearance of features and predictors in ``runs``; the task and
    target columns are dropped when they hold a single value.
    """
    cells = aggregate(runs, metric)
    if cells.empty:
        return pd.DataFrame()

    def text(row: pd.Series) -> str:
        if row["n"] == 0:
            return "—"
        std = "" if pd.isna(row["std"]) else f" ± {row['std']:.{digits}f}"
        return f"{row['mean']:.{digits}f}{std}"

    cells["value"] = cells.apply(text, axis=1)
    keys = ["task", "target", "features", "predictor"]
    table = cells.pivot_table(index=keys, columns="train_size", values="value", aggfunc="first")
    table.columns = [f"n={c}" for c in table.columns]
    table = table.reset_index()
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    order = {key: {v: i for i, v in enumerate(dict.fromkeys(ok[key]))} for key in keys if key in ok}
    table = table.sort_values(
        keys, key=lambda col: col.map(order[col.name]) if col.name in order else col
    ).reset_index(drop=True)
    for key in ("task", "target"):
        if table[key].nunique() == 1:
            table = table.drop(columns=key)
    return table.fillna("—")
