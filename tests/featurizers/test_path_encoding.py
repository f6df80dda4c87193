"""Path encodings: sizes per space and bits worked out by hand (NASLib's NB201 mix-up pinned)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from featurizers import PathEncoding
from featurizers.spaces import get_space


def bits(space: str, arch: object, **params) -> set[int]:
    row = PathEncoding(space, **params).fit().transform([arch])[0]
    return set(np.flatnonzero(row).tolist())


@pytest.mark.parametrize(
    ("space", "width"), [("nb201", 155), ("tnb101_micro", 84), ("nb101", 40), ("nb301", 11_204)]
)
def test_widths(space, width):
    enc = PathEncoding(space).fit()
    assert enc.n_features_out_ == width == len(set(enc.get_feature_names_out()))


def test_nb201_cell_where_naslib_blueprints_differ():
    # Tuple (1, 1, 2, 1, 1, 1): nor_conv_3x3 on tuple position 2 = edge 0→3, the direct edge.
    arch = "|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|"
    ops = get_space("nb201").to_ops([arch])[0]
    assert ops.tolist() == [1, 1, 2, 1, 1, 1]
    # Real paths [2], [0, 4], [1, 5], [0, 3, 5]: (conv) → 2; (none, none) → 5 + 1 + 5 = 11
    # (twice); (none, none, none) → 30 + 1 + 5 + 25 = 61.
    assert bits("nb201", arch) == {2, 11, 61}
    # NASLib's blueprints [3], [0, 4], [1, 5], [0, 2, 5] read position 3 as the direct edge and
    # put position 2 in the middle of the long path: (none) → 1, (none, conv, none) → 66.
    naslib = set()
    for blueprint, offset in (([3], 0), ([0, 4], 5), ([1, 5], 5), ([0, 2, 5], 30)):
        naslib.add(offset + sum(int(ops[e]) * 5**j for j, e in enumerate(blueprint)))
    assert naslib == {1, 11, 66}
    names = PathEncoding("nb201").fit().get_feature_names_out()
    assert names[2] == "path:nor_conv_3x3" and names[61] == "path:none>none>none"


def test_nb201_two_paths_with_one_sequence_share_a_bit():
    all_skip = get_space("nb201").parse((0, 0, 0, 0, 0, 0))
    assert bits("nb201", all_skip) == {0, 5, 30}  # skip; skip>skip (twice); skip>skip>skip


def test_tnb_micro_hand_cell():
    # TNB ids (0 none .. 3 conv3x3), edges (0,1),(0,2),(1,2),(0,3),(1,3),(2,3); conv on 0→1.
    # Paths [3] (none) → 0; [0, 4] (c3, none) → 4 + 3 = 7; [1, 5] (none, none) → 4;
    # [0, 2, 5] (c3, none, none) → 20 + 3 = 23.
    assert bits("tnb101_micro", "64-41414-3_00_000") == {0, 4, 7, 23}


def test_nb101_hand_cells_and_truncation():
    # 0 → 1 (c3) → 2 (mp) → 3 (out), plus 0 → 2 and 0 → 3: paths (), (mp), (c3, mp).
    # Codes c3 0, c1 1, mp 2; index Σ 3^j (code + 1): 0, 3, 1 + 3·3 = 10.
    assert bits("nb101", "c3~0|mp~01|out~02") == {0, 3, 10}
    chain = "c3~0|c3~1|c3~2|c3~3|out~4"  # one path of 4 convs: 1 + 3 + 9 + 27 = 40
    assert bits("nb101", chain) == set()  # beyond BANANAS' default cutoff of 40
    assert bits("nb101", chain, cutoff=364) == {40}
    names = PathEncoding("nb101", cutoff=364).fit().get_feature_names_out()
    assert names[0] == "path:input>output"
    assert names[40] == "path:input>" + ">".join(["conv3x3-bn-relu"] * 4) + ">output"


def test_nb301_hand_genotype():
    normal = ((0, 2), (1, 3), (2, 2), (1, 0), (3, 2), (0, 1), (4, 4), (1, 5))
    reduce = ((0, 0), (1, 0), (0, 1), (1, 1), (0, 6), (1, 6), (0, 3), (1, 3))
    block = 2801
    # Index within a (cell, input) block: Σ 7^j (op_j + 1). Normal, from c_{k-2}: skip → 3,
    # skip>skip → 24, skip>skip>skip → 171, …>sep5 → 171 + 343·5 = 1886, avg → 2, avg>sep5 → 37.
    from_c0 = {2, 3, 24, 37, 171, 1886}
    # From c_{k-1}: max_pool 1, sep3 4, dil3 6 (the 8th edge, which NASLib's loop skips),
    # max_pool>skip 22, sep3>skip 25, sep3>skip>skip 172, max_pool>skip>sep5 267, … 1887.
    from_c1 = {1, 4, 6, 22, 25, 172, 267, 1887}
    reduce_bits = {1, 2, 4, 7}  # every reduce edge reads an input: one-op paths only
    expected = (
        from_c0
        | {block + b for b in from_c1}
        | {2 * block + b for b in reduce_bits}
        | {3 * block + b for b in reduce_bits}
    )
    assert bits("nb301", (normal, reduce)) == expected


def test_cutoff_keeps_the_first_bits():
    enc = PathEncoding("nb201", cutoff=30).fit()
    arch = get_space("nb201").parse((2, 2, 2, 2, 2, 2))
    assert enc.transform([arch]).shape == (1, 30)
    assert set(np.flatnonzero(enc.transform([arch])[0])) == {2, 17}  # conv; conv>conv
    with pytest.raises(ValueError, match="cutoff"):
        PathEncoding("nb201", cutoff=0).fit()


def _nb101_path_bits(adj, ops, n) -> set[int]:
    """Independent: enumerate simple paths with networkx, index as BANANAS does."""
    graph = nx.DiGraph(list(zip(*np.nonzero(adj[:n, :n]), strict=True)))
    digit = {4: 0, 3: 1, 2: 2}  # NASLib codes conv3x3, conv1x1, maxpool → BANANAS digits
    out = set()
    for path in nx.all_simple_paths(graph, 0, n - 1):
        out.add(sum(3**j * (digit[int(ops[v])] + 1) for j, v in enumerate(path[1:-1])))
    return out


def test_nb101_matches_networkx_paths():
    space = get_space("nb101")
    archs = space.sample(300, random_state=5)
    table = PathEncoding("nb101", cutoff=364).fit().transform(archs)
    adj, ops, n = space.to_arrays(archs)
    for i in range(len(archs)):
        assert set(np.flatnonzero(table[i])) == _nb101_path_bits(adj[i], ops[i], int(n[i]))
