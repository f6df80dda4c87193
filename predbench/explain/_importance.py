"""From SHAP values to tables: feature importance, feature ranks, family shares, cross-task ranks.

The importance of a feature on a task is its **mean |SHAP|** over the explained architectures: how
far, on average, knowing that feature moves the prediction, in units of the target. Ranks are 1 for
the most important feature; features with equal importance share the mean of their ranks (ties
are common: constant columns, such as GRAF's full-op-set subsets, all have importance 0).

Across tasks, :func:`rank_table` lays the ranks out as features × tasks and sorts by the mean rank
— the layout of the GRAF paper's feature tables — so a feature that matters everywhere comes first
and one that matters on a single task stands out in its column.

Identical or strongly correlated columns (GRAF's ``mean_in_degree[S]`` and
``mean_out_degree[S]`` are equal for every cell) share their importance in a way that depends on
the fitted model — a tree credits whichever column it happened to split on — so read such groups
together; the family table is unaffected.

A feature's family is the part of its column name before the first ``":"`` (``zcp``, ``graf``,
``onehot``, ``path``); a family's importance on a row is ``|Σ SHAP over its columns|`` (the
SHAP value of the family as one player: SHAP values of a group add up), averaged over rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from predbench.explain._shap import Explanation

#: Column order of :func:`feature_importance`.
IMPORTANCE_COLUMNS: tuple[str, ...] = ("feature", "family", "mean_abs_shap", "share", "rank")


def family_of(feature: str) -> str:
    """``"graf:min_path_len[skip_connect]"`` → ``"graf"``; a name without a family → ``""``."""
    family, sep, _ = str(feature).partition(":")
    return family if sep else ""


def feature_importance(explanation: Explanation) -> pd.DataFrame:
    """Mean |SHAP| per feature, its share of the total, and its rank (1 = most important).

    Returns
    -------
    DataFrame
        One row per feature, sorted by rank (ties: column order), columns
        :data:`IMPORTANCE_COLUMNS`.
    """
    values = explanation.values
    mean_abs = values.abs().mean(axis=0)
    total = float(mean_abs.sum())
    table = pd.DataFrame(
        {
            "feature": values.columns,
            "family": [family_of(c) for c in values.columns],
            "mean_abs_shap": mean_abs.to_numpy(dtype=np.float64),
            "share": mean_abs.to_numpy(dtype=np.float64) / total if total > 0 else 0.0,
            "rank": mean_abs.rank(ascending=False, method="average").to_numpy(),
        }
    )
    order = np.lexsort((np.arange(len(table)), table["rank"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def family_importance(explanation: Explanation) -> pd.DataFrame:
    """Importance of each feature family, treating the family's columns as one player.

    Returns
    -------
    DataFrame
        Columns ``family``, ``n_features``, ``mean_abs_shap`` (mean over rows of
        ``|Σ_family SHAP|``), ``share`` (of the families' total), sorted by importance.
    """
    values = explanation.values
    families = pd.Index([family_of(c) for c in values.columns])
    summed = values.T.groupby(families.to_numpy(), sort=False).sum().T
    mean_abs = summed.abs().mean(axis=0)
    total = float(mean_abs.sum())
    table = pd.DataFrame(
        {
            "family": mean_abs.index,
            "n_features": [int((families == f).sum()) for f in mean_abs.index],
            "mean_abs_shap": mean_abs.to_numpy(dtype=np.float64),
            "share": mean_abs.to_numpy(dtype=np.float64) / total if total > 0 else 0.0,
        }
    )
    return table.sort_values("mean_abs_shap", ascending=False, kind="stable").reset_index(drop=True)


def _long(importances: pd.DataFrame | Mapping[str, pd.DataFrame], by: str) -> pd.DataFrame:
    if isinstance(importances, Mapping):
        frames = [t.assign(**{by: key}) for key, t in importances.items()]
        if not frames:
            raise ValueError("no importance tables given")
        return pd.concat(frames, ignore_index=True)
    return importances


def rank_table(
    importances: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    by: str = "task",
    value: str = "rank",
    missing: str = "worst",
) -> pd.DataFrame:
    """Features × tasks table of ranks (or another importance column), sorted by mean rank.

    Parameters
    ----------
    importances
        Either a long table with columns ``feature``, ``by`` and ``value`` (one row per feature
        and task, e.g. the store's importance rows), or a mapping task → :func:`feature_importance`
        table.
    by
        The column whose values become the table's columns (``"task"``; ``"features"`` or
        ``"predictor"`` compare the ranks of one task across those instead).
    value
        ``"rank"`` (default), ``"mean_abs_shap"`` or ``"share"``.
    missing
        How the mean rank treats a task that lacks the feature (another search space, another
        feature set): ``"worst"`` (default) counts it as that task's last rank — a feature that
        does not exist cannot matter — so a feature strong on one task only does not outrank
        one strong everywhere; ``"skip"`` averages over the tasks that have it. The table's cells
        stay empty (NaN) either way.

    Returns
    -------
    DataFrame
        Index ``feature``; one column per value of ``by`` (in order of first appearance); then
        ``family``, ``mean_rank`` (see ``missing``) and ``n_tasks`` (how many columns have
        it). Sorted by ``mean_rank`` ascending for ranks,
        descending for importances.

    Raises
    ------
    KeyError
        A required column is missing.
    ValueError
        A feature appears twice for the same ``by`` value (aggregate seeds first).
    """
    if missing not in ("worst", "skip"):
        raise ValueError(f"missing must be 'worst' or 'skip', got {missing!r}")
    long = _long(importances, by)
    absent = [c for c in ("feature", by, value) if c not in long.columns]
    if absent:
        raise KeyError(f"importance table lacks columns {absent}; it has {list(long.columns)}")
    repeated = long.duplicated(["feature", by])
    if repeated.any():
        row = long[repeated].iloc[0]
        raise ValueError(
            f"feature {row['feature']!r} appears more than once for {by}={row[by]!r}; "
            "aggregate repeated runs (seeds, predictors) before building a rank table"
        )
    columns = list(dict.fromkeys(long[by]))
    table = long.pivot(index="feature", columns=by, values=value).reindex(columns=columns)
    table.columns = [str(c) for c in table.columns]
    table.columns.name = None
    if value == "rank" and missing == "worst":
        # A feature a task does not have cannot matter there: it counts as that task's last rank.
        worst = long.groupby(by, sort=False)["feature"].nunique().reindex(columns)
        summary = table.fillna(pd.Series(worst.to_numpy(), index=table.columns)).mean(axis=1)
    else:
        summary = table.mean(axis=1, skipna=True)
    table.insert(0, "family", [family_of(f) for f in table.index])
    table["mean_rank" if value == "rank" else f"mean_{value}"] = summary
    table["n_tasks"] = table[[str(c) for c in columns]].notna().sum(axis=1)
    ascending = value == "rank"
    order = np.lexsort((table.index.to_numpy(), summary.to_numpy() * (1 if ascending else -1)))
    table = table.iloc[order]
    table.index.name = "feature"
    return table


def rank_contrast(ranks: pd.DataFrame, reference: str, others: Sequence[str]) -> pd.DataFrame:
    """Which features rank higher on ``others`` than on ``reference`` (and the reverse).

    Built for "what predicts robustness but not accuracy": ``ranks`` is a :func:`rank_table`,
    ``reference`` its clean-accuracy column and ``others`` the robustness columns. A feature's
    ``shift`` is its rank on ``reference`` minus its mean rank on ``others``: positive = more
    important for the other targets than for the reference (rank 1 is the most important).
    A feature missing from a column counts as that column's last rank, as in the rank table.

    Returns
    -------
    DataFrame
        Index ``feature``; ``family``, ``reference_rank``, ``others_rank`` (mean), ``shift``;
        sorted by ``shift`` descending.
    """
    missing = [c for c in (reference, *others) if c not in ranks.columns]
    if missing or not others:
        raise KeyError(f"rank table lacks columns {missing or 'for the other targets'}")
    columns = [reference, *others]
    worst = ranks[columns].max()
    filled = ranks[columns].fillna(worst)
    out = pd.DataFrame(
        {
            "family": ranks["family"] if "family" in ranks else [family_of(f) for f in ranks.index],
            "reference_rank": filled[reference],
            "others_rank": filled[list(others)].mean(axis=1),
        },
        index=ranks.index,
    )
    out["shift"] = out["reference_rank"] - out["others_rank"]
    order = np.lexsort((out.index.to_numpy(), -out["shift"].to_numpy()))
    return out.iloc[order]


def family_table(
    importances: pd.DataFrame | Mapping[str, pd.DataFrame], *, by: str = "task"
) -> pd.DataFrame:
    """Families × tasks: each family's share of the summed per-feature mean |SHAP|.

    The share answers "how much of the model's attention goes to this family" and is comparable
    across tasks whose targets have different units. Column ``mean_share`` averages the tasks.
    """
    long = _long(importances, by)
    if "family" not in long.columns:
        long = long.assign(family=[family_of(f) for f in long["feature"]])
    totals = long.groupby(by, sort=False)["mean_abs_shap"].transform("sum")
    share = long["mean_abs_shap"] / totals.where(totals > 0)
    table = (
        long.assign(share=share)
        .pivot_table(index="family", columns=by, values="share", aggfunc="sum", sort=False)
        .reindex(columns=list(dict.fromkeys(long[by])))
    )
    table.columns = [str(c) for c in table.columns]
    table.columns.name = None
    table["mean_share"] = table.mean(axis=1, skipna=True)
    return table.sort_values("mean_share", ascending=False, kind="stable")


def aggregate_importance(long: pd.DataFrame, by: tuple[str, ...] = ("task",)) -> pd.DataFrame:
    """Average importance over repeated runs (seeds) and re-rank within each ``by`` group.

    ``long`` has one row per (run, feature) with ``mean_abs_shap``; the result has one row per
    (``by``..., feature) with the mean of ``mean_abs_shap`` over runs, its ``share`` and ``rank``
    recomputed from that mean, and ``n_runs``.
    """
    keys = [*by, "feature"]
    grouped = long.groupby(keys, sort=False)
    frame = grouped["mean_abs_shap"].mean().rename("mean_abs_shap").reset_index()
    frame["n_runs"] = grouped.size().to_numpy()
    frame["family"] = [family_of(f) for f in frame["feature"]]
    group = frame.groupby(list(by), sort=False)["mean_abs_shap"]
    total = group.transform("sum")
    frame["share"] = frame["mean_abs_shap"] / total.where(total > 0)
    frame["rank"] = group.rank(ascending=False, method="average")
    return frame.sort_values([*by, "rank"], kind="stable").reset_index(drop=True)
