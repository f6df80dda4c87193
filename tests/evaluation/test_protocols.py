"""Split rules of published protocols, checked against independent re-statements and real files."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from predbench.data import load_tagates_split, load_task
from predbench.evaluation.protocols import (
    GRAF_REPORTING_SEEDS,
    SUITE_ZERO_PROXIES,
    SUITE_ZERO_PUBLISHED,
    SUITE_ZERO_REPORTING_SEEDS,
    SUITE_ZERO_SEEDS,
    TAGATES_REPORTING_SEEDS,
    TAGATES_TRAIN_FRACTIONS,
    TAGATES_TRAIN_SIZES,
    TUNING_SEEDS,
    check_disjoint_seeds,
    suite_zero_split,
    tagates_train_size,
    tagates_train_subset,
)


def test_tagates_sizes_are_the_published_ones():
    # GRAF/TA-GATES tables: 1 / 5 / 10 / 20 % of 4,675 = 46 / 233 / 467 / 935 archs.
    assert TAGATES_TRAIN_FRACTIONS == (0.01, 0.05, 0.10, 0.20)
    assert TAGATES_TRAIN_SIZES == (46, 233, 467, 935)
    assert tagates_train_size(0.5, 7) == 3
    with pytest.raises(ValueError, match=r"in \(0, 1\)"):
        tagates_train_size(46.0)


@pytest.mark.parametrize("seed", [42, 43, 1000])
@pytest.mark.parametrize("fraction", TAGATES_TRAIN_FRACTIONS)
def test_tagates_subset_is_graf_codes_draw(fraction, seed):
    split = load_tagates_split()
    # The GRAF code: train_test_split on the train-file DataFrame with a float train_size.
    frame = pd.DataFrame({"y": split.train.to_numpy()}, index=split.train_archs)
    expected, _ = train_test_split(frame, train_size=fraction, random_state=seed)
    drawn = tagates_train_subset(split.train_archs, fraction, seed)
    assert list(drawn) == list(expected.index)
    # ShuffleSplit semantics written out: the last n_train positions of the seeded permutation.
    n_train = tagates_train_size(fraction)
    permutation = np.random.RandomState(seed).permutation(len(split.train))
    assert list(drawn) == list(split.train_archs[permutation[-n_train:]])
    # The count gives the same draw as the fraction.
    assert list(tagates_train_subset(split.train_archs, n_train, seed)) == list(drawn)
    assert drawn.isin(split.train_archs).all() and not drawn.isin(split.test_archs).any()


def test_tagates_subset_refuses_sizes_outside_the_pool():
    with pytest.raises(ValueError, match="between 1 and 3"):
        tagates_train_subset(["a", "b", "c", "d"], 4, 0)


def _naslib_draw(pool, seed, n_train, n_test):
    """NASLib's ZCEnsembleEvaluator draw, as its code does it, on the global generator."""
    state = random.getstate()
    try:
        random.seed(seed)
        labeled = list(pool)
        drawn = []
        for _ in range(n_train + n_test):
            arch = random.choice(labeled)
            labeled.pop(labeled.index(arch))
            drawn.append(arch)
    finally:
        random.setstate(state)
    return drawn[:n_train], drawn[n_train:]


@pytest.mark.parametrize("seed", SUITE_ZERO_SEEDS[:3])
def test_suite_zero_split_is_naslibs_draw(seed):
    task = load_task("nb201/cifar10")
    pool = list(task.archs_with("val_accuracy", SUITE_ZERO_PROXIES["nb201"]))
    before = random.getstate()
    train, test = suite_zero_split(pool, seed)
    assert random.getstate() == before  # the global generator is not touched
    expected_train, expected_test = _naslib_draw(pool, seed, 400, 200)
    assert list(train) == expected_train and list(test) == expected_test
    assert len(train) == 400 and len(test) == 200 and train.intersection(test).empty


def test_suite_zero_split_refuses_a_pool_too_small():
    # NB301 records val accuracy and the proxies for 500 archs only; a run needs 600.
    with pytest.raises(ValueError, match=r"pool has 500 archs.*400 \+ 200"):
        suite_zero_split([str(i) for i in range(500)], 9000)


def test_suite_zero_published_figures_match_the_issue_ranges():
    assert SUITE_ZERO_PUBLISHED[("nb201", "cifar10")] == 0.794
    assert SUITE_ZERO_PUBLISHED[("nb301", "cifar10")] == 0.409
    micro = [v for (space, _), v in SUITE_ZERO_PUBLISHED.items() if space == "tnb101_micro"]
    macro = [v for (space, _), v in SUITE_ZERO_PUBLISHED.items() if space == "tnb101_macro"]
    assert len(micro) == len(macro) == 7
    assert 0.62 <= min(micro) and max(micro) <= 0.755
    assert 0.49 <= min(macro) and max(macro) <= 0.755
    assert len(SUITE_ZERO_PROXIES["nb201"]) == 12 and "zen" not in SUITE_ZERO_PROXIES["nb201"]
    assert len(SUITE_ZERO_PROXIES["tnb101_micro"]) == 10
    assert list(SUITE_ZERO_PROXIES["nb201"]) == sorted(SUITE_ZERO_PROXIES["nb201"])


def test_tuning_and_reporting_seeds_are_disjoint():
    for reporting in (TAGATES_REPORTING_SEEDS, GRAF_REPORTING_SEEDS, SUITE_ZERO_REPORTING_SEEDS):
        check_disjoint_seeds(TUNING_SEEDS, reporting)
        assert len(reporting) >= 20
    with pytest.raises(ValueError, match=r"both use \[1000\]"):
        check_disjoint_seeds(TUNING_SEEDS, [7, 1000])
