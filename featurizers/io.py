"""Atomic file output shared by every writer in featurizers and predbench.

A long run that is interrupted must never leave a half-written table, report, model or cache
entry where a finished one is expected. :func:`atomic_write` gives the writer a temporary file in
the destination folder (same file system, so the final rename is atomic), renames it onto the
destination only after the writer returned, and removes it on any error or interrupt.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a fresh temporary file beside ``path``, then rename it onto ``path``.

    The file gets an ordinary file's permissions (``0o666`` minus the umask), not the private mode
    of :func:`tempfile.mkstemp`. Parent folders are created. Returns ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
