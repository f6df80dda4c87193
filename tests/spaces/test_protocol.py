"""Every search space module speaks the same protocol."""

from __future__ import annotations

import numpy as np
import pytest

from featurizers.spaces import ALIASES, SPACES, InvalidArchError, get_space, space_name

REQUIRED = ("parse", "parse_many", "is_valid", "sample", "mutate", "neighbours", "to_tuple_key")
ENUMERABLE = {"nb201": 15_625, "tnb101_micro": 4_096, "tnb101_macro": 3_256}


@pytest.fixture(params=sorted(SPACES))
def space(request):
    return get_space(request.param)


def test_module_exposes_the_protocol(space):
    assert space.NAME in SPACES
    assert isinstance(space.EXPECTED, str) and space.EXPECTED
    for name in REQUIRED:
        assert callable(getattr(space, name)), name
    if space.NAME in ENUMERABLE:
        archs = space.all_archs()
        assert len(archs) == len(set(archs)) == ENUMERABLE[space.NAME]
        assert space.parse_many(archs[:50]) == archs[:50]


def test_aliases_resolve():
    for alias, name in ALIASES.items():
        assert space_name(alias.upper()) == name
        assert get_space(alias).NAME == name
    with pytest.raises(KeyError, match="unknown search space 'nb999'"):
        space_name("nb999")


def test_samples_are_canonical_seeded_and_valid(space):
    archs = space.sample(20, 0, valid_only=True)
    assert archs == space.sample(20, 0, valid_only=True)
    assert archs != space.sample(20, 1, valid_only=True)
    assert space.parse_many(archs) == archs
    assert [space.parse(space.to_tuple_key(a)) for a in archs] == archs
    valid = space.is_valid(archs)
    assert valid.dtype == bool and valid.shape == (20,) and valid.all()
    assert space.parse_many([]) == []
    assert space.is_valid([]).shape == (0,)


def test_moves_stay_canonical_and_move(space):
    # (NB101's 2-node cell, input -> output, has no single-change neighbour: skip such draws.)
    arch, nbrs = next((a, n) for a in space.sample(20, 3) if (n := space.neighbours(a)))
    assert nbrs and arch not in nbrs and len(nbrs) == len(set(nbrs))
    assert space.parse_many(nbrs) == nbrs
    child = space.mutate(arch, np.random.default_rng(5))
    assert child == space.mutate(arch, 5) and child != arch
    assert space.parse(child) == child


@pytest.mark.parametrize("bad", ["definitely not an architecture", "(1, 2", object()])
def test_garbage_raises_an_error_naming_it(space, bad):
    with pytest.raises(InvalidArchError) as err:
        space.parse(bad)
    assert repr(bad) in str(err.value)
    assert space.NAME in str(err.value)
    assert err.value.expected == space.EXPECTED
