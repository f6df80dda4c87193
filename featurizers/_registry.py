"""Feature families by name, and feature sets written as ``"zcp+graf"``."""

from __future__ import annotations

from ._base import ArchFeaturizer
from .graf import Graf
from .onehot import OneHot
from .path import PathEncoding
from .transfer import TransferTargets
from .zcp import RecordedProxies

#: Family name → featurizer class. A family's columns are named ``"<family>:<name>"``.
FAMILIES: dict[str, type[ArchFeaturizer]] = {
    "onehot": OneHot,
    "path": PathEncoding,
    "graf": Graf,
    "zcp": RecordedProxies,
    "transfer": TransferTargets,
}


def parse_families(families: str | list[str] | tuple[str, ...]) -> list[str]:
    """``"zcp+graf"`` (or a list of names) → ``["zcp", "graf"]``, checked against the registry."""
    names = families.split("+") if isinstance(families, str) else list(families)
    names = [str(n).strip().lower() for n in names]
    if not names or any(not n for n in names):
        raise ValueError(
            f"feature set {families!r} is empty or has an empty part; write e.g. 'zcp+graf' "
            f"with families from {sorted(FAMILIES)}"
        )
    for name in names:
        if name not in FAMILIES:
            raise KeyError(f"unknown feature family {name!r}; choose from {sorted(FAMILIES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"feature set {families!r} names a family twice")
    return names


def make_featurizer(family: str, space: str, **params: object) -> ArchFeaturizer:
    """An unfitted featurizer of ``family`` for ``space`` with extra parameters ``params``."""
    (name,) = parse_families([family])
    return FAMILIES[name](space=space, **params)


def supported_families(space: str) -> list[str]:
    """Families that can encode ``space``."""
    from .spaces import space_name

    key = space_name(space)
    return [name for name, cls in FAMILIES.items() if key in cls.supported_spaces]
