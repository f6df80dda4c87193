"""Feature sets as written by users: ``"zcp+graf"``, ``"graf+zcp[flops,params]"``.

The one grammar of a feature set, used by suites, search strategies and ``predbench featurize``:
families joined by ``+``; ``zcp`` alone means every proxy available, ``zcp[a,b]`` keeps only
those proxies (in the order given). Family names are case-insensitive; a family may appear once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ZCP_PICK = re.compile(r"^zcp\[(?P<names>[^\]]*)\]$", re.IGNORECASE)


@dataclass(frozen=True)
class FeatureSet:
    """A parsed feature set: families in order, and the proxies kept by ``zcp`` (None: all)."""

    spec: str
    families: tuple[str, ...]
    proxies: tuple[str, ...] | None

    @property
    def uses_proxies(self) -> bool:
        return "zcp" in self.families

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
    proxies: tuple[str, ...] | None = None
    for part in (p.strip() for p in spec.split("+")):
        match = _ZCP_PICK.match(part)
        if match:
            names = tuple(n.strip() for n in match["names"].split(",") if n.strip())
            if not names:
                raise ValueError(f"{part!r} selects no proxy; write e.g. zcp[flops,params]")
            if len(set(names)) != len(names):
                raise ValueError(f"{part!r} names a proxy twice")
            proxies, part = names, "zcp"
        if not part or "[" in part or "]" in part:
            raise ValueError(f"feature set {spec!r} has a malformed part {part!r}")
        if part.lower() in families:
            raise ValueError(f"feature set {spec!r} names {part!r} twice")
        families.append(part.lower())
    return FeatureSet(spec.strip(), tuple(families), proxies)
