"""NAS-Bench-301 / DARTS space: a normal and a reduction cell, each of 4 intermediate nodes.

Each intermediate node ``k`` (0..3) sums two edges ``(input, op)``; inputs are numbered as in a
DARTS ``Genotype``: 0 and 1 are the cell's two inputs (outputs of the previous two cells), ``2 + j``
is intermediate node ``j``, so node ``k`` may read inputs ``0 .. k + 1``. The two inputs of a node
must differ (DARTS keeps the two strongest distinct predecessors; NAS-Bench-301's configuration
space has no other choice). The cell output concatenates all four intermediate nodes
(``concat = [2, 3, 4, 5]``).

Ops, by NASLib's compact id (``nasbench301/conversions.py``; there is **no** ``none`` op):
0 ``max_pool_3x3``, 1 ``avg_pool_3x3``, 2 ``skip_connect``, 3 ``sep_conv_3x3``,
4 ``sep_conv_5x5``, 5 ``dil_conv_3x3``, 6 ``dil_conv_5x5``. (An older BANANAS coding put ``none``
at 0 and shifted the rest by one; NAS-Bench-Suite-Zero files use the 7-op coding: ids 0..6 occur
equally often, and recorded ``params`` rise with ids 3–6 as sep/dil convs do, while id 2 costs
parameters only in the reduction cell, where ``skip_connect`` becomes a factorized reduce.)

**Canonical id** — the genotype written NAS-Bench-201 style, normal cell then reduction cell::

    normal|sep_conv_3x3~0|sep_conv_3x3~1|+|skip_connect~0|sep_conv_3x3~1|+|...|+|...|
    reduce|max_pool_3x3~0|max_pool_3x3~1|+|...|

four ``+``-separated nodes per cell, each ``|op~input|op~input|``, with the two edges of a node
**sorted by (input, op id)**. A node computes the sum of its two edges, so the two orders are the
same network and get the same id; NASLib's ``archs_nasbench301.json`` already lists pairs in this
order. Other symmetries (e.g. renumbering independent intermediate nodes) are not merged.

Accepted forms (see :func:`parse`): the canonical id (either order within a node); NASLib compact
keys as tuple-of-tuples ``"(((0, 6), (1, 4), ...), (...))"`` or lists
``"[[(0, 4), (1, 3), ...], [...]]"`` of ``(input, op id)`` pairs; DARTS genotypes
``Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=[2, 3, 4, 5], reduce=[...],
reduce_concat=range(2, 6))`` as a string or any object with ``normal``/``reduce`` attributes
(``(op name, input)`` pairs); dicts with ``normal``/``reduce`` keys; nested sequences or a
``(2, 8, 2)`` array of ``(input, op id)``.

Arrays for featurizers (:func:`to_arrays`): ``ops`` and ``inputs``, each ``(n, 2, 8)`` int8 —
cell (0 normal, 1 reduce) × edge (node ``k`` owns edges ``2k, 2k+1``) in canonical order.
"""

from __future__ import annotations

import ast
import re
from collections import namedtuple
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np

from ._errors import InvalidArchError
from ._limits import bounded_list, check_text

NAME = "nb301"
OPS: tuple[str, ...] = (
    "max_pool_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
)
OP_IDS: dict[str, int] = {op: i for i, op in enumerate(OPS)}
N_OPS = len(OPS)
CELLS: tuple[str, ...] = ("normal", "reduce")
N_NODES = 4
N_EDGES = 2 * N_NODES
CONCAT: tuple[int, ...] = (2, 3, 4, 5)
#: Intermediate node of each edge, and how many inputs that node may read.
EDGE_NODE = np.repeat(np.arange(N_NODES), 2)
N_INPUTS = EDGE_NODE + 2

#: ``Genotype`` with DARTS's field names; ``str()`` gives the DARTS repr.
Genotype = namedtuple("Genotype", "normal normal_concat reduce reduce_concat")

EXPECTED = (
    "a canonical id 'normal|op~i|op~j|+|...|reduce|...|' (4 nodes of 2 edges per cell), a NASLib "
    "compact key like '(((0, 6), (1, 4), ...), (...))' or '[[(0, 4), ...], [...]]' of "
    "(input, op id) pairs (ops 0 max_pool_3x3, 1 avg_pool_3x3, 2 skip_connect, 3 sep_conv_3x3, "
    "4 sep_conv_5x5, 5 dil_conv_3x3, 6 dil_conv_5x5), or a DARTS Genotype(normal=[(op, input), "
    "...], normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])"
)

#: Longest string read: a DARTS ``Genotype(...)`` repr is about 450 characters, spaces included.
MAX_TEXT = 4096
#: Most nodes a ``*_concat`` may list before it is refused unread (the right answer has 4).
MAX_CONCAT = 64

_CELL_TEXT = r"\|" + r"\|\+\|".join([r"(\w+)~(\d+)\|(\w+)~(\d+)"] * N_NODES) + r"\|"
_ID_PATTERN = re.compile(rf"^normal{_CELL_TEXT}reduce{_CELL_TEXT}$")
_PAIR_TEXT = r"[(\[](\d+),(\d+)[)\]]"
_COMPACT_CELL = r"[(\[]" + ",".join([_PAIR_TEXT] * N_EDGES) + r",?[)\]]"
#: NASLib compact keys without whitespace, read without ``ast`` (11,221 keys in ~0.1 s).
_COMPACT_PATTERN = re.compile(rf"^[(\[]{_COMPACT_CELL},{_COMPACT_CELL},?[)\]]$")


def _fail(arch: object, reason: str) -> InvalidArchError:
    return InvalidArchError(NAME, arch, EXPECTED, reason)


# ------------------------------------------------------------------------------------- parsing
def _op_id(op: object, arch: object) -> int:
    if isinstance(op, str):
        if op not in OP_IDS:
            raise _fail(arch, f"unknown op {op!r}")
        return OP_IDS[op]
    if isinstance(op, (int, np.integer)) and not isinstance(op, bool) and 0 <= op < N_OPS:
        return int(op)
    raise _fail(arch, f"op {op!r} is not an op name or id 0..{N_OPS - 1}")


def _input_id(value: object, arch: object) -> int:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    raise _fail(arch, f"input {value!r} is not a node number")


def _cell_from_pairs(pairs: object, arch: object, cell: str) -> np.ndarray:
    """``(8, 2)`` array of (input, op id) from 8 pairs in (input, op) or (op name, input) form."""
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, (Sequence, np.ndarray)):
        raise _fail(arch, f"{cell} cell is not a sequence of 8 pairs")
    if len(pairs) != N_EDGES:
        raise _fail(arch, f"{cell} cell has {len(pairs)} edges, need {N_EDGES}")
    out = []
    for e, pair in enumerate(pairs):
        if isinstance(pair, (str, bytes)) or len(pair) != 2:
            raise _fail(arch, f"{cell} edge {e} is {pair!r}, need an (input, op) pair")
        a, b = pair
        if isinstance(a, str):  # DARTS genotype: (op name, input)
            out.append((_input_id(b, arch), _op_id(a, arch)))
        else:  # NASLib compact: (input, op id or name)
            out.append((_input_id(a, arch), _op_id(b, arch)))
    return _check_inputs(np.asarray(out, dtype=np.int64), arch, cell)


def _check_inputs(edges: np.ndarray, arch: object, cell: str) -> np.ndarray:
    """Check that every edge of an ``(8, 2)`` cell reads an input its node may read."""
    bad = (edges[:, 0] < 0) | (edges[:, 0] >= N_INPUTS)
    if bad.any():
        e = int(np.flatnonzero(bad)[0])
        raise _fail(
            arch,
            f"{cell} edge {e} (node {EDGE_NODE[e]}) reads input {edges[e, 0]}, "
            f"need 0..{N_INPUTS[e] - 1}",
        )
    return edges


def _check_concat(value: object, arch: object, cell: str) -> None:
    if value is None:
        return
    items = bounded_list(value, MAX_CONCAT, NAME, arch, EXPECTED, f"{cell}_concat")
    try:
        concat = tuple(int(v) for v in items)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise _fail(arch, f"{cell}_concat {items!r} is not a list of nodes") from exc
    if concat != CONCAT:
        raise _fail(arch, f"{cell}_concat is {list(concat)}, DARTS cells concatenate [2, 3, 4, 5]")


def _literal(node: ast.AST, arch: object) -> object:
    """A literal, or ``range(a, b)`` as a tuple (DARTS writes concat that way)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "range"
        and not node.keywords
    ):
        try:
            span = range(*(int(ast.literal_eval(a)) for a in node.args))
        except (ValueError, TypeError, SyntaxError) as exc:
            raise _fail(arch, "range(...) needs 1 to 3 integer literals") from exc
        # len(range) is O(1): refuse before expanding (range(0, 10**12) is 100 bytes of text).
        return tuple(bounded_list(span, MAX_CONCAT, NAME, arch, EXPECTED, "range(...)"))
    try:
        return ast.literal_eval(node)
    except ValueError as exc:
        raise _fail(arch, "genotype fields must be literals") from exc


def _from_genotype_text(text: str, arch: object) -> np.ndarray:
    try:
        call = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise _fail(arch, "not a Genotype(...) expression") from exc
    if not isinstance(call, ast.Call):
        raise _fail(arch, "not a Genotype(...) expression")
    fields: dict[str, object] = {}
    for name, node in zip(Genotype._fields, call.args, strict=False):
        fields[name] = _literal(node, arch)
    for kw in call.keywords:
        if kw.arg not in Genotype._fields:
            raise _fail(arch, f"unknown Genotype field {kw.arg!r}")
        fields[kw.arg] = _literal(kw.value, arch)
    return _from_fields(fields, arch)


def _from_fields(fields: Mapping[str, object], arch: object) -> np.ndarray:
    if "normal" not in fields or "reduce" not in fields:
        raise _fail(arch, "needs both a normal and a reduce cell")
    cells = []
    for cell in CELLS:
        _check_concat(fields.get(f"{cell}_concat"), arch, cell)
        cells.append(_cell_from_pairs(fields[cell], arch, cell))
    return np.stack(cells)


def _from_id(match: re.Match[str], arch: object) -> np.ndarray:
    groups = match.groups()
    out = np.zeros((2, N_EDGES, 2), dtype=np.int64)
    for c in range(2):
        for e in range(N_EDGES):
            op, inp = groups[c * 2 * N_EDGES + 2 * e : c * 2 * N_EDGES + 2 * e + 2]
            out[c, e] = int(inp), _op_id(op, arch)
    for c, cell in enumerate(CELLS):
        _cell_from_pairs([tuple(p) for p in out[c].tolist()], arch, cell)  # range checks
    return out


def _raw(arch: object) -> np.ndarray:
    """``(2, 8, 2)`` int64 (input, op id) of one arch, in the given pair order."""
    if isinstance(arch, str):
        check_text(NAME, arch, EXPECTED, MAX_TEXT)
        text = "".join(arch.split())
        m = _ID_PATTERN.match(text)
        if m:
            return _from_id(m, arch)
        m = _COMPACT_PATTERN.match(text)
        if m:
            values = np.asarray([int(v) for v in m.groups()], dtype=np.int64).reshape(2, N_EDGES, 2)
            if values[..., 1].max() >= N_OPS:
                raise _fail(arch, f"op id {values[..., 1].max()} outside 0..{N_OPS - 1}")
            for c, cell in enumerate(CELLS):
                _check_inputs(values[c], arch, cell)
            return values
        if text.startswith("Genotype("):
            return _from_genotype_text(text, arch)
        if text[:1] in "([" and text[-1:] in ")]":
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError) as exc:
                raise _fail(arch, "not a Python literal") from exc
            if isinstance(value, str):
                raise _fail(arch, "a quoted string inside a string")
            try:
                return _raw(value)
            except InvalidArchError as exc:  # report the string the user gave
                raise _fail(arch, exc.reason) from None
        raise _fail(arch, "unrecognised string")
    if isinstance(arch, Mapping):
        return _from_fields(arch, arch)
    if hasattr(arch, "normal") and hasattr(arch, "reduce"):
        return _from_fields(
            {
                "normal": arch.normal,
                "reduce": arch.reduce,
                "normal_concat": getattr(arch, "normal_concat", None),
                "reduce_concat": getattr(arch, "reduce_concat", None),
            },
            arch,
        )
    if isinstance(arch, (Sequence, np.ndarray)) and not isinstance(arch, (bytes, bytearray)):
        if len(arch) != 2:
            raise _fail(arch, f"{len(arch)} cells, need 2 (normal, reduce)")
        return np.stack([_cell_from_pairs(arch[c], arch, CELLS[c]) for c in range(2)])
    raise _fail(arch, f"type {type(arch).__name__}")


def _canonical(raw: np.ndarray) -> np.ndarray:
    """Sort the two edges of every node by (input, op id). Works on ``(..., 2, 8, 2)``."""
    pairs = raw.reshape(*raw.shape[:-3], 2, N_NODES, 2, 2)
    first, second = pairs[..., 0, :], pairs[..., 1, :]
    swap = (first[..., 0] > second[..., 0]) | (
        (first[..., 0] == second[..., 0]) & (first[..., 1] > second[..., 1])
    )
    out = pairs.copy()
    out[..., 0, :] = np.where(swap[..., None], second, first)
    out[..., 1, :] = np.where(swap[..., None], first, second)
    return out.reshape(raw.shape)


def _format_cell(cell: np.ndarray) -> str:
    nodes = [
        f"{OPS[cell[2 * k, 1]]}~{cell[2 * k, 0]}|{OPS[cell[2 * k + 1, 1]]}~{cell[2 * k + 1, 0]}"
        for k in range(N_NODES)
    ]
    return "|" + "|+|".join(nodes) + "|"


def _format_id(canon: np.ndarray) -> str:
    return f"normal{_format_cell(canon[0])}reduce{_format_cell(canon[1])}"


@lru_cache(maxsize=1 << 18)
def _parse_str(arch: str) -> str:
    return _format_id(_canonical(_raw(arch)))


def parse(arch: object) -> str:
    """Canonical id of one genotype in any accepted form.

    Raises
    ------
    InvalidArchError
        Naming ``arch`` when it is malformed (wrong number of edges, unknown op, an input that a
        node cannot read, a concat other than ``[2, 3, 4, 5]``).
    """
    if isinstance(arch, str):
        return _parse_str(arch)
    return _format_id(_canonical(_raw(arch)))


def parse_many(archs: Iterable[object]) -> list[str]:
    """Canonical ids of many archs (strings are cached)."""
    return [parse(a) for a in archs]


# ----------------------------------------------------------------------------------- conversions
@lru_cache(maxsize=1 << 16)
def _canon_of_id(arch_id: str) -> np.ndarray:
    out = _canonical(_raw(arch_id)).astype(np.int8)
    out.flags.writeable = False
    return out


def _canon_many(archs: Iterable[object]) -> np.ndarray:
    rows = [_canon_of_id(a) for a in parse_many(archs)]
    if not rows:
        return np.zeros((0, 2, N_EDGES, 2), dtype=np.int8)
    return np.stack(rows)


def to_arrays(archs: Iterable[object]) -> tuple[np.ndarray, np.ndarray]:
    """``(ops, inputs)``, each ``(n, 2, 8)`` int8: cell × edge in canonical order."""
    canon = _canon_many(archs)
    return canon[..., 1].copy(), canon[..., 0].copy()


def to_ops(archs: Iterable[object]) -> np.ndarray:
    """``(n, 2, 8)`` int8 op ids (NASLib's compact ids)."""
    return to_arrays(archs)[0]


def to_inputs(archs: Iterable[object]) -> np.ndarray:
    """``(n, 2, 8)`` int8 input node of each edge (0, 1 cell inputs; 2.. intermediate nodes)."""
    return to_arrays(archs)[1]


def from_arrays(ops: np.ndarray, inputs: np.ndarray) -> list[str]:
    """Canonical ids from ``(n, 2, 8)`` ops and inputs arrays."""
    ops = np.asarray(ops)
    inputs = np.asarray(inputs)
    if ops.shape != inputs.shape or ops.ndim != 3 or ops.shape[1:] != (2, N_EDGES):
        raise ValueError(
            f"{NAME}: ops and inputs must both have shape (n, 2, {N_EDGES}), "
            f"got {ops.shape} and {inputs.shape}"
        )
    return [parse(np.stack([i, o], axis=-1)) for o, i in zip(ops, inputs, strict=True)]


def to_tuple_key(arch: object) -> str:
    """NASLib compact key ``"(((in, op), ...), ((in, op), ...))"`` in canonical pair order.

    This is the form of ``archs_nasbench301.json`` and the NAS-Bench-Suite-Zero zips.
    """
    canon = _canon_of_id(parse(arch))
    cells = ["(" + ", ".join(f"({int(i)}, {int(o)})" for i, o in canon[c]) + ")" for c in range(2)]
    return f"({cells[0]}, {cells[1]})"


def to_genotype(arch: object) -> Genotype:
    """DARTS ``Genotype`` (``(op name, input)`` pairs, concat ``[2, 3, 4, 5]``)."""
    canon = _canon_of_id(parse(arch))
    cells = [[(OPS[int(o)], int(i)) for i, o in canon[c]] for c in range(2)]
    return Genotype(cells[0], list(CONCAT), cells[1], list(CONCAT))


# ------------------------------------------------------------------------------------- validity
def is_valid(archs: Iterable[object]) -> np.ndarray:
    """Whether the two inputs of every node differ (as in DARTS and NAS-Bench-301)."""
    inputs = to_inputs(archs)
    if not len(inputs):
        return np.zeros(0, dtype=bool)
    return (inputs[..., 0::2] != inputs[..., 1::2]).all(axis=(1, 2))


# -------------------------------------------------------------------------- sampling and moves
def _random_compact(rng: np.random.Generator) -> np.ndarray:
    raw = np.zeros((2, N_EDGES, 2), dtype=np.int64)
    for k in range(N_NODES):
        ops = rng.integers(0, N_OPS, size=4)
        for c in range(2):
            raw[c, 2 * k : 2 * k + 2, 0] = rng.choice(k + 2, size=2, replace=False)
            raw[c, 2 * k : 2 * k + 2, 1] = ops[2 * c : 2 * c + 2]
    return raw


def sample(
    n: int,
    random_state: np.random.Generator | int | None = None,
    *,
    valid_only: bool = False,
) -> list[str]:
    """``n`` genotypes drawn as DARTS / NASLib do: each node reads two distinct inputs chosen
    uniformly among those it may read, each edge gets a uniform op.

    Both edge orders of a node are equally likely, so this is uniform over canonical ids. Every
    sample is valid; ``valid_only`` is accepted for the common space protocol.
    """
    rng = np.random.default_rng(random_state)
    return [_format_id(_canonical(_random_compact(rng))) for _ in range(n)]


def mutate(arch: object, random_state: np.random.Generator | int | None = None) -> str:
    """NASLib's mutation: pick a cell, an edge and whether to change its op or its input; draw a
    new op (any of 7) or a new input (any the node may read, other than its other edge's input);
    redraw everything until the genotype changes.
    """
    rng = np.random.default_rng(random_state)
    parent = _canon_of_id(parse(arch)).astype(np.int64)
    while True:
        child = parent.copy()
        cell, edge, field = int(rng.integers(2)), int(rng.integers(N_EDGES)), int(rng.integers(2))
        if field == 1:
            child[cell, edge, 1] = rng.integers(N_OPS)
        else:
            choice = int(rng.integers(N_INPUTS[edge]))
            if child[cell, edge ^ 1, 0] != choice:
                child[cell, edge, 0] = choice
        if not np.array_equal(child, parent):
            return _format_id(_canonical(child))


def neighbours(arch: object) -> list[str]:
    """All genotypes one edge change away: a different op on one edge (2 × 8 × 6), or a different
    input for one edge, not equal to its sibling's (2 × (0 + 1 + 2 + 3) × 2 for a valid genotype).
    """
    parent = _canon_of_id(parse(arch)).astype(np.int64)
    out: set[str] = set()
    for cell in range(2):
        for edge in range(N_EDGES):
            for op in range(N_OPS):
                if op != parent[cell, edge, 1]:
                    child = parent.copy()
                    child[cell, edge, 1] = op
                    out.add(_format_id(_canonical(child)))
            for inp in range(N_INPUTS[edge]):
                if inp not in (parent[cell, edge, 0], parent[cell, edge ^ 1, 0]):
                    child = parent.copy()
                    child[cell, edge, 0] = inp
                    out.add(_format_id(_canonical(child)))
    out.discard(_format_id(parent))
    return sorted(out)
