"""HTML pieces of the report: one page, its style inline, nothing fetched from anywhere.

Plain string building with :func:`html.escape` on every value that comes from data: the page has
no scripts, no external stylesheets, fonts or images (figures are ``data:`` URIs), so it opens the
same offline, in a mail attachment or in a sandboxed viewer. Long pages stay navigable without
scripts: a nested table of contents links every section and every task block, and each block is
a ``<details open>`` element the reader can fold away.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1d2330;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 64px; background: #ffffff;
  box-shadow: 0 0 0 1px #e3e6eb; min-height: 100vh; }
h1 { font-size: 28px; margin: 8px 0 4px; }
h2 { font-size: 21px; margin: 40px 0 8px; padding-top: 12px; border-top: 2px solid #e3e6eb; }
h3 { font-size: 17px; margin: 26px 0 6px; }
p.lead { color: #4a5263; margin: 0 0 12px; }
nav.toc { background: #f1f4f8; border-radius: 6px; padding: 10px 16px; margin: 16px 0; }
nav.toc ol { margin: 4px 0; padding-left: 22px; }
nav.toc a { color: #1a4f9c; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
nav.toc ol ol { font-size: 14px; padding-left: 18px; }
details.group { margin: 10px 0 6px; border-top: 1px solid #e3e6eb; }
details.group > summary { cursor: pointer; padding: 4px 0; }
details.group > summary > h3 { display: inline; margin: 0; }
details.group[open] > summary { margin-bottom: 4px; }
figure { margin: 14px 0 22px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e3e6eb;
  border-radius: 4px; }
figcaption { font-size: 14px; color: #3b4252; background: #fafbfc; border-left: 3px solid #9bb4d6;
  padding: 6px 10px; margin-top: 6px; }
figcaption b { color: #1d2330; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid #e3e6eb; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f1f4f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
div.scroll { overflow-x: auto; }
p.note { color: #6b7385; font-size: 14px; font-style: italic; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
  background: #f1f4f8; padding: 0 3px; border-radius: 3px; }
footer { margin-top: 40px; color: #6b7385; font-size: 13px; }
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def slug(text: str) -> str:
    """An id for an anchor: lowercase letters, digits and dashes."""
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p) or "section"


def figure(uri: str, alt: str, how_to_read: str, name: str | None = None) -> str:
    """An inline image with its "how to read this" caption (``how_to_read`` is trusted HTML).

    ``name`` is the figure's stable file name (``predbench report --figures DIR``), shown after
    the caption so a reader can find the SVG/PDF/CSV of what they see.
    """
    file_note = (
        f' <span class="file">Exported by <code>--figures</code> as '
        f"<code>{esc(name)}.svg/.pdf/.csv</code>.</span>"
        if name
        else ""
    )
    return (
        f'<figure><img src="{esc(uri)}" alt="{esc(alt)}">'
        f"<figcaption><b>How to read this.</b> {how_to_read}{file_note}</figcaption></figure>"
    )


def _cell(value: object, floatfmt: str) -> tuple[str, bool]:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "", False
    if isinstance(value, bool | np.bool_):
        return ("yes" if value else "no"), False
    if isinstance(value, float | np.floating):
        return format(float(value), floatfmt), True
    if isinstance(value, int | np.integer):
        return f"{int(value):,}", True
    if value is pd.NA:
        return "", False
    return esc(value), False


def table(frame: pd.DataFrame, *, floatfmt: str = ".3f", index: bool = False) -> str:
    """A DataFrame as an HTML table (values escaped, numbers right-aligned)."""
    if index:
        frame = frame.reset_index()
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for value in record:
            text, numeric = _cell(value, floatfmt)
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def note(text: str) -> str:
    """An italic remark; `backticked` parts become ``<code>``."""
    parts = esc(text).split("`")
    body = "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
    return f'<p class="note">{body}</p>'


@dataclass
class Section:
    """One ``<h2>`` section: title, anchor, an intro paragraph and its body HTML."""

    title: str
    intro: str = ""
    parts: list[str] = field(default_factory=list)
    #: ``(title, anchor)`` of the collapsible blocks, for the table of contents.
    groups: list[tuple[str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return slug(self.title)

    def add(self, *html_parts: str) -> Section:
        self.parts.extend(html_parts)
        return self

    def group(self, title: str, *html_parts: str) -> Section:
        """A collapsible block (open at first) with its own ``<h3>`` and table-of-contents entry."""
        anchor = base = f"{self.anchor}--{slug(title)}"
        n = 2
        while anchor in {a for _, a in self.groups}:
            anchor = f"{base}-{n}"
            n += 1
        self.groups.append((title, anchor))
        self.parts.append(
            f'<details class="group" id="{anchor}" open><summary><h3>{esc(title)}</h3></summary>'
            f"{''.join(html_parts)}</details>"
        )
        return self

    def render(self) -> str:
        intro = f'<p class="lead">{self.intro}</p>' if self.intro else ""
        return f'<section id="{self.anchor}"><h2>{esc(self.title)}</h2>{intro}{"".join(self.parts)}</section>'


def page(title: str, subtitle: str, sections: Sequence[Section], footer: str) -> str:
    """The whole document."""
    toc = "".join(_toc_entry(s) for s in sections)
    body = "".join(s.render() for s in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head>"
        f'<body><main><h1>{esc(title)}</h1><p class="lead">{subtitle}</p>'
        f'<nav class="toc"><b>Contents</b><ol>{toc}</ol></nav>{body}'
        f"<footer>{footer}</footer></main></body></html>\n"
    )


def _toc_entry(section: Section) -> str:
    subs = "".join(f'<li><a href="#{a}">{esc(t)}</a></li>' for t, a in section.groups)
    nested = f"<ol>{subs}</ol>" if subs else ""
    return f'<li><a href="#{section.anchor}">{esc(section.title)}</a>{nested}</li>'


def bullet_list(items: Iterable[str]) -> str:
    """``<ul>`` of trusted HTML items."""
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
