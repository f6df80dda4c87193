"""The report's figures: matplotlib drawings of the report's tables, sized for a printed page.

Figures are plain :class:`matplotlib.figure.Figure` objects, never pyplot's global figures: they
render with the Agg canvas whatever backend the session uses (a notebook's inline backend is left
alone and shows nothing twice), and nothing is left open. :func:`to_data_uri` turns one into a
base64 PNG ``data:`` URI, so the HTML carries its images inside itself;
:mod:`predbench.report._export` writes the same figures as SVG and PDF.

Print size: every figure is at most :data:`MAX_WIDTH` inches wide (the text width of a two-column
paper page) and draws no text smaller than :data:`MIN_FONT_PT` points, so it can be placed at
100 % without becoming unreadable. One colour convention holds for every heatmap: **darker =
better** (higher τ, or a more important feature, i.e. a smaller rank).
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable, Sequence
from typing import Any

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
    "transfer": "#d62728",
}
OTHER_COLOR = "#7f7f7f"
#: Raster resolution of the page's PNGs (the exported SVG/PDF are vector).
DPI = 150
#: Widest figure, in inches: the text width of a two-column paper page.
MAX_WIDTH = 7.0
#: Smallest text drawn, in points.
MIN_FONT_PT = 9.0
#: Sequential colour map of every heatmap, oriented so that darker = better.
HEATMAP_CMAP = "Blues"
COLOUR_CONVENTION = "darker = better"
#: Text sizes of every figure (applied while a figure is drawn).
PAPER_RC: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "figure.titlesize": 11,
}
#: Line styles and markers that tell series apart without colour (greyscale print, colour blindness).
LINESTYLES: tuple[str, ...] = ("-", "--", "-.", ":")
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
#: Bounds of a rank correlation; intervals are clipped to them for display.
CORRELATION_BOUNDS = (-1.0, 1.0)


def family_color(family: str) -> str:
    return FAMILY_COLORS.get(family, OTHER_COLOR)


def _paper(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw under :data:`PAPER_RC`, then raise any smaller text (e.g. from shap) to the minimum."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(PAPER_RC):
            fig = draw(*args, **kwargs)
        for text in fig.findobj(matplotlib.text.Text):
            if text.get_text() and text.get_fontsize() < MIN_FONT_PT:
                text.set_fontsize(MIN_FONT_PT)
        return fig

    return wrapper


def to_data_uri(fig: Figure) -> str:
    """The figure as a ``data:image/png;base64,...`` URI at :data:`DPI`.

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


def _new_axes(figsize: tuple[float, float]) -> tuple[Figure, Any]:
    fig = Figure(figsize=(min(figsize[0], MAX_WIDTH), figsize[1]), layout="constrained")
    return fig, fig.add_subplot()


def _series_colors(labels: Sequence[str]) -> dict[str, tuple[float, ...]]:
    cmap = matplotlib.colormaps.get_cmap("tab10" if len(labels) <= 10 else "tab20")
    return {label: cmap(i % cmap.N) for i, label in enumerate(labels)}


def _series_styles(labels: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Colour, line style and marker per series: each series differs from the others in at least
    two of them."""
    colors = _series_colors(labels)
    return {
        label: {
            "color": colors[label],
            "linestyle": LINESTYLES[i % len(LINESTYLES)],
            "marker": MARKERS[i % len(MARKERS)],
        }
        for i, label in enumerate(labels)
    }


def clip_interval(
    low: np.ndarray, high: np.ndarray, bounds: tuple[float, float] = CORRELATION_BOUNDS
) -> tuple[np.ndarray, np.ndarray]:
    """Interval bounds cut to ``bounds``: a t-interval of τ or ρ can pass ±1, the metric cannot."""
    lo, hi = bounds
    return np.clip(np.asarray(low, float), lo, hi), np.clip(np.asarray(high, float), lo, hi)


def data_limits(
    means: np.ndarray,
    lows: np.ndarray,
    highs: np.ndarray,
    bounds: tuple[float, float] | None = CORRELATION_BOUNDS,
) -> tuple[float, float]:
    """Axis limits that follow the data, not the widest interval.

    The axis spans the means, widened to show the intervals, but never by more than the spread
    of the means (at least 0.1) on either side, and never past ``bounds``. An interval from a
    handful of seeds can be wider than the whole range of the data; it is then drawn up to the
    axis edge and marked there (see :func:`_mark_cut`) instead of squeezing every line flat.
    """
    means = np.asarray(means, float)
    means = means[np.isfinite(means)]
    if means.size == 0:
        return (0.0, 1.0) if bounds is None else bounds
    lo_m, hi_m = float(means.min()), float(means.max())
    spread = max(hi_m - lo_m, 0.1)
    finite_low = np.asarray(lows, float)[np.isfinite(lows)]
    finite_high = np.asarray(highs, float)[np.isfinite(highs)]
    low = min(lo_m, float(finite_low.min())) if finite_low.size else lo_m
    high = max(hi_m, float(finite_high.max())) if finite_high.size else hi_m
    low, high = max(low, lo_m - spread), min(high, hi_m + spread)
    pad = 0.04 * (high - low or spread)
    low, high = low - pad, high + pad
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return low, high


def _mark_cut(ax: Any, x: np.ndarray, low: np.ndarray, high: np.ndarray, color: Any) -> int:
    """Triangles at the axis edge where an interval continues beyond it; returns how many."""
    bottom, top = ax.get_ylim()
    cut = 0
    for xi, lo, hi in zip(x, low, high, strict=True):
        if np.isfinite(hi) and hi > top:
            ax.plot([xi], [top], marker="^", ms=6, color=color, clip_on=False, zorder=5)
            cut += 1
        if np.isfinite(lo) and lo < bottom:
            ax.plot([xi], [bottom], marker="v", ms=6, color=color, clip_on=False, zorder=5)
            cut += 1
    return cut


@_paper
def metric_vs_train_size(
    cells: dict[str, pd.DataFrame],
    *,
    title: str,
    metric_labels: dict[str, str],
) -> Figure:
    """Rows = metrics, columns = feature sets; one line per predictor with its interval.

    ``cells[metric]`` has columns ``features``, ``predictor``, ``train_size``, ``mean``,
    ``ci_low``, ``ci_high``, ``n`` (:func:`predbench.evaluation.aggregate`). Intervals are clipped
    to [−1, 1] and the y axis follows the means (:func:`data_limits`); predictors are shifted a
    little along x so their error bars do not cover each other.
    """
    metrics = list(cells)
    first = cells[metrics[0]]
    feature_sets = list(dict.fromkeys(first["features"]))
    predictors = list(dict.fromkeys(first["predictor"]))
    styles = _series_styles(predictors)
    sizes = sorted(first["train_size"].unique())
    ncols = len(feature_sets)
    fig = Figure(
        figsize=(min(MAX_WIDTH, 1.75 * ncols + 1.1), 2.3 * len(metrics) + 1.0),
        layout="constrained",
    )
    axes = fig.subplots(len(metrics), ncols, squeeze=False, sharex=True, sharey="row")
    # Multiplicative dodge on the log-2 axis: ±6 % of a doubling between neighbouring predictors.
    dodge = {p: 2 ** (0.09 * (i - (len(predictors) - 1) / 2)) for i, p in enumerate(predictors)}
    for row, metric in enumerate(metrics):
        frame = cells[metric]
        low_all, high_all = clip_interval(frame["ci_low"], frame["ci_high"])
        limits = data_limits(frame["mean"].to_numpy(float), low_all, high_all)
        for col, fs in enumerate(feature_sets):
            ax = axes[row][col]
            ax.set_ylim(*limits)
            for predictor in predictors:
                part = frame[(frame["features"] == fs) & (frame["predictor"] == predictor)]
                part = part.sort_values("train_size")
                if part.empty:
                    continue
                x = part["train_size"].to_numpy(dtype=float) * dodge[predictor]
                style = styles[predictor]
                mean = part["mean"].to_numpy(float)
                low, high = clip_interval(part["ci_low"], part["ci_high"])
                ax.plot(x, mean, ms=4, lw=1.4, label=predictor, **style)
                if np.isfinite(low).any():
                    shown_low = np.maximum(low, limits[0])
                    shown_high = np.minimum(high, limits[1])
                    ax.errorbar(
                        x,
                        mean,
                        yerr=[mean - shown_low, shown_high - mean],
                        fmt="none",
                        ecolor=style["color"],
                        elinewidth=1.0,
                        capsize=2.5,
                    )
                    _mark_cut(ax, x, low, high, style["color"])
            if len(sizes) > 1:
                ax.set_xscale("log", base=2)
            ax.set_xticks(sizes)
            ax.set_xticklabels([str(s) for s in sizes])
            ax.minorticks_off()
            ax.grid(alpha=0.3)
            if row == 0:
                ax.set_title(fs)
            if col == 0:
                ax.set_ylabel(metric_labels.get(metric, metric))
            if row == len(metrics) - 1:
                ax.set_xlabel("training archs")
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
        ncols=min(len(labels), 3),
        title="predictor",
        frameon=False,
    )
    fig.suptitle(title)
    return fig


def heatmap_cmap(*, reverse: bool = False) -> matplotlib.colors.Colormap:
    """:data:`HEATMAP_CMAP` without its near-white end (so the worst cell stays distinguishable
    from a grey missing cell); ``reverse`` for scales where smaller is better (ranks)."""
    base = matplotlib.colormaps.get_cmap(HEATMAP_CMAP)
    stops = np.linspace(0.12, 0.95, 256)
    cmap = matplotlib.colors.ListedColormap(base(stops[::-1] if reverse else stops))
    return cmap.with_extremes(bad="#eeeeee")


def _cell_text_color(shade: float) -> str:
    """White on the dark half of the colour map, black on the light half."""
    return "white" if shade > 0.55 else "black"


@_paper
def predictor_feature_heatmap(
    cell: pd.DataFrame,
    *,
    title: str,
    value_label: str = "mean Kendall τ",
    intervals: bool = True,
) -> Figure:
    """Predictors (rows) × feature sets (columns) of ``mean``, one panel per training size.

    Annotated with mean ± half-interval (the mean only with ``intervals=False``, for grids whose
    cells are too narrow for two numbers); one colour scale for all panels, darker = better.
    """
    predictors = list(dict.fromkeys(cell["predictor"]))
    feature_sets = list(dict.fromkeys(cell["features"]))
    sizes = sorted(cell["train_size"].unique()) if "train_size" in cell else [None]
    finite = cell["mean"].to_numpy(float)
    finite = finite[np.isfinite(finite)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if vmax - vmin < 1e-9:
        vmin, vmax = vmin - 0.05, vmax + 0.05
    cmap = heatmap_cmap()
    label_width = 0.065 * max(len(str(p)) for p in predictors) + 0.3
    panel_width = 0.52 * len(feature_sets) + 0.15
    per_row = max(1, int((MAX_WIDTH - label_width - 0.8) // panel_width))
    per_row = min(per_row, len(sizes))
    n_rows = -(-len(sizes) // per_row)
    height = (0.42 * len(predictors) + 1.3) * n_rows + 0.5
    fig = Figure(
        figsize=(min(MAX_WIDTH, label_width + per_row * panel_width + 1.0), height),
        layout="constrained",
    )
    axes = fig.subplots(n_rows, per_row, squeeze=False)
    image = None
    for k, size in enumerate(sizes):
        ax = axes[k // per_row][k % per_row]
        part = cell if size is None else cell[cell["train_size"] == size]
        grid = np.full((len(predictors), len(feature_sets)), np.nan)
        half = np.full_like(grid, np.nan)
        for r in part.itertuples(index=False):
            i, j = predictors.index(r.predictor), feature_sets.index(r.features)
            grid[i, j] = r.mean
            half[i, j] = (r.ci_high - r.ci_low) / 2 if np.isfinite(r.ci_high) else np.nan
        image = ax.imshow(
            np.ma.masked_invalid(grid), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto"
        )
        for i in range(len(predictors)):
            for j in range(len(feature_sets)):
                if not np.isfinite(grid[i, j]):
                    ax.text(j, i, "–", ha="center", va="center", color="#777777")
                    continue
                text = f"{grid[i, j]:.2f}"
                if intervals and np.isfinite(half[i, j]):
                    text += f"\n±{half[i, j]:.2f}"
                shade = (grid[i, j] - vmin) / (vmax - vmin)
                ax.text(j, i, text, ha="center", va="center", color=_cell_text_color(shade))
        ax.set_xticks(range(len(feature_sets)), feature_sets, rotation=30, ha="right")
        if k % per_row == 0:
            ax.set_yticks(range(len(predictors)), predictors)
        else:
            ax.set_yticks(range(len(predictors)), [""] * len(predictors))
        if size is not None:
            ax.set_title(f"{int(size):,} training archs")
    for k in range(len(sizes), n_rows * per_row):
        axes[k // per_row][k % per_row].set_visible(False)
    fig.colorbar(
        image, ax=axes.ravel().tolist(), label=f"{value_label} ({COLOUR_CONVENTION})", shrink=0.9
    )
    fig.suptitle(title)
    return fig


@_paper
def importance_bars(
    importance: pd.DataFrame, *, title: str, top: int = 15, unit: str = "target units"
) -> Figure:
    """Horizontal bars of mean |SHAP| for the ``top`` features, coloured by family."""
    rows = importance.sort_values("rank", kind="stable").head(top).iloc[::-1]
    fig, ax = _new_axes(figsize=(MAX_WIDTH, 0.26 * len(rows) + 1.3))
    colors = [family_color(f) for f in rows["family"]]
    ax.barh(range(len(rows)), rows["mean_abs_shap"], color=colors)
    ax.set_yticks(range(len(rows)), [_short(f) for f in rows["feature"]])
    ax.set_xlabel(f"mean |SHAP value| ({unit})")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title, loc="left")
    families = list(dict.fromkeys(rows["family"]))[::-1]
    handles = [Rectangle((0, 0), 1, 1, color=family_color(f)) for f in families]
    ax.legend(handles, families, title="family", loc="lower right")
    return fig


@_paper
def beeswarm(
    values: pd.DataFrame,
    features: Sequence[str],
    *,
    title: str,
    max_rows: int = 2000,
    seed: int = 0,
    unit: str = "target units",
) -> Figure:
    """shap's beeswarm of the given features (rows subsampled to ``max_rows``, seeded)."""
    import shap

    values = sample_rows(values, max_rows, seed)
    matrix = values[[f"shap:{f}" for f in features]].to_numpy(dtype=float)
    data = values[[f"value:{f}" for f in features]].to_numpy(dtype=float)
    explanation = shap.Explanation(
        values=matrix, data=data, feature_names=[_short(f) for f in features]
    )
    fig = Figure(figsize=(MAX_WIDTH, 0.3 * len(features) + 1.6))
    ax = fig.add_subplot()
    shap.plots.beeswarm(
        explanation,
        max_display=len(features),
        ax=ax,
        show=False,
        plot_size=None,
        group_remaining_features=False,
        s=7,
    )
    ax.set_xlabel(f"SHAP value ({unit}; effect on the prediction)", fontsize=MIN_FONT_PT)
    ax.tick_params(axis="both", labelsize=MIN_FONT_PT)
    ax.set_title(title, loc="left", fontsize=PAPER_RC["axes.titlesize"])
    for other in fig.axes:
        if other is not ax:  # shap's colour bar
            other.tick_params(labelsize=MIN_FONT_PT)
            other.yaxis.label.set_fontsize(MIN_FONT_PT)
    fig.tight_layout()
    return fig


def sample_rows(values: pd.DataFrame, max_rows: int, seed: int = 0) -> pd.DataFrame:
    """At most ``max_rows`` rows, a seeded sample in the original order (the beeswarm's rows)."""
    if len(values) <= max_rows:
        return values
    keep = np.sort(np.random.default_rng(seed).choice(len(values), max_rows, replace=False))
    return values.iloc[keep]


@_paper
def family_shares(families: pd.DataFrame, *, title: str) -> Figure:
    """One stacked bar per explanation: each family's share of the SHAP importance."""
    labels = list(dict.fromkeys(families["label"]))
    names = list(dict.fromkeys(families["family"]))
    fig, ax = _new_axes(figsize=(MAX_WIDTH, 0.34 * len(labels) + 1.5))
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
            if s >= 0.1:
                ax.text(left[i] + s / 2, i, f"{s:.0%}", ha="center", va="center", color="white")
        left += share
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of the model's SHAP importance")
    fig.legend(title="family", loc="outside right upper")
    ax.set_title(title, loc="left")
    return fig


@_paper
def rank_heatmap(table: pd.DataFrame, tasks: Sequence[str], *, title: str, top: int = 20) -> Figure:
    """Features (rows, best mean rank first) × tasks (columns, in the given order) of SHAP ranks.

    Darker = more important (a smaller rank), the report's one colour convention.
    """
    rows = table.head(top)
    grid = rows[list(tasks)].to_numpy(dtype=float)
    fig, ax = _new_axes(figsize=(0.75 * len(tasks) + 4.6, max(3.2, 0.24 * len(rows) + 2.2)))
    cmap = heatmap_cmap(reverse=True)
    finite = grid[np.isfinite(grid)]
    vmax = max(float(np.percentile(finite, 95)) if finite.size else 1.0, 2.0)
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=1, vmax=vmax, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if np.isfinite(grid[i, j]):
                shade = 1 - (min(grid[i, j], vmax) - 1) / (vmax - 1)
                ax.text(
                    j,
                    i,
                    f"{grid[i, j]:g}",
                    ha="center",
                    va="center",
                    color=_cell_text_color(shade),
                )
    ax.set_xticks(range(len(tasks)), list(tasks), rotation=30, ha="right")
    labels = [
        f"{_short(f, 36)} ({m:.1f})" for f, m in zip(rows.index, rows["mean_rank"], strict=True)
    ]
    ax.set_yticks(range(len(rows)), labels)
    for tick, family in zip(ax.get_yticklabels(), rows["family"], strict=True):
        tick.set_color(family_color(family))
    fig.colorbar(image, ax=ax, label="SHAP rank (1 = top)")
    ax.set_title(title, loc="left")
    return fig


def search_direction(trajectories: pd.DataFrame, column: str = "best_value") -> int:
    """+1 when the best-so-far column grows along the runs (maximized), −1 when it shrinks."""
    ordered = trajectories.sort_values("query")
    change = ordered.groupby("run_id")[column].agg(lambda s: s.iloc[-1] - s.iloc[0]).sum()
    return -1 if change < 0 else 1


def _checkpoints(queries: np.ndarray, count: int = 6) -> np.ndarray:
    """About ``count`` evenly spread queries, the last one included."""
    queries = np.unique(queries)
    if len(queries) <= count:
        return queries
    return queries[np.unique(np.linspace(0, len(queries) - 1, count).round().astype(int))]


@_paper
def search_trajectories(
    curves: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    gap: pd.DataFrame | None = None,
    gap_label: str = "gap to the best value found",
) -> Figure:
    """Best value so far vs queries, one line per strategy (mean over seeds), and optionally
    the gap to a reference value on a log scale beside it.

    Strategies differ in colour, line style and marker. Intervals are drawn as error bars at a
    few checkpoints, shifted sideways per strategy, so that no strategy's interval hides another
    strategy's line (shaded bands of eight strategies would).
    """
    strategies = list(dict.fromkeys(curves["strategy"]))
    styles = _series_styles(strategies)
    panels = [(curves, ylabel, False)] + ([(gap, gap_label, True)] if gap is not None else [])
    fig = Figure(figsize=(MAX_WIDTH, 3.4 + 0.22 * -(-len(strategies) // 3)), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    queries = np.asarray(curves["query"], float)
    span = float(queries.max() - queries.min()) if len(queries) else 1.0
    for ax, (frame, label, log) in zip(axes, panels, strict=True):
        marks = _checkpoints(frame["query"].to_numpy())
        for k, strategy in enumerate(strategies):
            part = frame[frame["strategy"] == strategy].sort_values("query")
            style = styles[strategy]
            x = part["query"].to_numpy(float)
            mean = part["mean"].to_numpy(float)
            if log:
                mean = np.where(mean > 0, mean, np.nan)
            at = np.isin(part["query"].to_numpy(), marks)
            ax.plot(
                x,
                mean,
                color=style["color"],
                linestyle=style["linestyle"],
                marker=style["marker"],
                markevery=np.flatnonzero(at).tolist(),
                ms=5,
                lw=1.4,
                label=f"{strategy} (n={int(part['n'].max())})",
            )
            low = part["ci_low"].to_numpy(float)[at]
            high = part["ci_high"].to_numpy(float)[at]
            if np.isfinite(low).any() and not log:
                shift = (k - (len(strategies) - 1) / 2) * 0.015 * span
                centre = mean[at]
                ax.errorbar(
                    x[at] + shift,
                    centre,
                    yerr=[np.maximum(centre - low, 0), np.maximum(high - centre, 0)],
                    fmt="none",
                    ecolor=style["color"],
                    elinewidth=1.0,
                    capsize=2.5,
                )
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("archs evaluated (queries)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, which="both" if log else "major")
    if not np.isnan(curves["mean"]).all():
        means = curves["mean"].to_numpy(float)
        lo, hi = data_limits(
            means, curves["ci_low"].to_numpy(float), curves["ci_high"].to_numpy(float), None
        )
        axes[0].set_ylim(lo, hi)
    handles, labels = axes[0].get_legend_handles_labels()
    # Up to three columns, fewer when long labels would not fit the figure's width.
    longest = max((len(label) for label in labels), default=1)
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=max(1, min(3, len(labels), 80 // longest)),
        title="strategy (seeds)",
        frameon=False,
    )
    fig.suptitle(title)
    return fig


#: Op names shortened in figure labels (the tables keep the full names).
OP_ABBREVIATIONS: dict[str, str] = {
    "skip_connect": "skip",
    "nor_conv_3x3": "conv3",
    "nor_conv_1x1": "conv1",
    "avg_pool_3x3": "pool",
}


def _short(feature: str, width: int = 48) -> str:
    """Figure label of a feature: op names abbreviated, then cut in the middle if still long."""
    text = str(feature)
    for name, short in OP_ABBREVIATIONS.items():
        text = text.replace(name, short)
    if len(text) <= width:
        return text
    keep = (width - 1) // 2
    return text[:keep] + "…" + text[-keep:]
