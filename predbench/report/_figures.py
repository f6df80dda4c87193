"""The report's figures: matplotlib drawings of the report's tables.

Figures are plain :class:`matplotlib.figure.Figure` objects, never pyplot's global figures: they
render with the Agg canvas whatever backend the session uses (a notebook's inline backend is left
alone and shows nothing twice), and nothing is left open. :func:`to_data_uri` turns one into a
base64 PNG ``data:`` URI, so the HTML carries its images inside itself.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter

#: One colour per feature family, the same in every figure.
FAMILY_COLORS: dict[str, str] = {
    "zcp": "#1f77b4",
    "graf": "#2ca02c",
    "onehot": "#ff7f0e",
    "path": "#9467bd",
    "graph": "#8c564b",
}
OTHER_COLOR = "#7f7f7f"
DPI = 100


def family_color(family: str) -> str:
    return FAMILY_COLORS.get(family, OTHER_COLOR)


def to_data_uri(fig: Figure) -> str:
    """The figure as a ``data:image/png;base64,...`` URI.

    The PNG is reduced to a 256-colour palette (Pillow, no dithering): plots have few distinct
    colours, and the page gets about 3× smaller with no visible change.
    """
    from PIL import Image

    rendered = io.BytesIO()
    fig.savefig(rendered, format="png", dpi=DPI, facecolor="white")
    rendered.seek(0)
    image = Image.open(rendered).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _new_axes(figsize: tuple[float, float]) -> tuple[Figure, object]:
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _series_colors(labels: Sequence[str]) -> dict[str, tuple[float, ...]]:
    cmap = matplotlib.colormaps.get_cmap("tab10" if len(labels) <= 10 else "tab20")
    return {label: cmap(i % cmap.N) for i, label in enumerate(labels)}


def metric_vs_train_size(
    cells: dict[str, pd.DataFrame],
    *,
    title: str,
    metric_labels: dict[str, str],
) -> Figure:
    """Rows = metrics, columns = feature sets; one line per predictor with its interval band.

    ``cells[metric]`` has columns ``features``, ``predictor``, ``train_size``, ``mean``,
    ``ci_low``, ``ci_high``, ``n`` (:func:`predbench.evaluation.aggregate`).
    """
    metrics = list(cells)
    first = cells[metrics[0]]
    feature_sets = list(dict.fromkeys(first["features"]))
    predictors = list(dict.fromkeys(first["predictor"]))
    colors = _series_colors(predictors)
    sizes = sorted(first["train_size"].unique())
    ncols = len(feature_sets)
    fig = Figure(
        figsize=(max(4.2, 3.0 * ncols + 1.2), 2.7 * len(metrics) + 0.9), layout="constrained"
    )
    axes = fig.subplots(
        len(metrics),
        ncols,
        squeeze=False,
        sharex=True,
        sharey="row",
    )
    for row, metric in enumerate(metrics):
        frame = cells[metric]
        for col, fs in enumerate(feature_sets):
            ax = axes[row][col]
            for predictor in predictors:
                part = frame[(frame["features"] == fs) & (frame["predictor"] == predictor)]
                part = part.sort_values("train_size")
                if part.empty:
                    continue
                x = part["train_size"].to_numpy(dtype=float)
                color = colors[predictor]
                ax.plot(x, part["mean"], marker="o", ms=4, lw=1.6, color=color, label=predictor)
                low, high = part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float)
                if np.isfinite(low).any():
                    if len(x) > 1:
                        ax.fill_between(x, low, high, color=color, alpha=0.18, lw=0)
                    else:
                        ax.errorbar(
                            x,
                            part["mean"],
                            yerr=[part["mean"] - low, high - part["mean"]],
                            color=color,
                            capsize=3,
                            lw=1,
                        )
            if len(sizes) > 1:
                ax.set_xscale("log", base=2)
            ax.set_xticks(sizes)
            ax.set_xticklabels([str(s) for s in sizes])
            ax.minorticks_off()
            ax.grid(alpha=0.3)
            if row == 0:
                ax.set_title(f"features: {fs}", fontsize=10)
            if col == 0:
                ax.set_ylabel(metric_labels.get(metric, metric))
            if row == len(metrics) - 1:
                ax.set_xlabel("training architectures")
    handles, labels = [], []
    for ax in axes.ravel():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(len(labels), 5),
        title="predictor",
        fontsize=9,
        title_fontsize=9,
        frameon=False,
    )
    fig.suptitle(title, fontsize=12)
    return fig


def predictor_feature_heatmap(
    cell: pd.DataFrame, *, title: str, value_label: str = "mean Kendall τ"
) -> Figure:
    """Predictors (rows) × feature sets (columns) of ``mean``, annotated with mean ± half-interval."""
    predictors = list(dict.fromkeys(cell["predictor"]))
    feature_sets = list(dict.fromkeys(cell["features"]))
    grid = np.full((len(predictors), len(feature_sets)), np.nan)
    half = np.full_like(grid, np.nan)
    for r in cell.itertuples(index=False):
        i, j = predictors.index(r.predictor), feature_sets.index(r.features)
        grid[i, j] = r.mean
        half[i, j] = (r.ci_high - r.ci_low) / 2 if np.isfinite(r.ci_high) else np.nan
    fig, ax = _new_axes(figsize=(1.5 * len(feature_sets) + 3.2, 0.55 * len(predictors) + 1.6))
    cmap = matplotlib.colormaps.get_cmap("viridis").copy()
    cmap.set_bad("#eeeeee")
    finite = grid[np.isfinite(grid)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if vmax - vmin < 1e-9:
        vmin, vmax = vmin - 0.05, vmax + 0.05
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    for i in range(len(predictors)):
        for j in range(len(feature_sets)):
            if not np.isfinite(grid[i, j]):
                ax.text(j, i, "–", ha="center", va="center", color="#777777")
                continue
            text = f"{grid[i, j]:.3f}"
            if np.isfinite(half[i, j]):
                text += f"\n±{half[i, j]:.3f}"
            shade = (grid[i, j] - vmin) / (vmax - vmin)
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="black" if shade > 0.55 else "white",
            )
    ax.set_xticks(range(len(feature_sets)), feature_sets, rotation=20, ha="right")
    ax.set_yticks(range(len(predictors)), predictors)
    ax.set_xlabel("feature set")
    ax.set_ylabel("predictor")
    fig.colorbar(image, ax=ax, label=value_label, shrink=0.9)
    ax.set_title(title, fontsize=11)
    return fig


def importance_bars(importance: pd.DataFrame, *, title: str, top: int = 15) -> Figure:
    """Horizontal bars of mean |SHAP| for the ``top`` features, coloured by family."""
    rows = importance.sort_values("rank", kind="stable").head(top).iloc[::-1]
    fig, ax = _new_axes(figsize=(8.6, 0.32 * len(rows) + 1.3))
    colors = [family_color(f) for f in rows["family"]]
    ax.barh(range(len(rows)), rows["mean_abs_shap"], color=colors)
    ax.set_yticks(range(len(rows)), [_short(f) for f in rows["feature"]], fontsize=8)
    ax.set_xlabel("mean |SHAP value| (target units)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title, fontsize=10, loc="left")
    families = list(dict.fromkeys(rows["family"]))[::-1]
    handles = [Rectangle((0, 0), 1, 1, color=family_color(f)) for f in families]
    ax.legend(handles, families, title="family", fontsize=8, title_fontsize=8, loc="lower right")
    return fig


def beeswarm(
    values: pd.DataFrame,
    features: Sequence[str],
    *,
    title: str,
    max_rows: int = 2000,
    seed: int = 0,
) -> Figure:
    """shap's beeswarm of the given features (rows subsampled to ``max_rows``, seeded)."""
    import shap

    if len(values) > max_rows:
        values = values.iloc[
            np.sort(np.random.default_rng(seed).choice(len(values), max_rows, replace=False))
        ]
    matrix = values[[f"shap:{f}" for f in features]].to_numpy(dtype=float)
    data = values[[f"value:{f}" for f in features]].to_numpy(dtype=float)
    explanation = shap.Explanation(
        values=matrix, data=data, feature_names=[_short(f) for f in features]
    )
    fig = Figure(figsize=(8.6, 0.34 * len(features) + 1.6))
    ax = fig.add_subplot()
    shap.plots.beeswarm(
        explanation,
        max_display=len(features),
        ax=ax,
        show=False,
        plot_size=None,
        group_remaining_features=False,
        s=9,
    )
    ax.set_xlabel("SHAP value (effect on the predicted target)")
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def family_shares(families: pd.DataFrame, *, title: str) -> Figure:
    """One stacked bar per explanation: each family's share of the SHAP importance."""
    labels = list(dict.fromkeys(families["label"]))
    names = list(dict.fromkeys(families["family"]))
    fig, ax = _new_axes(figsize=(8.6, 0.38 * len(labels) + 1.5))
    left = np.zeros(len(labels))
    for family in names:
        share = np.array(
            [
                families[(families["label"] == lab) & (families["family"] == family)]["share"].sum()
                for lab in labels
            ]
        )
        ax.barh(range(len(labels)), share, left=left, color=family_color(family), label=family)
        for i, s in enumerate(share):
            if s >= 0.08:
                ax.text(
                    left[i] + s / 2,
                    i,
                    f"{s:.0%}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
        left += share
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of the model's SHAP importance")
    fig.legend(title="family", fontsize=8, title_fontsize=8, loc="outside right upper")
    ax.set_title(title, fontsize=10, loc="left")
    return fig


def rank_heatmap(table: pd.DataFrame, tasks: Sequence[str], *, title: str, top: int = 20) -> Figure:
    """Features (rows, best mean rank first) × tasks of SHAP ranks, annotated."""
    rows = table.head(top)
    grid = rows[list(tasks)].to_numpy(dtype=float)
    fig, ax = _new_axes(figsize=(1.15 * len(tasks) + 6.4, 0.3 * len(rows) + 1.9))
    cmap = matplotlib.colormaps.get_cmap("magma").copy()
    cmap.set_bad("#eeeeee")
    finite = grid[np.isfinite(grid)]
    vmax = float(np.percentile(finite, 95)) if finite.size else 1.0
    image = ax.imshow(
        np.ma.masked_invalid(grid), cmap=cmap, vmin=1, vmax=max(vmax, 2), aspect="auto"
    )
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if np.isfinite(grid[i, j]):
                shade = (min(grid[i, j], vmax) - 1) / max(vmax - 1, 1)
                ax.text(
                    j,
                    i,
                    f"{grid[i, j]:g}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="black" if shade > 0.6 else "white",
                )
    ax.set_xticks(range(len(tasks)), list(tasks), rotation=25, ha="right", fontsize=8)
    labels = [
        f"{_short(f)}  (mean {m:.1f})" for f, m in zip(rows.index, rows["mean_rank"], strict=True)
    ]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    for tick, family in zip(ax.get_yticklabels(), rows["family"], strict=True):
        tick.set_color(family_color(family))
    fig.colorbar(image, ax=ax, label="SHAP rank (1 = most important)", shrink=0.8)
    ax.set_title(title, fontsize=10, loc="left")
    return fig


def search_trajectories(curves: pd.DataFrame, *, title: str, ylabel: str) -> Figure:
    """Best value so far vs queries: one line per strategy (mean over seeds) with its band."""
    strategies = list(dict.fromkeys(curves["strategy"]))
    colors = _series_colors(strategies)
    fig, ax = _new_axes(figsize=(8.6, 4.2))
    for strategy in strategies:
        part = curves[curves["strategy"] == strategy].sort_values("query")
        color = colors[strategy]
        ax.plot(
            part["query"],
            part["mean"],
            color=color,
            lw=1.6,
            label=f"{strategy} (n={int(part['n'].max())})",
        )
        if np.isfinite(part["ci_low"]).any():
            ax.fill_between(
                part["query"], part["ci_low"], part["ci_high"], color=color, alpha=0.15, lw=0
            )
    ax.set_xlabel("architectures evaluated (queries)")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, title="strategy (seeds)", title_fontsize=8, loc="lower right")
    ax.set_title(title, fontsize=10, loc="left")
    return fig


#: Op names shortened in figure labels (the tables keep the full names).
OP_ABBREVIATIONS: dict[str, str] = {
    "skip_connect": "skip",
    "nor_conv_3x3": "conv3",
    "nor_conv_1x1": "conv1",
    "avg_pool_3x3": "pool",
}


def _short(feature: str, width: int = 64) -> str:
    """Figure label of a feature: op names abbreviated, then cut in the middle if still long."""
    text = str(feature)
    for name, short in OP_ABBREVIATIONS.items():
        text = text.replace(name, short)
    if len(text) <= width:
        return text
    keep = (width - 1) // 2
    return text[:keep] + "…" + text[-keep:]
