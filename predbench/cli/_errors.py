"""One line for every user or environment error, instead of a traceback.

A missing mirror folder, an HTTP 404, a checksum mismatch, a read-only cache, an unwritable
output path or a binary input file are not bugs: the user can fix each of them, and a 150-line
traceback hides what to fix. :class:`ErrorHandlingGroup` runs every ``predbench`` command inside a
handler that turns the known error types into ``error: <what> — <what to do>`` on stderr and exit
code 1. Anything else (a bug) still shows its traceback, and ``predbench --debug ...`` (or
``PREDBENCH_DEBUG=1``) shows the traceback for every error.
"""

from __future__ import annotations

import errno
import os
from typing import Any

import typer
from typer.core import TyperGroup

try:  # typer >= 0.17 carries its own copy of click
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import UsageError

#: Set by ``predbench --debug``: let errors propagate with their traceback.
DEBUG = {"on": False}
ENV_DEBUG = "PREDBENCH_DEBUG"

_OS_HINTS = {
    errno.EACCES: "no permission; choose a path you can write to or fix its permissions",
    errno.EPERM: "not permitted; choose another path or fix its permissions",
    errno.EROFS: "the file system is read-only; choose a writable path",
    errno.ENOSPC: "no space left on the device; free some space or choose another disk",
    errno.EISDIR: "is a folder; give a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENOENT: "no such file or folder; check the path",
    errno.EDQUOT: "disk quota exceeded; free some space",
    errno.EEXIST: "exists and is not a folder; choose another path",
}


def debug_enabled() -> bool:
    return DEBUG["on"] or os.environ.get(ENV_DEBUG, "").strip() not in ("", "0")


def _cache_hint(path: str) -> str:
    """Name the setting that chose ``path`` when it lies in predbench's cache."""
    try:
        from predbench.data import cache_dir

        cache = str(cache_dir())
    except Exception:  # the hint is optional
        return ""
    if path.startswith(cache):
        return f" (predbench's cache {cache}: set PREDBENCH_CACHE to a writable folder)"
    return ""


def describe(exc: BaseException) -> str | None:
    """The one-line message for a known user/environment error, ``None`` for anything else."""
    from featurizers.io import UnreadableFileError
    from featurizers.spaces import InvalidArchError
    from predbench.data import DataIntegrityError, MalformedFileError
    from predbench.data._cache import CacheMismatchError
    from predbench.data.download import DownloadError
    from predbench.runs.store import StoreBusyError, StoreVersionError
    from predbench.runs.suitefile import SuiteError

    known = (
        StoreBusyError,
        StoreVersionError,
        SuiteError,
        DataIntegrityError,
        DownloadError,
        MalformedFileError,
        InvalidArchError,
        UnreadableFileError,
        CacheMismatchError,
    )
    if isinstance(exc, known):
        return str(exc)
    try:
        import requests

        if isinstance(exc, requests.exceptions.ConnectionError):
            url = getattr(getattr(exc, "request", None), "url", None) or ""
            return (
                f"cannot connect to {url or 'the server'} ({_first_reason(exc)}); check the "
                "network, or point PREDBENCH_MIRROR at a reachable mirror (a folder works too)"
            )
        if isinstance(exc, requests.exceptions.RequestException):
            url = getattr(getattr(exc, "request", None), "url", None) or ""
            return f"download from {url or 'the server'} failed: {exc}"
    except ImportError:  # pragma: no cover - requests comes with pooch
        pass
    if type(exc).__module__.lstrip("_").startswith("duckdb") and {
        c.__name__ for c in type(exc).__mro__
    } & {"IOException", "PermissionException"}:
        # A store file that is damaged, locked or unreadable; SQL errors (bugs) keep a traceback.
        return f"results store: {exc}; check the store path, or move a damaged store aside"
    if isinstance(exc, OSError) and exc.errno is None and str(exc):
        return str(exc)  # raised with a message of its own (predbench's, naming the file)
    if isinstance(exc, OSError) and exc.errno in _OS_HINTS:
        name = exc.filename if exc.filename is not None else ""
        if exc.errno == errno.ENOENT and exc.filename is None:
            return str(exc)  # our own FileNotFoundError messages name the file already
        where = f"{name}: " if name else ""
        return f"{where}{_OS_HINTS[exc.errno]}{_cache_hint(str(name))}"
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}"
    if isinstance(exc, UnicodeDecodeError):
        return f"input is not UTF-8 text ({exc.reason} at byte {exc.start}); give a text file"
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0] if " " in exc.args[0] else None  # a sentence, not a bare key
    if isinstance(exc, ValueError) and str(exc):
        return str(exc)
    return None


def _first_reason(exc: BaseException) -> str:
    """The innermost reason of a connection error ('Connection refused'), not urllib3's repr."""
    text = str(exc)
    for marker in ("] ", "Errno"):
        if marker in text:
            tail = text.rsplit(marker, 1)[1]
            return tail.split("'")[0].split(")")[0].strip() or text
    return text


class ErrorHandlingGroup(TyperGroup):
    """The root command group: runs the chosen command inside the one-line error handler."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            # Raised by a command body (a bad file behind an option): one line, like the rest.
            # Errors found while parsing the command line keep click's usage panel.
            if debug_enabled():
                raise
            _print(" ".join(exc.format_message().split()))
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:
            if debug_enabled():
                raise
            _print("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            if debug_enabled():
                raise
            message = describe(exc)
            if message is None:
                raise
            _print(message + " (predbench --debug ... shows the traceback)")
            raise typer.Exit(1) from None


def _print(message: str) -> None:
    from ._ui import error_line

    error_line(message)
