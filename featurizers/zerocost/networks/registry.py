"""Which torch network module serves which search space, and task-name lookup.

A network module (``networks/<space>.py``) exposes ``NETWORK_VERSION``, ``task_io(dataset)`` and
``build_network(arch, dataset)``; optionally ``init_weights(net, generator)`` or
``init_parameters(net, generator)`` (default: PyTorch's construction-time distributions,
:func:`._init.default_init`), ``zen_init(net, generator)``
(default: :func:`._init.gaussian_init`), ``zen_features(net, x)`` (default:
:func:`.._modular.default_features`), ``count_params`` / ``count_flops``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType

#: Space name → module under :mod:`featurizers.zerocost.networks`.
MODULES: dict[str, str] = {
    "nb101": "nb101",
    "nb201": "nb201",
    "nb301": "nb301",
    "tnb101_micro": "tnb101_micro",
    "tnb101_macro": "tnb101_macro",
}


def network_module(space: str) -> ModuleType:
    """The network module of ``space`` (canonical space name)."""
    if space not in MODULES:
        raise ValueError(f"no torch network for space {space!r}; known: {sorted(MODULES)}")
    try:
        return importlib.import_module(f"{__package__}.{MODULES[space]}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith(MODULES[space]):
            raise ValueError(
                f"no torch network for space {space!r} in this installation "
                f"(featurizers/zerocost/networks/{MODULES[space]}.py is missing)"
            ) from None
        raise


def find_task(space: str, tasks: Mapping[str, object], dataset: str) -> str:
    """The key of ``tasks`` naming ``dataset`` (case, ``-`` and ``_`` ignored)."""

    def norm(text: str) -> str:
        return str(text).strip().lower().replace("-", "").replace("_", "")

    wanted = norm(dataset)
    for key in tasks:
        if norm(key) == wanted:
            return key
    raise ValueError(f"{space}: no network for dataset {dataset!r}; choose from {sorted(tasks)}")
