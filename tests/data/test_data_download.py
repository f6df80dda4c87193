"""Downloads: real HTTP on 127.0.0.1, local mirrors, corrupted and truncated files refused."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from predbench.data import DataIntegrityError, fetch, fetch_all, load_registry
from predbench.data.download import files_dir, source_url
from tests.conftest import ROOT, shared_path

#: A small registry file (5,458 bytes) used for the byte-level tests.
SMALL = "automl__NASLib/naslib/data/archs/archs_transbench101_micro9x.json"
#: A second one, so one test can fetch two files over HTTP.
LICENSE = "HayeonLee__HELP/LICENSE"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, data_mirror: Path) -> Iterator[dict[str, str]]:
    """An HTTP server on 127.0.0.1 serving three mirrors: good, corrupted, truncated.

    ``good`` is the shared data folder itself; ``corrupt`` holds a copy of :data:`SMALL` with one
    byte flipped, ``truncated`` one cut in half. Yields mirror URLs by name.
    """
    root = tmp_path_factory.mktemp("http-root")
    os.symlink(data_mirror, root / "good")
    data = (data_mirror / SMALL).read_bytes()
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    for mirror, content in (("corrupt", bytes(flipped)), ("truncated", data[: len(data) // 2])):
        target = root / mirror / SMALL
        target.parent.mkdir(parents=True)
        target.write_bytes(content)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield {
        "good": f"{base}/good",
        "corrupt": f"{base}/corrupt",
        "truncated": f"{base}/truncated",
        "root": str(root),
    }
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("PREDBENCH_CACHE", str(cache))
    return cache


def _all_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_http_download_is_verified_and_cached(served, fresh_cache, monkeypatch):
    monkeypatch.setenv("PREDBENCH_MIRROR", served["good"])
    paths = fetch_all([SMALL, LICENSE], progress=False)
    for name, path in paths.items():
        assert path == fresh_cache / "files" / name
        assert path.read_bytes() == shared_path(f"data/{name}").read_bytes()
    # A second fetch is served from the cache: the server is not needed any more.
    monkeypatch.setenv("PREDBENCH_MIRROR", "http://127.0.0.1:9/nothing-here")
    assert fetch(SMALL) == paths[SMALL]


@pytest.mark.parametrize(("mirror", "word"), [("corrupt", "corrupted"), ("truncated", "truncated")])
def test_bad_http_download_is_refused_and_not_cached(
    served, fresh_cache, monkeypatch, mirror, word
):
    monkeypatch.setenv("PREDBENCH_MIRROR", served[mirror])
    bad = Path(served["root"]) / mirror / SMALL
    expected = load_registry()[SMALL].sha256
    with pytest.raises(DataIntegrityError) as info:
        fetch(SMALL)
    message = str(info.value)
    assert SMALL in message
    assert "SHA256" in message
    assert f"expected sha256:{expected}" in message
    assert f"got sha256:{_sha256(bad)}" in message
    assert "Deleted" in message and word in message
    assert _all_files(fresh_cache) == []  # no bad file, no temporary file left behind


def test_local_mirror_copies_and_verifies(fresh_cache, data_mirror, monkeypatch):
    monkeypatch.setenv("PREDBENCH_MIRROR", str(data_mirror))
    path = fetch(SMALL)
    assert path == files_dir() / SMALL
    assert not path.is_symlink()
    assert _sha256(path) == load_registry()[SMALL].sha256


def test_relative_local_mirror(fresh_cache, monkeypatch):
    """``PREDBENCH_MIRROR=../shared/data`` from the project root, as the README shows."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PREDBENCH_MIRROR", "../shared/data")
    assert fetch(LICENSE).read_bytes() == shared_path(f"data/{LICENSE}").read_bytes()


def test_corrupted_local_mirror_is_refused(fresh_cache, tmp_path, data_mirror, monkeypatch):
    mirror = tmp_path / "mirror"
    target = mirror / SMALL
    target.parent.mkdir(parents=True)
    data = bytearray((data_mirror / SMALL).read_bytes())
    data[0] ^= 0x20
    target.write_bytes(bytes(data))
    monkeypatch.setenv("PREDBENCH_MIRROR", str(mirror))
    with pytest.raises(DataIntegrityError, match=f"got sha256:{_sha256(target)}"):
        fetch(SMALL)
    assert _all_files(fresh_cache) == []


def test_damaged_cached_file_is_fetched_again(fresh_cache, data_mirror, monkeypatch):
    monkeypatch.setenv("PREDBENCH_MIRROR", str(data_mirror))
    path = fetch(SMALL)
    path.chmod(0o644)
    path.write_bytes(b"damaged")
    assert _sha256(fetch(SMALL)) == load_registry()[SMALL].sha256


def test_missing_file_in_local_mirror_names_it(fresh_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("PREDBENCH_MIRROR", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match=f"has no file '{SMALL}'"):
        fetch(SMALL)
    assert _all_files(fresh_cache) == []


def test_unknown_name_is_refused():
    with pytest.raises(KeyError, match="is not in the predbench data registry"):
        fetch("automl__NASLib/no/such/file.json")


def test_source_urls(monkeypatch):
    entry = load_registry()[SMALL]
    monkeypatch.delenv("PREDBENCH_MIRROR")
    assert source_url(entry) == (
        "https://raw.githubusercontent.com/automl/NASLib/ba4ffd845db508e475085f48f3bd3f40af05b551/"
        "naslib/data/archs/archs_transbench101_micro9x.json"
    )
    assert source_url(entry, "https://example.org/mirror/") == (
        f"https://example.org/mirror/{SMALL}"
    )
    assert source_url(entry, "file:///srv/predbench") == f"/srv/predbench/{SMALL}"


def test_fetch_all_copies_the_whole_registry(data_mirror):
    """Into the session cache (the data_env fixture): every file arrives with its hash."""
    paths = fetch_all(progress=False)
    assert len(paths) == 67  # 65 + the two TA-GATES split files
    for name, path in paths.items():
        assert path.stat().st_size == load_registry()[name].size
