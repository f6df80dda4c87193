"""Open an HTML report in a real headless Chromium and check that it renders on its own.

Fails (exit code 1) on any of:

* a JavaScript exception, or an error-level console/log message;
* a network request for anything other than the file itself or a ``data:`` URI (the report must
  open offline), or a request that fails;
* an ``<img>`` that did not load or decodes to an empty image;
* no ``<h2>`` section at all.

It also saves a full-page PNG screenshot, to look at the layout.

Needs the Debian ``chromium`` package (``apt-get install -y chromium``) or ``--chromium PATH``,
and tornado (installed with ipykernel / dask) for the DevTools websocket. Usage::

    python scripts/check_report.py reports/quickstart.html --screenshot /tmp/quickstart.png

Chromium is started with ``--headless --no-sandbox --disable-gpu --disable-background-networking
--disable-component-update --no-first-run`` and a throw-away profile, driven through the Chrome
DevTools Protocol, and stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
)

IMAGE_CHECK = """
(() => Array.from(document.images).map((img, i) => ({
    index: i,
    alt: img.alt,
    scheme: img.getAttribute('src').split(':')[0],
    ok: img.complete && img.naturalWidth > 0 && img.naturalHeight > 0,
    width: img.naturalWidth,
    height: img.naturalHeight,
})))()
"""
PAGE_FACTS = """
(() => ({
    title: document.title,
    sections: Array.from(document.querySelectorAll('h2')).map(h => h.textContent),
    scripts: document.scripts.length,
    stylesheets: Array.from(document.querySelectorAll('link[rel=stylesheet]')).length,
    height: document.documentElement.scrollHeight,
}))()
"""


class DevTools:
    """A minimal Chrome DevTools Protocol session over one websocket."""

    def __init__(self, connection):
        self.connection = connection
        self.next_id = 0
        self.events: list[dict] = []

    async def call(self, method: str, **params) -> dict:
        self.next_id += 1
        message_id = self.next_id
        await self.connection.write_message(
            json.dumps({"id": message_id, "method": method, "params": params})
        )
        while True:
            raw = await self.connection.read_message()
            if raw is None:
                raise RuntimeError(f"DevTools connection closed while waiting for {method}")
            message = json.loads(raw)
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    async def wait_for(self, event: str, timeout: float) -> None:
        if any(e["method"] == event for e in self.events):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(
                    self.connection.read_message(), deadline - time.monotonic()
                )
            except TimeoutError:
                break
            if raw is None:
                break
            message = json.loads(raw)
            if "method" in message:
                self.events.append(message)
                if message["method"] == event:
                    return
        raise RuntimeError(f"no {event} within {timeout:.0f} s")

    async def drain(self, seconds: float) -> None:
        """Collect events for a little while (late requests, late errors)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                raw = await asyncio.wait_for(self.connection.read_message(), left)
            except TimeoutError:
                return
            if raw is None:
                return
            message = json.loads(raw)
            if "method" in message:
                self.events.append(message)

    async def evaluate(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluation failed: {result['exceptionDetails']}")
        return result["result"]["value"]


def _find_chromium(given: str | None) -> str:
    for candidate in (given, "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    sys.exit(
        "check_report: no Chromium found; install it (Debian: apt-get install -y chromium) or pass "
        "--chromium PATH"
    )


def _devtools_port(profile: Path, process: subprocess.Popen, timeout: float = 60.0) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"chromium exited with code {process.returncode} before DevTools opened"
            )
        if marker.exists():
            lines = marker.read_text().splitlines()
            if lines and lines[0].strip().isdigit():
                return int(lines[0])
        time.sleep(0.1)
    raise RuntimeError(f"chromium opened no DevTools port within {timeout:.0f} s")


async def _inspect(ws_url: str, page_url: str, width: int, screenshot: Path | None) -> dict:
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(ws_url, max_message_size=1 << 30)
    tools = DevTools(connection)
    for domain in ("Page", "Runtime", "Log", "Network"):
        await tools.call(f"{domain}.enable")
    await tools.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=900,
        deviceScaleFactor=1,
        mobile=False,
    )
    await tools.call("Page.navigate", url=page_url)
    await tools.wait_for("Page.loadEventFired", timeout=60)
    await tools.drain(1.0)
    images = await tools.evaluate(IMAGE_CHECK)
    facts = await tools.evaluate(PAGE_FACTS)
    shot = None
    if screenshot is not None:
        metrics = await tools.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = await tools.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
        )
    connection.close()
    return {"events": tools.events, "images": images, "facts": facts, "screenshot": shot}


def check(report: Path, screenshot: Path | None, chromium: str | None, width: int) -> list[str]:
    """Problems found (empty when the report is fine)."""
    binary = _find_chromium(chromium)
    page_url = report.resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="check-report-") as profile:
        process = subprocess.Popen(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port = _devtools_port(Path(profile), process)
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/json/list", timeout=10
            ) as response:
                targets = json.load(response)
            page = next(t for t in targets if t.get("type") == "page")
            result = asyncio.run(
                _inspect(page["webSocketDebuggerUrl"], page_url, width, screenshot)
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    problems: list[str] = []
    for event in result["events"]:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            problems.append(
                f"JavaScript exception: {details.get('text')} {details.get('exception', {}).get('description', '')}"
            )
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            problems.append(f"console error: {[a.get('value') for a in params.get('args', [])]}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            problems.append(
                f"browser log error: {params['entry'].get('text')} {params['entry'].get('url', '')}"
            )
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not (url.startswith("data:") or url == page_url):
                problems.append(f"network request: {url[:200]}")
        elif method == "Network.loadingFailed":
            problems.append(
                f"failed load: {params.get('errorText')} (request {params.get('requestId')})"
            )
    for image in result["images"]:
        if image["scheme"] != "data":
            problems.append(f"image {image['index']} ({image['alt']!r}) is not a data: URI")
        if not image["ok"]:
            problems.append(f"image {image['index']} ({image['alt']!r}) did not load or is empty")
    facts = result["facts"]
    if not facts["sections"]:
        problems.append("the page has no <h2> section")
    if facts["stylesheets"]:
        problems.append(f"{facts['stylesheets']} external stylesheet link(s)")
    print(
        f"{report}: title {facts['title']!r}, {len(facts['sections'])} sections, "
        f"{len(result['images'])} images ({sum(i['ok'] for i in result['images'])} rendered), "
        f"{facts['scripts']} scripts, page height {facts['height']:,} px"
    )
    for name in facts["sections"]:
        print(f"  section: {name}")
    if screenshot is not None and result["screenshot"] is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(result["screenshot"]["data"]))
        print(f"screenshot: {screenshot}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="HTML file to check")
    parser.add_argument("--screenshot", type=Path, help="write a full-page PNG here")
    parser.add_argument("--chromium", help="Chromium binary (default: chromium on PATH)")
    parser.add_argument("--width", type=int, default=1200, help="viewport width in CSS pixels")
    args = parser.parse_args(argv)
    if not args.report.is_file():
        parser.error(f"{args.report}: no such file")
    problems = check(args.report, args.screenshot, args.chromium, args.width)
    for problem in problems:
        print(f"FAIL: {problem}")
    print("OK: renders offline with no errors" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
