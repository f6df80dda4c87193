"""Which architectures a run may use (its *pool*), and its seeded train/test split.

Pool
    Written in a suite as ``pool = "all"`` (every arch of the task that has the target),
    ``"valid"`` (only the *valid* cells: no edge off every input→output path — the GRAF
    protocol), with ``+proxies`` appended to keep only archs that have every recorded proxy the
    suite's ``zcp`` feature sets read, or ``+proxies[a,b]`` for named proxies (``"all+proxies"``,
    ``"valid+proxies[synflow,zen]"``). A pool never changes silently: a feature set that reads a
    proxy some pool archs lack is an error at validation, naming how many archs lack it and the
    pool to choose instead. The pool is shared by every feature set and predictor of a task in a
    suite, so a table compares them on the same architectures. Its resolved rule (with the
    proxy list spelled out), size and fingerprint are part of each run's identity.
Split
    ``numpy.random.default_rng(seed).permutation(len(pool))``: the first ``train_size`` positions
    train; the *last* ``test_size`` positions test (default: every position after the training
    ones). So for one seed the training sets of growing sizes are nested, and a fixed-size test set
    is the same for every train size (as in NASLib's predictor evaluator, which fits every train
    size of a trial on prefixes of one sample and tests all of them on one test sample). The same
    seed gives the same split for every feature set and predictor of the pool.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from predbench.data.task import Task

#: Name of the split rule above; part of every run id (another rule gets another name).
SPLIT_RULE = "permutation"
#: Every split rule: the default, and the published protocols' own draws
#: (:mod:`predbench.evaluation.protocols`).
SPLIT_RULES: tuple[str, ...] = (SPLIT_RULE, "tagates", "suite_zero")

CELLS: tuple[str, ...] = ("all", "valid")
_POOL = re.compile(r"^(?P<cells>[a-z]+)(?:\+proxies(?:\[(?P<names>[^\]]*)\])?)?$")


@dataclass(frozen=True)
class PoolSpec:
    """A pool rule: which cells (``all``/``valid``) and which recorded proxies every arch needs.

    ``proxies`` is ``()`` for none, a tuple of names, or ``None`` for "every proxy the suite's
    ``zcp`` feature sets read" (resolved by :meth:`resolve` before any run).
    """

    cells: str
    proxies: tuple[str, ...] | None = ()

    @property
    def rule(self) -> str:
        """Canonical text: ``"valid"``, ``"all+proxies[epe_nas,fisher]"``."""
        if self.proxies == ():
            return self.cells
        if self.proxies is None:
            return f"{self.cells}+proxies"
        return f"{self.cells}+proxies[{','.join(self.proxies)}]"

    def resolve(self, read: Iterable[str]) -> PoolSpec:
        """The rule with ``+proxies`` spelled out as the sorted proxies in ``read``."""
        if self.proxies is None:
            return PoolSpec(self.cells, tuple(sorted(set(read))))
        return PoolSpec(self.cells, tuple(sorted(set(self.proxies))))

    def describe(self, target: str) -> str:
        """Plain words, for the pool lines ``compare``/``results``/``report`` print."""
        cells = "valid cells" if self.cells == "valid" else "all archs"
        text = f"{cells} with {target!r}"
        if self.proxies:
            text += f" and recorded proxies {', '.join(self.proxies)}"
        elif self.proxies is None:
            text += " and every proxy the feature sets read"
        return text

    def __str__(self) -> str:
        return self.rule


def parse_pool(text: str) -> PoolSpec:
    """``"valid+proxies[zen]"`` → ``PoolSpec("valid", ("zen",))``; ``ValueError`` otherwise."""
    match = _POOL.match(str(text).strip().lower()) if isinstance(text, str) else None
    if not match or match["cells"] not in CELLS:
        raise ValueError(
            f"unknown pool {text!r}; write 'all' or 'valid', optionally with '+proxies' "
            "(archs with every proxy the zcp feature sets read) or '+proxies[a,b]'"
        )
    if "+proxies" not in str(text).lower():
        return PoolSpec(match["cells"], ())
    if match["names"] is None:
        return PoolSpec(match["cells"], None)
    names = tuple(n.strip() for n in match["names"].split(",") if n.strip())
    if not names:
        raise ValueError(f"pool {text!r} names no proxy inside [...]")
    return PoolSpec(match["cells"], names)


def pool_of(task: Task, target: str, pool: PoolSpec | str) -> pd.Index:
    """Sorted arch ids of ``task`` in ``pool`` (a resolved :class:`PoolSpec` or its rule)."""
    pool = parse_pool(pool) if isinstance(pool, str) else pool
    if pool.proxies is None:
        raise ValueError(f"pool {pool.rule!r} must be resolved against the suite's feature sets")
    archs = task.archs_with(target, tuple(pool.proxies))
    if pool.cells == "valid":
        from featurizers.spaces import get_space

        space = get_space(task.space)
        archs = archs[np.asarray(space.is_valid(list(archs)), dtype=bool)]
    return pd.Index(sorted(archs), name="arch")


def pool_fingerprint(pool: Iterable[str]) -> str:
    """sha256 (first 16 hex digits) of the newline-joined arch ids."""
    digest = hashlib.sha256("\n".join(pool).encode()).hexdigest()
    return digest[:16]


def split(
    pool: pd.Index,
    train_size: int,
    seed: int,
    test_size: int | None = None,
    rule: str = SPLIT_RULE,
) -> tuple[pd.Index, pd.Index]:
    """Seeded disjoint (train, test) arch ids drawn from ``pool`` by ``rule``.

    ``"permutation"`` is the rule of the module docstring. ``"tagates"`` draws the training set
    from the TA-GATES train file exactly as the GRAF code did and tests on the whole TA-GATES test
    file (both must lie in the pool); ``"suite_zero"`` is NAS-Bench-Suite-Zero's draw of
    ``train_size`` then ``test_size`` archs (:mod:`predbench.evaluation.protocols`).

    Raises
    ------
    ValueError
        ``train_size`` (+ ``test_size``) exceeds the pool, or leaves no test architecture.
    """
    if rule == "tagates":
        return _tagates(pool, train_size, seed, test_size)
    if rule == "suite_zero":
        from predbench.evaluation.protocols import suite_zero_split

        if test_size is None:
            raise ValueError("the suite_zero split draws a fixed-size test set: give test_size")
        return suite_zero_split(list(pool), seed, train_size, test_size)
    if rule != SPLIT_RULE:
        raise ValueError(f"unknown split rule {rule!r}; choose from {list(SPLIT_RULES)}")
    n = len(pool)
    need = train_size + (test_size if test_size is not None else 1)
    if train_size < 1 or need > n:
        raise ValueError(
            f"train size {train_size}"
            + (f" + test size {test_size}" if test_size is not None else "")
            + f" does not fit a pool of {n} architectures"
        )
    order = np.random.default_rng(seed).permutation(n)
    start = train_size if test_size is None else n - test_size
    return pool[order[:train_size]], pool[order[start:]]


def _tagates(
    pool: pd.Index, train_size: int, seed: int, test_size: int | None
) -> tuple[pd.Index, pd.Index]:
    from predbench.evaluation.protocols import tagates_train_subset

    if test_size is not None:
        raise ValueError("the tagates split tests on the whole TA-GATES test file: no test_size")
    files = _tagates_files()
    outside = files.train.index.append(files.test.index).difference(pool)
    if len(outside):
        raise ValueError(
            f"{len(outside)} TA-GATES archs are not in the pool (e.g. {outside[0]!r}); the "
            "tagates split needs the pool of valid cells with test_accuracy"
        )
    train = tagates_train_subset(list(files.train.index), train_size, seed)
    return train, pd.Index(files.test.index, name="arch")


@cache
def _tagates_files() -> Any:
    """The TA-GATES split files, read once per process."""
    from predbench.data import load_tagates_split

    return load_tagates_split()
