"""Errors raised by search-space modules."""

from __future__ import annotations


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
        super().__init__(f"{space}: cannot parse architecture {arch!r}{why}; expected {expected}")
