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

Slow servers. A per-read socket timeout alone never ends a download from a server that sends a
byte every few seconds, so HTTP downloads have two deadlines (seconds, set by environment):

* ``PREDBENCH_DOWNLOAD_STALL`` (default 30): a download that receives fewer than
  :data:`STALL_MIN_BYTES` bytes in any such window (or nothing at all) is abandoned;
* ``PREDBENCH_DOWNLOAD_DEADLINE`` (default 600): the most one file may take from request to
  last byte.

Either raises :class:`DownloadTimeoutError` (naming the URL, the bytes received and the setting
to change) and is not retried. The temporary file is deleted; temporary files that a killed
process left in the cache (pooch's ``tmp*``) are removed by the next fetch into that folder once
they are older than the deadline, so a concurrent download's file is never touched.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

with warnings.catch_warnings():
    # pooch imports tqdm.auto for its own progress bars, which we never use (our downloaders draw
    # rich bars); in a Jupyter kernel without ipywidgets that import alone warns "IProgress not
    # found" (TqdmWarning) into every notebook that loads a task.
    warnings.filterwarnings("ignore", message="IProgress not found")
    import pooch

from featurizers.io import default_file_mode

from .registry import RegistryEntry, load_registry

ENV_CACHE = "PREDBENCH_CACHE"
ENV_MIRROR = "PREDBENCH_MIRROR"
ENV_STALL = "PREDBENCH_DOWNLOAD_STALL"
ENV_DEADLINE = "PREDBENCH_DOWNLOAD_DEADLINE"
DEFAULT_STALL_S = 30.0
DEFAULT_DEADLINE_S = 600.0
#: Fewer bytes than this in one stall window counts as a stalled download.
STALL_MIN_BYTES = 1024
_CHUNK = 1 << 20
_HTTP_READ = 64 << 10
#: pooch's temporary download files: ``tempfile.NamedTemporaryFile`` names in the target folder.
_POOCH_TMP = re.compile(r"^tmp[a-z0-9_]{8}$")


class DataIntegrityError(ValueError):
    """A downloaded file whose sha256 differs from the registry's (it was deleted, not cached)."""


class DownloadError(OSError):
    """A download the server refused (HTTP 4xx): names the URL, status and what to check."""


class DownloadTimeoutError(DownloadError, TimeoutError):
    """A download that stalled or ran past its deadline (the partial file was deleted)."""


def _seconds(env: str, default: float) -> float:
    text = os.environ.get(env, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{env}={text!r}: expected a positive number of seconds")
    return value


def stall_seconds() -> float:
    """Stall window (``$PREDBENCH_DOWNLOAD_STALL``, default 30 s)."""
    return _seconds(ENV_STALL, DEFAULT_STALL_S)


def deadline_seconds() -> float:
    """Whole-file deadline (``$PREDBENCH_DOWNLOAD_DEADLINE``, default 600 s)."""
    return _seconds(ENV_DEADLINE, DEFAULT_DEADLINE_S)


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
        root = _local_mirror_root(mirror() or "")
        if not root.is_dir():
            raise FileNotFoundError(
                f"{ENV_MIRROR}={mirror()!r}: no such folder ({root}); point it at the folder "
                "holding the <owner>__<repo>/... files, or unset it to download from upstream"
            )
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


class _HTTPDownload:
    """pooch downloader over HTTP(S) with a stall window and a whole-file deadline.

    Reads with ``read1`` (returns as soon as any bytes arrive), so both limits are checked while
    a slow server trickles; the socket timeout equals the stall window, so a silent server ends
    it too. 4xx answers and deadlines raise :class:`DownloadError` (pooch does not retry them);
    5xx and connection errors stay ``requests`` exceptions, which pooch retries for upstream.
    """

    def __init__(self, name: str, progressbar: Any = None) -> None:
        self.name = name
        self.progressbar = progressbar
        self.stall = stall_seconds()
        self.deadline = deadline_seconds()

    def _timeout(self, url: str, received: int, why: str) -> DownloadTimeoutError:
        return DownloadTimeoutError(
            f"download of {self.name!r} from {url} {why} after {received:,} bytes; deleted the "
            f"partial file. Check the server or mirror, or raise {ENV_STALL} / {ENV_DEADLINE} "
            f"(now {self.stall:g} s / {self.deadline:g} s)"
        )

    def __call__(self, url: str, output_file: Any, pooch_obj: Any, check_only: bool = False) -> Any:
        import requests
        from urllib3.exceptions import ReadTimeoutError

        if check_only:
            raise NotImplementedError("availability checks are not used by predbench")
        start = time.monotonic()
        received = 0
        try:
            response = requests.get(url, stream=True, timeout=(self.stall, self.stall))
        except requests.exceptions.Timeout as exc:
            raise self._timeout(url, 0, f"got no answer in {self.stall:g} s") from exc
        with response:
            if 400 <= response.status_code < 500:
                raise DownloadError(
                    f"{url}: HTTP {response.status_code} {response.reason} while fetching "
                    f"{self.name!r}; check {ENV_MIRROR} ({mirror() or 'unset: upstream host'})"
                    " holds the file under that path"
                )
            response.raise_for_status()
            bar = self.progressbar
            if bar:
                length = response.headers.get("content-length")
                bar.total = int(length) if length and length.isdigit() else None
            raw = response.raw
            read = getattr(raw, "read1", None) or raw.read
            window_start, window_bytes = start, 0
            own = not hasattr(output_file, "write")
            out = open(output_file, "wb") if own else output_file
            complete = False
            try:
                while True:
                    try:
                        block = read(_HTTP_READ, decode_content=True)
                    except (ReadTimeoutError, TimeoutError) as exc:
                        raise self._timeout(
                            url, received, f"received nothing for {self.stall:g} s"
                        ) from exc
                    if not block:
                        break
                    out.write(block)
                    received += len(block)
                    window_bytes += len(block)
                    if bar:
                        bar.update(len(block))
                    now = time.monotonic()
                    if now - start > self.deadline:
                        raise self._timeout(url, received, f"ran past {self.deadline:g} s")
                    if now - window_start >= self.stall:
                        if window_bytes < STALL_MIN_BYTES:
                            raise self._timeout(
                                url,
                                received,
                                f"stalled (fewer than {STALL_MIN_BYTES} bytes in {self.stall:g} s)",
                            )
                        window_start, window_bytes = now, 0
                complete = True
            finally:
                if own:
                    out.close()
                if bar and complete:
                    bar.close()  # a failed download keeps its partial bar
        return None


def remove_stale_temporaries(folder: Path, older_than_s: float | None = None) -> list[Path]:
    """Delete pooch temporary files (``tmp*``) in ``folder`` left by a killed download.

    Only files named like pooch's temporaries, not registry names, and last modified more than
    ``older_than_s`` ago (default: the download deadline plus a minute) are removed: a download
    still running in another process writes its file at least once per stall window.
    """
    limit = (deadline_seconds() + 60.0) if older_than_s is None else older_than_s
    now = time.time()
    removed = []
    try:
        candidates = list(folder.iterdir())
    except FileNotFoundError:
        return removed
    for path in candidates:
        if not _POOCH_TMP.match(path.name) or not path.is_file() or path.is_symlink():
            continue
        try:
            if now - path.stat().st_mtime > limit:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
    return removed


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
        if not hasattr(output_file, "write"):
            # pooch's temporary file is private (0600); the cache holds ordinary, shareable files.
            os.chmod(output_file, default_file_mode())
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
    inner = _LocalCopy(entry.name, bar) if local else _HTTPDownload(entry.name, bar)
    remove_stale_temporaries((files_dir() / entry.name).parent)
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
        stat = path.stat()
        if stat.st_size == entry.size and _sha256(path) == entry.sha256:
            if stat.st_mode & 0o777 == 0o600 and default_file_mode() != 0o600:
                _relax_mode(path)  # written private by predbench 0.1.0
            return path
    except FileNotFoundError:
        pass
    return None


def _relax_mode(path: Path) -> None:
    try:
        os.chmod(path, default_file_mode())
    except PermissionError:
        pass  # another user's cache file: leave it as it is


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
