"""File input and output shared by every reader and writer in featurizers and predbench.

A long run that is interrupted must never leave a half-written table, report, model or cache
entry where a finished one is expected. :func:`atomic_write` gives the writer a temporary file in
the destination folder (same file system, so the final rename is atomic), renames it onto the
destination only after the writer returned, and removes it on any error or interrupt.

A process killed outright (SIGKILL, power loss) cannot remove its temporary file. Temporary
names carry the writer's host and process id (``.<name>.<pid>-<host>-<random>.tmp``), so the next
write to the same destination removes the ones whose process is gone (same host, pid not
running); one from another host, or from an older predbench without the id, is removed once it
is a day old. A temporary file of a writer still running is never touched.

:func:`read_text` reads a user's text file (arch lists, suites) and turns the ways it can be the
wrong kind of file — a folder, binary data, another encoding — into one error naming the file.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

#: Age after which a temporary file whose writer cannot be checked is considered abandoned.
STALE_AFTER_S = 24 * 3600.0
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_OWNED = re.compile(r"^(\d+)-([0-9a-f]{8})-")


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def default_file_mode() -> int:
    """``0o666`` minus the process umask: the mode an ordinary new file gets."""
    return _default_mode()


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temporaries(
    path: str | os.PathLike[str], stale_after_s: float = STALE_AFTER_S
) -> list[Path]:
    """Delete temporary files of :func:`atomic_write` for ``path`` whose writer is gone.

    Only names ``.<name of path>.*.tmp`` in ``path``'s folder are considered. One written on this
    host is removed when its process no longer runs; any other only when older than
    ``stale_after_s``. Returns the files removed.
    """
    path = Path(path)
    prefix = f".{path.name}."
    removed: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except (FileNotFoundError, NotADirectoryError):
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            owner = _OWNED.match(name[len(prefix) :])
            if owner and owner.group(2) == _HOST:
                stale = not _pid_running(int(owner.group(1)))
            else:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > stale_after_s
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except FileNotFoundError:
            continue  # removed meanwhile by another writer
    return removed


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a fresh temporary file beside ``path``, then rename it onto ``path``.

    The file gets an ordinary file's permissions (``0o666`` minus the umask), not the private mode
    of :func:`tempfile.mkstemp`. Parent folders are created; temporary files for ``path`` left by
    killed writers are removed first (:func:`remove_stale_temporaries`). Returns ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}-{_HOST}-", suffix=".tmp", dir=path.parent
    )
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


class UnreadableFileError(ValueError):
    """A file that is not the text file expected (missing, a folder, binary, bad encoding)."""


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """The UTF-8 text of a user's file, or :class:`UnreadableFileError` naming it and the fix."""
    path = Path(path)
    if path.is_dir():
        raise UnreadableFileError(f"{path}: is a folder, expected a {what}")
    if not path.exists():
        raise UnreadableFileError(f"{path}: no such {what}")
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise UnreadableFileError(f"{path}: binary data, expected a {what} (UTF-8 text)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"{path}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            f"expected a {what}; save it as UTF-8"
        ) from None
