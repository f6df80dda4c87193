"""The report as a figure source: exported files, print size, clipped intervals, navigation.

The store of ``conftest.py`` is reported once through ``predbench report -o … --figures …``;
expected values are computed here from the rows the fixture wrote, not from the report's code.
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from predbench.report import _figures as figs
from predbench.report._build import target_unit
from predbench.report._export import figure_stem

TASKS = ("nb201-cifar10", "nb201-cifar10-edgegpu-energy")
EXPECTED_STEMS = {
    *(f"curves__{t}__tau-rho" for t in TASKS),
    *(f"heatmap__{t}__tau" for t in TASKS),
    *(f"shap__{t}__{what}" for t in TASKS for what in ("importance", "beeswarm", "family-shares")),
    "ranks__rf-zcp-graf-n64__shap-ranks",
    "targets__nb201-cifar10__tau-by-target",
    "search__nb201-cifar10__trajectory",
}


def test_figures_option_writes_svg_pdf_csv_per_figure_with_stable_names(built):
    files = sorted(p.name for p in built.figures_dir.iterdir())
    expected = sorted(f"{stem}.{ext}" for stem in EXPECTED_STEMS for ext in ("svg", "pdf", "csv"))
    assert files == expected
    assert set(built.figures) == EXPECTED_STEMS
    for stem in EXPECTED_STEMS:
        svg = (built.figures_dir / f"{stem}.svg").read_bytes()
        assert svg.startswith(b"<?xml") and b"<svg" in svg[:2000]
        assert b"<dc:date>" not in svg  # no timestamp: same data, same file
        assert (built.figures_dir / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")
        assert not pd.read_csv(built.figures_dir / f"{stem}.csv").empty
        assert f"<code>{stem}.svg/.pdf/.csv</code>" in built.html  # the caption names the files
    assert "figures" in built.output


def test_figure_stem_is_stable_and_plain():
    assert figure_stem("curves", "nb201/cifar10 · edgegpu_energy", "tau-rho") == (
        "curves__nb201-cifar10-edgegpu-energy__tau-rho"
    )
    assert figure_stem("Search", "TNB101_Micro/Autoencoder", "Trajectory") == (
        "search__tnb101-micro-autoencoder__trajectory"
    )


def test_same_figure_gives_the_same_files(tmp_path):
    from predbench.report._export import write_figure

    cell = pd.DataFrame(
        {
            "features": ["zcp", "zcp"],
            "predictor": ["rf", "rf"],
            "train_size": [16, 64],
            "mean": [0.5, 0.6],
            "ci_low": [0.4, 0.55],
            "ci_high": [0.6, 0.65],
            "n": [3, 3],
        }
    )
    written = []
    for run in ("a", "b"):
        fig = figs.metric_vs_train_size(
            {"kendall_tau": cell}, title="t", metric_labels={"kendall_tau": "τ"}
        )
        written.append(write_figure(tmp_path / run, "curves__t__tau-rho", fig, cell))
    for first, second in zip(*written, strict=True):
        assert first.name == second.name
        assert first.read_bytes() == second.read_bytes(), first.name
    assert [p.suffix for p in written[0]] == [".svg", ".pdf", ".csv"]


def test_exported_data_matches_the_runs(built, store):
    """The curves CSV holds the per-cell mean and t-interval of the stored runs, unclipped."""
    from predbench.evaluation import ResultsStore

    runs = ResultsStore(store).frame()
    runs = runs[(runs["status"] == "ok") & (runs["target"] == "val_accuracy")]
    runs = runs[runs["run_id"] != "other-suite"]
    csv = pd.read_csv(built.figures_dir / "curves__nb201-cifar10__tau-rho.csv")
    assert list(csv.columns[:4]) == ["metric", "features", "predictor", "train_size"]
    for (features, predictor, size), group in runs.groupby(["features", "predictor", "train_size"]):
        values = group["spearman"].to_numpy(float)
        half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
        row = csv[
            (csv["metric"] == "spearman")
            & (csv["features"] == features)
            & (csv["predictor"] == predictor)
            & (csv["train_size"] == size)
        ]
        assert len(row) == 1
        assert row["mean"].iloc[0] == pytest.approx(values.mean())
        assert row["ci_high"].iloc[0] == pytest.approx(values.mean() + half)


def test_search_gap_is_distance_to_best_value_found(built):
    csv = pd.read_csv(built.figures_dir / "search__nb201-cifar10__trajectory.csv")
    # The fixture's runs: seeds 0 and 1 draw 30 values from U(80, 94), for both strategies.
    best = [np.maximum.accumulate(np.random.default_rng(s).uniform(80, 94, 30)) for s in (0, 1)]
    reference = max(b.max() for b in best)
    assert csv["reference"].unique() == pytest.approx([reference])
    at10 = csv[(csv["strategy"] == "random") & (csv["query"] == 10)].iloc[0]
    assert at10["mean"] == pytest.approx(np.mean([b[9] for b in best]))
    assert at10["gap_mean"] == pytest.approx(reference - np.mean([b[9] for b in best]))


def test_every_figure_is_print_sized(built):
    for stem, fig in built.figures.items():
        width, _ = fig.get_size_inches()
        assert width <= figs.MAX_WIDTH + 1e-9, stem
        small = [
            (t.get_text(), t.get_fontsize())
            for t in fig.findobj(matplotlib.text.Text)
            if t.get_text() and t.get_visible() and t.get_fontsize() < 9
        ]
        assert small == [], (stem, small)
    assert figs.DPI >= 150


def test_heatmap_has_one_panel_per_train_size(built):
    fig = built.figures["heatmap__nb201-cifar10__tau"]
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["16 training archs", "64 training archs"]
    csv = pd.read_csv(built.figures_dir / "heatmap__nb201-cifar10__tau.csv")
    assert sorted(csv["train_size"].unique()) == [16, 64]


def test_rank_columns_in_alphabetical_order(built):
    csv = pd.read_csv(built.figures_dir / "ranks__rf-zcp-graf-n64__shap-ranks.csv")
    tasks = list(csv.columns[3:])
    assert tasks == sorted(tasks) == ["nb201/cifar10", "nb201/cifar10 · edgegpu_energy"]
    assert "columns are tasks in alphabetical order" in built.html


def test_one_colour_convention_everywhere(built):
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", built.html, flags=re.S)
    assert len(captions) == len(EXPECTED_STEMS)
    assert all("darker = better" in c for c in captions)
    tau = figs.heatmap_cmap()
    rank = figs.heatmap_cmap(reverse=True)
    # τ: high values dark; ranks: rank 1 (low values) dark. Luminance of the RGB colour.
    lum = lambda rgba: 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]  # noqa: E731
    assert lum(tau(1.0)) < lum(tau(0.0))
    assert lum(rank(0.0)) < lum(rank(1.0))


def test_shap_units_named_per_task(built):
    assert target_unit("nb201/cifar10", "val_accuracy") == "percentage points"
    assert target_unit("nb201/cifar10", "edgegpu_energy") == "mJ"
    assert target_unit("tnb101_micro/autoencoder", "val_accuracy") == "validation SSIM"
    assert target_unit("mine/unknown-task", "val_accuracy") == "target units"
    bars = {
        stem: fig.axes[0].get_xlabel()
        for stem, fig in built.figures.items()
        if "importance" in stem
    }
    assert bars["shap__nb201-cifar10__importance"] == "mean |SHAP value| (percentage points)"
    assert bars["shap__nb201-cifar10-edgegpu-energy__importance"] == "mean |SHAP value| (mJ)"


def test_toc_and_collapsible_task_blocks(built):
    html = built.html
    blocks = re.findall(r'<details class="group" id="([^"]+)" open>', html)
    # 2 tasks × (curves, heatmaps, SHAP) + 1 rank group + 1 search task, + the targets block
    # and the clean-vs-other-targets rank contrast (nb201/cifar10 is scored on two targets)
    assert len(blocks) == 2 * 3 + 1 + 1 + 2
    toc = html[html.index('<nav class="toc">') : html.index("</nav>")]
    for anchor in blocks:
        assert f'href="#{anchor}"' in toc
    assert len(set(blocks)) == len(blocks)
    assert "<script" not in html


def test_no_absolute_or_temporary_paths(built, store):
    html = built.html
    assert str(store.parent) not in html
    assert "/tmp" not in html and str(built.figures_dir) not in html
    assert not re.search(r"(?<![\w<])/(?:home|root|usr|var|work)/", html)
    assert f"<code>{store.name}</code>" in html  # the store is named by its file name


def test_intervals_clipped_and_axis_kept_on_the_data():
    low, high = figs.clip_interval(np.array([-1.7, 0.2]), np.array([0.4, 1.3]))
    assert low.tolist() == [-1.0, 0.2] and high.tolist() == [0.4, 1.0]
    # Means 0.50..0.60 with a two-seed interval of ±2: the axis spans the means widened by the
    # spread (0.1, the minimum) on each side, plus 4 % padding, not [−1, 1].
    lo, hi = figs.data_limits(np.array([0.5, 0.6]), np.array([-1.5, 0.55]), np.array([2.5, 0.65]))
    assert lo == pytest.approx(0.4 - 0.04 * 0.3) and hi == pytest.approx(0.7 + 0.04 * 0.3)
    # Narrow intervals: the axis just covers them.
    lo, hi = figs.data_limits(np.array([0.5, 0.8]), np.array([0.45, 0.7]), np.array([0.6, 0.85]))
    assert lo == pytest.approx(0.45 - 0.04 * 0.4) and hi == pytest.approx(0.85 + 0.04 * 0.4)
    # Near the bound: never past 1.
    assert figs.data_limits(np.array([0.97, 0.99]), np.array([0.9, 0.95]), np.array([1.0, 1.0]))[
        1
    ] == pytest.approx(1.0)


def test_few_seed_interval_is_drawn_to_the_edge_and_marked():
    cell = pd.DataFrame(
        {
            "features": ["zcp"] * 2,
            "predictor": ["rf"] * 2,
            "train_size": [16, 64],
            "mean": [0.55, 0.62],
            "ci_low": [-2.0, 0.58],  # two seeds: t(0.975, 1) = 12.7 makes huge intervals
            "ci_high": [3.1, 0.66],
            "n": [2, 5],
        }
    )
    fig = figs.metric_vs_train_size(
        {"kendall_tau": cell}, title="t", metric_labels={"kendall_tau": "τ"}
    )
    ax = fig.axes[0]
    bottom, top = ax.get_ylim()
    assert -1 <= bottom and top <= 1
    assert bottom == pytest.approx(0.55 - 0.1 - 0.04 * 0.27)  # data spread 0.07 → 0.1
    assert top == pytest.approx(0.62 + 0.1 + 0.04 * 0.27)
    triangles = [line.get_marker() for line in ax.get_lines() if line.get_marker() in ("^", "v")]
    assert sorted(triangles) == ["^", "v"]  # the 16-arch interval continues both ways


def test_report_cli_needs_an_output_and_a_folder_for_figures(store, tmp_path):
    from typer.testing import CliRunner

    from predbench.cli import app

    runner = CliRunner()
    nothing = runner.invoke(app, ["report", str(store)])
    assert nothing.exit_code != 0
    assert "give --output FILE.html, --figures DIR, or both" in _plain(nothing.output)
    a_file = tmp_path / "taken.txt"
    a_file.write_text("x")
    clash = runner.invoke(app, ["report", str(store), "--figures", str(a_file)])
    assert clash.exit_code != 0 and "exists and is not a folder" in _plain(clash.output)
    assert a_file.read_text() == "x"


def _plain(output: str) -> str:
    """CLI output without rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())
