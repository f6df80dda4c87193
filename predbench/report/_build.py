"""Compose the report: sections of figures, tables and "how to read this" notes.

Sections, each left out (with a sentence saying why) when its tables are empty:

1. ranking quality (Kendall τ, Spearman ρ) against the training-set size, per task;
2. predictors × feature sets, one heatmap panel per training size, per task;
   with several targets on a task (e.g. clean and adversarial accuracy): targets × predictors
   (only then: most suites score one target);
3. SHAP: per task, which features and families the explained predictors rely on;
4. across tasks: the features × tasks table of SHAP ranks (GRAF-paper style);
5. search trajectories, when a search store is given;
6. settings and library versions.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from featurizers.io import atomic_write_text
from predbench.report import _figures as figs
from predbench.report._data import ReportData, task_label, versions_table
from predbench.report._export import FigureExport
from predbench.report._html import Section, bullet_list, esc, figure, note, page, table

METRIC_LABELS = {"kendall_tau": "Kendall τ", "spearman": "Spearman ρ"}
#: Features shown in SHAP bar and beeswarm plots, and rows of cross-task heatmaps.
TOP_FEATURES = 15
TOP_RANKS = 20
#: Rows drawn in a beeswarm (a seeded sample when the test set is larger).
BEESWARM_ROWS = 2000
#: Cross-task heatmaps drawn at most (the largest groups of tasks first).
MAX_RANK_HEATMAPS = 3

OPS_NOTE = (
    "In figure labels op names are shortened: skip = skip_connect, conv3 = nor_conv_3x3, "
    "conv1 = nor_conv_1x1, pool = avg_pool_3x3 (tables keep the full names)."
)


def _with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    target = frame["target"] if "target" in frame.columns else None
    labels = [
        task_label(t, None if target is None else g)
        for t, g in zip(
            frame["task"], target if target is not None else [None] * len(frame), strict=True
        )
    ]
    return frame.assign(label=labels)


def target_unit(task: str, target: object = None) -> str:
    """Unit of a task's target for SHAP axes: percentage points for accuracy targets (in %),
    the registry's unit text otherwise, "target units" for tasks the registry does not know."""
    from predbench.data import task_info

    column = "val_accuracy" if target is None or target != target else str(target)
    try:
        text = task_info(str(task)).units.get(column, "")
    except (KeyError, ValueError):
        text = ""
    text = str(text).strip()
    if text.startswith("%"):
        return "percentage points"
    if not text:
        return "target units"
    return text.split(" (")[0]


class _Figures:
    """Draws each figure once into the page (PNG) and, when asked, into files (SVG/PDF/CSV)."""

    def __init__(self, export: FigureExport) -> None:
        self.export = export

    def __call__(
        self,
        fig: object,
        data: pd.DataFrame,
        *,
        section: str,
        task: str,
        what: str,
        alt: str,
        how_to_read: str,
    ) -> str:
        name = self.export.add(fig, data, section=section, task=task, what=what)
        return figure(figs.to_data_uri(fig), alt, how_to_read + f" {COLOUR_NOTE}", name)


COLOUR_NOTE = (
    "<i>Colours: in every heatmap of this report darker = better; series are told apart by "
    "colour, line style and marker together.</i>"
)


# ------------------------------------------------------------------------------- sections


def _accuracy_sections(data: ReportData, draw: _Figures) -> list[Section]:
    from predbench.evaluation.metrics import aggregate

    ok = data.ok_results
    curves = Section(
        "Ranking quality vs training-set size",
        "How well each predictor orders the held-out architectures of a task, as a function of "
        "how many architectures it was trained on.",
    )
    grid = Section(
        "Predictors × feature sets",
        "Every predictor against every encoding, one panel per training-set size, per task.",
    )
    if ok.empty:
        message = "No finished predictor runs in the store (run a suite with `predbench compare`)."
        return [curves.add(note(message)), grid.add(note(message))]
    ok = _with_labels(ok)
    by = ["label", "features", "predictor", "train_size"]
    cells = {m: aggregate(ok, m, by=by) for m in METRIC_LABELS}
    for label in dict.fromkeys(ok["label"]):
        part = {m: c[c["label"] == label] for m, c in cells.items()}
        tau = part["kendall_tau"]
        seeds = int(tau["n"].max())
        few = int(tau["n"].min())
        n_test = (
            ok[ok["label"] == label]["n_test"] if "n_test" in ok.columns else pd.Series(dtype=float)
        )
        test_text = (
            f"{int(n_test.median()):,} test architectures"
            if n_test.notna().any()
            else "the test architectures"
        )
        curve_data = pd.concat([c.assign(metric=m) for m, c in part.items()], ignore_index=True)[
            ["metric", "features", "predictor", "train_size", "mean", "ci_low", "ci_high", "n"]
        ]
        fig = figs.metric_vs_train_size(part, title=label, metric_labels=METRIC_LABELS)
        curves.group(
            label,
            draw(
                fig,
                curve_data,
                section="curves",
                task=label,
                what="tau-rho",
                alt=f"Kendall tau and Spearman rho against training-set size on {label}",
                how_to_read="Each column of panels is one feature set (encoding); each line one "
                f"predictor. A point is the mean over {_seed_text(few, seeds)} (each seed draws "
                f"its own training set and is scored on {test_text}); the error bar is the 95 % "
                "t-interval of that mean, cut to [−1, 1] (τ and ρ cannot leave it). Points of "
                "different predictors are shifted slightly sideways so their bars do not cover "
                "each other. The y axis follows the means: an interval wider than the data (few "
                "seeds give wide intervals) runs to the edge of the panel and is marked there "
                "with a triangle; its full bounds are in the figure's CSV. τ = 1 means the "
                "predicted order of the test architectures equals the benchmark's order, 0 means "
                "no better than random. Spearman ρ measures the same agreement on another scale "
                "(|ρ| ≥ |τ| for the same predictions). The x axis is logarithmic.",
            ),
        )
        largest = int(tau["train_size"].max())
        sizes = sorted(int(s) for s in tau["train_size"].unique())
        fig = figs.predictor_feature_heatmap(tau, title=f"{label}: mean Kendall τ")
        at = tau[tau["train_size"] == largest]
        best = at.sort_values("mean", ascending=False).head(5)
        rho = part["spearman"]
        rho = rho[rho["train_size"] == largest].set_index(["features", "predictor"])["mean"]
        best_table = pd.DataFrame(
            {
                "predictor": best["predictor"],
                "features": best["features"],
                "mean τ": best["mean"],
                "95 % interval": [
                    f"{lo:.3f} – {hi:.3f}" if np.isfinite(lo) else ""
                    for lo, hi in zip(best["ci_low"], best["ci_high"], strict=True)
                ],
                "mean ρ": [
                    rho.get((f, p), np.nan)
                    for f, p in zip(best["features"], best["predictor"], strict=True)
                ],
                "seeds": best["n"].astype(int),
            }
        )
        grid.group(
            label,
            draw(
                fig,
                tau[["features", "predictor", "train_size", "mean", "ci_low", "ci_high", "n"]],
                section="heatmap",
                task=label,
                what="tau",
                alt=f"Heatmaps of mean Kendall tau, predictors by feature sets, on {label}",
                how_to_read="One panel per training-set size ("
                + ", ".join(f"{s:,}" for s in sizes)
                + " architectures). Each cell is the mean Kendall τ of one predictor (row) with "
                "one feature set (column) over its seeds; the ± value is half the width of the "
                "95 % interval. All panels share one colour scale, darker = higher τ. Read along "
                "a row to see which encoding helps a predictor, down a column to compare "
                "predictors on the same encoding, across panels to see what more training data "
                "buys. A grey “–” marks a combination the suite did not run.",
            ),
            f"<p>Best five combinations at {largest:,} training architectures:</p>",
            table(best_table),
        )
    return [curves, grid]


#: Display names of the attacks of the robustness targets, in the order the report shows them.
ATTACKS = {"fgsm": "FGSM", "pgd": "PGD", "square": "Square", "apgd_ce": "APGD-CE"}


def target_label(target: str) -> str:
    """``"pgd_eps1"`` → ``"PGD ε=1"``; other columns keep their name (clean = validation acc.)."""
    head, sep, eps = str(target).partition("_eps")
    if not sep:
        return "clean" if target == "val_accuracy" else str(target)
    return f"{ATTACKS.get(head, head.replace('_', '-').upper())} ε={eps}"


def target_order(target: str) -> tuple:
    """Sort key: clean accuracy first, then attacks in :data:`ATTACKS` order by ε, then the rest."""
    head, sep, eps = str(target).partition("_eps")
    if target == "val_accuracy":
        return (0, 0, 0.0, "")
    if sep and head in ATTACKS:
        try:
            return (1, list(ATTACKS).index(head), float(eps), "")
        except ValueError:
            pass
    return (2, 0, 0.0, str(target))


def _target_section(data: ReportData, draw: _Figures) -> Section | None:
    """Targets (columns) × predictor·feature set (rows), per task with several targets."""
    from predbench.evaluation.metrics import aggregate

    ok = data.ok_results
    if ok.empty or "target" not in ok.columns:
        return None
    several = ok.groupby("task")["target"].nunique()
    several = several[several > 1]
    if several.empty:
        return None
    section = Section(
        "Targets × predictors",
        "Tasks scored on several targets (clean accuracy next to, e.g., accuracy under "
        "adversarial attack): how well each predictor and encoding ranks the architectures on "
        "each target, side by side. Each target is its own condition; nothing is averaged "
        "across targets.",
    )
    for task in several.index:
        runs = ok[ok["task"] == task]
        targets = sorted(dict.fromkeys(runs["target"]), key=target_order)
        cell = aggregate(runs, "kendall_tau", by=["target", "features", "predictor", "train_size"])
        cell = cell.assign(
            row=cell["predictor"].astype(str) + " · " + cell["features"].astype(str),
            column=cell["target"].map(target_label),
            order=cell["target"].map(targets.index),
        ).sort_values(["order", "row"], kind="stable")
        shown = pd.DataFrame(
            {
                "predictor": cell["row"],
                "features": cell["column"],
                **{k: cell[k] for k in ("train_size", "mean", "ci_low", "ci_high", "n")},
            }
        )
        wide = len(targets) > 6  # cells too narrow for "±": the intervals are in the table/CSV
        fig = figs.predictor_feature_heatmap(
            shown, title=f"{task}: mean Kendall τ per target", intervals=not wide
        )
        largest = int(cell["train_size"].max())
        at = cell[cell["train_size"] == largest]
        best = at.loc[at.groupby("target")["mean"].idxmax()].sort_values("order")
        best_table = pd.DataFrame(
            {
                "target": [f"{target_label(t)} ({t})" for t in best["target"]],
                "best predictor · features": best["row"],
                "mean τ": best["mean"],
                "95 % interval": [
                    f"{lo:.3f} – {hi:.3f}" if np.isfinite(lo) else ""
                    for lo, hi in zip(best["ci_low"], best["ci_high"], strict=True)
                ],
                "seeds": best["n"].astype(int),
            }
        )
        section.group(
            task,
            draw(
                fig,
                cell[
                    [
                        "target",
                        "features",
                        "predictor",
                        "train_size",
                        "mean",
                        "ci_low",
                        "ci_high",
                        "n",
                    ]
                ],
                section="targets",
                task=task,
                what="tau-by-target",
                alt=f"Heatmaps of mean Kendall tau, predictors by targets, on {task}",
                how_to_read="One panel per training-set size. Columns are the targets (clean = "
                "validation accuracy; ATTACK ε=e = accuracy under that attack at L∞ radius "
                "e/255), rows a predictor with a feature set. A cell is the mean Kendall τ over "
                "its seeds, ± half the 95 % interval (with more than six targets the cells show the mean "
                "only; the intervals are in the figure's CSV). Darker = higher τ. Read down a column to "
                "find the best predictor for a target, along a row to see how much harder a "
                "predictor finds robustness than clean accuracy.",
            ),
            f"<p>Best predictor per target at {largest:,} training architectures:</p>",
            table(best_table),
        )
    return section


def _seed_text(low: int, high: int) -> str:
    return f"{high} seeds" if low == high else f"{low}–{high} seeds"


def _shown(n_features: int) -> str:
    if n_features > TOP_FEATURES:
        return f"Only the top {TOP_FEATURES} of {n_features} features are shown."
    return f"All {n_features} features are shown."


def _headline(runs: pd.DataFrame) -> pd.Series:
    """The explanation to draw in full: most feature families, then best τ, then largest n."""
    families = runs["features"].str.count(r"\+") + 1
    order = runs.assign(_families=families).sort_values(
        ["_families", "kendall_tau", "train_size"], ascending=[False, False, False], kind="stable"
    )
    return order.iloc[0]


def _shap_section(data: ReportData, draw: _Figures) -> Section:
    section = Section(
        "What the predictors look at (SHAP)",
        "SHAP values split each prediction into one contribution per feature: the prediction "
        "equals the average prediction (the <i>base value</i>) plus the sum of the contributions. "
        "A feature that often moves predictions far from the average matters to the model. "
        "Contributions are in the units of the task's target (percentage points for accuracy "
        "targets), named on each figure's axis. "
        "Tree models (random forest, XGBoost, LightGBM) get exact values; other models get "
        "sampled (permutation) values, with the sample budget listed in the settings. Features "
        "that carry the same information share their importance in a way that depends on the "
        "model's splits: GRAF's <code>mean_in_degree[S]</code> and <code>mean_out_degree[S]</code> "
        "are equal for every cell, and path lengths over nested op sets are strongly correlated, "
        "so read such groups together.",
    )
    runs = data.explain_runs
    if runs.empty:
        return section.add(
            note(
                "No explanations in the store (run `predbench explain --suite …` or "
                "`predbench explain --task … --features … --predictor … --train-size …`)."
            )
        )
    runs = _with_labels(runs)
    importance = data.importance
    families = data.families
    for label in dict.fromkeys(runs["label"]):
        mine = runs[runs["label"] == label].sort_values("kendall_tau", ascending=False)
        first = mine.iloc[0]
        unit = target_unit(first["task"], first.get("target"))
        parts: list[str] = []
        top3 = []
        for explain_id in mine["explain_id"]:
            rows = importance[importance["explain_id"] == explain_id].sort_values("rank").head(3)
            top3.append(", ".join(rows["feature"]))
        overview = pd.DataFrame(
            {
                "predictor": mine["predictor"],
                "features": mine["features"],
                "train size": mine["train_size"].astype(int),
                "seed": mine["seed"].astype(int),
                "τ of this model": mine["kendall_tau"],
                "SHAP": mine["method"],
                "archs explained": mine["n_rows"].astype(int),
                "top 3 features": top3,
            }
        )
        if mine["suite"].nunique() > 1:
            overview.insert(0, "suite", mine["suite"].to_numpy())
        parts.append(f"<p>SHAP values on this task are in {esc(unit)}.</p>")
        parts.append(table(overview))
        head = _headline(mine)
        rows = importance[importance["explain_id"] == head["explain_id"]]
        what = (
            f"{head['predictor']} on {head['features']}, {int(head['train_size']):,} training "
            f"architectures, seed {int(head['seed'])} (τ = {head['kendall_tau']:.3f})"
        )
        fig = figs.importance_bars(rows, title=f"{label}:\n{what}", top=TOP_FEATURES, unit=unit)
        bar_data = rows.sort_values("rank").head(TOP_FEATURES)
        bar_data = bar_data[
            [c for c in ("rank", "feature", "family", "mean_abs_shap") if c in bar_data]
        ]
        parts.append(
            draw(
                fig,
                bar_data.assign(unit=unit),
                section="shap",
                task=label,
                what="importance",
                alt=f"Bar chart of the {TOP_FEATURES} most important features on {label}",
                how_to_read=f"Bar length is a feature's mean |SHAP value| over the "
                f"{int(head['n_rows']):,} explained test architectures, in {esc(unit)}: how far, "
                "on average, this feature moves a prediction away from the base value "
                f"{head['base_value']:.3g}. The colour gives the feature's family "
                "(zcp = recorded zero-cost proxy, graf = neural graph feature, onehot = op on an "
                f"edge). {_shown(int(head['n_features']))} {OPS_NOTE}",
            )
        )
        if data.shap_values is not None:
            top = rows.sort_values("rank").head(TOP_FEATURES)["feature"].tolist()
            try:
                values = data.shap_values(head["explain_id"], top)
            except FileNotFoundError:
                parts.append(
                    note("Beeswarm left out: the per-architecture SHAP values are not stored.")
                )
            else:
                fig = figs.beeswarm(
                    values,
                    top,
                    title=f"{label}: per-architecture SHAP values",
                    max_rows=BEESWARM_ROWS,
                    unit=unit,
                )
                shown = min(len(values), BEESWARM_ROWS)
                parts.append(
                    draw(
                        fig,
                        figs.sample_rows(values, BEESWARM_ROWS),
                        section="shap",
                        task=label,
                        what="beeswarm",
                        alt=f"Beeswarm plot of SHAP values on {label}",
                        how_to_read=f"One dot per test architecture ({shown:,} shown"
                        + (f", a seeded sample of {len(values):,}" if len(values) > shown else "")
                        + ") for the same features, most important at the top. The horizontal "
                        f"position (in {esc(unit)}) is how much that feature moved that "
                        "architecture's prediction up (right) or down (left). The colour is the "
                        "feature's own value for the architecture, red high and blue low: red "
                        "dots on the right mean that high values of the feature raise the "
                        "prediction. A wide spread means the feature separates good from bad "
                        "architectures.",
                    )
                )
        fam = families[families["explain_id"].isin(mine["explain_id"])]
        if not fam.empty and fam.groupby("explain_id")["family"].nunique().max() > 1:
            names = mine.set_index("explain_id")
            fam = fam.assign(
                label=[
                    f"{names.at[e, 'predictor']} · {names.at[e, 'features']} · n={int(names.at[e, 'train_size'])}"
                    for e in fam["explain_id"]
                ]
            )
            fam = fam[
                fam["explain_id"].isin(
                    names.index[names["features"].str.contains(r"\+", regex=True)]
                )
            ]
            fig = figs.family_shares(fam, title=f"{label}: importance by feature family")
            parts.append(
                draw(
                    fig,
                    fam[[c for c in ("label", "family", "share") if c in fam]],
                    section="shap",
                    task=label,
                    what="family-shares",
                    alt=f"Stacked bars of feature-family importance on {label}",
                    how_to_read="One bar per explained predictor that uses more than one family. "
                    "Each segment is a family's share of the SHAP importance, counting the "
                    "family's columns as one player (the absolute value of their summed SHAP "
                    "values, averaged over architectures). A family with a large share is what "
                    "that model's ranking rests on.",
                )
            )
        section.group(label, *parts)
    return section


def _rank_section(data: ReportData, draw: _Figures) -> Section:
    from predbench.explain import aggregate_importance, rank_table

    section = Section(
        "Across tasks: feature ranks",
        "The same predictor and feature set explained on several tasks: which features matter "
        "everywhere and which only on some tasks (the layout of the GRAF paper's tables).",
    )
    if data.importance.empty:
        return section.add(note("No explanations in the store."))
    imp = _with_labels(data.importance)
    keys = ["features", "predictor", "train_size"]
    groups = (
        imp.groupby(keys, sort=False)["label"].nunique().sort_values(ascending=False, kind="stable")
    )
    groups = groups[groups >= 2]
    if groups.empty:
        return section.add(
            note(
                "Cross-task ranks need the same predictor and feature set explained on two or "
                "more tasks (or targets); e.g. `predbench explain --task nb201/cifar10 --task "
                "nb201/cifar100 --features graf --predictor rf --train-size 1024`."
            )
        )
    for key in list(groups.index)[:MAX_RANK_HEATMAPS]:
        features, predictor, size = key
        part = imp[
            (imp["features"] == features)
            & (imp["predictor"] == predictor)
            & (imp["train_size"] == size)
        ]
        averaged = aggregate_importance(part, by=("label",))
        ranks = rank_table(averaged, by="label")
        tasks = sorted(dict.fromkeys(averaged["label"]))
        seeds = int(averaged["n_runs"].max())
        fig = figs.rank_heatmap(
            ranks,
            tasks,
            title=f"{predictor} on {features}, {int(size):,} training archs: SHAP ranks",
            top=TOP_RANKS,
        )
        title = f"{predictor} · {features} · n = {int(size):,}"
        rank_data = ranks.head(TOP_RANKS)
        rank_data = rank_data[["family", "mean_rank", *tasks]].rename_axis("feature").reset_index()
        section.group(
            title,
            draw(
                fig,
                rank_data,
                section="ranks",
                task=f"{predictor}-{features}-n{int(size)}",
                what="shap-ranks",
                alt=f"Heatmap of SHAP feature ranks across tasks for {predictor} on {features}",
                how_to_read="Rows are features, sorted by their mean rank over the tasks (shown "
                "in brackets; a task that lacks the feature, e.g. another search space, counts "
                "as its last rank); columns are tasks in alphabetical order of their names. A "
                "cell is the feature's rank by mean |SHAP| on that task (1 = most important; "
                "darker = more important"
                + (
                    f"; importance averaged over repeated runs, up to {seeds}, first"
                    if seeds > 1
                    else ""
                )
                + f"). Only the {TOP_RANKS} best features by mean rank are drawn; label colours "
                "give the family (blue zcp, green graf, orange onehot). A dark row is a feature "
                "that matters on every task; a single dark cell, one that matters on that task "
                f"only. Grey: the feature does not exist on that task. {OPS_NOTE}",
            ),
        )
        contrast = _clean_vs_other_targets(ranks, tasks)
        if contrast:
            section.group(f"{title}: clean accuracy vs the other targets", *contrast)
    if len(groups) > MAX_RANK_HEATMAPS:
        section.add(
            note(
                f"{len(groups) - MAX_RANK_HEATMAPS} more predictor/feature-set groups "
                "span several tasks; `predbench explain … -o DIR` writes all rank tables."
            )
        )
    return section


#: Rows of the clean-vs-other-targets rank contrast tables.
TOP_CONTRAST = 8


def _clean_vs_other_targets(ranks: pd.DataFrame, labels: list[str]) -> list[str]:
    """Tables of the features whose SHAP rank moves most between a task's clean accuracy and
    its other targets (robustness), when both were explained; empty otherwise."""
    from predbench.explain import rank_contrast

    parts: list[str] = []
    for clean in labels:
        others = [x for x in labels if x.startswith(f"{clean} · ")]
        if not others:
            continue
        shift = rank_contrast(ranks, clean, others)
        shown = shift.assign(
            reference_rank=shift["reference_rank"].round(1),
            others_rank=shift["others_rank"].round(1),
            shift=shift["shift"].round(1),
        ).rename(
            columns={
                "reference_rank": "rank on clean accuracy",
                "others_rank": "mean rank on the other targets",
                "shift": "rank gained",
            }
        )
        names = ", ".join(target_label(o.split(" · ", 1)[1]) for o in others)
        parts += [
            f"<p>On <b>{esc(clean)}</b>: features that predict the other targets ({esc(names)}) "
            "much better than clean accuracy (largest rank gain first; rank 1 = most important, "
            "a feature a target's model lacks counts as its last rank):</p>",
            table(shown.head(TOP_CONTRAST).reset_index()),
            "<p>…and those that matter more for clean accuracy:</p>",
            table(shown.iloc[::-1].head(TOP_CONTRAST // 2).reset_index()),
        ]
    return parts


def _search_section(data: ReportData, draw: _Figures) -> Section:
    from predbench.evaluation.metrics import mean_interval

    section = Section(
        "Search trajectories",
        "Architecture search on the tabular benchmark: the best architecture found so far as "
        "the search spends its budget of evaluated architectures.",
    )
    traj = data.trajectories
    if traj.empty:
        return section.add(
            note(
                "No search runs in the given stores (run `predbench search` and "
                "pass its store with `--search-store`)."
            )
        )
    if "objectives" not in traj:
        traj = traj.assign(objectives="objective")
    # One figure per task and set of objectives: hypervolumes of different objective sets (or
    # reference points) are not comparable.
    for (task, objective), part in traj.groupby(["task", "objectives"], sort=False):
        several = traj.loc[traj["task"] == task, "objectives"].nunique() > 1
        multi = part["hypervolume"].notna().any() if "hypervolume" in part else False
        column = "hypervolume" if multi else "best_value"
        reference_text = _hv_reference_text(data.search_runs, part["run_id"]) if multi else ""
        direction = figs.search_direction(part, column)
        reference = float(part[column].max() if direction > 0 else part[column].min())
        part = part.assign(_gap=direction * (reference - part[column]))
        rows = []
        for (strategy, query), group in part.groupby(["strategy", "query"], sort=False):
            rows.append(
                {
                    "strategy": strategy,
                    "query": query,
                    **mean_interval(group[column]),
                    **{f"gap_{k}": v for k, v in mean_interval(group["_gap"]).items()},
                }
            )
        curves = pd.DataFrame(rows)
        gap = curves[["strategy", "query"]].assign(
            mean=curves["gap_mean"],
            ci_low=curves["gap_ci_low"],
            ci_high=curves["gap_ci_high"],
            n=curves["gap_n"],
        )
        ylabel = "hypervolume" if multi else f"best {objective} so far"
        fig = figs.search_trajectories(
            curves,
            title=f"{task}: {ylabel}" + (f" ({objective.replace(',', ', ')})" if multi else ""),
            ylabel=ylabel,
            gap=gap,
            gap_label="gap to best found (log)",
        )
        best_word = "highest" if direction > 0 else "lowest"
        final = part.sort_values("query").groupby(["strategy", "seed"], sort=False).tail(1)
        summary = []
        for strategy, group in final.groupby("strategy", sort=False):
            stats = mean_interval(group[column])
            row = {
                "strategy": strategy,
                "seeds": stats["n"],
                "queries": int(group["query"].max()),
                f"final {column} (mean)": stats["mean"],
                "95 % interval": f"{stats['ci_low']:.3f} – {stats['ci_high']:.3f}"
                if np.isfinite(stats["ci_low"])
                else "",
            }
            if "best_test_accuracy" in group and group["best_test_accuracy"].notna().any():
                row["test accuracy of best (mean)"] = float(group["best_test_accuracy"].mean())
            summary.append(row)
        section.group(
            f"{task} ({objective.replace(',', ', ')})" if several else task,
            draw(
                fig,
                curves.drop(columns=["gap_n"]).assign(reference=reference),
                section="search",
                task=task,
                what=f"trajectory {objective}" if several else "trajectory",
                alt=f"Search trajectories on {task}",
                how_to_read="One line per search strategy (colour, line style and marker differ): "
                "the mean over seeds of the best value found after each evaluated architecture. "
                "The 95 % t-interval of that mean is drawn as an error bar at a few checkpoints "
                "(the markers), shifted slightly sideways per strategy so the bars do not hide "
                "one another. Left: the value itself with those intervals, "
                + ("higher" if direction > 0 else "lower")
                + " is better. Right: the gap to the "
                f"{best_word} value any run of this report found ({reference:.4g}), on a log "
                "scale, so differences near the end of the budget stay visible (means only: a "
                "log axis cannot show an interval that reaches zero); lower is better, and a line "
                "that stops has reached that value in every seed."
                + (
                    " For two or more objectives the value is the hypervolume of the Pareto "
                    "front found so far (exact), w.r.t. the reference point "
                    + (reference_text or "stated in the store")
                    + " — the nadir (worst value of each objective) of the task's whole table — "
                    "and divided by the hypervolume of every architecture of the table, so 1 is "
                    "the table's own front."
                    if multi
                    else ""
                ),
            ),
            table(pd.DataFrame(summary)),
        )
    return section


def _hv_reference_text(runs: pd.DataFrame, run_ids: pd.Series) -> str:
    """The hypervolume reference point stated with these runs in the store (``""``: none)."""
    from predbench.search._run import describe_reference

    if runs.empty or "hv_reference" not in runs:
        return ""
    stated = runs.loc[runs["run_id"].isin(set(run_ids)), "hv_reference"].dropna().unique()
    return "; ".join(describe_reference(json.loads(text)) for text in stated)


def _settings_section(data: ReportData) -> Section:
    section = Section(
        "Settings and versions",
        "What produced the numbers above, so they can be reproduced.",
    )
    items = [
        "Stores read: "
        + (
            ", ".join(
                f"<code>{esc(name)}</code>"
                for name in dict.fromkeys(Path(s).name for s in data.sources)
            )
            or "tables given directly"
        )
    ]
    if data.suites:
        items.append(f"Restricted to suites: {esc(', '.join(data.suites))}")
    section.add(bullet_list(items))
    results = data.results
    if not results.empty:
        section.add("<h3>Predictor runs</h3>")
        rows = []
        frame = results.assign(target=results["target"] if "target" in results else "val_accuracy")
        group_keys = [c for c in ("task", "target", "pool", "pool_size") if c in frame.columns]
        for key, group in frame.groupby(group_keys, sort=False, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            row = dict(zip(group_keys, key, strict=True))
            row.update(
                {
                    "feature sets": ", ".join(dict.fromkeys(group["features"])),
                    "predictors": ", ".join(dict.fromkeys(group["predictor"])),
                    "train sizes": ", ".join(
                        str(int(s)) for s in sorted(group["train_size"].unique())
                    ),
                    "seeds": f"{group['seed'].nunique()} ({int(group['seed'].min())}–{int(group['seed'].max())})",
                    "test archs": _test_text(group),
                    "n per cell": _n_text(group),
                    "runs ok": int((group["status"] == "ok").sum())
                    if "status" in group
                    else len(group),
                    "failed": int((group["status"] != "ok").sum()) if "status" in group else 0,
                }
            )
            rows.append(row)
        section.add(table(pd.DataFrame(rows)))
        if "params" in results.columns:
            params = results.drop_duplicates(["predictor", "params"])
            cols = (
                ["predictor", "predictor_name", "params"]
                if "predictor_name" in params
                else ["predictor", "params"]
            )
            section.add(
                "<p>Predictor parameters (the rest are the zoo's defaults; the seed sets "
                "<code>random_state</code>):</p>",
                table(params[cols]),
            )
        if "status" in results.columns and (results["status"] != "ok").any():
            failed = results[results["status"] != "ok"]
            first_line = (
                failed["error"].fillna("").map(lambda t: (t.strip().splitlines() or [""])[-1][:200])
            )
            section.add(
                "<p>Failed runs (last line of the error):</p>",
                table(
                    failed.assign(error=first_line)[
                        ["task", "features", "predictor", "train_size", "seed", "error"]
                    ]
                ),
            )
    runs = data.explain_runs
    if not runs.empty:
        section.add("<h3>SHAP computations</h3>")
        summary = []
        for _, r in runs.iterrows():
            budget = "every test architecture, exact"
            n_test = r.get("n_test")
            if r["method"] == "tree" and pd.notna(n_test) and int(r["n_rows"]) < int(n_test):
                budget = (
                    f"a seeded sample of {int(r['n_rows']):,} of {int(n_test):,} test archs, exact"
                )
            if r["method"] == "permutation":
                budget = (
                    f"{int(r['n_explain']):,} archs × {int(r['max_evals']):,} coalitions × "
                    f"{int(r['background_size']):,} background archs"
                )
            summary.append(
                {
                    "task": task_label(r["task"], r.get("target")),
                    "predictor": r["predictor"],
                    "features": r["features"],
                    "train size": int(r["train_size"]),
                    "seed": int(r["seed"]),
                    "route": r["method"],
                    "sample budget": budget,
                    "max additivity error": float(r["additivity_error"]),
                    "SHAP seconds": float(r["shap_seconds"]),
                }
            )
        section.add(table(pd.DataFrame(summary), floatfmt=".3g"))
    if not data.search_runs.empty:
        section.add("<h3>Search runs</h3>")
        sr = data.search_runs
        cols = [
            c
            for c in ("task", "strategy", "budget", "objectives", "domain", "domain_size")
            if c in sr
        ]
        overview = sr.groupby(cols, sort=False, dropna=False).size().rename("seeds").reset_index()
        section.add(table(overview))
    versions = versions_table(data.results, data.explain_runs, data.search_runs)
    report_versions = {
        "matplotlib": metadata.version("matplotlib"),
        "shap": metadata.version("shap"),
    }
    extra = pd.DataFrame(
        [{"library": k + " (this report)", "versions": v} for k, v in report_versions.items()]
    )
    section.add("<h3>Library versions</h3>", table(pd.concat([versions, extra], ignore_index=True)))
    return section


def _test_text(group: pd.DataFrame) -> str:
    if "n_test" in group and group["n_test"].notna().any():
        low, high = int(group["n_test"].min()), int(group["n_test"].max())
        return f"{low:,}" if low == high else f"{low:,}–{high:,}"
    return ""


def _n_text(group: pd.DataFrame) -> str:
    """Seeds per condition: one number, or the range when conditions differ."""
    if "condition_id" not in group:
        return ""
    counts = group.groupby("condition_id").size()
    low, high = int(counts.min()), int(counts.max())
    return f"{low}" if low == high else f"{low}–{high}"


def build_report(
    data: ReportData,
    *,
    title: str = "predbench report",
    figures_dir: str | os.PathLike[str] | None = None,
) -> str:
    """The report as one self-contained HTML string.

    With ``figures_dir``, every figure is also written there as SVG, PDF and the CSV of the
    numbers it draws, under the stable name shown in its caption (:mod:`._export`).
    """
    draw = _Figures(FigureExport(None if figures_dir is None else Path(figures_dir)))
    targets = _target_section(data, draw)
    sections = [
        *_accuracy_sections(data, draw),
        *([targets] if targets is not None else []),
        _shap_section(data, draw),
        _rank_section(data, draw),
        _search_section(data, draw),
    ]
    sections.append(_settings_section(data))
    ok = data.ok_results
    counts = []
    if not data.results.empty:
        failed = len(data.results) - len(ok)
        tasks = ok["task"].nunique() if not ok.empty else 0
        counts.append(
            f"{len(ok):,} predictor runs on {tasks} task{'s' if tasks != 1 else ''}"
            + (f" ({failed} failed)" if failed else "")
        )
    if not data.explain_runs.empty:
        counts.append(f"{len(data.explain_runs):,} SHAP explanations")
    if not data.search_runs.empty:
        counts.append(f"{len(data.search_runs):,} search runs")
    subtitle = esc("; ".join(counts) if counts else "The stores hold no results yet.")
    if data.suites:
        subtitle += f" — suite{'s' if len(data.suites) > 1 else ''} {esc(', '.join(data.suites))}"
    try:
        version = metadata.version("predbench")
    except metadata.PackageNotFoundError:
        import predbench

        version = predbench.__version__
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    footer = f"Generated by predbench {esc(version)} on {when}. Open offline: everything is inside this file."
    return page(title, subtitle, sections, footer)


def write_report(
    path: str | os.PathLike[str],
    data: ReportData,
    *,
    title: str = "predbench report",
    figures_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Build the report and write it atomically (temporary file, then rename); with
    ``figures_dir``, write every figure there too (SVG, PDF, CSV)."""
    return atomic_write_text(path, build_report(data, title=title, figures_dir=figures_dir))
