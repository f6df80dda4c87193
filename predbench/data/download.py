"""Checksummed downloads of registry files through pooch.

Where a file comes from:

* by default its pinned upstream URL (``https://raw.githubusercontent.com/<repo>/<commit>/<path>``);
* ``PREDBENCH_MIRROR=<http(s) URL>``: ``<URL>/<owner>__<repo>/<path>``;
* ``PREDBENCH_MIRROR=<folder>`` (or ``file://`` URL): the file at ``<folder>/<owner>__<repo>/<path>``,
  copied, so a mirror may live on a read-only or network file system.

Every byte that lands in the cache went through pooch's ``stream_download``: written to a temporary
file beside the target, its sha256 compared with the registry, and only then renamed into place.
A mismatch raises :class:`DataIntegrityError` (and the temporary file is removed), so the cache
never holds a file with the wrong hash under a registry name. A cached file whose hash no longer
matches (edited, damaged disk) is fetched again.

The cache is ``pooch.os_cache("predbench")`` (the platform's user cache folder) unless
``PREDBENCH_CACHE`` names another folder. Files live in ``<cache>/files/`` with the mirror layout,
so a cache folder can itself serve as ``PREDBENCH_MIRROR`` for another machine.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

import pooch

from .registry import RegistryEntry, load_registry

ENV_CACHE = "PREDBENCH_CACHE"
ENV_MIRROR = "PREDBENCH_MIRROR"
_CHUNK = 1 << 20


class DataIntegrityError(ValueError):
    """A downloaded file whose sha256 differs from the registry's (it was deleted, not cached)."""


def cache_dir() -> Path:
    """Root of predbench's cache: ``$PREDBENCH_CACHE`` or the user cache folder."""
    env = os.environ.get(ENV_CACHE)
    return Path(env).expanduser().resolve() if env else Path(pooch.os_cache("predbench"))


def files_dir() -> Path:
    """Folder holding downloaded files, laid out like a mirror."""
    return cache_dir() / "files"


def mirror() -> str | None:
    """The configured mirror (``$PREDBENCH_MIRROR``), or ``None`` for the upstream hosts."""
    value = os.environ.get(ENV_MIRROR, "").strip()
    return value or None


def source_url(entry: RegistryEntry, mirror_value: str | None = None) -> str:
    """Where ``entry`` is fetched from: upstream URL, mirror URL or mirror file path."""
    base = mirror() if mirror_value is None else mirror_value
    if base is None:
        return entry.url
    scheme = urlparse(base).scheme.lower()
    if scheme in ("http", "https"):
        return f"{base.rstrip('/')}/{quote(entry.name)}"
    return str(_local_mirror_root(base) / entry.name)


def _local_mirror_root(base: str) -> Path:
    if base.lower().startswith("file://"):
        base = unquote(urlparse(base).path)
    return Path(base).expanduser().resolve()


def _sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


class _LocalCopy:
    """pooch downloader copying a file from a local mirror folder (with progress)."""

    def __init__(self, name: str, progressbar: Any = None) -> None:
        self.name = name
        self.progressbar = progressbar

    def __call__(self, url: str, output_file: Any, pooch_obj: Any, check_only: bool = False) -> Any:
        src = Path(url)
        if check_only:
            return src.is_file()
        if not src.is_file():
            raise FileNotFoundError(
                f"{ENV_MIRROR}={mirror()!r} has no file {self.name!r}: expected it at {src} "
                "(a mirror folder has the layout <owner>__<repo>/<path>, like the registry names)"
            )
        bar = self.progressbar
        if bar:
            bar.total = src.stat().st_size
        own = not hasattr(output_file, "write")
        out = open(output_file, "wb") if own else output_file
        try:
            with open(src, "rb") as handle:
                for block in iter(lambda: handle.read(_CHUNK), b""):
                    out.write(block)
                    if bar:
                        bar.update(len(block))
        finally:
            if own:
                out.close()
            if bar:
                bar.close()
        return None


class _Verified:
    """Wrap a pooch downloader: check the sha256 of what it wrote and explain a mismatch.

    pooch checks the hash too, right after the downloader returns; checking here first lets the
    error name the registry entry, the source URL and the sizes. Raising inside pooch's
    ``stream_download`` makes pooch delete the temporary file, so nothing bad reaches the cache.
    """

    def __init__(self, inner: Any, entry: RegistryEntry) -> None:
        self.inner = inner
        self.entry = entry

    def __call__(self, url: str, output_file: Any, pooch_obj: Any, check_only: bool = False) -> Any:
        if check_only:
            return self.inner(url, output_file, pooch_obj, check_only=True)
        self.inner(url, output_file, pooch_obj)
        actual = _sha256(output_file)
        if actual != self.entry.sha256:
            size = os.path.getsize(output_file)
            sizes = (
                f" It has {size:,} bytes instead of {self.entry.size:,}"
                + (" (truncated)." if size < self.entry.size else ".")
                if size != self.entry.size
                else ""
            )
            raise DataIntegrityError(
                f"SHA256 hash of downloaded file {self.entry.name!r} (from {url}) does not match "
                f"the known hash: expected sha256:{self.entry.sha256} but got sha256:{actual}."
                f"{sizes} Deleted the download for safety: the cache keeps no copy of it. The "
                "download may have been corrupted (an interrupted transfer or a damaged mirror "
                "copy) or the known hash in the registry may be outdated."
            )
        return None


class _RichBar:
    """The progress-bar protocol pooch's downloaders call (``total``, ``update``, ``reset``,
    ``close``), drawn as one task of a :class:`rich.progress.Progress`."""

    def __init__(self, progress: Any, task_id: Any) -> None:
        self._progress = progress
        self.task_id = task_id
        self._total: float | None = None

    @property
    def total(self) -> float | None:
        return self._total

    @total.setter
    def total(self, value: float | None) -> None:
        self._total = value or None
        self._progress.update(self.task_id, total=self._total)

    def update(self, n: float) -> None:
        self._progress.advance(self.task_id, n)

    def reset(self) -> None:
        self._progress.reset(self.task_id, total=self.total)

    def close(self) -> None:
        total = self.total
        if total:
            self._progress.update(self.task_id, completed=total)


@contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Silence pooch's 'Downloading ...' log lines: the progress bars say it."""
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}", justify="left"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def _fetch_one(entry: RegistryEntry, progress: Any | None, *, transient: bool = False) -> Path:
    url = source_url(entry)
    local = not urlparse(url).scheme.lower().startswith("http")
    label = entry.name.split("/", 1)[1]
    bar = None
    if progress is not None:
        bar = _RichBar(progress, progress.add_task(label, total=entry.size))
        bar.total = entry.size
    inner = _LocalCopy(entry.name, bar) if local else pooch.HTTPDownloader(progressbar=bar or False)
    fetcher = pooch.create(
        path=files_dir(),
        base_url="",
        registry={entry.name: f"sha256:{entry.sha256}"},
        urls={entry.name: url},
        retry_if_failed=0 if (local or mirror()) else 2,
    )
    try:
        return Path(fetcher.fetch(entry.name, downloader=_Verified(inner, entry)))
    finally:
        if bar is not None and transient:
            progress.remove_task(bar.task_id)


def _cached(entry: RegistryEntry) -> Path | None:
    """The cached copy of ``entry`` if it has the registry's size and sha256."""
    path = files_dir() / entry.name
    try:
        if path.stat().st_size == entry.size and _sha256(path) == entry.sha256:
            return path
    except FileNotFoundError:
        pass
    return None


def fetch(name: str, *, progress: bool | None = None) -> Path:
    """Local path of registry file ``name``, downloading and verifying it first if needed.

    Parameters
    ----------
    name
        Registry name, the mirror-relative path ``<owner>__<repo>/<path>``.
    progress
        Draw a progress bar on stderr while downloading (nothing is drawn for a cached file);
        default: when stderr is a terminal.

    Raises
    ------
    KeyError
        ``name`` is not in the registry.
    DataIntegrityError
        The downloaded bytes do not have the registry's sha256 (the download was deleted).
    """
    return fetch_all([name], progress=progress)[name]


def fetch_all(
    names: Iterable[str] | None = None, *, progress: bool | None = None
) -> dict[str, Path]:
    """Fetch several registry files (default: all of them); name → local path.

    Files already in the cache with the right size and hash are not downloaded again; progress
    bars (one per file and one overall) are drawn only when something is downloaded, and by
    default only when stderr is a terminal.
    """
    if progress is None:
        progress = sys.stderr.isatty()
    registry = load_registry()
    entries = [registry[n] for n in (registry if names is None else names)]
    out: dict[str, Path] = {}
    missing = []
    for entry in entries:
        path = _cached(entry)
        if path is None:
            missing.append(entry)
        else:
            out[entry.name] = path
    if missing:
        with _quiet_pooch(), _progress() if progress else nullcontext() as bars:
            overall = None
            if bars is not None and len(missing) > 1:
                overall = bars.add_task(f"{len(missing)} files", total=sum(e.size for e in missing))
            for entry in missing:
                out[entry.name] = _fetch_one(entry, bars, transient=overall is not None)
                if overall is not None:
                    bars.advance(overall, entry.size)
    return {e.name: out[e.name] for e in entries}
