"""GRAF tables equal the reference implementation's, value for value, for every arch.

The reference files (``../shared/reference/graf_*.csv.gz``) were produced by the authors' own
``graf_nas`` @ 635defe with its shipped configs, for all 15,625 NB201 and 4,096 TNB101-micro cells.
Column names are mapped by :func:`reference_column_name` — one general rule, no per-column table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers import feature_table
from featurizers.graf import reference_column_name
from tests.conftest import shared_path

CASES = {
    "nb201": ("reference/graf_nb201.csv.gz", 15_625, 191),
    "tnb101_micro": ("reference/graf_tnb101_micro.csv.gz", 4_096, 95),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def tables(request):
    space = request.param
    relative, rows, cols = CASES[space]
    reference = pd.read_csv(shared_path(relative), index_col="arch")
    assert reference.shape == (rows, cols)
    ours = feature_table(space, "all", "graf")
    return space, ours, reference


def test_same_archs_in_the_same_order(tables):
    _, ours, reference = tables
    assert ours.index.equals(reference.index)


def test_column_names_map_to_the_reference_in_order(tables):
    space, ours, reference = tables
    assert [reference_column_name(space, c) for c in ours.columns] == list(reference.columns)


def test_every_value_equals_the_reference(tables):
    space, ours, reference = tables
    renamed = ours.rename(columns=lambda c: reference_column_name(space, c))
    diff = np.abs(renamed.to_numpy(np.float64) - reference[renamed.columns].to_numpy(np.float64))
    assert diff.max() == 0.0
    # Integers stay integers; only the averages are floats (exact multiples of 1/4).
    ints = [c for c in ours.columns if "mean_" not in c]
    assert all(ours[c].dtype.kind == "i" for c in ints)
    assert {ours[c].dtype for c in ours.columns if "mean_" in c} == {np.dtype(np.float64)}


def test_reference_fillers_and_constant_columns(tables):
    space, ours, _ = tables
    mins = ours.filter(like="graf:min_path_len[")
    maxs = ours.filter(like="graf:max_path_len[")
    assert set(np.unique(mins.to_numpy())) == {1, 2, 3, 6}  # 6: no path (the reference's filler)
    assert set(np.unique(maxs.to_numpy())) == {0, 1, 2, 3}  # 0: no path
    # The full op set keeps every edge: paths 1 (direct edge) and 3 (longest), 3 edges each end.
    everything = ",".join(
        ["skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3"]
        if space == "nb201"
        else ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3"]
    )
    full = ours[[c for c in ours.columns if c.endswith(f"[{everything}]")]]
    assert full.shape[1] == 6 and (full.nunique() == 1).all()


def test_full_nb201_table_is_small():
    table = feature_table("nb201", "all", "graf")
    assert table.memory_usage(deep=True).sum() < 200e6
