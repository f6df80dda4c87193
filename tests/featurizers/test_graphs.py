"""Graphs of archs: node features and edges checked by hand, two archs per space and form."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from featurizers.graphs import FORMS, SUPPORTED, arch_graphs
from featurizers.spaces import InvalidArchError, get_space

NB201_A = "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_1x1~2|"
NB201_B = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
#: NB201 line graph: input 0, op-nodes 1..6 = tuple edges (0,1),(0,2),(0,3),(1,2),(1,3),(2,3),
#: output 7. Op-node (a,b) feeds op-node (b,c); edges entering cell node 3 feed the output.
NB201_OP_NODE_EDGES = [
    (0, 1),
    (0, 2),
    (0, 3),
    (1, 4),
    (1, 5),
    (2, 6),
    (3, 7),
    (4, 6),
    (5, 7),
    (6, 7),
]


def edges_of(data) -> list[tuple[int, int]]:
    return [tuple(e) for e in data.edge_index.T.tolist()]


def onehot_columns(x: torch.Tensor) -> list[int]:
    assert torch.all(x.sum(dim=1) == 1)
    return x.argmax(dim=1).tolist()


# ---------------------------------------------------------------------------------------- NB201
def test_nb201_op_node_matches_naslib_gcn_encoding():
    g = arch_graphs("nb201", [NB201_A, NB201_B])
    a, b = g.to_data(0), g.to_data(1)
    # Tuple (4, 0, 3, 1, 4, 3): columns are op id + 1, input 0, output 6 (NASLib's encode_gcn).
    assert onehot_columns(a.x) == [0, 5, 1, 4, 2, 5, 4, 6]
    assert onehot_columns(b.x) == [0, 3, 3, 3, 3, 3, 3, 6]
    assert edges_of(a) == NB201_OP_NODE_EDGES
    assert edges_of(b) == NB201_OP_NODE_EDGES
    assert g.node_features == (
        "role=input",
        "op=skip_connect",
        "op=none",
        "op=nor_conv_3x3",
        "op=nor_conv_1x1",
        "op=avg_pool_3x3",
        "role=output",
    )


def test_nb201_op_edge_keeps_ops_on_cell_edges():
    g = arch_graphs("nb201", [NB201_A, "(4, 0, 3, 1, 4, 3)"], form="op_edge")
    a = g.to_data(0)
    assert onehot_columns(a.x) == [0, 1, 1, 2]  # input, intermediate, intermediate, output
    assert edges_of(a) == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    assert onehot_columns(a.edge_attr) == [4, 0, 3, 1, 4, 3]
    # The tuple key is the same arch.
    assert torch.equal(g.to_data(1).edge_attr, a.edge_attr)


# ------------------------------------------------------------------------------------ TNB micro
def test_tnb101_micro_graphs_follow_its_own_edge_order_and_ids():
    arch = "64-41414-3_02_113"  # tuple order (0,1) | (0,2),(1,2) | (0,3),(1,3),(2,3)
    g = arch_graphs("tnb101_micro", [arch, "64-41414-0_00_000"])
    a = g.to_data(0)
    # ops 3,0,2,1,1,3 → columns op+1; input 0, output 5.
    assert onehot_columns(a.x) == [0, 4, 1, 3, 2, 2, 4, 5]
    # op-nodes: 1=(0,1) 2=(0,2) 3=(1,2) 4=(0,3) 5=(1,3) 6=(2,3)
    assert edges_of(a) == [
        (0, 1),
        (0, 2),
        (0, 4),
        (1, 3),
        (1, 5),
        (2, 6),
        (3, 6),
        (4, 7),
        (5, 7),
        (6, 7),
    ]
    assert onehot_columns(g.to_data(1).x) == [0, 1, 1, 1, 1, 1, 1, 5]  # all none
    e = arch_graphs("tnb101_micro", [arch], form="op_edge").to_data(0)
    assert edges_of(e) == [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
    assert onehot_columns(e.edge_attr) == [3, 0, 2, 1, 1, 3]


# ---------------------------------------------------------------------------------------- NB101
def test_nb101_cell_graph_has_ops_on_nodes():
    space = get_space("nb101")
    arch = "c3~0|mp~01|out~02"  # 1 = conv3x3(in), 2 = maxpool(in, 1), 3 = out(in, 2)
    assert space.parse(arch) == arch
    g = arch_graphs("nb101", [arch, "c1~0|c1~01|c1~12|out~013"])
    a, b = g.to_data(0), g.to_data(1)
    # columns: input, output, maxpool3x3, conv1x1-bn-relu, conv3x3-bn-relu
    assert onehot_columns(a.x) == [0, 4, 2, 1]
    assert edges_of(a) == [(0, 1), (0, 2), (0, 3), (1, 2), (2, 3)]
    assert onehot_columns(b.x) == [0, 3, 3, 3, 1]
    assert edges_of(b) == [(0, 1), (0, 2), (0, 4), (1, 2), (1, 3), (1, 4), (2, 3), (3, 4)]
    e = arch_graphs("nb101", [arch], form="op_edge").to_data(0)
    assert onehot_columns(e.x) == [0, 1, 1, 2]
    assert edges_of(e) == edges_of(a)
    assert onehot_columns(e.edge_attr) == [4, 2, 1, 2, 1]  # op of each edge's target node


# ---------------------------------------------------------------------------------------- NB301
NB301_ARCH = (
    "normal|sep_conv_3x3~0|sep_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~2|+|max_pool_3x3~2|"
    "max_pool_3x3~3|+|max_pool_3x3~0|skip_connect~3|"
    "reduce|max_pool_3x3~0|max_pool_3x3~1|+|max_pool_3x3~0|max_pool_3x3~1|+|max_pool_3x3~0|"
    "max_pool_3x3~1|+|max_pool_3x3~0|max_pool_3x3~1|"
)


def test_nb301_op_edge_graph_chains_normal_and_reduction_cells():
    assert get_space("nb301").parse(NB301_ARCH) == NB301_ARCH
    e = arch_graphs("nb301", [NB301_ARCH], form="op_edge").to_data(0)
    assert e.num_nodes == 14
    normal = [(0, 2), (1, 2), (0, 3), (2, 3), (2, 4), (3, 4), (0, 5), (3, 5)]
    concat = [(2, 6), (3, 6), (4, 6), (5, 6)]
    reduce = [
        (7 + s, 7 + d) for s, d in [(0, 2), (1, 2), (0, 3), (1, 3), (0, 4), (1, 4), (0, 5), (1, 5)]
    ]
    links = [(6, 7), (6, 8)]
    assert edges_of(e) == normal + concat + reduce + [(7 + s, 7 + d) for s, d in concat] + links
    # ops 0 max_pool, 1 avg_pool, 2 skip, 3 sep3x3; column 7 = link
    assert onehot_columns(e.edge_attr) == [3, 3, 2, 1, 0, 0, 0, 2] + [7] * 4 + [0] * 8 + [7] * 6
    # roles: input k-2, input k-1, intermediate ×4, output; column 4 flags the reduction cell
    assert e.x[:, :4].argmax(dim=1).tolist() == [0, 1, 2, 2, 2, 2, 3] * 2
    assert e.x[:, 4].tolist() == [0.0] * 7 + [1.0] * 7


def test_nb301_op_node_graph_is_the_line_graph():
    d = arch_graphs("nb301", [NB301_ARCH], form="op_node").to_data(0)
    assert d.num_nodes == 22
    # normal cell: op-node 2+e for edge e; node k owns edges 2k, 2k+1 and is read as input 2+k.
    from_inputs = [(0, 2), (1, 3), (0, 4), (0, 8)]  # inputs → op-nodes reading them
    between = [(2, 5), (3, 5), (2, 6), (3, 6), (4, 7), (5, 7), (4, 9), (5, 9)]  # node → readers
    expected_normal = sorted(from_inputs + between)
    got = edges_of(d)
    normal_part = [p for p in got if p[0] < 10 and p[1] < 10]
    assert sorted(normal_part) == expected_normal
    assert {(2 + e, 10) for e in range(8)} <= set(got)
    assert (10, 11) in got and (10, 12) in got
    cols = onehot_columns(d.x[:, :10])
    assert cols[:11] == [0, 1, 5, 5, 4, 3, 2, 2, 2, 4, 9]


# ------------------------------------------------------------------------------------ TNB macro
def test_tnb101_macro_graph_is_a_chain_of_modules():
    g = arch_graphs("tnb101_macro", ["64-1324-basic", "64-41414-basic"])
    a, b = g.to_data(0), g.to_data(1)
    assert onehot_columns(a.x) == [0, 1, 3, 2, 4, 5]
    assert edges_of(a) == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    assert onehot_columns(b.x) == [0, 4, 1, 4, 1, 4, 5]
    e = arch_graphs("tnb101_macro", ["64-1324-basic"], form="op_edge").to_data(0)
    assert onehot_columns(e.x) == [0, 1, 1, 1, 2]
    assert edges_of(e) == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert onehot_columns(e.edge_attr) == [0, 2, 1, 3]


# --------------------------------------------------------------------------------- batch & errors
@pytest.mark.parametrize("space", SUPPORTED)
@pytest.mark.parametrize("form", FORMS)
def test_vectorized_batch_equals_collated_batch(space, form):
    archs = get_space(space).sample(7, random_state=3)
    g = arch_graphs(space, archs, form=form)
    idx = [5, 0, 3]
    fast = g.to_batch(idx)
    slow = Batch.from_data_list([g.to_data(i) for i in idx])
    for key in ("x", "edge_index", "batch", "ptr", "edge_attr"):
        if key in slow:
            assert torch.equal(fast[key], slow[key]), key
    assert fast.num_graphs == 3
    back = fast.get_example(1)
    assert torch.equal(back.x, g.to_data(0).x)
    assert torch.equal(back.edge_index, g.to_data(0).edge_index)


def test_whole_nb201_space_in_one_batch():
    space = get_space("nb201")
    g = arch_graphs(space, space.all_archs())
    batch = g.to_batch()
    assert batch.num_graphs == 15_625
    assert batch.x.shape == (15_625 * 8, 7)
    assert batch.edge_index.shape == (2, 15_625 * 10)
    np.testing.assert_array_equal(
        batch.x.reshape(15_625, 8, 7)[:, 1:7].argmax(dim=2).numpy() - 1, space.SPACE.ops_table
    )


def test_bad_input_names_the_arch():
    with pytest.raises(InvalidArchError, match="64-41414-3_02_113"):
        arch_graphs("nb201", ["64-41414-3_02_113"])
    with pytest.raises(ValueError, match="unknown graph form 'dense'"):
        arch_graphs("nb201", [NB201_A], form="dense")
    with pytest.raises(TypeError, match="single string"):
        arch_graphs("nb201", NB201_A)
    with pytest.raises(KeyError, match="unknown search space 'nb999'"):
        arch_graphs("nb999", [NB201_A])
