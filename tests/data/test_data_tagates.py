"""The TA-GATES split files read against the MANIFEST's figures and the other NB201 files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from featurizers.spaces import get_space
from predbench.data import MalformedFileError, load_tagates_split, load_task
from predbench.data.tagates import TARGET, read_tagates_csv


@pytest.fixture(scope="module")
def split():
    return load_tagates_split()


def test_counts_and_disjointness(split):
    # MANIFEST: 4,675 train and 4,770 test rows that partition the 9,445 valid cells.
    assert len(split.train) == 4675
    assert len(split.test) == 4770
    assert split.train_archs.intersection(split.test_archs).empty
    union = split.train_archs.union(split.test_archs)
    assert len(union) == 9445
    assert get_space("nb201").is_valid(list(union)).all()


def test_file_order_is_kept(split):
    # First data line of ta_gates_train.csv: "(4, 3, 3, 0, 0, 0)",0.8586333333333335
    first = get_space("nb201").parse("(4, 3, 3, 0, 0, 0)")
    assert split.train_archs[0] == first
    assert split.train.iloc[0] == pytest.approx(0.8586333333333335, abs=0)
    assert split.train.name == TARGET


def test_accuracy_is_cifar10_test_accuracy_not_validation(split):
    accuracy = np.concatenate([split.train.to_numpy(), split.test.to_numpy()])
    archs = split.train_archs.append(split.test_archs)
    # Max = NB201's best CIFAR-10 test accuracy, 94.37 %, as a fraction.
    assert accuracy.max() == pytest.approx(0.94373, abs=5e-6)
    validation = load_task("nb201/cifar10").targets["val_accuracy"].loc[archs].to_numpy()
    assert validation.max() == pytest.approx(91.57, abs=1e-9)  # validation is in %, lower max
    assert kendalltau(accuracy, validation).statistic == pytest.approx(0.870, abs=5e-4)


def test_every_split_arch_has_all_recorded_proxies(split):
    proxies = load_task("nb201/cifar10").proxies
    archs = split.train_archs.append(split.test_archs)
    assert proxies.loc[archs].notna().all().all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('net,acc\n"(0, 0, 0, 0, 0, 0)",0.5\n', r"no column\(s\) \['val_accs'\]"),
        ('net,val_accs\n"(0, 0, 0, 0, 0, 0)",93.1\n', r"line 2: `val_accs` must be an accuracy"),
        ('net,val_accs\n"(0, 0, 0, 0, 0, 9)",0.9\n', r"line 2: cannot read architecture"),
        (
            'net,val_accs\n"(0, 0, 0, 0, 0, 0)",0.9\n"(0, 0, 0, 0, 0, 0)",0.8\n',
            r"line 3: arch .* listed twice",
        ),
    ],
)
def test_bad_files_are_refused_naming_line_and_field(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises((MalformedFileError, ValueError), match=message):
        read_tagates_csv(str(path))


def test_the_cifar10_task_carries_test_accuracy_for_the_split_cells(split):
    task = load_task("nb201/cifar10")
    column = task.targets["test_accuracy"]
    assert column.notna().sum() == 9445
    both = pd.concat([split.train, split.test])
    assert (column.loc[both.index] == both).all()
    assert task.units["test_accuracy"].startswith("fraction")
