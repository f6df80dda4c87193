"""Comparison tables: one row per series of conditions, one column per train size.

A row is one *series* — every setting but the seed and the training-set size (``series_id``) —
so a cell averages the seeds of exactly one condition. Rows that would share a label (two suites
that ran ``rf`` on different pools) get labels that say what differs
(:func:`predbench.runs.labels.unique_labels`). Each cell shows ``n`` and, when there are any,
the failed and constant-prediction runs it counts; :func:`pool_summary` lists the pool each task
drew from.
"""

from __future__ import annotations

import pandas as pd

from predbench.evaluation.metrics import aggregate
from predbench.runs.labels import unique_labels


def labelled(runs: pd.DataFrame, settings: str = "settings") -> pd.DataFrame:
    """``runs`` with the ``predictor`` column made unique per series within a task's table
    (``settings``: the column of the runs' canonical settings, read to say what differs)."""
    if runs.empty or "series_id" not in runs.columns:
        return runs
    labels = unique_labels(
        runs,
        label="predictor",
        key="series_id",
        settings=settings,
        scope=("task", "target", "features"),
        drop=("seed", "train_size"),
    )
    return runs.assign(predictor=labels)


def cell_text(row: pd.Series, digits: int = 3) -> str:
    """``0.712 ± 0.034 (n=5)``, with ``, 1 failed`` / ``, 2 const`` when any; ``—`` when empty."""
    notes = [f"n={int(row['n'])}"]
    if row.get("failed", 0):
        notes.append(f"{int(row['failed'])} failed")
    if row.get("constant", 0):
        notes.append(f"{int(row['constant'])} const")
    if row.get("undefined", 0):
        notes.append(f"{int(row['undefined'])} undef")
    if row["n"] == 0:
        return "— (" + ", ".join(notes) + ")"
    std = "" if pd.isna(row["std"]) else f" ± {row['std']:.{digits}f}"
    return f"{row['mean']:.{digits}f}{std} ({', '.join(notes)})"


def comparison_table(
    runs: pd.DataFrame, metric: str = "kendall_tau", digits: int = 3
) -> pd.DataFrame:
    """``mean ± std (n=…)`` of ``metric`` per condition, train sizes as columns (strings).

    Rows keep the order of first appearance of features and predictors in ``runs``; the task and
    target columns are dropped when they hold a single value.
    """
    if runs.empty:
        return pd.DataFrame()
    runs = labelled(runs)
    cells = aggregate(runs, metric)
    if cells.empty:
        return pd.DataFrame()
    cells["value"] = cells.apply(cell_text, axis=1, digits=digits)
    keys = ["task", "target", "features", "predictor"]
    row_key = "series_id" if "series_id" in cells.columns else "predictor"
    table = cells.pivot_table(
        index=[*keys, row_key] if row_key not in keys else keys,
        columns="train_size",
        values="value",
        aggfunc="first",
    )
    table.columns = [f"n={c}" for c in table.columns]
    table = table.reset_index()
    order = {key: {v: i for i, v in enumerate(dict.fromkeys(runs[key]))} for key in keys}
    table = table.sort_values(
        keys, key=lambda col: col.map(order[col.name]) if col.name in order else col
    ).reset_index(drop=True)
    if row_key not in keys:
        table = table.drop(columns=row_key)
    for key in ("task", "target"):
        if table[key].nunique() == 1:
            table = table.drop(columns=key)
    return table.fillna("—")


def pool_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (task, target, pool) the runs drew from: rule, size and run count."""
    columns = ["task", "target", "pool", "pool_size", "runs"]
    if runs.empty or "pool" not in runs.columns:
        return pd.DataFrame(columns=columns)
    grouped = runs.groupby(["task", "target", "pool", "pool_size"], sort=False, dropna=False)
    return grouped.size().reset_index(name="runs")[columns]


def pool_lines(runs: pd.DataFrame) -> list[str]:
    """Plain lines for the terminal: ``pool of nb201/cifar10: valid — 9,445 archs (40 runs)``;
    a task drawn from more than one pool is flagged."""
    from predbench.evaluation.splits import parse_pool

    summary = pool_summary(runs)
    lines = []
    counts = summary.groupby(["task", "target"]).size()
    for row in summary.itertuples(index=False):
        rule = parse_pool(row.pool)
        several = counts.loc[(row.task, row.target)] > 1
        lines.append(
            f"pool of {row.task}{'' if row.target == 'val_accuracy' else ' · ' + row.target}: "
            f"{row.pool} — {int(row.pool_size):,} archs ({rule.describe(row.target)}; "
            f"{row.runs} runs)" + (" [several pools: rows are split by pool]" if several else "")
        )
    return lines
