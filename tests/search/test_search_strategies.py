"""Every strategy on the synthetic task: finds the known optimum, is deterministic per seed,
never proposes an arch twice or outside the domain; plus hand-checked pieces of each algorithm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor

from featurizers.onehot import OneHot
from predbench.search import (
    Bananas,
    FitnessApproxGA,
    GeneticAlgorithm,
    LocalSearch,
    NotStartedError,
    PredictorSurrogate,
    ProxySurrogate,
    RandomSearch,
    RegularizedEvolution,
    SearchDomain,
    TabularOracle,
    run_search,
)
from predbench.search._operators import (
    bitwise_mutation,
    crowding_distance,
    hamming_to_set,
    tournament,
    uniform_crossover,
)

ONEHOT = OneHot("nb201").fit()


def onehot(archs):
    return ONEHOT.transform(list(archs))


def forest_surrogate(uncertainty="ensemble"):
    return PredictorSurrogate(
        RandomForestRegressor(n_estimators=20, min_samples_leaf=2),
        onehot,
        uncertainty=uncertainty,
        n_members=3,
    )


STRATEGIES = {
    "random": lambda seed: RandomSearch(random_state=seed),
    "evolution": lambda seed: RegularizedEvolution(20, 5, random_state=seed),
    "local": lambda seed: LocalSearch(n_init=5, random_state=seed),
    "local-first": lambda seed: LocalSearch(n_init=5, first_improvement=True, random_state=seed),
    "ga": lambda seed: GeneticAlgorithm(population_size=16, random_state=seed),
    "fa-ga": lambda seed: FitnessApproxGA(
        forest_surrogate("none"),
        population_size=16,
        pool_size=100,
        top_k=6,
        top_h=2,
        random_state=seed,
    ),
    "bananas": lambda seed: Bananas(forest_surrogate(), n_init=10, batch_size=5, random_state=seed),
}
#: Budget per strategy on the 729-cell task (random search needs the whole domain to be sure).
BUDGET = {"random": 729}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
@pytest.mark.parametrize("seed", [0, 1])
def test_strategy_finds_the_optimum(task, optimum, name, seed):
    oracle = TabularOracle(task)
    trajectory = run_search(STRATEGIES[name](seed), oracle, BUDGET.get(name, 200))
    assert trajectory["best_arch"].iloc[-1] == optimum
    assert trajectory["best_value"].iloc[-1] == task.targets.loc[optimum, "val_accuracy"]
    assert trajectory["arch"].is_unique
    assert set(trajectory["arch"]) <= set(task.archs)
    assert oracle.n_queries == len(trajectory)
    assert np.all(np.diff(trajectory["best_value"]) >= 0)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_strategy_is_deterministic_per_seed(task, name):
    def archs(seed):
        return run_search(STRATEGIES[name](seed), TabularOracle(task), 60)["arch"].tolist()

    first = archs(3)
    assert archs(3) == first
    assert archs(4) != first


def test_ask_before_start_and_bad_tell(task):
    strategy = RandomSearch(random_state=0)
    with pytest.raises(NotStartedError, match="start"):
        strategy.ask(1)
    strategy.start(TabularOracle(task).domain)
    archs = strategy.ask(2)
    with pytest.raises(ValueError, match=r"shape \(3,\) for 2 archs"):
        strategy.tell(archs, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="NaN"):
        strategy.tell(archs, [1.0, np.nan])
    with pytest.raises(KeyError, match="not in the nb201 search domain"):
        strategy.tell(["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"], [1.0])
    strategy.tell(archs, [1.0, 2.0])
    with pytest.raises(ValueError, match="already told"):
        strategy.tell(archs[:1], [1.0])
    assert strategy.best() == (archs[1], np.array([2.0]))


def test_random_search_exhausts_the_domain_without_repeats(task):
    strategy = RandomSearch(random_state=0).start(TabularOracle(task).domain)
    asked = strategy.ask(10_000)
    assert sorted(asked) == sorted(task.archs)
    assert strategy.ask(1) == []


def test_local_search_climbs_the_neighbourhood_of_the_best(task):
    domain = TabularOracle(task).domain
    values = task.targets["val_accuracy"]
    strategy = LocalSearch(n_init=4, random_state=0).start(domain)
    init = strategy.ask(4)
    strategy.tell(init, values[init].to_numpy())
    best = max(init, key=lambda a: values[a])
    nbhd = set(domain.neighbours(best))
    asked = []
    while len(asked) < len(nbhd):
        batch = strategy.ask(5)
        asked += batch
        strategy.tell(batch, values[batch].to_numpy())
    assert set(asked) == nbhd  # the whole neighbourhood, each once
    # The next move starts from the best neighbour (it beats the start on this landscape).
    step = max(nbhd, key=lambda a: values[a])
    assert values[step] > values[best]
    nxt = strategy.ask(1)[0]
    assert nxt in set(domain.neighbours(step))


def test_aging_evolution_drops_the_oldest(task):
    values = task.targets["val_accuracy"]
    strategy = RegularizedEvolution(population_size=5, sample_size=2, random_state=0)
    strategy.start(TabularOracle(task).domain)
    told = []
    for _ in range(8):
        arch = strategy.ask(1)
        strategy.tell(arch, values[arch].to_numpy())
        told += arch
    assert [a for a, _ in strategy.population_] == told[-5:]


def test_fa_ga_evaluates_top_predicted_and_most_distant(task):
    # With the true accuracy as the "proxy", the top-k evaluated children are the pool's best.
    proxies = task.targets[["val_accuracy"]].rename(columns={"val_accuracy": "exact"})
    exact = type(task)(
        space=task.space,
        name="exact",
        targets=task.targets,
        proxies=proxies,
        proxy_times=proxies * 0,
    )
    values = task.targets["val_accuracy"]
    strategy = FitnessApproxGA(
        ProxySurrogate(exact, "exact"),
        population_size=8,
        pool_size=40,
        top_k=3,
        top_h=2,
        random_state=0,
    )
    strategy.start(TabularOracle(task).domain)
    init = strategy.ask(8)
    strategy.tell(init, values[init].to_numpy())
    captured = {}
    breed = strategy._breed

    def spy(n, taken=None):
        captured["pool"] = breed(n, taken)
        return captured["pool"]

    strategy._breed = spy
    children = strategy.ask(10)
    pool = captured["pool"]
    assert len(pool) == 40 and len(children) == 5
    ranked = sorted(pool, key=lambda a: -values[a])
    assert children[:3] == ranked[:3]
    rest = [a for a in pool if a not in children[:3]]
    dist = dict(
        zip(
            rest,
            hamming_to_set(strategy.domain_.to_ops(rest), strategy.domain_.to_ops(init)),
            strict=True,
        )
    )
    assert sorted(dist[a] for a in children[3:]) == sorted(dist.values())[-2:]


def test_bananas_with_an_exact_surrogate_goes_straight_to_the_optimum(task, optimum):
    proxies = task.targets[["val_accuracy"]].rename(columns={"val_accuracy": "exact"})
    exact = type(task)(
        space=task.space,
        name="exact",
        targets=task.targets,
        proxies=proxies,
        proxy_times=proxies * 0,
    )
    strategy = Bananas(
        ProxySurrogate(exact, "exact"),
        n_init=5,
        batch_size=1,
        acquisition="greedy",
        random_state=0,
    )
    trajectory = run_search(strategy, TabularOracle(task), 40)
    # Greedy steepest ascent on an additive landscape: one edge fixed per step at most 6 steps.
    assert (trajectory["arch"] == optimum).any()


# ------------------------------------------------------------------ operators


def test_tournament_takes_the_best_contender():
    scores = np.array([3.0, 9.0, 1.0, 5.0])
    rng = np.random.default_rng(0)
    assert set(tournament(scores, 50, size=4, rng=rng)) == {1}
    winners = tournament(scores, 2000, size=2, rng=rng)
    # Binary tournament: the best wins whenever drawn (prob 1/2), the worst never.
    assert 2 not in winners
    assert abs(np.mean(winners == 1) - 0.5) < 0.05


def test_uniform_crossover_and_bitwise_mutation():
    rng = np.random.default_rng(0)
    mothers = np.zeros((4000, 6), dtype=np.int8)
    fathers = np.full((4000, 6), 3, dtype=np.int8)
    kids = uniform_crossover(mothers, fathers, 1.0, rng)
    assert set(np.unique(kids)) == {0, 3}
    assert abs((kids == 3).mean() - 0.5) < 0.02
    assert (uniform_crossover(mothers, fathers, 0.0, rng) == 0).all()
    mutated = bitwise_mutation(mothers, 1 / 6, 5, rng)
    changed = mutated != mothers
    assert abs(changed.mean() - 1 / 6) < 0.01
    assert set(np.unique(mutated[changed])) == {1, 2, 3, 4}  # always a different op


def test_hamming_and_crowding_by_hand():
    a = np.array([[0, 0, 0], [1, 1, 1], [0, 1, 2]])
    ref = np.array([[0, 0, 1], [1, 1, 1]])
    np.testing.assert_array_equal(hamming_to_set(a, ref), [1, 0, 2])
    pts = np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0]])
    # Interior points: sum over objectives of (next − previous) / range.
    np.testing.assert_allclose(
        crowding_distance(pts), [np.inf, 3 / 4 + 3 / 4, 3 / 4 + 2 / 4, np.inf]
    )


def test_domain_mutation_stays_inside_a_restricted_domain(task):
    domain = SearchDomain("nb201", task.archs)
    assert not domain.is_whole_space
    rng = np.random.default_rng(0)
    arch = task.archs[0]
    children = {domain.mutate(arch, rng) for _ in range(300)}
    assert children == set(domain.neighbours(arch))
    assert len(children) == 12
    many = domain.mutate_many([arch] * 50, np.full(50, 2), rng)
    assert set(many) <= set(task.archs)


def test_whole_space_mutate_many_matches_space_mutate_distribution():
    domain = SearchDomain("nb201")
    rng = np.random.default_rng(0)
    arch = domain.archs[1234]
    got = pd.Series(domain.mutate_many([arch] * 24_000, np.ones(24_000, int), rng)).value_counts()
    assert set(got.index) == set(domain.neighbours(arch))
    assert got.min() > 850 and got.max() < 1150  # uniform over the 24 neighbours (~1000 each)
