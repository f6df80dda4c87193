"""NAS-Bench-301 / DARTS space: genotype forms, pair-order invariance, moves and the files."""

from __future__ import annotations

import ast
import collections

import numpy as np
import pytest

from featurizers.spaces import InvalidArchError, nb301

from ._files import naslib_arch_list, zc_json_records, zip_archs

#: DARTS (second order) from the DARTS paper's released genotypes, in DARTS's own repr.
DARTS_V2 = (
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
    "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
    "('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), "
    "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=range(2, 6))"
)
#: Worked by hand: each node's pair sorted by (input, op id).
DARTS_V2_ID = (
    "normal|sep_conv_3x3~0|sep_conv_3x3~1|+|sep_conv_3x3~0|sep_conv_3x3~1|"
    "+|skip_connect~0|sep_conv_3x3~1|+|skip_connect~0|dil_conv_3x3~2|"
    "reduce|max_pool_3x3~0|max_pool_3x3~1|+|max_pool_3x3~1|skip_connect~2|"
    "+|max_pool_3x3~0|skip_connect~2|+|max_pool_3x3~1|skip_connect~2|"
)
DARTS_V2_KEY = (
    "(((0, 3), (1, 3), (0, 3), (1, 3), (0, 2), (1, 3), (0, 2), (2, 5)), "
    "((0, 0), (1, 0), (1, 0), (2, 2), (0, 0), (2, 2), (1, 0), (2, 2)))"
)


def test_darts_genotype_every_form():
    assert nb301.parse(DARTS_V2) == DARTS_V2_ID
    assert nb301.to_tuple_key(DARTS_V2) == DARTS_V2_KEY
    genotype = nb301.to_genotype(DARTS_V2)
    assert genotype.normal_concat == genotype.reduce_concat == [2, 3, 4, 5]
    forms = [
        DARTS_V2_ID,
        DARTS_V2_KEY,
        DARTS_V2_KEY.replace("((", "[(").replace("))", ")]"),
        ast.literal_eval(DARTS_V2_KEY),
        np.array(ast.literal_eval(DARTS_V2_KEY)),
        genotype,
        str(genotype),
        {"normal": genotype.normal, "reduce": genotype.reduce},
    ]
    assert nb301.parse_many(forms) == [DARTS_V2_ID] * len(forms)


def test_pair_order_does_not_change_the_id():
    compact = [list(cell) for cell in ast.literal_eval(DARTS_V2_KEY)]
    swapped = [cell.copy() for cell in compact]
    for cell in swapped:
        for k in range(4):
            cell[2 * k], cell[2 * k + 1] = cell[2 * k + 1], cell[2 * k]
    assert nb301.parse(swapped) == nb301.parse(compact) == DARTS_V2_ID
    # Swapping edges across nodes does change the network.
    moved = [cell.copy() for cell in compact]
    moved[0][1], moved[0][2] = moved[0][2], moved[0][1]
    assert nb301.parse(moved) != DARTS_V2_ID


def test_pilot_keys_in_either_order():
    records = zc_json_records("nasbench301")["cifar10"]
    keys = list(records)
    ids = nb301.parse_many(keys)
    assert len(set(ids)) == 500
    # About half of the pilot's node pairs list the larger input first; reversing every pair
    # gives the same ids.
    reversed_keys = [
        [[cell[2 * k + j] for k in range(4) for j in (1, 0)] for cell in ast.literal_eval(key)]
        for key in keys
    ]
    assert nb301.parse_many(reversed_keys) == ids
    canon = [ast.literal_eval(nb301.to_tuple_key(a)) for a in ids]
    assert all(cell[2 * k][0] < cell[2 * k + 1][0] for c in canon for cell in c for k in range(4))


def test_naslib_op_ids_match_parameter_counts():
    """In the pilot, params per op: pools and skip 0 in the normal cell, sep > dil, 5x5 > 3x3,
    and skip_connect costs parameters only in the reduction cell (factorized reduce)."""
    records = zc_json_records("nasbench301")["cifar10"]
    ops = nb301.to_ops(records)
    counts = np.stack([(ops[:, c] == o).sum(axis=1) for c in range(2) for o in range(7)], axis=1)
    params = np.array([r["params"] for r in records.values()])
    design = np.hstack([counts, np.ones((len(params), 1))])
    coef = np.linalg.lstsq(design, params, rcond=None)[0]
    normal, reduce = coef[:7] - coef[0], coef[7:14] - coef[7]
    assert np.abs(normal[:3]).max() < 0.005  # max_pool, avg_pool, skip: no parameters
    assert normal[4] > normal[3] > normal[6] > normal[5] > 0.02  # sep5 > sep3 > dil5 > dil3
    assert reduce[2] > 0.005 and abs(reduce[1]) < 0.005  # skip = factorized reduce in reduce


def test_every_key_of_every_file_parses():
    listed = naslib_arch_list("nasbench301")
    ids = nb301.parse_many(listed)
    assert len(set(ids)) == 11_221
    # NASLib's list already sorts pairs, so its keys are exactly the canonical tuple keys.
    assert [nb301.to_tuple_key(a) for a in ids] == list(listed)
    nine = nb301.parse_many(naslib_arch_list("nasbench3019x"))
    assert len(set(nine)) == 199
    assert set(nb301.parse_many(zip_archs("nasbench301"))) == set(ids) | set(nine)
    assert nb301.is_valid(ids).all()


def test_arrays_round_trip():
    ids = nb301.parse_many(naslib_arch_list("nasbench301")[:300])
    ops, inputs = nb301.to_arrays(ids)
    assert ops.shape == inputs.shape == (300, 2, 8)
    assert nb301.from_arrays(ops, inputs) == ids
    assert (inputs < nb301.N_INPUTS).all() and (inputs[..., 0::2] < inputs[..., 1::2]).all()
    first = nb301.to_arrays([DARTS_V2])
    assert first[0][0, 0].tolist() == [3, 3, 3, 3, 2, 3, 2, 5]
    assert first[1][0, 1].tolist() == [0, 1, 1, 2, 0, 2, 1, 2]


@pytest.mark.parametrize(
    "bad, reason",
    [
        (DARTS_V2.replace("range(2, 6)", "[2, 3, 4, 5, 6]", 1), "concatenate [2, 3, 4, 5]"),
        (DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)"), "reads input 5"),
        (DARTS_V2.replace("sep_conv_3x3", "conv_7x1_1x7", 1), "unknown op 'conv_7x1_1x7'"),
        ("(((0, 1),), ((0, 1),))", "normal cell has 1 edges"),
        (DARTS_V2_KEY.replace("(2, 5)", "(2, 7)"), "op id 7"),
        ("normal|sep_conv_3x3~0|", "unrecognised"),
    ],
)
def test_errors_name_the_arch(bad, reason):
    with pytest.raises(InvalidArchError) as err:
        nb301.parse(bad)
    assert repr(bad) in str(err.value)
    assert reason in str(err.value)


def test_same_input_twice_is_invalid():
    compact = [list(cell) for cell in ast.literal_eval(DARTS_V2_KEY)]
    compact[0][1] = (0, 3)  # node 0 reads input 0 twice
    assert nb301.is_valid([compact, DARTS_V2]).tolist() == [False, True]


def _edge_changes(a: str, b: str) -> int:
    """Edges that differ between two genotypes, matching each node's two edges as a multiset."""
    ca, cb = (np.asarray(ast.literal_eval(nb301.to_tuple_key(x))) for x in (a, b))
    changes = 0
    for c in range(2):
        for k in range(4):
            pa = collections.Counter(map(tuple, ca[c, 2 * k : 2 * k + 2].tolist()))
            pb = collections.Counter(map(tuple, cb[c, 2 * k : 2 * k + 2].tolist()))
            changes += sum((pa - pb).values())
    return changes


def test_neighbours_are_single_edge_changes():
    for arch in [nb301.parse(DARTS_V2), *nb301.sample(5, 0)]:
        nbrs = nb301.neighbours(arch)
        # 2 cells x 8 edges x 6 other ops + 2 cells x (0 + 1 + 2 + 3) x 2 other inputs.
        assert len(nbrs) == len(set(nbrs)) == 96 + 24
        assert all(_edge_changes(arch, b) == 1 for b in nbrs)
        assert nb301.is_valid(nbrs).all()


def test_mutation_and_sampling():
    samples = nb301.sample(50, 11)
    assert samples == nb301.sample(50, 11) and len(set(samples)) == 50
    assert nb301.is_valid(samples).all()
    for seed, arch in enumerate(samples):
        child = nb301.mutate(arch, seed)
        assert child == nb301.mutate(arch, seed)
        assert _edge_changes(arch, child) == 1
        assert child in nb301.neighbours(arch)
    # Every input a node may read turns up, in both the normal and the reduction cell.
    inputs = nb301.to_inputs(nb301.sample(400, 0))
    for k in range(4):
        for c in range(2):
            assert set(np.unique(inputs[:, c, 2 * k : 2 * k + 2])) == set(range(k + 2))
