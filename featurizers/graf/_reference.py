"""From predbench's GRAF column names to the reference implementation's, by one general rule.

predbench names a column by what it measures: ``graf:<measure>[<ops>]``, with a cell prefix in
NB301 (``graf:normal_<measure>[<ops>]``). The reference (``graf_nas`` @ 635defe) names it
``<group>_(<ops>)`` plus the key of the dict its function returns. The rule:

* ``op_count[<op>]`` → ``op_count_<id>``, ``<id>`` = position of ``<op>`` in the reference's op
  list of the space (:data:`GRAF_OPS`); NB301 ``<cell>_op_count[<op>]`` →
  ``op_count_<cell>_<id>``.
* ``min_path_len[S]`` → ``min_path_len_(S)``; ``max_path_len[S]`` → ``max_op_on_path_(S)``;
  NB301 ``<cell>_max_path_len_from_<input>[S]`` → ``max_op_on_path_(S)_<cell>_<input>``.
* Degrees → ``node_degree_(S)_<key>``. The reference names each degree after the dict it reads,
  and in its edge-op code (NB201, TNB micro, NB301) ``in_edges[v]`` holds the edges *leaving*
  v; in its op-node code (NB101) it holds the edges entering v. Hence the keys:

  ====================  ===================  ===============  ==========================
  predbench             edge-op cells        NB101            NB301 (``<cell>_`` prefix)
  ====================  ===================  ===============  ==========================
  ``input_out_degree``  ``in_degree``        ``out_degree``   —
  ``output_in_degree``  ``out_degree``       ``in_degree``    —
  ``<input>_out_degree``  —                  —                ``<cell>_<input>_degree``
  ``mean_out_degree``   ``avg_in``           ``avg_out``      ``<cell>_avg_in``
  ``mean_in_degree``    ``avg_out``          ``avg_in``       ``<cell>_avg_out``
  ====================  ===================  ===============  ==========================

* TNB101 macro: ``module_count[<code>]`` → ``count_ops_ch<doubles>s<halves>`` (Python bools of
  "doubles channels" / "halves resolution"), ``cum_channel_doublings[<i>]`` →
  ``pos_state_ch_pos_<i>``, ``cum_downsamplings[<i>]`` → ``pos_state_s_pos_<i>``.

The op subset is written the same way on both sides (names joined by ``,``, config order).
"""

from __future__ import annotations

import re

from ..spaces import space_name as canonical_space_name
from ._featurizer import GRAF_OPS

_COLUMN = re.compile(r"^(?:graf:)?(?P<measure>[^\[\]]+)\[(?P<arg>[^\[\]]*)\]$")

_DEGREE_KEYS = {
    "edge": {
        "input_out_degree": "in_degree",
        "output_in_degree": "out_degree",
        "mean_out_degree": "avg_in",
        "mean_in_degree": "avg_out",
    },
    "node": {
        "input_out_degree": "out_degree",
        "output_in_degree": "in_degree",
        "mean_out_degree": "avg_out",
        "mean_in_degree": "avg_in",
    },
}
_MACRO_CODES = {  # code name → (doubles channels, halves resolution)
    "basic": (False, False),
    "channel_x2": (True, False),
    "stride_2": (False, True),
    "channel_x2_stride_2": (True, True),
}


def reference_column_name(space: str, column: str) -> str:
    """The reference implementation's name of a predbench GRAF column (see the module rule).

    Raises
    ------
    ValueError
        ``column`` is not a GRAF column of ``space`` the reference has an equivalent for.
    """
    space = canonical_space_name(space)
    match = _COLUMN.match(column)
    if not match:
        raise ValueError(f"{column!r} is not a GRAF column name 'graf:<measure>[<ops>]'")
    measure, arg = match["measure"], match["arg"]
    if space == "tnb101_macro":
        return _macro_name(measure, arg, column)
    cell = ""
    if space == "nb301":
        cell, _, measure = measure.partition("_")
        if cell not in ("normal", "reduce"):
            raise ValueError(f"{column!r}: NB301 GRAF columns start with normal_ or reduce_")
    if measure == "op_count":
        ops = GRAF_OPS[space]
        if arg not in ops:
            raise ValueError(f"{column!r}: {arg!r} is not one op of the reference's list {ops}")
        return f"op_count_{cell}_{ops.index(arg)}" if cell else f"op_count_{ops.index(arg)}"
    if measure == "min_path_len":
        return f"min_path_len_({arg})"
    if measure == "max_path_len":
        return f"max_op_on_path_({arg})"
    if cell:
        if measure.startswith("max_path_len_from_"):
            return f"max_op_on_path_({arg})_{cell}_{measure.removeprefix('max_path_len_from_')}"
        if measure.endswith("_out_degree") and measure.startswith("c_"):
            return f"node_degree_({arg})_{cell}_{measure.removesuffix('_out_degree')}_degree"
        key = _DEGREE_KEYS["edge"].get(measure)
        if key is not None and key.startswith("avg"):
            return f"node_degree_({arg})_{cell}_{key}"
    else:
        key = _DEGREE_KEYS["node" if space == "nb101" else "edge"].get(measure)
        if key is not None:
            return f"node_degree_({arg})_{key}"
    raise ValueError(f"{column!r}: no reference equivalent for measure {measure!r} in {space}")


def _macro_name(measure: str, arg: str, column: str) -> str:
    if measure == "module_count" and arg in _MACRO_CODES:
        doubles, halves = _MACRO_CODES[arg]
        return f"count_ops_ch{doubles}s{halves}"
    if measure == "cum_channel_doublings" and arg.isdigit():
        return f"pos_state_ch_pos_{arg}"
    if measure == "cum_downsamplings" and arg.isdigit():
        return f"pos_state_s_pos_{arg}"
    raise ValueError(f"{column!r}: no reference equivalent in tnb101_macro")
