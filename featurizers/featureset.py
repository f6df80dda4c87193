"""Feature sets as written by users: ``"zcp+graf"``, ``"graf+zcp[flops,params]"``.

The one grammar of a feature set, used by suites, search strategies and ``predbench featurize``:
families joined by ``+``; ``zcp`` alone means every proxy available, ``zcp[a,b]`` keeps only
those proxies (in the order given). ``transfer[cifar100,ImageNet16-120]`` names the other tasks
of the same space whose recorded accuracy becomes a feature (:mod:`featurizers.transfer`); it must
name them, since which tasks exist is the data's business. Family names are case-insensitive; a
family may appear once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PICK = re.compile(r"^(?P<family>zcp|transfer)\[(?P<names>[^\]]*)\]$", re.IGNORECASE)


@dataclass(frozen=True)
class FeatureSet:
    """A parsed feature set: families in order, the proxies kept by ``zcp`` (None: all), and
    the source tasks of ``transfer`` (None: the family is not used)."""

    spec: str
    families: tuple[str, ...]
    proxies: tuple[str, ...] | None
    sources: tuple[str, ...] | None = None

    @property
    def uses_proxies(self) -> bool:
        return "zcp" in self.families

    @property
    def uses_transfer(self) -> bool:
        return "transfer" in self.families

    def __str__(self) -> str:
        return self.spec


def parse_feature_set(spec: str | FeatureSet) -> FeatureSet:
    """``"graf+zcp[flops,params]"`` → families ``("graf", "zcp")``, proxies ``("flops", "params")``.

    Raises ``ValueError`` on an empty part, a repeated family or a malformed ``zcp[...]``; which
    families exist for a space is checked where the space is known
    (:func:`featurizers.supported_families`).
    """
    if isinstance(spec, FeatureSet):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"a feature set must be a non-empty string like 'zcp+graf', got {spec!r}")
    families: list[str] = []
    picks: dict[str, tuple[str, ...]] = {}
    for part in (p.strip() for p in spec.split("+")):
        match = _PICK.match(part)
        if match:
            names = tuple(n.strip() for n in match["names"].split(",") if n.strip())
            family = match["family"].lower()
            if not names:
                what = "proxy" if family == "zcp" else "task"
                example = "zcp[flops,params]" if family == "zcp" else "transfer[cifar100]"
                raise ValueError(f"{part!r} selects no {what}; write e.g. {example}")
            if len(set(names)) != len(names):
                what = "proxy" if family == "zcp" else "task"
                raise ValueError(f"{part!r} names a {what} twice")
            picks[family], part = names, family
        if not part or "[" in part or "]" in part:
            raise ValueError(f"feature set {spec!r} has a malformed part {part!r}")
        if part.lower() in families:
            raise ValueError(f"feature set {spec!r} names {part!r} twice")
        if part.lower() == "transfer" and "transfer" not in picks:
            raise ValueError(
                f"feature set {spec!r}: the transfer family names its source tasks, e.g. "
                "transfer[cifar100,ImageNet16-120] (other tasks of the same space)"
            )
        families.append(part.lower())
    return FeatureSet(spec.strip(), tuple(families), picks.get("zcp"), picks.get("transfer"))
