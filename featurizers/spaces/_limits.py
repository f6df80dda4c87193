"""Size limits applied before parsing, so no input can make a parser work without bound.

Every space is small: at most 7 nodes (NB101), 8 edges per cell (NB301), 6 edges or modules
(NB201, TransNAS-Bench-101). A genotype string or sequence longer than any arch of the space can
be refused before it is scanned, expanded or evaluated — a 100-byte ``range(0, 10**12)`` must not
cost minutes of CPU or gigabytes of memory, and an error message must not quote megabytes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from ._errors import InvalidArchError


def check_text(space: str, arch: str, expected: str, limit: int) -> None:
    """Refuse a string longer than ``limit`` characters (longer than any form of the space)."""
    if len(arch) > limit:
        raise InvalidArchError(
            space,
            arch,
            expected,
            f"{len(arch):,} characters, longer than any {space} arch (at most {limit:,})",
        )


def bounded_list(
    values: Iterable[object], limit: int, space: str, arch: object, expected: str, what: str
) -> list[object]:
    """``list(values)``, refusing more than ``limit`` items without reading past them."""
    try:
        size = len(values)  # type: ignore[arg-type]
    except TypeError:
        size = None
    if size is not None and size > limit:
        raise InvalidArchError(space, arch, expected, f"{what} has {size:,} items, at most {limit}")
    try:
        out = list(islice(iter(values), limit + 1))
    except TypeError as exc:
        raise InvalidArchError(space, arch, expected, f"{what} is not a sequence") from exc
    if len(out) > limit:
        raise InvalidArchError(space, arch, expected, f"{what} has more than {limit} items")
    return out
