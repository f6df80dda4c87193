"""TransNAS-Bench-101 macro space against hand-worked cases and the benchmark files."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from featurizers.spaces import InvalidArchError, tnb101_macro, tnb101_micro

from ._files import naslib_arch_list, zip_archs


def test_benchmark_set_is_naslibs_list():
    listed = naslib_arch_list("transbench101_macro")
    assert len(listed) == len(set(listed)) == 3_256
    assert set(tnb101_macro.parse_many(listed)) == set(tnb101_macro.all_archs())
    assert {tnb101_macro.to_tuple_key(a) for a in tnb101_macro.all_archs()} == set(listed)


def test_rule_by_counting():
    """1-3 channel doublings and 1-4 downsamplings among 4-6 modules: count it independently."""
    expected = 0
    for length in (4, 5, 6):
        for codes in itertools.product((1, 2, 3, 4), repeat=length):
            doublings = sum(c in (2, 4) for c in codes)
            downsamplings = sum(c in (3, 4) for c in codes)
            expected += 1 <= doublings <= 3 and 1 <= downsamplings <= 4
    assert expected == len(tnb101_macro.all_archs()) == tnb101_macro.N_ARCHS


def test_every_key_of_every_file_parses():
    assert set(tnb101_macro.parse_many(zip_archs("transbench101_macro"))) == set(
        tnb101_macro.all_archs()
    )


def test_round_trip_every_form():
    ids = tnb101_macro.all_archs()
    ops = tnb101_macro.to_ops(ids)
    assert ops.shape == (3_256, 6)
    assert tnb101_macro.from_ops(ops) == ids
    np.testing.assert_array_equal(tnb101_macro.to_index(ids), np.arange(3_256))
    assert tnb101_macro.from_index(np.arange(3_256)) == ids
    keys = [tnb101_macro.to_tuple_key(a) for a in ids]
    assert tnb101_macro.parse_many(keys) == ids
    padded = [str(tuple(row)) for row in ops.tolist()]
    assert tnb101_macro.parse_many(padded) == ids
    assert [a.split("-")[1] for a in ids] == ["".join(k[1::3]) for k in keys]
    lengths = tnb101_macro.n_modules(ids)
    assert np.bincount(lengths).tolist()[4:] == [210, 750, 2_296]
    assert ((ops > 0).sum(axis=1) == lengths).all()


def test_hand_example_arrays():
    arch = "64-41414-basic"
    assert tnb101_macro.parse((4, 1, 4, 1, 4)) == arch
    assert tnb101_macro.parse("(4, 1, 4, 1, 4, 0)") == arch
    assert tnb101_macro.parse(np.array([4, 1, 4, 1, 4, 0])) == arch
    assert tnb101_macro.to_tuple_key(arch) == "(4, 1, 4, 1, 4)"
    assert tnb101_macro.to_ops([arch]).tolist() == [[4, 1, 4, 1, 4, 0]]
    assert tnb101_macro.out_channels([arch]).tolist() == [[128, 128, 256, 256, 512, 0]]
    assert tnb101_macro.strides([arch]).tolist() == [[2, 1, 2, 1, 2, 0]]
    assert tnb101_macro.resolution_divisor([arch]).tolist() == [[8, 8, 16, 16, 32, 0]]
    assert tnb101_macro.channel_doubling([arch]).tolist() == [
        [True, False, True, False, True, False]
    ]


def test_same_digits_mean_different_networks_in_micro_and_macro():
    key = "(1, 2, 3, 1, 2, 3)"
    assert tnb101_macro.parse(key) == "64-123123-basic"
    assert tnb101_micro.parse(key) == "64-41414-1_23_123"


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("64-1111-basic", "0 channel-doubling and 0 downsampling"),
        ("64-2222-basic", "4 channel-doubling"),
        ("(4, 1, 4)", "3 modules"),
        ("(4, 0, 4, 1)", "0 (no module) before"),
        ("(4, 1, 4, 1, 5)", "5"),
        ("64-41414-3_02_113", ""),
    ],
)
def test_errors_name_the_arch(bad, reason):
    with pytest.raises(InvalidArchError) as err:
        tnb101_macro.parse(bad)
    assert repr(bad) in str(err.value)
    assert reason in str(err.value)


def test_is_valid_marks_codes_outside_the_benchmark():
    assert tnb101_macro.is_valid(["64-41414-basic", "64-1111-basic", (2, 2, 2, 2, 3)]).tolist() == [
        True,
        False,
        False,
    ]
    with pytest.raises(InvalidArchError):
        tnb101_macro.is_valid(["(4, 1)"])


def _one_move_apart(a: str, b: str) -> bool:
    """Digits differ by one substitution, insertion or deletion."""
    x, y = a.split("-")[1], b.split("-")[1]
    if len(x) == len(y):
        return sum(p != q for p, q in zip(x, y, strict=True)) == 1
    short, long = sorted((x, y), key=len)
    return len(long) == len(short) + 1 and any(
        long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


def test_neighbours_are_one_move_away_and_inside_the_set():
    universe = set(tnb101_macro.all_archs())
    for arch in tnb101_macro.sample(40, 0):
        nbrs = tnb101_macro.neighbours(arch)
        assert nbrs and len(nbrs) == len(set(nbrs))
        assert set(nbrs) <= universe and arch not in nbrs
        assert all(_one_move_apart(arch, b) for b in nbrs)
    # Hand count for 64-3121-basic (4 modules: one downsampling, one doubling): of the 12
    # substitutions, 3->1, 3->2, 2->1 and 2->3 leave the set (8 stay); every deletion leaves 3
    # modules (0); of the 5 x 4 insertions, inserting a digit beside an equal one repeats another
    # (20 - 4 = 16).
    nbrs = tnb101_macro.neighbours("64-3121-basic")
    by_length = [sum(len(b) == len("64-3121-basic") + d for b in nbrs) for d in (-1, 0, 1)]
    assert by_length == [0, 8, 16]
    # Every neighbour relation is symmetric.
    assert all("64-3121-basic" in tnb101_macro.neighbours(b) for b in nbrs)


def test_mutation_is_a_seeded_neighbour():
    arch = "64-41414-basic"
    children = [tnb101_macro.mutate(arch, s) for s in range(30)]
    assert set(children) <= set(tnb101_macro.neighbours(arch))
    assert children == [tnb101_macro.mutate(arch, s) for s in range(30)]
    assert tnb101_macro.sample(10, 5) == tnb101_macro.sample(10, 5)
