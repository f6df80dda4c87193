"""Zero-cost proxies (NAS-Bench-Suite-Zero's 13) computed for many architectures per call.

* :class:`ProxyEngine` / :func:`score_archs` — the engine: shared passes, chunks of archs run as
  one grouped network, CUDA or CPU (:mod:`.engine`).
* :class:`ZeroCostProxies` / :func:`proxies_frame` — the ``zcp`` feature family (:mod:`.transformer`).
* :mod:`.networks` — the torch network of each space (NB101, NB201, NB301, ...) behind one
  interface (``task_io``, ``build_network``), with exact ``params`` / ``flops``.
* :func:`computed_proxies` — scores of arbitrary archs through a cache keyed by (space, canonical
  arch, proxy, minibatch definition, network version), computing only what is missing
  (:mod:`.cache`).
* :mod:`.cluster` — chunks spread over Dask workers.
* :mod:`.reference` — one proxy per pass and per network, the readable baseline.
* :mod:`.store` — NAS-Bench-Suite-Zero JSON / parquet output, resumable by chunk.
"""

from ._scores import FAILED_PROXY
from .cache import computed_proxies
from .engine import PROXIES, ProxyEngine, ProxyScores, pass_plan, resolve_proxies, score_archs
from .transformer import FAMILY, ZeroCostProxies, proxies_frame

__all__ = [
    "FAILED_PROXY",
    "FAMILY",
    "PROXIES",
    "ProxyEngine",
    "ProxyScores",
    "ZeroCostProxies",
    "computed_proxies",
    "pass_plan",
    "proxies_frame",
    "resolve_proxies",
    "score_archs",
]
