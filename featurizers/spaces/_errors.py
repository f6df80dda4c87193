"""Errors raised by search-space modules."""

from __future__ import annotations

import reprlib


class InvalidArchError(ValueError):
    """An architecture that a search space cannot parse.

    The message always names the offending input and the forms the space accepts, so that a user
    reading a traceback from a 10,000-row file knows which row to fix and how.
    """

    def __init__(self, space: str, arch: object, expected: str, reason: str = "") -> None:
        self.space = space
        self.arch = arch
        self.expected = expected
        self.reason = reason
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"{space}: cannot parse architecture {short_repr(arch)}{why}; expected {expected}"
        )


def short_repr(value: object, limit: int = 700) -> str:
    """``repr(value)`` of at most ``limit`` characters, built without a full repr of a huge input
    (strings and containers are abbreviated by :mod:`reprlib`): an error never quotes megabytes."""
    text = _REPR.repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 5]} ...{text[-1]}"


_REPR = reprlib.Repr()
_REPR.maxstring = 600
_REPR.maxother = 600
_REPR.maxlong = 60
for _name in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxarray", "maxdeque"):
    setattr(_REPR, _name, 16)
_REPR.maxlevel = 4
