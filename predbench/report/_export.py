"""The report's figures as files for a paper: SVG and PDF drawings plus the CSV behind each.

Every figure of the page gets one stable name, ``<section>__<task>__<what>``, made only of lowercase
letters, digits, dashes and the double underscores between the parts, so a LaTeX document or a
plotting script can refer to ``curves__nb201-cifar10__tau-rho.pdf`` across re-runs of the report.
The drawings carry no creation date, so the same data gives the same files byte for byte; the CSV
holds the numbers the figure draws (means and intervals *before* any clipping for display).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from featurizers.io import atomic_write
from predbench.report._html import slug

#: Formats written for every figure, in this order.
FORMATS: tuple[str, ...] = ("svg", "pdf", "csv")

#: rcParams of saved drawings: text kept as TrueType in PDF (editable, embeddable by journals),
#: drawn as paths in SVG (looks the same without the fonts); no timestamps in either file.
SAVE_RC: dict[str, object] = {
    "pdf.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "predbench",
}
_NO_DATE = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}


def figure_stem(section: str, task: str, what: str) -> str:
    """``<section>__<task>__<what>``, each part reduced to lowercase letters, digits and dashes."""
    return "__".join(slug(part) for part in (section, task, what))


def _drawing(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context(SAVE_RC):
        fig.savefig(buffer, format=fmt, facecolor="white", metadata=_NO_DATE[fmt])
    return buffer.getvalue()


def write_figure(
    directory: str | os.PathLike[str], stem: str, fig: Figure, data: pd.DataFrame
) -> list[Path]:
    """Write ``stem.svg``, ``stem.pdf`` and ``stem.csv`` into ``directory`` (atomically, each)."""
    directory = Path(directory)
    paths = []
    for fmt in ("svg", "pdf"):
        payload = _drawing(fig, fmt)
        paths.append(
            atomic_write(directory / f"{stem}.{fmt}", lambda p, b=payload: p.write_bytes(b))
        )
    text = data.to_csv(index=False, lineterminator="\n")
    paths.append(
        atomic_write(directory / f"{stem}.csv", lambda p: p.write_text(text, encoding="utf-8"))
    )
    return paths


@dataclass
class FigureExport:
    """Collects the figures of one report; writes them to ``directory`` when one is given.

    Names are made unique within the report (a second figure with the same stem gets ``-2``), so
    nothing is overwritten silently.
    """

    directory: Path | None = None
    stems: list[str] = field(default_factory=list)

    def add(self, fig: Figure, data: pd.DataFrame, *, section: str, task: str, what: str) -> str:
        """Record (and maybe write) one figure; return its stable name."""
        stem = base = figure_stem(section, task, what)
        n = 2
        while stem in self.stems:
            stem = f"{base}-{n}"
            n += 1
        self.stems.append(stem)
        if self.directory is not None:
            write_figure(self.directory, stem, fig, data)
        return stem
