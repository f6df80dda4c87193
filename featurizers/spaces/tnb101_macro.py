"""TransNAS-Bench-101 macro (skeleton-level) space: 3,256 ResNet-like networks of 4–6 modules.

Canonical id: the TransNAS-Bench-101 string ``64-{digits}-basic``, one digit per module, each
module being two ResNet basic blocks. The digit says what the module's first block does to its
input:

==== ================= ==========
code channels          resolution
==== ================= ==========
1    kept              kept
2    doubled           kept
3    kept              halved (stride 2)
4    doubled           halved (stride 2)
==== ================= ==========

i.e. channels double when the digit is even and the stride is 2 when the digit is above 2. The stem
outputs 64 channels (the leading ``64``) at 1/4 of the input resolution.

**The benchmark's set.** Of the 4⁴ + 4⁵ + 4⁶ = 5,376 codes of length 4–6, the benchmark holds the
3,256 with **1–3 channel-doubling modules** (digit 2 or 4) and **1–4 downsampling modules** (digit
3 or 4): the ranges from which NASLib's TransNAS-Bench-101 sampler draws them. This rule reproduces
NASLib's ``archs_transbench101_macro.json`` exactly (set equality is tested). :func:`parse` accepts
only these networks; :func:`is_valid` answers False for a well-formed code outside the set.

NAS-Bench-Suite-Zero / NASLib keys are the digits as a tuple, ``"(4, 1, 4, 1, 4)"``; NASLib's
encodings right-pad it with 0 to length 6, which is also accepted. The ``(n, 6)`` ops array of this
module is that padded tuple (0 = no module).

Enumeration index: position in the list of the 3,256 codes ordered by length (4, 5, 6), then
lexicographically (``itertools.product`` order) — a predbench convention, not NASLib's json order.

Local moves (:func:`neighbours`, :func:`mutate`): change one module's digit, insert a module (any
digit, any position) or delete one, keeping only results inside the benchmark's set.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np

from ._errors import InvalidArchError
from ._limits import bounded_list, check_text

NAME = "tnb101_macro"
#: Module codes 1..4 (0 pads the ops array).
CODES: tuple[int, ...] = (1, 2, 3, 4)
CODE_NAMES: dict[int, str] = {
    1: "basic",
    2: "channel_x2",
    3: "stride_2",
    4: "channel_x2_stride_2",
}
MIN_MODULES = 4
MAX_MODULES = 6
#: Allowed number of channel-doubling modules (codes 2, 4) and of downsampling modules (3, 4).
CHANNEL_DOUBLINGS = (1, 3)
DOWNSAMPLINGS = (1, 4)
BASE_CHANNELS = 64
N_ARCHS = 3256

EXPECTED = (
    "a TransNAS-Bench-101 macro string like '64-41414-basic' (4-6 digits: 1 plain, 2 channels x2, "
    "3 stride 2, 4 both; 1-3 digits in {2,4} and 1-4 digits in {3,4}), or its digits as a tuple "
    "key like '(4, 1, 4, 1, 4)' (optionally right-padded with 0 to length 6) or sequence of ints"
)

_ID_PATTERN = re.compile(r"^64-([1-4]{4,6})-basic$")


def _in_benchmark(codes: Sequence[int]) -> bool:
    doublings = sum(1 for c in codes if c % 2 == 0)
    downsamplings = sum(1 for c in codes if c > 2)
    return (
        MIN_MODULES <= len(codes) <= MAX_MODULES
        and CHANNEL_DOUBLINGS[0] <= doublings <= CHANNEL_DOUBLINGS[1]
        and DOWNSAMPLINGS[0] <= downsamplings <= DOWNSAMPLINGS[1]
    )


def _format_id(codes: Sequence[int]) -> str:
    return f"{BASE_CHANNELS}-{''.join(str(int(c)) for c in codes)}-basic"


@cache
def _codes_table() -> tuple[tuple[int, ...], ...]:
    """The benchmark's codes in enumeration order (length, then product order)."""
    return tuple(
        codes
        for length in range(MIN_MODULES, MAX_MODULES + 1)
        for codes in itertools.product(CODES, repeat=length)
        if _in_benchmark(codes)
    )


@cache
def _ids_table() -> tuple[str, ...]:
    return tuple(_format_id(c) for c in _codes_table())


@cache
def _ops_table() -> np.ndarray:
    table = np.zeros((N_ARCHS, MAX_MODULES), dtype=np.int8)
    for i, codes in enumerate(_codes_table()):
        table[i, : len(codes)] = codes
    table.flags.writeable = False
    return table


@cache
def _lookup() -> dict[str, int]:
    """Canonical ids and tuple keys (bare and 0-padded) → enumeration index."""
    table: dict[str, int] = {}
    for i, (codes, arch) in enumerate(zip(_codes_table(), _ids_table(), strict=True)):
        table[arch] = i
        table[_tuple_key(codes)] = i
        table[_tuple_key(codes + (0,) * (MAX_MODULES - len(codes)))] = i
    return table


def _tuple_key(codes: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(c)) for c in codes) + ")"


# --------------------------------------------------------------------------------------- parsing
#: Longest string read (ids and tuple keys are under 40 characters).
MAX_TEXT = 256
#: Most entries in a module-code sequence (6 modules, right-padded; generous for other padding).
MAX_VALUES = 16


def _codes_from_values(values: Sequence[object], arch: object) -> tuple[int, ...]:
    values = bounded_list(values, MAX_VALUES, NAME, arch, EXPECTED, "module codes")
    codes: list[int] = []
    for v in values:
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v <= 4:
            codes.append(int(v))
        elif isinstance(v, str) and v.strip().isdigit() and int(v) <= 4:
            codes.append(int(v))
        else:
            raise InvalidArchError(NAME, arch, EXPECTED, f"module code {v!r} is not one of 1..4")
    # Right padding with 0 (NASLib's fixed-length form) is dropped; a 0 inside is an error.
    while codes and codes[-1] == 0:
        codes.pop()
    if 0 in codes:
        raise InvalidArchError(NAME, arch, EXPECTED, "0 (no module) before a real module")
    if not MIN_MODULES <= len(codes) <= MAX_MODULES:
        raise InvalidArchError(NAME, arch, EXPECTED, f"{len(codes)} modules, need 4-6")
    return tuple(codes)


def _parse_codes(arch: object) -> tuple[int, ...]:
    """Module codes of one arch in any accepted form (well-formed, not necessarily in the set)."""
    if isinstance(arch, str):
        hit = _lookup().get(arch)
        if hit is not None:
            return _codes_table()[hit]
        check_text(NAME, arch, EXPECTED, MAX_TEXT)
        text = "".join(arch.split())
        m = _ID_PATTERN.match(text)
        if m:
            return tuple(int(c) for c in m.group(1))
        if text[:1] in "([" and text[-1:] in ")]":
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError) as exc:
                raise InvalidArchError(NAME, arch, EXPECTED, "not a tuple literal") from exc
            if isinstance(value, (tuple, list)):
                return _codes_from_values(list(value), arch)
        raise InvalidArchError(NAME, arch, EXPECTED)
    if isinstance(arch, np.ndarray):
        if arch.ndim != 1 or arch.size > MAX_VALUES:
            raise InvalidArchError(NAME, arch, EXPECTED, f"array of shape {arch.shape}")
        return _codes_from_values(arch.tolist(), arch)
    if isinstance(arch, (tuple, list)):
        return _codes_from_values(list(arch), arch)
    raise InvalidArchError(NAME, arch, EXPECTED, f"type {type(arch).__name__}")


def _index_of(arch: object) -> int:
    if isinstance(arch, str):
        hit = _lookup().get(arch)
        if hit is not None:
            return hit
    codes = _parse_codes(arch)
    hit = _lookup().get(_format_id(codes))
    if hit is None:
        doublings = sum(1 for c in codes if c % 2 == 0)
        downsamplings = sum(1 for c in codes if c > 2)
        raise InvalidArchError(
            NAME,
            arch,
            EXPECTED,
            f"not one of the benchmark's {N_ARCHS:,} networks: {doublings} channel-doubling and "
            f"{downsamplings} downsampling modules",
        )
    return hit


def parse(arch: object) -> str:
    """Canonical id ``64-xxxx-basic`` of one network of the benchmark given in any accepted form.

    Raises
    ------
    InvalidArchError
        Naming ``arch`` when it is malformed or outside the benchmark's 3,256 networks.
    """
    return _ids_table()[_index_of(arch)]


def parse_many(archs: Iterable[object]) -> list[str]:
    """Canonical ids for many archs (a dict lookup for ids and tuple keys)."""
    ids = _ids_table()
    return [ids[_index_of(a)] for a in archs]


# ----------------------------------------------------------------------------------- conversions
def to_index(archs: Iterable[object]) -> np.ndarray:
    """Enumeration indices (see the module docstring) of many archs."""
    return np.asarray([_index_of(a) for a in archs], dtype=np.int64)


def from_index(index: Iterable[int] | np.ndarray) -> list[str]:
    idx = np.asarray(index, dtype=np.int64).ravel()
    if idx.size and (idx.min() < 0 or idx.max() >= N_ARCHS):
        bad = idx[(idx < 0) | (idx >= N_ARCHS)][0]
        raise IndexError(f"{NAME}: enumeration index {bad} outside 0..{N_ARCHS - 1}")
    ids = _ids_table()
    return [ids[i] for i in idx]


def to_ops(archs: Iterable[object]) -> np.ndarray:
    """``(n, 6)`` int8 module codes, right-padded with 0 (NASLib's fixed-length tuple)."""
    return _ops_table()[to_index(archs)]


def from_ops(ops: np.ndarray) -> list[str]:
    """Canonical ids of rows of module codes (right-padded with 0)."""
    ops = np.asarray(ops)
    if ops.ndim != 2 or ops.shape[1] != MAX_MODULES:
        raise ValueError(f"{NAME}: ops array must have shape (n, {MAX_MODULES}), got {ops.shape}")
    return [parse(row) for row in ops]


def to_tuple_key(arch: object) -> str:
    """NAS-Bench-Suite-Zero key such as ``"(4, 1, 4, 1, 4)"`` (no padding)."""
    return _tuple_key(_codes_table()[_index_of(arch)])


def all_archs() -> list[str]:
    """The benchmark's 3,256 networks in enumeration order."""
    return list(_ids_table())


def n_modules(archs: Iterable[object]) -> np.ndarray:
    """Number of modules (4–6) per arch."""
    return (to_ops(archs) > 0).sum(axis=1)


def channel_doubling(archs: Iterable[object]) -> np.ndarray:
    """``(n, 6)`` bool: module doubles its channels (codes 2, 4); False on padding."""
    ops = to_ops(archs)
    return (ops > 0) & (ops % 2 == 0)


def strides(archs: Iterable[object]) -> np.ndarray:
    """``(n, 6)`` int8 stride of each module's first block (1 or 2; 0 on padding)."""
    ops = to_ops(archs)
    return np.where(ops == 0, 0, np.where(ops > 2, 2, 1)).astype(np.int8)


def out_channels(archs: Iterable[object]) -> np.ndarray:
    """``(n, 6)`` int64 output channels of each module (stem gives 64; 0 on padding)."""
    ops = to_ops(archs)
    doubled = (ops > 0) & (ops % 2 == 0)
    channels = BASE_CHANNELS * 2 ** np.cumsum(doubled, axis=1)
    return np.where(ops > 0, channels, 0).astype(np.int64)


def resolution_divisor(archs: Iterable[object]) -> np.ndarray:
    """``(n, 6)`` int64 input-size / feature-map-size after each module (the stem gives 4)."""
    ops = to_ops(archs)
    halved = ops > 2
    divisor = 4 * 2 ** np.cumsum(halved, axis=1)
    return np.where(ops > 0, divisor, 0).astype(np.int64)


# ------------------------------------------------------------------------------------- validity
def is_valid(archs: Iterable[object]) -> np.ndarray:
    """Whether each well-formed code is one of the benchmark's 3,256 networks.

    Malformed input (wrong length, digits outside 0..4) still raises :class:`InvalidArchError`.
    """
    return np.asarray([_in_benchmark(_parse_codes(a)) for a in archs], dtype=bool)


# -------------------------------------------------------------------------- sampling and moves
def sample(
    n: int,
    random_state: np.random.Generator | int | None = None,
    *,
    valid_only: bool = False,
) -> list[str]:
    """``n`` networks drawn uniformly with replacement from the benchmark's 3,256.

    Every network of the space is valid, so ``valid_only`` changes nothing; it is accepted for
    the common space protocol.
    """
    rng = np.random.default_rng(random_state)
    return from_index(rng.integers(0, N_ARCHS, size=n))


@cache
def _neighbour_indices(index: int) -> tuple[int, ...]:
    codes = _codes_table()[index]
    lookup = _lookup()
    candidates: list[tuple[int, ...]] = []
    for pos in range(len(codes)):
        for c in CODES:
            if c != codes[pos]:
                candidates.append((*codes[:pos], c, *codes[pos + 1 :]))
    for pos in range(len(codes) + 1):
        for c in CODES:
            candidates.append((*codes[:pos], c, *codes[pos:]))
    for pos in range(len(codes)):
        candidates.append(codes[:pos] + codes[pos + 1 :])
    out: set[int] = set()
    for cand in candidates:
        hit = lookup.get(_format_id(cand)) if _in_benchmark(cand) else None
        if hit is not None and hit != index:
            out.add(hit)
    return tuple(sorted(out))


def neighbours(arch: object) -> list[str]:
    """All networks one move away: one digit changed, one module inserted or one removed.

    Only networks inside the benchmark's set are returned, sorted by enumeration index.
    """
    return from_index(list(_neighbour_indices(_index_of(arch))))


def mutate(arch: object, random_state: np.random.Generator | int | None = None) -> str:
    """One uniformly chosen neighbour (see :func:`neighbours`)."""
    rng = np.random.default_rng(random_state)
    nbrs = _neighbour_indices(_index_of(arch))
    return _ids_table()[nbrs[int(rng.integers(len(nbrs)))]]
