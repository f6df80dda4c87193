"""NAS-Bench-101 cell space: ops on the nodes of a DAG of at most 7 nodes and 9 edges.

A cell is an upper-triangular adjacency matrix over nodes ``0 .. n-1`` (0 = input, ``n-1`` =
output, ``n ≤ 7``) plus one op per interior node: ``conv3x3-bn-relu``, ``conv1x1-bn-relu`` or
``maxpool3x3``. As in NAS-Bench-101's ``ModelSpec``, a cell is first **pruned**: nodes not on an
input→output path are dropped. It belongs to the benchmark when input and output are connected and
the pruned cell has at most 9 edges; the benchmark's 423,624 cells are the isomorphism classes of
such cells.

**Canonical id** — one string per isomorphism class of pruned cells, readable and reversible
without any table. Nodes 1, 2, … are listed in order as ``op~inputs`` separated by ``|``, where op
is ``c3`` (conv3x3-bn-relu), ``c1`` (conv1x1-bn-relu), ``mp`` (maxpool3x3) or ``out`` (the output,
always last), and inputs are the digits of the nodes feeding it (0 = the cell input), ascending::

    c3~0|c3~0|mp~2|c3~3|c1~014|out~35

(the first cell of NAS-Bench-101's table, hash ``00005c142e6f48ac74fdcf73e3439874``).
Among all numberings of the interior nodes that keep every edge pointing forward, the canonical one
has the smallest key (interior ops in node order with c3 < c1 < mp, then the upper-triangle
adjacency bits row by row); isomorphic cells share that set of numberings, hence the id.

Accepted forms (see :func:`parse`):

* the canonical id, or any numbering written the same way;
* NASLib / NAS-Bench-Suite-Zero tuple keys: the flattened ``n×n`` adjacency then ``n`` op codes
  (``n`` = 7, 6, 5, … → 56, 42, 30 ints), op codes **0 input, 1 output, 2 maxpool3x3,
  3 conv1x1-bn-relu, 4 conv3x3-bn-relu** (NASLib ``convert_spec_to_tuple``);
* ``(matrix, ops)`` pairs and ``{"matrix": …, "ops": …}`` / ``{"module_adjacency": …,
  "module_operations": …}`` dicts, or any object with ``matrix`` and ``ops`` attributes
  (``nasbench.api.ModelSpec``); ops as NAS-Bench-101 names, short tokens or NASLib codes.

A NAS-Bench-101 hash cannot be turned back into a cell without the benchmark's table, so it is not
accepted; :func:`graph_hash` computes it from any form above, to join with NAS-Bench-101 tables.

Keys in files: NAS-Bench-Suite-Zero's ``nb101_zen.zip`` lists NAS-Bench-101's own pruned cells
(10,250 keys, 10,250 ids), but its pilot ``zc_nasbench101.json`` lists raw 7-node samples before
pruning: 500 keys are only 292 cells (55 of them the bare input → output cell). Keys of one cell
carry up to 3 distinct ``val_accuracy`` values (NAS-Bench-101 trained each cell 3 times and its
query returns one run at random) and, for 6 cells, different ``params``/``flops`` (the proxies were
apparently computed on the unpruned specs). Readers must aggregate rows by canonical id.

Arrays for featurizers (:func:`to_arrays`): ``adjacency`` ``(n, 7, 7)`` uint8, ``ops`` ``(n, 7)``
int8 in NASLib codes (padding nodes -1) and ``n_nodes`` ``(n,)``, all in the canonical numbering
(output at ``n_nodes - 1``; rows/columns after it are padding).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np

from . import _dag
from ._errors import InvalidArchError
from ._limits import bounded_list, check_text

NAME = "nb101"
#: NASLib op codes (index = code).
OPS: tuple[str, ...] = ("input", "output", "maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu")
OP_IDS: dict[str, int] = {op: i for i, op in enumerate(OPS)}
INPUT, OUTPUT = OP_IDS["input"], OP_IDS["output"]
INTERIOR_OPS: tuple[int, ...] = (
    OP_IDS["conv3x3-bn-relu"],
    OP_IDS["conv1x1-bn-relu"],
    OP_IDS["maxpool3x3"],
)
#: Short tokens of the canonical id.
TOKENS: dict[int, str] = {
    OP_IDS["conv3x3-bn-relu"]: "c3",
    OP_IDS["conv1x1-bn-relu"]: "c1",
    OP_IDS["maxpool3x3"]: "mp",
    OUTPUT: "out",
}
#: NAS-Bench-101 hash labels (its ``available_ops`` order, -1 input, -2 output).
HASH_LABELS: dict[int, int] = {
    INPUT: -1,
    OUTPUT: -2,
    OP_IDS["conv3x3-bn-relu"]: 0,
    OP_IDS["conv1x1-bn-relu"]: 1,
    OP_IDS["maxpool3x3"]: 2,
}
MAX_NODES = _dag.MAX_NODES
MAX_EDGES = 9
PAD = _dag.PAD
N_ARCHS = 423_624

EXPECTED = (
    "a canonical id like 'c3~0|c1~0|mp~12|out~3' (node op c3/c1/mp then '~' and the input node "
    "digits; last node 'out'), a NASLib tuple key (flattened n×n adjacency then n op codes: "
    "0 input, 1 output, 2 maxpool3x3, 3 conv1x1-bn-relu, 4 conv3x3-bn-relu), or a (matrix, ops) "
    "spec with at most 7 nodes"
)

_NAME_TO_CODE: dict[str, int] = {
    **OP_IDS,
    "c3": OP_IDS["conv3x3-bn-relu"],
    "c1": OP_IDS["conv1x1-bn-relu"],
    "mp": OP_IDS["maxpool3x3"],
    "out": OUTPUT,
    "in": INPUT,
}
#: Canonical-order rank of each NASLib code (c3 < c1 < mp; input/output never interior).
_OP_RANK = np.array([3, 3, 2, 1, 0], dtype=np.int64)
_ID_NODE = re.compile(r"^(c3|c1|mp|out)~(\d+)$")


# ------------------------------------------------------------------------------ raw spec reading
class _Raw:
    """One cell as given: adjacency ``(size, size)`` and NASLib op codes, not yet pruned."""

    __slots__ = ("matrix", "ops")

    def __init__(self, matrix: np.ndarray, ops: list[int]) -> None:
        self.matrix = matrix
        self.ops = ops


def _fail(arch: object, reason: str) -> InvalidArchError:
    return InvalidArchError(NAME, arch, EXPECTED, reason)


def _op_code(op: object, arch: object) -> int:
    if isinstance(op, str):
        code = _NAME_TO_CODE.get(op.strip())
        if code is None:
            raise _fail(arch, f"unknown op {op!r}")
        return code
    if isinstance(op, (int, np.integer)) and not isinstance(op, bool) and 0 <= op < len(OPS):
        return int(op)
    raise _fail(arch, f"op {op!r} is neither an op name nor a NASLib code 0..4")


def _check_raw(matrix: object, ops: Iterable[object], arch: object) -> _Raw:
    ops = bounded_list(ops, MAX_NODES, NAME, arch, EXPECTED, "ops")
    if np.ndim(matrix) == 2 and np.shape(matrix)[0] > MAX_NODES:
        raise _fail(arch, f"{np.shape(matrix)[0]:,} nodes, need 2..{MAX_NODES}")
    try:
        m = np.asarray(matrix, dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise _fail(arch, "adjacency is not a numeric matrix") from exc
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise _fail(arch, f"adjacency of shape {m.shape}, need a square matrix")
    size = m.shape[0]
    if not 2 <= size <= MAX_NODES:
        raise _fail(arch, f"{size} nodes, need 2..{MAX_NODES}")
    if not np.isin(m, (0, 1)).all():
        raise _fail(arch, "adjacency entries must be 0 or 1")
    if np.tril(m).any():
        raise _fail(arch, "adjacency is not strictly upper-triangular (edges must point forward)")
    codes = [_op_code(o, arch) for o in ops]
    if len(codes) != size:
        raise _fail(arch, f"{len(codes)} ops for {size} nodes")
    if codes[0] != INPUT or codes[-1] != OUTPUT:
        raise _fail(arch, "first op must be the input and last op the output")
    if any(c not in INTERIOR_OPS for c in codes[1:-1]):
        raise _fail(arch, "interior ops must be conv3x3-bn-relu, conv1x1-bn-relu or maxpool3x3")
    return _Raw(m.astype(np.uint8), codes)


#: Longest string read: a (matrix, ops) literal of 7 nodes with op names is under 600 characters.
MAX_TEXT = 2048
#: Most ints in a flat tuple key: a 7 × 7 adjacency and 7 op codes.
MAX_FLAT = MAX_NODES * MAX_NODES + MAX_NODES


def _raw_from_flat(values: Sequence[int], arch: object) -> _Raw:
    total = len(values)
    if total > MAX_FLAT:
        raise _fail(arch, f"{total:,} ints, a {MAX_NODES}-node key has at most {MAX_FLAT}")
    size = math.isqrt(4 * total + 1) // 2
    if size * size + size != total:
        raise _fail(arch, f"{total} ints is not n*n + n for any n")
    return _check_raw(np.reshape(values[: size * size], (size, size)), values[size * size :], arch)


def _raw_from_id(text: str, arch: object) -> _Raw:
    parts = text.split("|")
    size = len(parts) + 1
    if size > MAX_NODES:
        raise _fail(arch, f"{size} nodes, need at most {MAX_NODES}")
    m = np.zeros((size, size), dtype=np.int64)
    codes = [INPUT]
    for node, part in enumerate(parts, start=1):
        hit = _ID_NODE.match(part)
        if not hit:
            raise _fail(arch, f"node {node} is {part!r}, need op~inputs like 'c3~01'")
        if (hit.group(1) == "out") != (node == size - 1):
            raise _fail(arch, "'out' must be the last node and only the last")
        codes.append(_NAME_TO_CODE[hit.group(1)])
        for digit in hit.group(2):
            if int(digit) >= node:
                raise _fail(arch, f"node {node} takes input {digit}, need an earlier node")
            m[int(digit), node] = 1
    return _check_raw(m, codes, arch)


_INTS = re.compile(r"-?\d+")


def _raw(arch: object) -> _Raw:
    """Read one cell in any accepted form (not pruned, not canonical)."""
    if isinstance(arch, str):
        check_text(NAME, arch, EXPECTED, MAX_TEXT)
        text = "".join(arch.split())
        if "~" in text:
            return _raw_from_id(text, arch)
        if text[:1] in "([" and text[-1:] in ")]":
            if "[" in text[1:] or "(" in text[1:]:
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
            inner = text[1:-1]
            if not re.fullmatch(r"(-?\d+,)*-?\d+,?", inner):
                raise _fail(arch, "not a tuple of ints")
            return _raw_from_flat([int(v) for v in _INTS.findall(inner)], arch)
        if re.fullmatch(r"[0-9a-f]{32}", text):
            raise _fail(
                arch,
                "a NAS-Bench-101 hash cannot be turned into a cell without the benchmark's table",
            )
        raise _fail(arch, "unrecognised string")
    if isinstance(arch, Mapping):
        if "matrix" in arch and "ops" in arch:
            return _check_raw(arch["matrix"], arch["ops"], arch)
        if "module_adjacency" in arch and "module_operations" in arch:
            return _check_raw(arch["module_adjacency"], arch["module_operations"], arch)
        raise _fail(arch, "dict without 'matrix'/'ops' or 'module_adjacency'/'module_operations'")
    if hasattr(arch, "matrix") and hasattr(arch, "ops"):
        return _check_raw(arch.matrix, arch.ops, arch)
    if isinstance(arch, np.ndarray) and arch.ndim == 1:
        return _raw_from_flat(arch.tolist(), arch)
    if isinstance(arch, (tuple, list)):
        if len(arch) > MAX_FLAT:
            raise _fail(arch, f"{len(arch):,} items, a {MAX_NODES}-node key has at most {MAX_FLAT}")
        if len(arch) == 2 and np.ndim(arch[0]) == 2:
            return _check_raw(arch[0], arch[1], arch)
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in arch):
            return _raw_from_flat([int(v) for v in arch], arch)
        raise _fail(arch, "sequence is neither a (matrix, ops) pair nor a flat tuple key")
    raise _fail(arch, f"type {type(arch).__name__}")


# ---------------------------------------------------------------------------- batch processing
def _stack(raws: Sequence[_Raw]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = len(raws)
    adj = np.zeros((g, MAX_NODES, MAX_NODES), dtype=np.uint8)
    ops = np.full((g, MAX_NODES), PAD, dtype=np.int8)
    n = np.zeros(g, dtype=np.int64)
    for i, r in enumerate(raws):
        size = len(r.ops)
        adj[i, :size, :size] = r.matrix
        ops[i, :size] = r.ops
        n[i] = size
    return adj, ops, n


def _format_id(adj: np.ndarray, ops: np.ndarray, size: int) -> str:
    parts = []
    for node in range(1, size):
        inputs = "".join(str(s) for s in np.flatnonzero(adj[:size, node]))
        parts.append(f"{TOKENS[int(ops[node])]}~{inputs}")
    return "|".join(parts)


def _canonical_batch(
    raws: Sequence[_Raw], archs: Sequence[object], *, strict: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Prune and canonically renumber many cells: ``(adj, ops, n, valid)``.

    ``valid`` is False for cells whose input does not reach the output or whose pruned form has
    more than 9 edges. With ``strict``, a disconnected cell raises (it has no pruned form).
    """
    adj, ops, n = _stack(raws)
    adj, ops, n, connected = _dag.prune(adj, ops, n)
    if strict and not connected.all():
        bad = archs[int(np.flatnonzero(~connected)[0])]
        raise _fail(bad, "no path from input to output")
    adj, ops = _dag.canonicalize(adj, ops, n, _OP_RANK)
    valid = connected & (adj.reshape(len(n), -1).sum(axis=1) <= MAX_EDGES)
    return adj, ops, n, valid


#: Canonical id of every string already parsed (ids and tuple keys recur across files and calls).
_PARSED: dict[str, str] = {}
_PARSED_LIMIT = 1 << 20


def _remember(arch: str, arch_id: str) -> None:
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[arch] = arch_id


def parse(arch: object) -> str:
    """Canonical id of one cell in any accepted form (pruned, canonically numbered).

    Cells with more than 9 edges after pruning parse (they are well-defined cells) but are not in
    the benchmark: see :func:`is_valid`.

    Raises
    ------
    InvalidArchError
        Naming ``arch`` when it is malformed or its input does not reach its output.
    """
    return parse_many([arch])[0]


def parse_many(archs: Iterable[object]) -> list[str]:
    """Canonical ids for many archs, pruned and renumbered in one vectorized pass."""
    archs = list(archs)
    out: list[str | None] = [_PARSED.get(a) if isinstance(a, str) else None for a in archs]
    todo = [i for i, v in enumerate(out) if v is None]
    if todo:
        pending = [archs[i] for i in todo]
        adj, ops, n, _ = _canonical_batch([_raw(a) for a in pending], pending, strict=True)
        for j, i in enumerate(todo):
            out[i] = _format_id(adj[j], ops[j], int(n[j]))
            if isinstance(archs[i], str):
                _remember(archs[i], out[i])
    return out  # type: ignore[return-value]


# ----------------------------------------------------------------------------------- conversions
@lru_cache(maxsize=1 << 16)
def _arrays_of_id(arch_id: str) -> tuple[np.ndarray, np.ndarray, int]:
    raw = _raw_from_id(arch_id, arch_id)
    size = len(raw.ops)
    adj = np.zeros((MAX_NODES, MAX_NODES), dtype=np.uint8)
    adj[:size, :size] = raw.matrix
    ops = np.full(MAX_NODES, PAD, dtype=np.int8)
    ops[:size] = raw.ops
    adj.flags.writeable = False
    ops.flags.writeable = False
    return adj, ops, size


def to_arrays(archs: Iterable[object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(adjacency (n, 7, 7) uint8, ops (n, 7) int8, n_nodes (n,))`` in the canonical numbering.

    Ops are NASLib codes (0 input, 1 output, 2 maxpool3x3, 3 conv1x1, 4 conv3x3); padding nodes
    after the output have op -1 and no edges.
    """
    parts = [_arrays_of_id(a) for a in parse_many(archs)]
    if not parts:
        return (
            np.zeros((0, MAX_NODES, MAX_NODES), np.uint8),
            np.zeros((0, MAX_NODES), np.int8),
            np.zeros(0, np.int64),
        )
    adj = np.stack([p[0] for p in parts])
    ops = np.stack([p[1] for p in parts])
    n = np.asarray([p[2] for p in parts], dtype=np.int64)
    return adj, ops, n


def to_ops(archs: Iterable[object]) -> np.ndarray:
    """``(n, 7)`` int8 NASLib op codes in the canonical numbering (padding -1)."""
    return to_arrays(archs)[1]


def to_adjacency(archs: Iterable[object]) -> np.ndarray:
    """``(n, 7, 7)`` uint8 adjacency in the canonical numbering (zero padding)."""
    return to_arrays(archs)[0]


def n_nodes(archs: Iterable[object]) -> np.ndarray:
    """Number of nodes (input and output included) of each pruned cell."""
    return to_arrays(archs)[2]


def from_arrays(adjacency: np.ndarray, ops: np.ndarray) -> list[str]:
    """Canonical ids of padded arrays as :func:`to_arrays` gives (the output is the last node)."""
    adjacency = np.asarray(adjacency)
    ops = np.asarray(ops)
    if adjacency.ndim != 3 or ops.ndim != 2 or adjacency.shape[0] != ops.shape[0]:
        raise ValueError(
            f"{NAME}: need adjacency (n, k, k) and ops (n, k), got {adjacency.shape} and {ops.shape}"
        )
    specs = []
    for a, o in zip(adjacency, ops, strict=True):
        size = int((o != PAD).sum())
        specs.append((a[:size, :size], [int(v) for v in o[:size]]))
    return parse_many(specs)


def to_spec(arch: object) -> tuple[np.ndarray, list[str]]:
    """``(matrix, ops)`` of the canonical pruned cell with NAS-Bench-101 op names."""
    adj, ops, n = to_arrays([arch])
    size = int(n[0])
    return adj[0, :size, :size].copy(), [OPS[int(o)] for o in ops[0, :size]]


def to_tuple_key(arch: object) -> str:
    """NASLib tuple key (flattened adjacency then op codes) of the canonical pruned cell.

    NAS-Bench-Suite-Zero files list each cell in NAS-Bench-101's own numbering, which is usually
    not the canonical one: join such files on :func:`parse` of their keys, not on this string.
    """
    matrix, ops = to_spec(arch)
    values = [*matrix.ravel().tolist(), *(OP_IDS[o] for o in ops)]
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


@lru_cache(maxsize=1 << 16)
def _hash_of_id(arch_id: str) -> str:
    adj, ops, size = _arrays_of_id(arch_id)
    labels = [HASH_LABELS[int(o)] for o in ops[:size]]
    return _dag.module_hash(adj[:size, :size], labels)


def graph_hash(arch: object) -> str:
    """NAS-Bench-101's hash of the cell (the key of its tables), from any accepted form."""
    return _hash_of_id(parse(arch))


def graph_hashes(archs: Iterable[object]) -> list[str]:
    """:func:`graph_hash` of many archs."""
    return [_hash_of_id(a) for a in parse_many(archs)]


# ------------------------------------------------------------------------------------- validity
def _validity(archs: Sequence[object]) -> np.ndarray:
    raws = [_raw(a) for a in archs]
    return _canonical_batch(raws, archs, strict=False)[3]


def is_valid(archs: Iterable[object]) -> np.ndarray:
    """Whether each cell is in the benchmark: input reaches output, ≤ 9 edges after pruning.

    Malformed input still raises :class:`InvalidArchError`.
    """
    archs = list(archs)
    if not archs:
        return np.zeros(0, dtype=bool)
    return _validity(archs)


def n_edges(archs: Iterable[object]) -> np.ndarray:
    """Number of edges of each pruned cell."""
    return to_adjacency(archs).reshape(-1, MAX_NODES * MAX_NODES).sum(axis=1)


# -------------------------------------------------------------------------- sampling and moves
_IU = np.triu_indices(MAX_NODES, 1)


def _random_full_cells(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    adj = np.zeros((count, MAX_NODES, MAX_NODES), dtype=np.uint8)
    adj[:, _IU[0], _IU[1]] = rng.integers(0, 2, size=(count, len(_IU[0])), dtype=np.uint8)
    ops = np.empty((count, MAX_NODES), dtype=np.int8)
    ops[:, 0] = INPUT
    ops[:, -1] = OUTPUT
    ops[:, 1:-1] = np.asarray(INTERIOR_OPS, dtype=np.int8)[
        rng.integers(0, len(INTERIOR_OPS), size=(count, MAX_NODES - 2))
    ]
    return adj, ops


#: Candidates drawn per round; fixed so that ``sample(k, seed)`` is a prefix of ``sample(m, seed)``.
_SAMPLE_BATCH = 256


def sample(
    n: int,
    random_state: np.random.Generator | int | None = None,
    *,
    valid_only: bool = False,
) -> list[str]:
    """``n`` cells drawn as NASLib does: every upper-triangle edge with probability 1/2 and uniform
    interior ops on 7 nodes, pruned, redrawn until the cell is in the benchmark.

    This is not uniform over the 423,624 classes (larger, denser classes come up more often). All
    results are valid, so ``valid_only`` changes nothing.
    """
    rng = np.random.default_rng(random_state)
    out: list[str] = []
    while len(out) < n:
        count = _SAMPLE_BATCH
        adj, ops = _random_full_cells(rng, count)
        sizes = np.full(count, MAX_NODES, dtype=np.int64)
        adj, ops, sizes, connected = _dag.prune(adj, ops, sizes)
        ok = connected & (adj.reshape(count, -1).sum(axis=1) <= MAX_EDGES)
        adj, ops = _dag.canonicalize(adj[ok], ops[ok], sizes[ok], _OP_RANK)
        sizes = sizes[ok]
        out.extend(_format_id(adj[i], ops[i], int(sizes[i])) for i in range(len(sizes)))
    return out[:n]


def _padded_full(arch: object) -> tuple[np.ndarray, np.ndarray, int]:
    """The canonical cell on 7 nodes: isolated padding nodes inserted just before the output."""
    adj, ops, n = to_arrays([arch])
    size = int(n[0])
    full = np.zeros((MAX_NODES, MAX_NODES), dtype=np.uint8)
    body = size - 1
    full[:body, :body] = adj[0, :body, :body]
    full[:body, MAX_NODES - 1] = adj[0, :body, size - 1]
    codes = np.full(MAX_NODES, PAD, dtype=np.int8)
    codes[:body] = ops[0, :body]
    codes[MAX_NODES - 1] = OUTPUT
    return full, codes, size


def mutate(arch: object, random_state: np.random.Generator | int | None = None) -> str:
    """NASLib's mutation: on the 7-node cell, flip each upper-triangle edge with probability 1/7
    and change each interior op with probability 1/5 (to another op), until the result is in the
    benchmark and differs from ``arch``.

    Smaller cells are padded to 7 nodes with isolated nodes of random op before the output, so a
    mutation can also grow the cell.
    """
    rng = np.random.default_rng(random_state)
    parent = parse(arch)
    full, codes, size = _padded_full(parent)
    pad_nodes = np.arange(size - 1, MAX_NODES - 1)
    edge_p = 1.0 / MAX_NODES
    op_p = 1.0 / (MAX_NODES - 2)
    interior = np.asarray(INTERIOR_OPS, dtype=np.int8)
    while True:
        base = codes.copy()
        base[pad_nodes] = interior[rng.integers(0, len(interior), size=len(pad_nodes))]
        adj = full.copy()
        flips = rng.random(len(_IU[0])) < edge_p
        adj[_IU[0][flips], _IU[1][flips]] ^= 1
        new_ops = base.copy()
        for node in range(1, MAX_NODES - 1):
            if rng.random() < op_p:
                choices = interior[interior != new_ops[node]]
                new_ops[node] = choices[rng.integers(len(choices))]
        a, o, s, connected = _dag.prune(
            adj[None], new_ops[None], np.array([MAX_NODES], dtype=np.int64)
        )
        if not connected[0] or a[0].sum() > MAX_EDGES:
            continue
        a, o = _dag.canonicalize(a, o, s, _OP_RANK)
        child = _format_id(a[0], o[0], int(s[0]))
        if child != parent:
            return child


def neighbours(arch: object) -> list[str]:
    """All benchmark cells one change away: one interior op replaced, or one edge of the pruned
    cell added or removed (then pruned again). Sorted, without ``arch`` itself.

    An edge to or from a node outside the pruned cell would leave that node dangling, so single
    changes never grow the cell; removals can shrink it. The 2-node cell (input → output) thus has
    no neighbour; :func:`mutate` can still grow it.
    """
    parent = parse(arch)
    adj, ops, n = to_arrays([parent])
    size = int(n[0])
    a0, o0 = adj[0, :size, :size], ops[0, :size]
    specs: list[tuple[np.ndarray, list[int]]] = []
    for node in range(1, size - 1):
        for op in INTERIOR_OPS:
            if op != o0[node]:
                o = o0.astype(int).tolist()
                o[node] = op
                specs.append((a0, o))
    for s in range(size - 1):
        for d in range(s + 1, size):
            a = a0.copy()
            a[s, d] ^= 1
            specs.append((a, o0.astype(int).tolist()))
    raws = [_Raw(a, o) for a, o in specs]
    cadj, cops, cn, valid = _canonical_batch(raws, specs, strict=False)
    ids = {_format_id(cadj[i], cops[i], int(cn[i])) for i in np.flatnonzero(valid)}
    ids.discard(parent)
    return sorted(ids)
