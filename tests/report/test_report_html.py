"""The HTML report without a browser: self-contained, decodable images, expected sections.

The stores are filled with synthetic rows through the real store classes (harness results,
explanations of small fitted models, search trajectories), so every section is drawn.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest

from predbench.evaluation import ResultsStore
from predbench.report import (
    ReportData,
    build_report,
    decode_data_uri,
    load_report_data,
    offline_problems,
    sections,
    write_report,
)

ROOT = Path(__file__).resolve().parents[2]
#: Sections of every report ("Targets × predictors" joins them when a task has several targets).
SECTIONS = [
    "Ranking quality vs training-set size",
    "Predictors × feature sets",
    "What the predictors look at (SHAP)",
    "Across tasks: feature ranks",
    "Search trajectories",
    "Settings and versions",
]
ODD_LABEL = "xgb <b>&</b>"


@pytest.fixture(scope="module")
def html(built) -> str:
    return built.html


def test_no_external_resources_and_every_image_decodes(html):
    assert offline_problems(html) == []
    images = re.findall(r'<img src="([^"]+)"', html)
    # 2 tasks × (curves + heatmap + bars + beeswarm + family shares) + 1 rank heatmap + 1 search
    # + 1 targets × predictors heatmap (nb201/cifar10 is scored on two targets)
    assert len(images) == 2 * 5 + 1 + 1 + 1
    for uri in images:
        mime, data = decode_data_uri(uri)
        assert mime == "image/png"
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)=["'](?:https?:|//)""", html)


def test_expected_sections_and_content(html):
    assert sections(html) == [*SECTIONS[:2], "Targets × predictors", *SECTIONS[2:]]
    assert "<title>Demo &lt;report&gt;</title>" in html
    assert "nb201/cifar10 · edgegpu_energy" in html  # a non-default target gets its own label
    assert "How to read this." in html
    assert html.count("How to read this.") == 13
    assert "xgb &lt;b&gt;&amp;&lt;/b&gt;" in html and ODD_LABEL not in html  # labels escaped
    assert "ValueError: something broke" in html  # failed runs listed with their error
    assert "other-suite" not in html and "suites demo" not in html  # suite filter
    assert "zcp:jacov" in html  # SHAP overview table names top features


def test_suite_filter_and_failures(store):
    data = load_report_data(store, suites=["demo"])
    assert "other-suite" not in set(data.results["run_id"])
    assert len(data.results) == len(data.ok_results) + 1
    everything = load_report_data(store)
    assert "other-suite" in set(everything.results["run_id"])
    assert len(everything.results) == len(data.results) + 1
    with pytest.raises(KeyError, match="no suite named \\['dmeo'\\]"):
        load_report_data(store, suites=["dmeo"])


def test_empty_store_still_renders(tmp_path):
    path = tmp_path / "empty.duckdb"
    ResultsStore(path).add([])  # creates nothing; the file does not exist yet
    with pytest.raises(FileNotFoundError, match="no results store"):
        load_report_data(path)
    html = build_report(ReportData())
    assert offline_problems(html) == []
    assert sections(html) == SECTIONS
    assert "<img" not in html


def test_results_schema_is_checked():
    with pytest.raises(KeyError, match=r"lacks columns \['spearman'\]"):
        ReportData(
            results=pd.DataFrame(
                {
                    c: [1]
                    for c in ("task", "features", "predictor", "train_size", "seed", "kendall_tau")
                }
            )
        )


def test_write_report_is_atomic_and_complete(store, tmp_path):
    out = write_report(tmp_path / "sub" / "r.html", load_report_data(store))
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert [p.name for p in out.parent.iterdir()] == ["r.html"]


def test_checker_flags_external_and_broken_content():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 10).decode()
    bad = f"""<html><head>
    <link rel="stylesheet" href="https://cdn.example/x.css">
    <style>body {{ background: url("//cdn.example/bg.png"); }}</style>
    <script src="http://example.com/app.js"></script></head><body>
    <img src="https://example.com/a.png" alt="remote">
    <img src="data:image/png;base64,!!!notbase64" alt="garbled">
    <img src="data:image/png;base64,{base64.b64encode(b"GIF89a...").decode()}" alt="wrong type">
    <img src="data:image/png;base64,{png}" alt="fine">
    <a href="//example.com/page">x</a><a href="#local">y</a>
    </body></html>"""
    problems = offline_problems(bad)
    text = "\n".join(problems)
    assert "external href='https://cdn.example/x.css'" in text
    assert "<style> loads an external resource" in text
    assert "<script src='http://example.com/app.js'>" in text
    assert "'remote'" in text
    assert "'garbled'" in text and "does not decode" in text
    assert "'wrong type'" in text and "not a PNG image" in text
    assert "'fine'" not in text
    assert "external href='//example.com/page'" in text
    assert "#local" not in text


def test_committed_example_report_is_self_contained():
    example = ROOT / "reports" / "quickstart.html"
    assert example.is_file(), "the example report reports/quickstart.html is missing"
    text = example.read_text(encoding="utf-8")
    assert offline_problems(text) == []
    assert sections(text) == SECTIONS
    assert text.count("<img ") >= 5
