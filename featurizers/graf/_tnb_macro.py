"""GRAF features of TransNAS-Bench-101 macro networks (a chain of 4–6 modules).

The reference (``graf_nas/features/tnb101_macro.py`` @ 635defe, config ``tnb101_macro.json``)
gives 16 features:

``module_count[<kind>]``
    Modules of each kind, in the reference's order: ``channel_x2_stride_2`` (code 4),
    ``channel_x2`` (2), ``stride_2`` (3), ``basic`` (1).
``cum_channel_doublings[i]`` / ``cum_downsamplings[i]``, i = 0..5
    Channel-doubling / downsampling modules among modules 0..i; 0 for positions past the last
    module (the reference resets its counters there).

The reference decides "doubles channels" as ``code % 2 == 0`` on every entry of the key it is
given; fed NASLib's 0-padded 6-tuples it would count each padding 0 as a channel-doubling module.
predbench counts only real modules, which is what ``pos_state``'s reset past the end intends.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .._base import flatten_rows
from ._config import Group

#: Module kinds in the reference's ``count_ops`` order, with their codes.
KINDS: tuple[tuple[str, int], ...] = (
    ("channel_x2_stride_2", 4),
    ("channel_x2", 2),
    ("stride_2", 3),
    ("basic", 1),
)
POSITIONS = 6


class TNB101MacroGraf:
    kind = "chain"
    GROUPS_WITH_SUBSETS: tuple[str, ...] = ()
    GROUPS_WITHOUT_SUBSETS = ("count_ops", "pos_state")
    ops: tuple[str, ...] = tuple(k for k, _ in KINDS)
    subset_ops: tuple[str, ...] = ()

    def check_space(self, space: ModuleType) -> None:
        if space.MAX_MODULES != POSITIONS:
            raise AssertionError(f"{space.NAME}: expected at most {POSITIONS} modules")

    def names(self, group: Group) -> list[str]:
        if group.name == "count_ops":
            return [f"module_count[{kind}]" for kind, _ in KINDS]
        if group.name == "pos_state":
            return [
                name
                for i in range(POSITIONS)
                for name in (f"cum_channel_doublings[{i}]", f"cum_downsamplings[{i}]")
            ]
        raise KeyError(group.name)

    def load(self, space: ModuleType, archs: list[object]) -> np.ndarray:
        return space.to_ops(archs)  # (g, 6) codes 1..4, 0 = no module

    def compute(self, space: ModuleType, group: Group, codes: np.ndarray) -> list[np.ndarray]:
        if group.name == "count_ops":
            counts = np.stack([(codes == c).sum(axis=1) for _, c in KINDS], axis=1)
            return [counts.astype(np.int8)]
        if group.name == "pos_state":
            real = codes > 0
            doublings = np.cumsum(real & (codes % 2 == 0), axis=1)
            downsamplings = np.cumsum(codes > 2, axis=1)
            state = np.stack([doublings, downsamplings], axis=2) * real[:, :, None]
            return [flatten_rows(state).astype(np.int8)]
        raise KeyError(group.name)
