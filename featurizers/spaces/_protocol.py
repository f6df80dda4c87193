"""What a search-space module provides, as typed protocols instead of attribute probes.

Every space module satisfies :class:`SearchSpace`. Spaces small enough to list in full also
satisfy :class:`EnumerableSpace`; spaces whose archs are a fixed-length vector of op codes (NB201,
TransNAS-Bench-101 micro) satisfy :class:`OpsSpace`. Callers ask ``isinstance(space,
EnumerableSpace)`` — checked against the protocol, so a new space module that implements the
methods is recognised without registering anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class SearchSpace(Protocol):
    """The functions every space module exposes (see :mod:`featurizers.spaces`)."""

    NAME: str
    EXPECTED: str

    def parse(self, arch: Any) -> str: ...

    def parse_many(self, archs: Sequence[Any]) -> list[str]: ...

    def is_valid(self, archs: Sequence[str]) -> np.ndarray: ...

    def sample(self, n: int, random_state: Any = None, valid_only: bool = False) -> list[str]: ...

    def mutate(self, arch: str, random_state: Any = None) -> str: ...

    def neighbours(self, arch: str) -> list[str]: ...


@runtime_checkable
class EnumerableSpace(SearchSpace, Protocol):
    """A space whose every arch can be listed."""

    def all_archs(self) -> list[str]: ...


@runtime_checkable
class OpsSpace(SearchSpace, Protocol):
    """A space whose archs are rows of op codes (``to_ops`` / ``from_ops``)."""

    def to_ops(self, archs: Sequence[str]) -> np.ndarray: ...

    def from_ops(self, ops: np.ndarray) -> list[str]: ...
