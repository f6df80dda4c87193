"""NAS-Bench-101 space: pruning, canonical ids, the official hash, moves and the benchmark files."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from featurizers.spaces import InvalidArchError, nb101

from ._files import zc_json_archs, zc_json_records, zip_archs

C3, C1, MP = "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"

#: The first cell of NAS-Bench-101's table and its published hash.
FIRST_MATRIX = [
    [0, 1, 0, 0, 1, 1, 0],
    [0, 0, 1, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 1],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
]
FIRST_OPS = ["input", C3, MP, C3, C3, C1, "output"]
FIRST_HASH = "00005c142e6f48ac74fdcf73e3439874"


def test_official_hash_of_a_published_cell():
    assert nb101.graph_hash((FIRST_MATRIX, FIRST_OPS)) == FIRST_HASH
    assert nb101.graph_hash({"matrix": FIRST_MATRIX, "ops": FIRST_OPS}) == FIRST_HASH
    assert nb101.graph_hash(nb101.parse((FIRST_MATRIX, FIRST_OPS))) == FIRST_HASH


def test_hand_canonical_id_of_the_published_cell():
    # Nodes: 1 c3<-0, 2 mp<-1, 3 c3<-2, 4 c3<-0, 5 c1<-0,3,4, out<-2,5. Forward numberings must
    # keep 1 < 2 < 3 < 5 and 4 < 5, so the smallest op sequence is c3 c3 mp c3 c1 (old 1 and 4
    # first, in either order); old 4 first gives the smaller adjacency (row 1 = 00010 < 01000).
    arch = nb101.parse((FIRST_MATRIX, FIRST_OPS))
    assert arch == "c3~0|c3~0|mp~2|c3~3|c1~014|out~35"
    matrix, ops = nb101.to_spec(arch)
    assert ops == ["input", C3, C3, MP, C3, C1, "output"]
    assert matrix.sum() == np.sum(FIRST_MATRIX) == 9
    assert nb101.parse((matrix, ops)) == arch


def test_isomorphic_cells_share_id_and_hash():
    # input -> a, input -> b, a -> out, b -> out, with a/b numbered both ways.
    first = ([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ["input", C3, C1, "output"])
    second = ([[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ["input", C1, C3, "output"])
    assert nb101.parse(first) == nb101.parse(second) == "c3~0|c1~0|out~12"
    assert nb101.graph_hash(first) == nb101.graph_hash(second)
    # A chain is not isomorphic to it.
    chain = ([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]], ["input", C3, C1, "output"])
    assert nb101.parse(chain) == "c3~0|c1~1|out~2"
    assert nb101.graph_hash(chain) != nb101.graph_hash(first)


def test_pruning_like_model_spec():
    # 0 -> 1 (c3) -> out; node 2 (c1) has no way out, node 3 (mp) no way in, 4 and 5 are isolated.
    matrix = np.zeros((7, 7), dtype=int)
    matrix[0, 1] = matrix[1, 6] = matrix[0, 2] = matrix[3, 6] = 1
    ops = ["input", C3, C1, MP, C3, C3, "output"]
    assert nb101.parse((matrix, ops)) == "c3~0|out~1"
    assert nb101.n_nodes([(matrix, ops)]).tolist() == [3]
    assert nb101.graph_hash((matrix, ops)) == nb101.graph_hash(
        ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ["input", C3, "output"])
    )
    # Output unreachable: no pruned form at all.
    matrix[1, 6] = matrix[3, 6] = 0
    with pytest.raises(InvalidArchError, match="no path from input to output"):
        nb101.parse((matrix, ops))
    assert not nb101.is_valid([(matrix, ops)])[0]


def test_more_than_nine_edges_is_outside_the_benchmark():
    dense = np.triu(np.ones((6, 6), dtype=int), 1)  # 15 edges, all on input->output paths
    spec = (dense, ["input", C3, C3, C1, MP, "output"])
    assert nb101.n_edges([spec]).tolist() == [15]
    assert not nb101.is_valid([spec])[0]
    assert nb101.is_valid([(FIRST_MATRIX, FIRST_OPS)])[0]


def test_every_form_agrees():
    arch = nb101.parse((FIRST_MATRIX, FIRST_OPS))
    codes = [nb101.OP_IDS[o] for o in FIRST_OPS]
    flat = [*np.ravel(FIRST_MATRIX).tolist(), *codes]
    assert codes == [0, 4, 2, 4, 4, 3, 1]
    forms = [
        str(tuple(flat)),
        tuple(flat),
        np.array(flat),
        (np.array(FIRST_MATRIX), codes),
        {"module_adjacency": np.array(FIRST_MATRIX), "module_operations": FIRST_OPS},
        nb101.to_tuple_key(arch),
        arch,
    ]
    assert nb101.parse_many(forms) == [arch] * len(forms)


def test_naslib_op_codes_match_parameter_counts():
    """The pilot's params rise with conv3x3 (code 4) and fall with maxpool (code 2)."""
    records = zc_json_records("nasbench101")["cifar10"]
    ops = nb101.to_ops(records)
    params = np.array([r["params"] for r in records.values()])
    assert np.corrcoef((ops == 4).sum(axis=1), params)[0, 1] > 0.3
    assert np.corrcoef((ops == 2).sum(axis=1), params)[0, 1] < 0


def test_benchmark_files_parse_and_isomorphs_are_counted():
    pilot = zc_json_archs("nasbench101")["cifar10"]
    zen = sorted(zip_archs("nasbench101"))
    assert len(pilot) == 500 and len(zen) == 10_250
    pilot_ids = nb101.parse_many(pilot)
    zen_ids = nb101.parse_many(zen)
    # The zen keys are NAS-Bench-101's own pruned cells: one per class.
    assert len(set(zen_ids)) == 10_250
    assert nb101.is_valid(zen).all() and nb101.is_valid(pilot).all()
    assert [nb101.parse(nb101.to_tuple_key(a)) for a in zen_ids[:500]] == zen_ids[:500]
    # The pilot keys are raw 7-node samples: 500 specs, 292 cells after pruning.
    assert len(set(pilot_ids)) == 292
    assert collections.Counter(pilot_ids).most_common(1)[0] == ("out~0", 55)
    assert len(set(pilot_ids) & set(zen_ids)) == 11
    # Canonical ids and official hashes split the keys into the same classes.
    hashes = nb101.graph_hashes(pilot)
    assert len(set(zip(pilot_ids, hashes, strict=True))) == len(set(hashes)) == 292


def test_arrays_are_padded_in_the_canonical_numbering():
    archs = ["c3~0|out~1", nb101.parse((FIRST_MATRIX, FIRST_OPS))]
    adj, ops, n = nb101.to_arrays(archs)
    assert adj.shape == (2, 7, 7) and ops.shape == (2, 7)
    assert n.tolist() == [3, 7]
    assert ops[0].tolist() == [0, 4, 1, -1, -1, -1, -1]
    assert adj[0].sum() == 2 and adj[0, 0, 1] == adj[0, 1, 2] == 1
    assert nb101.from_arrays(adj, ops) == archs


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("(0, 1, 0, 0, 1)", "not n*n + n"),
        ("(0, 1, 0, 0, 0, 1, 0, 0, 0, 4, 0, 1)", "first op must be the input"),
        ("c3~0|xx~1|out~2", "node 2"),
        ("c3~1|out~0", "node 1 takes input 1"),
        (FIRST_HASH, "hash cannot be turned into a cell"),
        (([[0, 1], [1, 0]], ["input", "output"]), "upper-triangular"),
        (([[0, 1], [0, 0]], ["input", "conv5x5"]), "unknown op"),
    ],
)
def test_errors_name_the_arch(bad, reason):
    with pytest.raises(InvalidArchError) as err:
        nb101.parse(bad)
    assert repr(bad) in str(err.value)
    assert reason in str(err.value)


def test_neighbours_are_valid_single_changes():
    # c3~0|c1~0|out~12, worked by hand: 4 op changes, then the 6 node pairs flipped (removing
    # either edge of a branch prunes that branch, so two pairs of flips coincide).
    nbrs = nb101.neighbours("c3~0|c1~0|out~12")
    assert nbrs == sorted(
        [
            "c1~0|c1~0|out~12",  # c3 -> c1
            "c1~0|mp~0|out~12",  # c3 -> mp (renumbered: c1 before mp)
            "c3~0|c3~0|out~12",  # c1 -> c3
            "c3~0|mp~0|out~12",  # c1 -> mp
            "c1~0|out~1",  # drop input->c3 or c3->output
            "c3~0|out~1",  # drop input->c1 or c1->output
            "c3~0|c1~0|out~012",  # add input->output
            "c3~0|c1~01|out~12",  # add c3->c1
        ]
    )
    assert nb101.is_valid(nbrs).all()


def test_the_two_node_cell_only_grows_by_mutation():
    # Its one edge cannot go, and one new edge cannot connect a new node at both ends.
    assert nb101.neighbours("out~0") == []
    children = {nb101.mutate("out~0", seed) for seed in range(10)}
    assert "out~0" not in children and nb101.is_valid(list(children)).all()
    assert min(nb101.n_nodes(list(children))) >= 3


def test_mutation_and_sampling_are_seeded_and_valid():
    parents = nb101.sample(30, 7)
    assert parents == nb101.sample(30, 7) and parents[:5] == nb101.sample(5, 7)
    assert nb101.is_valid(parents).all()
    for seed, parent in enumerate(parents):
        child = nb101.mutate(parent, seed)
        assert child == nb101.mutate(parent, seed)
        assert child != parent
        assert nb101.is_valid([child])[0]
    # NASLib's sampler is not uniform over classes: small cells come up often.
    sizes = nb101.n_nodes(nb101.sample(2_000, 0))
    assert sizes.min() == 2 and sizes.max() <= 7
