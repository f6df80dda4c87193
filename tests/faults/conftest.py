"""Fixtures for the fault tests: a real HTTP server on 127.0.0.1 with misbehaving modes."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import shared_path

#: A small registry file (5,458 bytes) the fault tests download.
SMALL = "automl__NASLib/naslib/data/archs/archs_transbench101_micro9x.json"


class _FaultyHandler(http.server.BaseHTTPRequestHandler):
    """Serves ``/<mode>/<registry name>`` from the shared mirror, misbehaving per ``mode``.

    ``good``: the file. ``trickle``: one byte a second. ``slow``: 600 bytes every 0.25 s
    (2.4 kB/s: never a stall, the 5,458-byte file still takes 2.3 s). ``missing``: 404.
    """

    mirror: Path

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        mode, _, name = self.path.lstrip("/").partition("/")
        path = self.mirror / name
        if mode == "missing" or not path.is_file():
            self.send_error(404, "Not Found")
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        step, pause = {"good": (len(data), 0.0), "trickle": (1, 1.0), "slow": (600, 0.25)}[mode]
        try:
            for i in range(0, len(data), step):
                self.wfile.write(data[i : i + step])
                self.wfile.flush()
                time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should


@pytest.fixture
def faulty_server() -> Iterator[str]:
    """Base URL of a :class:`_FaultyHandler` server on 127.0.0.1 (a real socket, a thread)."""
    handler = type("Handler", (_FaultyHandler,), {"mirror": shared_path("data")})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("PREDBENCH_CACHE", str(cache))
    return cache


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
