"""Which architectures a run may use (its *pool*), and its seeded train/test split.

Pool
    The task's architectures that have the target and everything the suite's feature sets need on
    that task (the recorded proxies a ``zcp`` family reads), optionally only the *valid* cells
    (no edge off every input→output path; the GRAF protocol). The pool is shared by every feature
    set and predictor of a task in a suite, so a table compares them on the same architectures.
    It is sorted by canonical id and fingerprinted (:func:`pool_fingerprint`): the fingerprint is
    part of a run's identity, so a change of data makes finished runs stale instead of wrong.
Split
    ``numpy.random.default_rng(seed).permutation(len(pool))``: the first ``train_size`` positions
    train, the next ``test_size`` (default: all the rest) test. The same seed gives the same split
    for every feature set and predictor of the pool.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from predbench.data.task import Task


def pool_of(
    task: Task,
    target: str,
    proxies: Iterable[str] = (),
    *,
    valid_only: bool = False,
) -> pd.Index:
    """Sorted arch ids of ``task`` with ``target`` and all ``proxies`` recorded (and valid)."""
    archs = task.archs_with(target, tuple(proxies))
    if valid_only:
        from featurizers.spaces import get_space

        space = get_space(task.space)
        archs = archs[np.asarray(space.is_valid(list(archs)), dtype=bool)]
    return pd.Index(sorted(archs), name="arch")


def pool_fingerprint(pool: Iterable[str]) -> str:
    """sha256 (first 16 hex digits) of the newline-joined arch ids."""
    digest = hashlib.sha256("\n".join(pool).encode()).hexdigest()
    return digest[:16]


def split(
    pool: pd.Index, train_size: int, seed: int, test_size: int | None = None
) -> tuple[pd.Index, pd.Index]:
    """Seeded disjoint (train, test) arch ids drawn from ``pool``.

    Raises
    ------
    ValueError
        ``train_size`` (+ ``test_size``) exceeds the pool, or leaves no test architecture.
    """
    n = len(pool)
    need = train_size + (test_size if test_size is not None else 1)
    if train_size < 1 or need > n:
        raise ValueError(
            f"train size {train_size}"
            + (f" + test size {test_size}" if test_size is not None else "")
            + f" does not fit a pool of {n} architectures"
        )
    order = np.random.default_rng(seed).permutation(n)
    stop = n if test_size is None else train_size + test_size
    return pool[order[:train_size]], pool[order[train_size:stop]]
