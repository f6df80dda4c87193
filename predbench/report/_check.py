"""Static check that a report is self-contained, without a browser.

:func:`offline_problems` parses the HTML with :class:`html.parser.HTMLParser` and lists what would
make the page depend on the outside world or fail to show a figure: an ``src``/``href``/``action``
/``poster`` pointing at ``http:``, ``https:`` or a protocol-relative ``//`` URL, a ``<link>`` or
``<script>`` with an external source, CSS ``url(...)``/``@import`` of such a URL, and an ``<img>``
whose source is not a ``data:`` URI that decodes to a PNG, JPEG, GIF, WebP or SVG image. The
browser check (``scripts/check_report.py``) goes further and renders the page in Chromium.
"""

from __future__ import annotations

import base64
import binascii
import re
from html.parser import HTMLParser
from urllib.parse import unquote

_EXTERNAL = re.compile(r"^\s*(?:https?:|//)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?:https?:|//)|@import", re.IGNORECASE)
_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
_URL_ATTRIBUTES = ("src", "href", "action", "poster", "srcset", "data")


def decode_data_uri(uri: str) -> tuple[str, bytes]:
    """``data:<mime>[;base64],<payload>`` → (mime, bytes).

    Raises
    ------
    ValueError
        Not a data URI, or a payload that does not decode.
    """
    if not uri.startswith("data:") or "," not in uri:
        raise ValueError(f"not a data: URI: {uri[:40]!r}")
    header, payload = uri[5:].split(",", 1)
    parts = header.split(";")
    mime = parts[0].strip().lower() or "text/plain"
    if "base64" in (p.strip().lower() for p in parts[1:]):
        try:
            return mime, base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as err:
            raise ValueError(f"base64 payload of a {mime} data URI does not decode: {err}") from err
    return mime, unquote(payload).encode()


def _image_problem(uri: str) -> str | None:
    try:
        mime, data = decode_data_uri(uri)
    except ValueError as err:
        return str(err)
    if not data:
        return f"empty {mime} image"
    if mime == "image/svg+xml":
        return None if b"<svg" in data[:2048] else "SVG data URI without an <svg> element"
    signatures = _SIGNATURES.get(mime)
    if signatures is None:
        return f"unsupported image type {mime}"
    if not data.startswith(signatures):
        return f"{mime} data URI whose bytes are not a {mime.split('/')[1].upper()} image"
    return None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.images = 0
        self.h2: list[str] = []
        self._in: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        where = f"<{tag}> at line {self.getpos()[0]}"
        for name in _URL_ATTRIBUTES:
            if name in values and _EXTERNAL.search(values[name]):
                self.problems.append(f"{where}: external {name}={values[name][:80]!r}")
        if "style" in values and _CSS_URL.search(values["style"]):
            self.problems.append(f"{where}: style attribute loads an external resource")
        if tag == "img":
            self.images += 1
            problem = _image_problem(values.get("src", ""))
            if problem:
                self.problems.append(f"{where} (alt {values.get('alt', '')!r}): {problem}")
        if tag == "link" and values.get("href") and not values["href"].startswith(("#", "data:")):
            self.problems.append(f"{where}: <link> to {values['href'][:80]!r}")
        if tag == "script" and values.get("src"):
            self.problems.append(f"{where}: <script src={values['src'][:80]!r}>")
        if tag in ("style", "h2"):
            self._in.append(tag)
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
            text = "".join(self._text)
            if tag == "style" and _CSS_URL.search(text):
                self.problems.append("<style> loads an external resource (url(http…) or @import)")
            if tag == "h2":
                self.h2.append(text.strip())

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)


def offline_problems(text: str) -> list[str]:
    """Everything in the HTML ``text`` that would fetch from outside or show a broken image."""
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector.problems


def sections(text: str) -> list[str]:
    """Titles of the ``<h2>`` sections, in order."""
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector.h2
