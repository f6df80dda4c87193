"""GRAF values worked out by hand, and NB101/NB301 checked against a plain networkx oracle.

The reference cannot produce NB101 or NB301 features at its pinned commit, so those spaces are
pinned here by cells small enough to check on paper and by an independent, slow graph-search
implementation over sampled archs.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from featurizers import Graf, feature_table
from featurizers.graf import DEFAULT_CONFIGS, op_subsets, reference_column_name
from featurizers.spaces import get_space

NB201_ONLY_CONV_0_3 = "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|"


def graf_row(space: str, arch: object, config=None) -> dict[str, float]:
    row = Graf(space, config=config).fit().transform_frame([arch]).iloc[0]
    return {k.removeprefix("graf:"): v for k, v in row.items()}


# --------------------------------------------------------------------------------- NB201 / TNB
def test_nb201_single_conv_on_the_direct_edge():
    f = graf_row("nb201", NB201_ONLY_CONV_0_3)
    assert f["op_count[nor_conv_3x3]"] == 1 and f["op_count[none]"] == 5
    assert f["min_path_len[nor_conv_3x3]"] == 1
    assert f["max_path_len[nor_conv_3x3]"] == 1
    assert f["min_path_len[skip_connect]"] == 6  # no path: the reference's filler
    assert f["max_path_len[skip_connect]"] == 0
    # `none` is an ordinary op: the two 2-edge paths and the 3-edge path are all-none.
    assert f["min_path_len[none]"] == 2 and f["max_path_len[none]"] == 3
    assert f["min_path_len[none,nor_conv_3x3]"] == 1
    assert f["input_out_degree[nor_conv_3x3]"] == 1
    assert f["output_in_degree[nor_conv_3x3]"] == 1
    assert f["mean_out_degree[nor_conv_3x3]"] == f["mean_in_degree[nor_conv_3x3]"] == 0.25
    assert f["input_out_degree[none]"] == 2 and f["output_in_degree[none]"] == 2
    assert f["mean_in_degree[none]"] == 5 / 4


def test_nb201_degree_naming_follows_the_edges_not_the_reference_words():
    # Conv on edge 0→1 (leaves the input), skip on 2→3 (enters the output).
    f = graf_row("nb201", "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|")
    assert f["input_out_degree[nor_conv_3x3]"] == 1 and f["output_in_degree[nor_conv_3x3]"] == 0
    assert f["input_out_degree[skip_connect]"] == 0 and f["output_in_degree[skip_connect]"] == 1
    # The reference calls the input's out-degree "in_degree" (README quirk 3).
    assert (
        reference_column_name("nb201", "graf:input_out_degree[nor_conv_3x3]")
        == "node_degree_(nor_conv_3x3)_in_degree"
    )
    assert (
        reference_column_name("nb201", "graf:output_in_degree[skip_connect]")
        == "node_degree_(skip_connect)_out_degree"
    )


def test_subsets_follow_combinations_order_of_the_config():
    names = Graf("nb201").fit().get_feature_names_out()
    mins = [n for n in names if n.startswith("graf:min_path_len[")]
    assert mins[:6] == [
        "graf:min_path_len[skip_connect]",
        "graf:min_path_len[none]",
        "graf:min_path_len[nor_conv_3x3]",
        "graf:min_path_len[nor_conv_1x1]",
        "graf:min_path_len[avg_pool_3x3]",
        "graf:min_path_len[skip_connect,none]",
    ]
    assert len(mins) == 31 and mins[-1].count(",") == 4
    assert op_subsets(["a", "b", "c"]) == (
        ("a",),
        ("b",),
        ("c",),
        ("a", "b"),
        ("a", "c"),
        ("b", "c"),
        ("a", "b", "c"),
    )


def test_tnb_micro_phantom_op_and_the_94_feature_variant():
    f = graf_row("tnb101_micro", "64-41414-3_00_000")  # conv3x3 on 0→1 only
    assert len(f) == 95 and f["op_count[avg_pool_3x3]"] == 0
    assert f["op_count[nor_conv_3x3]"] == 1 and f["op_count[none]"] == 5
    # zc_combine's 94: op counts of the 4 real ops only (raw subsets), same other groups.
    config = [
        {
            "name": "op_count",
            "allowed": ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3"],
            "allowed_mode": "raw_str",
        },
        *DEFAULT_CONFIGS["tnb101_micro"][1:],
    ]
    g = graf_row("tnb101_micro", "64-41414-3_00_000", config=config)
    assert len(g) == 94 and "op_count[avg_pool_3x3]" not in g
    assert {k: g[k] for k in g} == {k: f[k] for k in g}


# ------------------------------------------------------------------------------------- NB101
#  node 0 input, 1 conv3x3 (from 0), 2 maxpool (from 0, 1), 3 output (from 0, 2)
NB101_SMALL = "c3~0|mp~01|out~02"


def test_nb101_hand_cell():
    f = graf_row("nb101", NB101_SMALL)
    assert len(f) == 47
    assert [f[f"op_count[{op}]"] for op in get_space("nb101").OPS] == [1, 1, 1, 0, 1]
    # Paths: 0→3, 0→2→3 (mp), 0→1→2→3 (c3, mp).
    for s in ("maxpool3x3", "conv3x3-bn-relu", "conv1x1-bn-relu"):
        assert f[f"min_path_len[{s}]"] == 1  # the direct edge needs no allowed op
    assert f["max_path_len[maxpool3x3]"] == 2
    assert f["max_path_len[conv3x3-bn-relu]"] == 1
    assert f["max_path_len[maxpool3x3,conv3x3-bn-relu]"] == 3
    assert f["output_in_degree[maxpool3x3]"] == 1 and f["output_in_degree[conv3x3-bn-relu]"] == 0
    assert f["input_out_degree[conv3x3-bn-relu]"] == 1 and f["input_out_degree[maxpool3x3]"] == 1
    assert f["mean_in_degree[conv3x3-bn-relu]"] == 1 / 4  # edge 1→2 has a conv3x3 source
    assert f["mean_out_degree[maxpool3x3]"] == 2 / 4  # edges 0→2, 1→2 end at the maxpool
    assert f["mean_in_degree[maxpool3x3]"] == 1 / 4  # edge 2→3


def test_nb101_filler_is_the_number_of_nodes():
    f = graf_row("nb101", "c3~0|out~1")  # input → conv3x3 → output, 3 nodes
    assert f["min_path_len[maxpool3x3]"] == 3 and f["max_path_len[maxpool3x3]"] == 0
    assert f["min_path_len[conv3x3-bn-relu]"] == 2 and f["max_path_len[conv3x3-bn-relu]"] == 2


def test_nb101_reference_names_follow_graph_theory():
    assert (
        reference_column_name("nb101", "graf:output_in_degree[maxpool3x3]")
        == "node_degree_(maxpool3x3)_in_degree"
    )
    assert (
        reference_column_name("nb101", "graf:mean_out_degree[maxpool3x3]")
        == "node_degree_(maxpool3x3)_avg_out"
    )
    assert reference_column_name("nb101", "graf:op_count[conv3x3-bn-relu]") == "op_count_4"


# ------------------------------------------------------------------------------------- NB301
# NASLib compact form, (input, op id) per edge; ops 0 max_pool, 1 avg_pool, 2 skip, 3 sep3,
# 4 sep5, 5 dil3, 6 dil5. Normal: n0 = skip(c_{k-2}) + sep3(c_{k-1}); n1 = skip(n0) +
# max_pool(c_{k-1}); n2 = skip(n1) + avg_pool(c_{k-2}); n3 = sep5(n2) + dil3(c_{k-1}).
NB301_NORMAL = ((0, 2), (1, 3), (2, 2), (1, 0), (3, 2), (0, 1), (4, 4), (1, 5))
NB301_REDUCE = ((0, 0), (1, 0), (0, 1), (1, 1), (0, 6), (1, 6), (0, 3), (1, 3))
NB301_ARCH = (NB301_NORMAL, NB301_REDUCE)


def test_nb301_hand_genotype():
    f = graf_row("nb301", NB301_ARCH)
    assert len(f) == 1540
    counts = [f[f"normal_op_count[{op}]"] for op in ("out", *get_space("nb301").OPS)]
    assert counts == [4, 1, 1, 3, 1, 1, 1, 0]
    assert f["reduce_op_count[max_pool_3x3]"] == 2 and f["reduce_op_count[skip_connect]"] == 0
    longest = "normal_max_path_len_from_"
    assert f[f"{longest}c_{{k-2}}[skip_connect]"] == 3  # c_{k-2} → n0 → n1 → n2
    assert f[f"{longest}c_{{k-1}}[skip_connect]"] == 0
    assert f[f"{longest}c_{{k-2}}[skip_connect,sep_conv_5x5]"] == 4
    assert f[f"{longest}c_{{k-1}}[sep_conv_3x3]"] == 1
    assert f[f"{longest}c_{{k-1}}[max_pool_3x3,skip_connect]"] == 2  # c_{k-1} → n1 → n2
    assert f["reduce_max_path_len_from_c_{k-1}[max_pool_3x3,avg_pool_3x3]"] == 1
    assert f["normal_c_{k-2}_out_degree[skip_connect]"] == 1
    assert f["normal_c_{k-1}_out_degree[skip_connect]"] == 0
    assert f["normal_mean_out_degree[skip_connect]"] == 3 / 7
    assert f["normal_mean_in_degree[skip_connect]"] == 3 / 7
    assert (
        reference_column_name("nb301", "graf:normal_c_{k-2}_out_degree[skip_connect]")
        == "node_degree_(skip_connect)_normal_c_{k-2}_degree"
    )
    assert (
        reference_column_name("nb301", "graf:reduce_max_path_len_from_c_{k-1}[skip_connect]")
        == "max_op_on_path_(skip_connect)_reduce_c_{k-1}"
    )
    assert reference_column_name("nb301", "graf:reduce_op_count[out]") == "op_count_reduce_0"


# -------------------------------------------------------------------------------- TNB macro
def test_tnb_macro_hand_network():
    f = graf_row("tnb101_macro", "64-41414-basic")  # 5 modules
    assert len(f) == 16
    assert f["module_count[channel_x2_stride_2]"] == 3 and f["module_count[basic]"] == 2
    assert f["module_count[channel_x2]"] == 0 and f["module_count[stride_2]"] == 0
    assert [f[f"cum_channel_doublings[{i}]"] for i in range(6)] == [1, 1, 2, 2, 3, 0]
    assert [f[f"cum_downsamplings[{i}]"] for i in range(6)] == [1, 1, 2, 2, 3, 0]
    g = graf_row("tnb101_macro", "64-1323-basic")  # channel only in module 2, stride in 1, 3
    assert [g[f"cum_channel_doublings[{i}]"] for i in range(6)] == [0, 0, 1, 1, 0, 0]
    assert [g[f"cum_downsamplings[{i}]"] for i in range(6)] == [0, 1, 1, 2, 0, 0]
    assert reference_column_name("tnb101_macro", "graf:module_count[stride_2]") == (
        "count_ops_chFalsesTrue"
    )
    assert reference_column_name("tnb101_macro", "graf:cum_downsamplings[3]") == (
        "pos_state_s_pos_3"
    )


# ------------------------------------------------------------------------ networkx oracles
def _nb101_oracle(adj: np.ndarray, ops: np.ndarray, n: int, subset: set[int]) -> list[float]:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(*np.nonzero(adj[:n, :n]), strict=True))
    ok = {0, n - 1} | {v for v in range(n) if ops[v] in subset}
    sub = graph.subgraph(ok)
    lengths = [len(p) - 1 for p in nx.all_simple_paths(sub, 0, n - 1)] if sub.has_node(0) else []
    in_s = [v for v in range(n) if ops[v] in subset]
    return [
        min(lengths, default=n),
        max(lengths, default=0),
        sum(1 for u in graph.predecessors(n - 1) if u in in_s),
        sum(1 for v in graph.successors(0) if v in in_s),
        sum(1 for u, _ in graph.edges if u in in_s) / n,
        sum(1 for _, v in graph.edges if v in in_s) / n,
    ]


def test_nb101_matches_a_graph_search_oracle():
    space = get_space("nb101")
    archs = space.sample(150, random_state=7)
    ours = Graf("nb101").fit().transform_frame(archs).to_dict("records")
    adj, ops, n = space.to_arrays(archs)
    codes = {op: i for i, op in enumerate(space.OPS)}
    subsets = op_subsets(["maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu"])
    for i in range(len(archs)):
        for subset in subsets:
            label = ",".join(subset)
            expected = _nb101_oracle(adj[i], ops[i], int(n[i]), {codes[o] for o in subset})
            got = [
                ours[i][f"graf:{m}[{label}]"]
                for m in (
                    "min_path_len",
                    "max_path_len",
                    "output_in_degree",
                    "input_out_degree",
                    "mean_in_degree",
                    "mean_out_degree",
                )
            ]
            assert got == expected, (archs[i], label)


def _darts_oracle(ops: np.ndarray, inputs: np.ndarray, subset: set[int]) -> list[float]:
    graph = nx.DiGraph()
    graph.add_nodes_from(["c0", "c1", 0, 1, 2, 3])
    for e in range(8):
        source = ("c0", "c1")[inputs[e]] if inputs[e] < 2 else inputs[e] - 2
        if ops[e] in subset:
            graph.add_edge(source, e // 2)
    out = []
    for source in ("c0", "c1"):
        lengths = [len(p) - 1 for t in range(4) for p in nx.all_simple_paths(graph, source, t)]
        out.append(max(lengths, default=0))
    s_edges = graph.number_of_edges()
    out += [graph.out_degree("c0"), graph.out_degree("c1"), s_edges / 7, s_edges / 7]
    return out


def test_nb301_matches_a_graph_search_oracle():
    space = get_space("nb301")
    archs = space.sample(40, random_state=3)
    ours = Graf("nb301").fit().transform_frame(archs).to_dict("records")
    ops, inputs = space.to_arrays(archs)
    names = space.OPS
    rng = np.random.default_rng(0)
    subsets = op_subsets(names)
    for i in range(len(archs)):
        for k in rng.choice(len(subsets), size=12, replace=False):
            subset = subsets[k]
            label = ",".join(subset)
            ids = {names.index(o) for o in subset}
            for c, cell in enumerate(("normal", "reduce")):
                expected = _darts_oracle(ops[i, c], inputs[i, c], ids)
                got = [
                    ours[i][f"graf:{cell}_{m}[{label}]"]
                    for m in (
                        "max_path_len_from_c_{k-2}",
                        "max_path_len_from_c_{k-1}",
                        "c_{k-2}_out_degree",
                        "c_{k-1}_out_degree",
                        "mean_out_degree",
                        "mean_in_degree",
                    )
                ]
                assert got == expected, (archs[i], cell, label)


def test_tnb_macro_columns_for_every_network():
    table = feature_table("tnb101_macro", "all", "graf")
    codes = get_space("tnb101_macro").to_ops(table.index)
    assert table.shape == (3_256, 16)
    n_modules = (codes > 0).sum(axis=1)
    assert (table.filter(like="module_count").sum(axis=1).to_numpy() == n_modules).all()
    last = table[[f"graf:cum_downsamplings[{i}]" for i in range(6)]].to_numpy()
    assert (last[np.arange(len(codes)), n_modules - 1] == (codes > 2).sum(axis=1)).all()


# ------------------------------------------------------------------------------ config errors
@pytest.mark.parametrize(
    ("config", "message"),
    [
        ([{"name": "shortest"}], "unknown feature group"),
        ([{"name": "min_path_len"}], "needs 'allowed'"),
        ([{"name": "min_path_len", "allowed": ["conv"]}], "unknown ops ['conv']"),
        ([{"name": "min_path_len", "allowed": ["none"], "allowed_mode": "all"}], "allowed_mode"),
        ([{"name": "node_degree", "allowed": ["none", "none"]}], "lists an op twice"),
        ([{"allowed": ["none"]}], "with a 'name'"),
    ],
)
def test_bad_configs_say_what_is_wrong(config, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Graf("nb201", config=config).fit()


def test_reference_json_config_file(tmp_path):
    path = tmp_path / "nb201.json"
    path.write_text('[{"name": "op_count"}, {"name": "max_op_on_path", "allowed": ["none"]}]')
    names = Graf("nb201", config=path).fit().get_feature_names_out()
    assert list(names) == [
        *(f"graf:op_count[{op}]" for op in get_space("nb201").OPS),
        "graf:max_path_len[none]",
    ]
    with pytest.raises(FileNotFoundError, match=r"missing\.json"):
        Graf("nb201", config=str(tmp_path / "missing.json")).fit()


def test_every_subset_of_every_nb201_cell_against_brute_force_paths():
    """min/max path over all 31 subsets for 500 cells, from the 4 paths listed by hand."""
    space = get_space("nb201")
    archs = space.sample(500, random_state=11)
    ops = space.to_ops(archs)
    table = Graf("nb201").fit().transform_frame(archs)
    paths = ([2], [0, 4], [1, 5], [0, 3, 5])  # tuple positions, see conventions
    for size in range(1, 6):
        for subset in itertools.combinations(range(5), size):
            label = ",".join(space.OPS[o] for o in subset)
            ok = [np.isin(ops[:, p], subset).all(axis=1) for p in paths]
            lengths = [np.where(o, len(p), -1) for o, p in zip(ok, paths, strict=True)]
            longest = np.max(lengths, axis=0).clip(min=0)
            shortest = np.min([np.where(o, len(p), 6) for o, p in zip(ok, paths, strict=True)], 0)
            assert (table[f"graf:max_path_len[{label}]"].to_numpy() == longest).all()
            assert (table[f"graf:min_path_len[{label}]"].to_numpy() == shortest).all()
