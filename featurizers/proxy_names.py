"""Names and conventions of NAS-Bench-Suite-Zero's zero-cost proxies, shared by everything that
reads or computes them (the data readers, the ``zcp`` features, the proxy engine)."""

from __future__ import annotations

#: The 13 zero-cost proxies of NAS-Bench-Suite-Zero, in its alphabetical order.
PROXY_NAMES: tuple[str, ...] = (
    "epe_nas",
    "fisher",
    "flops",
    "grad_norm",
    "grasp",
    "jacov",
    "l2_norm",
    "nwot",
    "params",
    "plain",
    "snip",
    "synflow",
    "zen",
)

#: Score NAS-Bench-Suite-Zero stores for a proxy that could not be computed (no input→output
#: path, or a NaN/inf score).
FAILED_PROXY: float = -1e8
