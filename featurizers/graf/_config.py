"""GRAF feature configs: which feature groups to compute, over which op subsets.

A config is a list of entries in the format of the reference implementation's JSON files
(``graf_nas/configs/<space>.json`` of github.com/gabikadlecova/GRAF), so those files can be passed
as they are::

    [{"name": "op_count"},
     {"name": "min_path_len", "allowed": ["skip_connect", "none", "nor_conv_3x3"]}]

``name``
    A feature group of the space (:data:`GROUPS` of its implementation).
``allowed``
    The ops the group is restricted to; required by groups computed per op subset.
``allowed_mode``
    ``"product"`` (default): every non-empty subset of ``allowed``, by size, then in
    ``itertools.combinations`` order over the list as written (the reference's order);
    ``"raw"``: ``allowed`` is already a list of subsets; ``"raw_str"``: a list of
    comma-separated subsets (``"skip_connect,none"``).

predbench also accepts ``allowed`` on ``op_count`` (the reference does not): each subset S then
gives the number of positions whose op is in S.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

#: Default configs, entry for entry the reference's ``graf_nas/configs/<space>.json`` @ 635defe.
NB201_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
TNB101_MICRO_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3")
NB101_OPS = ("maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu")
NB301_OPS = (
    "max_pool_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
)


def _cell_config(ops: Sequence[str], groups: Sequence[str]) -> tuple[dict, ...]:
    return ({"name": "op_count"}, *({"name": g, "allowed": list(ops)} for g in groups))


DEFAULT_CONFIGS: dict[str, tuple[dict, ...]] = {
    "nb201": _cell_config(NB201_OPS, ("min_path_len", "max_op_on_path", "node_degree")),
    "tnb101_micro": _cell_config(
        TNB101_MICRO_OPS, ("min_path_len", "max_op_on_path", "node_degree")
    ),
    "nb101": _cell_config(NB101_OPS, ("min_path_len", "max_op_on_path", "node_degree")),
    "nb301": _cell_config(NB301_OPS, ("max_op_on_path", "node_degree")),
    "tnb101_macro": ({"name": "count_ops"}, {"name": "pos_state"}),
}


@dataclass(frozen=True)
class Group:
    """One resolved config entry: a feature group and the op subsets it is computed over.

    ``subsets`` is ``None`` for groups computed once (``op_count`` without ``allowed``).
    """

    name: str
    subsets: tuple[tuple[str, ...], ...] | None


def op_subsets(ops: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """All non-empty subsets of ``ops``: by size, then ``itertools.combinations`` order."""
    return tuple(
        subset
        for size in range(1, len(ops) + 1)
        for subset in itertools.combinations(tuple(ops), size)
    )


def load_config(config: object) -> list[dict]:
    """Config entries from a list of dicts, a JSON string, or the path of a JSON file."""
    if isinstance(config, Path) or (
        isinstance(config, str) and not config.lstrip().startswith("[")
    ):
        path = Path(config)
        if not path.is_file():
            raise FileNotFoundError(f"GRAF config file {str(path)!r} does not exist")
        try:
            config = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"GRAF config file {str(path)!r} is not valid JSON: {exc}") from exc
    elif isinstance(config, str):
        config = json.loads(config)
    if not isinstance(config, Sequence) or isinstance(config, (str, bytes)):
        raise TypeError(f"a GRAF config is a list of entries, got {type(config).__name__}")
    entries = list(config)
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or "name" not in entry:
            raise ValueError(
                f"GRAF config entry {i} must be a mapping with a 'name', got {entry!r}"
            )
    return [dict(e) for e in entries]


def resolve_config(
    entries: Sequence[Mapping],
    *,
    space: str,
    ops: Sequence[str],
    groups_with_subsets: Sequence[str],
    groups_without_subsets: Sequence[str],
) -> tuple[Group, ...]:
    """Check config entries against a space and expand their op subsets.

    ``ops`` are the op names that ``allowed`` may use; the groups lists say which groups need
    ``allowed`` and which take none (``op_count`` takes it optionally).
    """
    known = [*groups_without_subsets, *groups_with_subsets]
    resolved: list[Group] = []
    for i, entry in enumerate(entries):
        name = entry["name"]
        where = f"GRAF config entry {i} ({name!r}) for {space}"
        if name not in known:
            raise ValueError(f"{where}: unknown feature group; choose from {known}")
        extra = set(entry) - {"name", "allowed", "allowed_mode"}
        if extra:
            raise ValueError(
                f"{where}: unknown keys {sorted(extra)}; expected name, allowed, allowed_mode"
            )
        if "allowed" not in entry:
            if name in groups_with_subsets and name != "op_count":
                raise ValueError(f"{where}: needs 'allowed', the ops to form subsets of")
            resolved.append(Group(name, None))
            continue
        if name in groups_without_subsets and name != "op_count":
            raise ValueError(f"{where}: takes no 'allowed'")
        subsets = _expand(entry, where)
        for subset in subsets:
            unknown = [op for op in subset if op not in ops]
            if unknown:
                raise ValueError(f"{where}: unknown ops {unknown}; the space has {list(ops)}")
        resolved.append(Group(name, subsets))
    return tuple(resolved)


def _expand(entry: Mapping, where: str) -> tuple[tuple[str, ...], ...]:
    allowed = entry["allowed"]
    mode = entry.get("allowed_mode", "product")
    if isinstance(allowed, str) or not isinstance(allowed, Sequence) or not allowed:
        raise ValueError(f"{where}: 'allowed' must be a non-empty list, got {allowed!r}")
    if mode == "product":
        if not all(isinstance(op, str) for op in allowed):
            raise ValueError(f"{where}: 'allowed' must list op names in product mode")
        if len(set(allowed)) != len(allowed):
            raise ValueError(f"{where}: 'allowed' lists an op twice: {list(allowed)}")
        return op_subsets(allowed)
    if mode == "raw":
        subsets = [tuple(s) for s in allowed]
    elif mode == "raw_str":
        subsets = [tuple(op.strip() for op in s.split(",")) for s in allowed]
    else:
        raise ValueError(f"{where}: allowed_mode must be product, raw or raw_str, got {mode!r}")
    if any(not s for s in subsets):
        raise ValueError(f"{where}: empty op subset in {list(allowed)}")
    return tuple(subsets)


@cache
def subset_masks(ops: tuple[str, ...], subsets: tuple[tuple[str, ...], ...]) -> np.ndarray:
    """Bitmask per subset over op positions in ``ops`` (bit i set: ``ops[i]`` in the subset).

    Cached per (op list, subsets): a fitted config asks for the same masks on every call.
    """
    index = {op: i for i, op in enumerate(ops)}
    masks = np.asarray([sum(1 << index[op] for op in s) for s in subsets], dtype=np.int64)
    masks.flags.writeable = False
    return masks


def member_table(ops: tuple[str, ...], subsets: tuple[tuple[str, ...], ...]) -> np.ndarray:
    """``(S, len(ops))`` bool: op ``i`` belongs to subset ``s``."""
    return ((subset_masks(ops, subsets)[:, None] >> np.arange(len(ops))) & 1).astype(bool)
