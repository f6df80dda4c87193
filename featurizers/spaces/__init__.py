"""Search spaces: one module per space, each a set of plain functions over canonical arch ids.

Every space module exposes at least:

``NAME``
    Short name used everywhere (``"nb201"``).
``EXPECTED``
    A sentence describing the accepted arch forms (used in error messages).
``parse(arch) -> str`` / ``parse_many(archs) -> list[str]``
    Any form a user meets → the canonical id; :class:`InvalidArchError` naming the arch otherwise.
``is_valid(archs) -> np.ndarray``
    Validity per arch (dead ops, size limits, ...).
``sample(n, random_state, valid_only=False) -> list[str]``
    Uniform samples of canonical ids.
``mutate(arch, random_state) -> str`` / ``neighbours(arch) -> list[str]``
    The local moves used by evolution and local search.

Spaces small enough to enumerate also expose ``all_archs()``. Every space exposes the arrays that
vectorized featurizers work on:

* ``nb201``, ``tnb101_micro``: ``(n, 6)`` ops per edge (``to_ops`` / ``from_ops``);
* ``tnb101_macro``: ``(n, 6)`` module codes right-padded with 0 (``to_ops``), plus per-module
  ``out_channels``, ``strides``, ``channel_doubling``, ``resolution_divisor``;
* ``nb101``: ``to_arrays`` → adjacency ``(n, 7, 7)``, ops ``(n, 7)`` (padding -1), node counts;
  ``graph_hash`` gives NAS-Bench-101's own hash;
* ``nb301``: ``to_arrays`` → ops and input nodes, each ``(n, 2, 8)`` (cell × edge).

Use :func:`get_space` to go from a name (or alias such as ``"nasbench201"``) to the module.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from ._errors import InvalidArchError
from ._protocol import EnumerableSpace, OpsSpace, SearchSpace

#: Canonical space name → module name inside this package.
SPACES: dict[str, str] = {
    "nb201": "nb201",
    "tnb101_micro": "tnb101_micro",
    "tnb101_macro": "tnb101_macro",
    "nb101": "nb101",
    "nb301": "nb301",
}

#: Other spellings users meet (NASLib benchmark names, paper names) → canonical space name.
ALIASES: dict[str, str] = {
    "nasbench201": "nb201",
    "nas-bench-201": "nb201",
    "nasbench101": "nb101",
    "nas-bench-101": "nb101",
    "nasbench301": "nb301",
    "nas-bench-301": "nb301",
    "darts": "nb301",
    "transbench101_micro": "tnb101_micro",
    "transnas-bench-101-micro": "tnb101_micro",
    "tnb101-micro": "tnb101_micro",
    "transbench101_macro": "tnb101_macro",
    "transnas-bench-101-macro": "tnb101_macro",
    "tnb101-macro": "tnb101_macro",
}


def space_name(name: str) -> str:
    """Canonical space name for ``name`` or one of its aliases (case-insensitive)."""
    key = str(name).strip().lower()
    key = ALIASES.get(key, key)
    if key not in SPACES:
        raise KeyError(f"unknown search space {name!r}; choose from {sorted(SPACES)}")
    return key


def get_space(name: str | ModuleType) -> Any:
    """The space module for ``name`` (imported on first use; a :class:`SearchSpace`). A module is
    returned unchanged."""
    if isinstance(name, ModuleType):
        return name
    return importlib.import_module(f"{__name__}.{SPACES[space_name(name)]}")


__all__ = [
    "ALIASES",
    "SPACES",
    "EnumerableSpace",
    "InvalidArchError",
    "OpsSpace",
    "SearchSpace",
    "get_space",
    "space_name",
]
