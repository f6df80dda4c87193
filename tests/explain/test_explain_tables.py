"""Importance, family and rank tables on hand-made SHAP values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from predbench.explain import (
    Explanation,
    aggregate_importance,
    family_importance,
    family_of,
    family_table,
    feature_importance,
    rank_table,
)


def _explanation(values: list[list[float]], columns: list[str]) -> Explanation:
    frame = pd.DataFrame(values, columns=columns, index=[f"a{i}" for i in range(len(values))])
    return Explanation(
        values=frame,
        data=frame * 0,
        base_value=0.0,
        predictions=frame.sum(axis=1),
        method="tree",
    )


def test_family_of():
    assert family_of("graf:min_path_len[skip_connect,none]") == "graf"
    assert family_of("zcp:synflow") == "zcp"
    assert family_of("onehot:(0,1)=none") == "onehot"
    assert family_of("plain_name") == ""


def test_feature_importance_by_hand():
    # mean |SHAP|: zcp:a (1+3)/2 = 2, zcp:b (2+2)/2 = 2, graf:c 0 → ranks 1.5, 1.5, 3.
    explanation = _explanation([[1.0, -2.0, 0.0], [3.0, 2.0, 0.0]], ["zcp:a", "zcp:b", "graf:c"])
    table = feature_importance(explanation)
    assert list(table.columns) == ["feature", "family", "mean_abs_shap", "share", "rank"]
    assert table["feature"].tolist() == ["zcp:a", "zcp:b", "graf:c"]
    np.testing.assert_allclose(table["mean_abs_shap"], [2.0, 2.0, 0.0])
    np.testing.assert_allclose(table["share"], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(table["rank"], [1.5, 1.5, 3.0])
    assert table["family"].tolist() == ["zcp", "zcp", "graf"]


def test_family_importance_sums_within_a_family_first():
    # zcp row sums: 1 − 1 = 0 and 2 + 2 = 4 → mean |·| 2; graf: 2 and −1 → 1.5.
    explanation = _explanation([[1.0, -1.0, 2.0], [2.0, 2.0, -1.0]], ["zcp:a", "zcp:b", "graf:c"])
    table = family_importance(explanation)
    assert table["family"].tolist() == ["zcp", "graf"]
    np.testing.assert_allclose(table["mean_abs_shap"], [2.0, 1.5])
    np.testing.assert_allclose(table["share"], [2.0 / 3.5, 1.5 / 3.5])
    assert table["n_features"].tolist() == [2, 1]


def _long() -> pd.DataFrame:
    rows = [
        # task T1: a most important, then b, then c
        ("T1", "zcp:a", 3.0),
        ("T1", "graf:b", 2.0),
        ("T1", "graf:c", 1.0),
        # task T2: b first, a second, c absent (feature not defined on that task)
        ("T2", "zcp:a", 2.0),
        ("T2", "graf:b", 5.0),
    ]
    frame = pd.DataFrame(rows, columns=["task", "feature", "mean_abs_shap"])
    frame["rank"] = frame.groupby("task")["mean_abs_shap"].rank(ascending=False)
    return frame


def test_rank_table_by_hand():
    table = rank_table(_long())
    assert list(table.columns) == ["family", "T1", "T2", "mean_rank", "n_tasks"]
    # a: ranks 1, 2 → 1.5; b: 2, 1 → 1.5; c: 3 on T1 and absent from T2, which counts as T2's
    # last rank (2 features) → 2.5. Ties by name: graf:b before zcp:a.
    assert table.index.tolist() == ["graf:b", "zcp:a", "graf:c"]
    np.testing.assert_allclose(table["mean_rank"], [1.5, 1.5, 2.5])
    assert np.isnan(table.loc["graf:c", "T2"])
    assert table["n_tasks"].tolist() == [2, 2, 1]
    skipping = rank_table(_long(), missing="skip")
    assert skipping.loc["graf:c", "mean_rank"] == 3.0
    with pytest.raises(ValueError, match="missing must be 'worst' or 'skip'"):
        rank_table(_long(), missing="zero")


def test_rank_table_from_mapping_and_errors():
    long = _long()
    mapping = {task: group.drop(columns="task") for task, group in long.groupby("task")}
    pd.testing.assert_frame_equal(rank_table(mapping), rank_table(long))
    with pytest.raises(ValueError, match="appears more than once for task='T1'"):
        rank_table(pd.concat([long, long.iloc[:1]]))
    with pytest.raises(KeyError, match="lacks columns"):
        rank_table(long.drop(columns="rank"))


def test_aggregate_importance_averages_seeds_then_reranks():
    long = pd.DataFrame(
        {
            "task": ["T"] * 4,
            "seed": [0, 0, 1, 1],
            "feature": ["zcp:a", "zcp:b", "zcp:a", "zcp:b"],
            "mean_abs_shap": [1.0, 3.0, 4.0, 1.0],  # means: a 2.5, b 2.0
        }
    )
    table = aggregate_importance(long, by=("task",))
    assert table["feature"].tolist() == ["zcp:a", "zcp:b"]
    np.testing.assert_allclose(table["mean_abs_shap"], [2.5, 2.0])
    np.testing.assert_allclose(table["rank"], [1.0, 2.0])
    assert table["n_runs"].tolist() == [2, 2]


def test_family_table_shares_sum_to_one():
    table = family_table(_long())
    np.testing.assert_allclose(table[["T1", "T2"]].sum(axis=0), [1.0, 1.0])
    # T1: zcp 3/6, graf 3/6; T2: zcp 2/7, graf 5/7
    assert table.loc["zcp", "T1"] == pytest.approx(0.5)
    assert table.loc["graf", "T2"] == pytest.approx(5 / 7)
