"""One self-contained HTML report of a benchmark: accuracy curves, heatmaps, SHAP, search.

Typical use::

    from predbench.report import load_report_data, write_report

    data = load_report_data("results/predbench.duckdb", suites=["quickstart"])
    write_report("reports/quickstart.html", data, figures_dir="figures/")

The page embeds its figures as base64 PNG ``data:`` URIs and its style inline; it has no scripts
and fetches nothing, so it opens offline; a table of contents and one collapsible block per task
keep long pages navigable. With ``figures_dir`` every figure is also written as SVG and PDF, at
print size, with the CSV of the numbers it draws, under a stable name
(``<section>__<task>__<what>``, :mod:`predbench.report._export`). :class:`ReportData` documents
the tables it reads, so a report can also be made from DataFrames built some other way.
"""

from predbench.report._build import build_report, write_report
from predbench.report._check import decode_data_uri, offline_problems, sections
from predbench.report._data import (
    REQUIRED_RESULT_COLUMNS,
    ReportData,
    load_report_data,
    task_label,
    versions_table,
)

__all__ = [
    "REQUIRED_RESULT_COLUMNS",
    "ReportData",
    "build_report",
    "decode_data_uri",
    "load_report_data",
    "offline_problems",
    "sections",
    "task_label",
    "versions_table",
    "write_report",
]
