"""Issue 16, defect 10: no arch input makes a parser work without bound.

0.1.0 expanded an NB301 genotype with ``normal_concat=range(0, 10**12)`` (100 bytes of text) until
MemoryError, after minutes of CPU, and quoted multi-megabyte inputs back in its errors. Every
parse is now bounded by the space's real sizes (at most 7 nodes, 8 edges per cell, 6 edges or
modules), checked before anything is expanded. Each hostile input below must be refused with
:class:`InvalidArchError` in well under a second, with a message of bounded length.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from featurizers.spaces import InvalidArchError, get_space

DARTS = (
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
    "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
    "('dil_conv_3x3', 2)], normal_concat={concat}, reduce=[('max_pool_3x3', 0), "
    "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])"
)


class _Genotype:
    """A genotype object whose concat is a real ``range`` of 10**12 nodes."""

    normal = [("sep_conv_3x3", 0), ("sep_conv_3x3", 1)] * 4
    reduce = [("max_pool_3x3", 0), ("max_pool_3x3", 1)] * 4
    normal_concat = range(0, 10**12)
    reduce_concat = range(2, 6)


def _endless():
    while True:
        yield 0


HOSTILE = [
    ("nb301", DARTS.format(concat="range(0, 10**12)")),
    ("nb301", DARTS.format(concat="range(0, 1000000000000)")),
    ("nb301", DARTS.format(concat="range(1, 2, 3, 4)")),
    ("nb301", _Genotype()),
    ("nb301", "[" * 100_000 + "]" * 100_000),
    ("nb301", "(" + "1, " * 2_000_000 + ")"),
    ("nb201", "(" + "0, " * 5_000_000 + ")"),
    ("nb201", list(range(10**6))),
    ("nb201", np.zeros(10**7, dtype=np.int8)),
    ("tnb101_micro", "|" * 10**7),
    ("nb101", "(" + "0, " * 5_000_000 + "0)"),
    ("nb101", {"matrix": [[0, 1], [0, 0]], "ops": range(10**12)}),
    ("nb101", {"matrix": [[0, 1], [0, 0]], "ops": _endless()}),
    ("nb101", [0] * 10**6),
    ("tnb101_macro", "(" + "1, " * 5_000_000 + ")"),
    ("tnb101_macro", range(10**12)),
]


@pytest.mark.parametrize(
    ("space", "arch"), HOSTILE, ids=[f"{s}-{i}" for i, (s, _) in enumerate(HOSTILE)]
)
def test_fault_unbounded_input(space, arch):
    module = get_space(space)
    start = time.perf_counter()
    with pytest.raises(InvalidArchError) as info:
        module.parse(arch)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, f"{elapsed:.2f} s"
    assert len(str(info.value)) < 2_000


def test_real_genotypes_still_parse():
    """The bounds leave every real form alone: DARTS writes concat as range(2, 6) or a list."""
    nb301 = get_space("nb301")
    a = nb301.parse(DARTS.format(concat="range(2, 6)"))
    b = nb301.parse(DARTS.format(concat="[2, 3, 4, 5]"))
    assert a == b and a.startswith("normal|")
    with pytest.raises(InvalidArchError, match=r"concatenate \[2, 3, 4, 5\]"):
        nb301.parse(DARTS.format(concat="range(0, 6)"))
    assert get_space("nb101").parse("(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 3, 1)") == "c1~0|out~1"
