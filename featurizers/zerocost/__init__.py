"""Zero-cost proxies (NAS-Bench-Suite-Zero's 13) computed for many architectures per call.

* :class:`ProxyEngine` / :func:`score_archs` — the engine: shared passes, chunks of archs run as
  one grouped network, CUDA or CPU (:mod:`.engine`).
* :class:`ZeroCostProxies` / :func:`proxies_frame` — the ``zcp`` feature family (:mod:`.transformer`).
* :mod:`.networks.nb201` — the NB201 torch network and its exact ``params`` / ``flops``.
* :mod:`.reference` — one proxy per pass and per network, the readable baseline.
* :mod:`.store` — NAS-Bench-Suite-Zero JSON / parquet output, resumable by chunk.
"""

from ._scores import FAILED_PROXY
from .engine import PROXIES, ProxyEngine, ProxyScores, pass_plan, resolve_proxies, score_archs
from .transformer import FAMILY, ZeroCostProxies, proxies_frame

__all__ = [
    "FAILED_PROXY",
    "FAMILY",
    "PROXIES",
    "ProxyEngine",
    "ProxyScores",
    "ZeroCostProxies",
    "pass_plan",
    "proxies_frame",
    "resolve_proxies",
    "score_archs",
]
