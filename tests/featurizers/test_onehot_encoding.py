"""One-hot encodings: sizes per space and set bits worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from featurizers import OneHot
from featurizers.spaces import get_space


def set_names(space: str, arch: object) -> list[str]:
    enc = OneHot(space).fit()
    row = enc.transform([arch])[0]
    return [n.removeprefix("onehot:") for n in enc.get_feature_names_out()[row == 1]]


@pytest.mark.parametrize(
    ("space", "width", "ones"),
    [("nb201", 30, 6), ("tnb101_micro", 24, 6), ("tnb101_macro", 30, 6), ("nb301", 196, 16)],
)
def test_widths_and_one_bit_per_position(space, width, ones):
    module = get_space(space)
    archs = module.all_archs() if hasattr(module, "all_archs") else module.sample(200, 0)
    x = OneHot(space).fit().transform(archs)
    assert x.shape == (len(archs), width) and x.dtype == np.uint8
    assert (x.sum(axis=1) == ones).all()


def test_nb201_matches_naslib_layout():
    # Tuple order, op id within each 5-wide block: NASLib's encode_adjacency_one_hot.
    x = OneHot("nb201").fit().transform(["|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|"])
    assert set(np.flatnonzero(x[0])) == {1, 6, 12, 16, 21, 26}
    assert set_names("nb201", (4, 0, 3, 1, 4, 3)) == [
        "(0,1)=avg_pool_3x3",
        "(0,2)=skip_connect",
        "(0,3)=nor_conv_1x1",
        "(1,2)=none",
        "(1,3)=avg_pool_3x3",
        "(2,3)=nor_conv_1x1",
    ]


def test_tnb_micro_uses_tnb_ids_and_string_order():
    x = OneHot("tnb101_micro").fit().transform(["64-41414-3_00_000"])
    assert set(np.flatnonzero(x[0])) == {3, 4, 8, 12, 16, 20}
    assert set_names("tnb101_micro", "64-41414-0_12_300")[:3] == [
        "(0,1)=none",
        "(0,2)=skip_connect",
        "(1,2)=nor_conv_1x1",
    ]


def test_tnb_macro_pads_with_absent_modules():
    assert set_names("tnb101_macro", "64-1323-basic") == [
        "module0=basic",
        "module1=stride_2",
        "module2=channel_x2",
        "module3=stride_2",
        "module4=absent",
        "module5=absent",
    ]


def test_nb101_padded_to_seven_nodes():
    assert set_names("nb101", "c3~0|mp~01|out~02") == [
        "adj(0,1)",
        "adj(0,2)",
        "adj(0,6)",  # the output moves to node 6
        "adj(1,2)",
        "adj(2,6)",
        "node1=conv3x3-bn-relu",
        "node2=maxpool3x3",
    ]
    full = "c3~0|c3~0|c1~0|mp~1|c3~2|out~345"
    names = set_names("nb101", full)
    assert (
        sum(n.startswith("adj") for n in names) == 8
        and sum(n.startswith("node") for n in names) == 5
    )
    assert OneHot("nb101").fit().n_features_out_ == 36


def test_nb301_one_bit_per_edge_independent_of_edge_order():
    normal = ((0, 2), (1, 3), (2, 2), (1, 0), (3, 2), (0, 1), (4, 4), (1, 5))
    swapped = ((1, 3), (0, 2), (1, 0), (2, 2), (0, 1), (3, 2), (1, 5), (4, 4))
    reduce = ((0, 0), (1, 0), (0, 1), (1, 1), (0, 6), (1, 6), (0, 3), (1, 3))
    names = set_names("nb301", (normal, reduce))
    assert names == set_names("nb301", (swapped, reduce))
    assert names[:4] == [
        "normal_c_{k-2}>node0=skip_connect",
        "normal_c_{k-1}>node0=sep_conv_3x3",
        "normal_c_{k-1}>node1=max_pool_3x3",
        "normal_node0>node1=skip_connect",
    ]
    assert "normal_c_{k-1}>node3=dil_conv_3x3" in names and len(names) == 16
