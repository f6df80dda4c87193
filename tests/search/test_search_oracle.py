"""The tabular oracle: counting, refusals, directions, and that nothing but the objectives leaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers.spaces import get_space
from predbench.search import (
    BudgetExhausted,
    Objective,
    RandomSearch,
    TabularOracle,
    parse_objectives,
    run_search,
)


def test_query_returns_recorded_values_and_counts_distinct_archs(task):
    oracle = TabularOracle(task)
    a, b = task.archs[3], task.archs[10]
    got = oracle.query([a, b, a])
    expected = task.targets.loc[[a, b, a], "val_accuracy"].to_numpy()
    np.testing.assert_array_equal(got, expected)
    assert oracle.n_queries == 2  # a re-read of a trained arch costs nothing
    assert oracle.n_calls == 3
    assert oracle.query(a) == expected[0]
    assert oracle.n_queries == 2
    assert oracle.evaluated == [a, b]


def test_unknown_arch_is_refused_with_its_name(task):
    oracle = TabularOracle(task)
    outside = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"  # a real cell, not in the task
    with pytest.raises(KeyError, match=r"none~0.*no recorded \('val_accuracy',\)"):
        oracle.query([outside])
    with pytest.raises(KeyError, match="cannot query 'not an arch'"):
        oracle.query(["not an arch"])
    assert oracle.n_queries == 0 and oracle.n_calls == 0


def test_non_canonical_form_is_refused_with_the_canonical_id(task):
    oracle = TabularOracle(task)
    arch = task.archs[5]
    key = get_space("nb201").to_tuple_key(arch)
    with pytest.raises(KeyError, match="canonical id"):
        oracle.query([key])


def test_budget_is_enforced(task):
    oracle = TabularOracle(task, max_queries=2)
    oracle.query(list(task.archs[:2]))
    oracle.query([task.archs[0]])  # repeats are free
    with pytest.raises(BudgetExhausted, match="budget of 2"):
        oracle.query([task.archs[2]])


def test_oracle_exposes_only_the_objectives(task):
    oracle = TabularOracle(task, "val_accuracy")
    # Nothing reachable from the oracle is the task or one of its tables.
    for value in vars(oracle).values():
        assert value is not task
        assert not isinstance(value, (pd.DataFrame, pd.Series))
    assert oracle._values.shape == (len(task), 1)
    test = task.targets["test_accuracy"].to_numpy()
    assert not np.isin(oracle._values, test).any()


def test_search_sees_validation_never_test_accuracy(task):
    oracle = TabularOracle(task)
    strategy = RandomSearch(random_state=0)
    trajectory = run_search(strategy, oracle, 30)
    val = task.targets.loc[trajectory["arch"], "val_accuracy"].to_numpy()
    np.testing.assert_array_equal(trajectory["value"].to_numpy(), val)
    np.testing.assert_array_equal(strategy.values_[:, 0], val)
    assert not any(v is task for v in vars(strategy).values())


def test_two_objectives_and_directions(task):
    oracle = TabularOracle(task, "val_accuracy,edgegpu_latency")
    assert oracle.objectives == (
        Objective("val_accuracy", True),
        Objective("edgegpu_latency", False),
    )
    arch = task.archs[7]
    np.testing.assert_array_equal(
        oracle.query([arch])[0], task.targets.loc[arch, ["val_accuracy", "edgegpu_latency"]]
    )


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("val_accuracy", [("val_accuracy", True)]),
        ("val_accuracy, edgegpu_energy", [("val_accuracy", True), ("edgegpu_energy", False)]),
        ("min:val_accuracy,max:params", [("val_accuracy", False), ("params", True)]),
        (["nwot", "flops"], [("nwot", True), ("flops", False)]),
    ],
)
def test_parse_objectives(spec, expected):
    assert [(o.name, o.maximize) for o in parse_objectives(spec)] == expected


def test_parse_objectives_rejects_repeats_and_empty():
    with pytest.raises(ValueError, match="repeat"):
        parse_objectives("val_accuracy,val_accuracy")
    with pytest.raises(ValueError, match="no search objective"):
        parse_objectives("")


def test_unknown_objective_names_the_columns(task):
    with pytest.raises(KeyError, match=r"no target or recorded proxy 'test_acc'.*val_accuracy"):
        TabularOracle(task, "test_acc")


def test_recorded_proxy_as_fitness_restricts_the_domain(task):
    oracle = TabularOracle(task, "nwot")
    assert len(oracle.domain) == task.proxies["nwot"].notna().sum()
    arch = oracle.domain.archs[0]
    assert oracle.query(arch) == task.proxies.loc[arch, "nwot"]


def test_negative_hardware_values_are_placeholders(task):
    targets = task.targets.copy()
    targets.iloc[:5, targets.columns.get_loc("edgegpu_latency")] = -1.0
    bad = type(task)(
        space=task.space,
        name="placeholders",
        targets=targets,
        proxies=task.proxies,
        proxy_times=task.proxy_times,
    )
    oracle = TabularOracle(bad, "val_accuracy,edgegpu_latency")
    assert len(oracle.domain) == len(task) - 5
    assert task.archs[0] not in oracle.domain


def test_domain_restriction(task):
    subset = list(task.archs[:50])
    oracle = TabularOracle(task, archs=subset)
    assert oracle.domain.archs == tuple(subset)
    with pytest.raises(KeyError, match="not in the task"):
        TabularOracle(task, archs=["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"])


def test_real_task_oracle_answers_every_nb201_cell(nb201_cifar10):
    oracle = TabularOracle(nb201_cifar10)
    assert len(oracle.domain) == 15_625
    assert oracle.domain.is_whole_space
    # The recorded CIFAR-10 validation accuracies range 10.0 (all-none cell) … 91.57 (MANIFEST).
    assert oracle._values.max() == pytest.approx(91.57)
    none_cell = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    assert oracle.query(none_cell) == pytest.approx(10.0)
