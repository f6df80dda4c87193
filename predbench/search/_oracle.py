"""The tabular oracle: a search's only window onto a benchmark.

A search on a tabular benchmark "trains" an arch by looking its result up. The oracle does that
lookup and nothing more:

* it answers only the search objectives (validation accuracy by default; a hardware metric for a
  multi-objective search; a recorded zero-cost score when that is the chosen fitness). It copies
  those columns out of the :class:`~predbench.data.task.Task` at construction and keeps no
  reference to the task, so a strategy holding the oracle cannot reach test accuracy or any other
  column;
* it refuses an arch the task cannot answer, naming it and its canonical id;
* it counts *distinct* archs evaluated (``n_queries``, the search budget: re-reading an arch
  already trained costs nothing) and every arch asked for (``n_calls``), and enforces an optional
  ``max_queries``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from predbench.search._domain import SearchDomain

#: Objective names (substrings) that are minimized unless told otherwise.
MINIMIZED_HINTS: tuple[str, ...] = ("latency", "energy", "params", "flops", "error", "loss")
#: Hardware columns where a negative value is a missing-measurement placeholder (HW-NAS-Bench
#: stores −1 for 4,699 ``edgetpu_latency`` cells), not a measurement.
HARDWARE_HINTS: tuple[str, ...] = ("latency", "energy")


class BudgetExhausted(RuntimeError):
    """The oracle was asked to evaluate more distinct archs than ``max_queries`` allows."""


@dataclass(frozen=True)
class Objective:
    """One column a search optimizes, and its direction."""

    name: str
    maximize: bool = True

    @property
    def sign(self) -> float:
        """+1 when larger is better, −1 otherwise: ``sign * value`` is always "larger is better"."""
        return 1.0 if self.maximize else -1.0


def parse_objectives(spec: str | Objective | Sequence[str | Objective]) -> tuple[Objective, ...]:
    """Objectives from ``"val_accuracy,edgegpu_latency"`` or a list of names / :class:`Objective`.

    A name may carry an explicit direction, ``"max:nwot"`` or ``"min:params"``; otherwise names
    containing one of :data:`MINIMIZED_HINTS` are minimized and every other name is maximized.
    """
    items: list[str | Objective]
    if isinstance(spec, Objective):
        items = [spec]
    elif isinstance(spec, str):
        items = [s for s in (p.strip() for p in spec.split(",")) if s]
    else:
        items = list(spec)
    out: list[Objective] = []
    for item in items:
        if isinstance(item, Objective):
            out.append(item)
            continue
        text = str(item).strip()
        head, sep, tail = text.partition(":")
        if sep and head.lower() in ("min", "max"):
            out.append(Objective(tail.strip(), maximize=head.lower() == "max"))
        else:
            out.append(Objective(text, maximize=not any(h in text for h in MINIMIZED_HINTS)))
    if not out:
        raise ValueError(f"no search objective given in {spec!r}")
    names = [o.name for o in out]
    if len(set(names)) != len(names):
        raise ValueError(f"search objectives repeat a name: {names}")
    return tuple(out)


class TabularOracle:
    """Answers objective values of archs from a task's recorded tables and counts the queries.

    Parameters
    ----------
    task
        A :class:`~predbench.data.task.Task`. Objective columns are looked up in its ``targets``
        first, then in its recorded ``proxies`` (a zero-cost score as a cheap fitness).
    objectives
        Objective names or :class:`Objective` values (see :func:`parse_objectives`).
    archs
        Restrict the domain to these canonical ids (e.g. the space's valid cells); ``None``: every
        arch with the objectives recorded.
    max_queries
        Most distinct archs that may be evaluated; ``None``: no limit.

    Attributes
    ----------
    objectives : tuple of Objective
    domain : SearchDomain
        Archs with every objective recorded: the only archs a search may propose.
    n_queries : int
        Distinct archs evaluated so far.
    n_calls : int
        Archs asked for so far, repeats included.
    """

    def __init__(
        self,
        task: object,
        objectives: str | Sequence[str | Objective] = "val_accuracy",
        *,
        archs: Iterable[str] | None = None,
        max_queries: int | None = None,
    ):
        self.objectives = parse_objectives(objectives)
        self.task_key = str(getattr(task, "key", "task"))
        columns = []
        for obj in self.objectives:
            columns.append(_objective_column(task, obj.name))
        values = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
        known = ~np.isnan(values).any(axis=1)
        for j, obj in enumerate(self.objectives):
            if any(h in obj.name for h in HARDWARE_HINTS):
                known &= ~(values[:, j] < 0)
        index = task.targets.index  # type: ignore[attr-defined]
        if archs is not None:
            allowed = pd.Index(list(archs))
            outside = allowed.difference(index)
            if len(outside):
                raise KeyError(
                    f"task {self.task_key}: domain arch {outside[0]!r} is not in the task"
                )
            known &= index.isin(allowed)
        if not known.any():
            raise ValueError(
                f"task {self.task_key}: no arch has every objective {self.names} recorded"
            )
        self.domain = SearchDomain(task.space, index[known])  # type: ignore[attr-defined]
        if self.domain.archs != tuple(index[known]):
            raise ValueError(
                f"task {self.task_key}: its index must hold canonical {self.domain.name} ids"
            )
        self._values = values[known]
        self._values.flags.writeable = False
        self.max_queries = max_queries
        self._evaluated: dict[str, int] = {}
        self.n_calls = 0

    # ------------------------------------------------------------------ queries
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.objectives)

    @property
    def n_queries(self) -> int:
        return len(self._evaluated)

    @property
    def evaluated(self) -> list[str]:
        """Distinct archs evaluated, in the order they were first queried."""
        return list(self._evaluated)

    def query(self, archs: str | Iterable[str]) -> np.ndarray:
        """Objective values of ``archs`` (canonical ids).

        Returns
        -------
        ndarray
            Shape ``(n,)`` for one objective, ``(n, n_objectives)`` otherwise; a single arch
            string gives a scalar / 1-D row.
        """
        single = isinstance(archs, str)
        batch = [archs] if single else list(archs)
        rows = np.empty(len(batch), dtype=np.int64)
        for i, arch in enumerate(batch):
            pos = self.domain.position.get(arch) if isinstance(arch, str) else None
            if pos is None:
                raise KeyError(self._unknown_message(arch))
            rows[i] = pos
        new = list(dict.fromkeys(a for a in batch if a not in self._evaluated))
        if self.max_queries is not None and self.n_queries + len(new) > self.max_queries:
            raise BudgetExhausted(
                f"task {self.task_key}: evaluating {len(new)} new arch(s) would exceed the budget "
                f"of {self.max_queries} queries ({self.n_queries} used)"
            )
        for arch in new:
            self._evaluated[arch] = len(self._evaluated)
        self.n_calls += len(batch)
        out = self._values[rows].copy()
        if len(self.objectives) == 1:
            out = out[:, 0]
        return out[0] if single else out

    def _unknown_message(self, arch: object) -> str:
        try:
            canonical = self.domain.space.parse(arch)
        except Exception as exc:
            return f"task {self.task_key}: cannot query {arch!r}: {exc}"
        if canonical != arch:
            if canonical in self.domain:
                return (
                    f"task {self.task_key}: query archs by canonical id; {arch!r} is {canonical!r}"
                )
            return (
                f"task {self.task_key}: arch {arch!r} ({canonical!r}) has no recorded {self.names}"
            )
        return (
            f"task {self.task_key}: arch {arch!r} has no recorded {self.names}; the oracle answers "
            f"only the {len(self.domain)} archs where every objective is recorded"
        )

    def __repr__(self) -> str:
        return (
            f"TabularOracle(task={self.task_key!r}, objectives={self.names}, "
            f"archs={len(self.domain)}, n_queries={self.n_queries})"
        )


def _objective_column(task: object, name: str) -> np.ndarray:
    targets = task.targets  # type: ignore[attr-defined]
    proxies = task.proxies  # type: ignore[attr-defined]
    if name in targets.columns:
        return targets[name].to_numpy(dtype=np.float64, na_value=np.nan)
    if name in proxies.columns:
        return proxies[name].to_numpy(dtype=np.float64, na_value=np.nan)
    key = getattr(task, "key", "task")
    raise KeyError(
        f"task {key} has no target or recorded proxy {name!r}; targets: {list(targets.columns)}, "
        f"proxies: {list(proxies.columns)}"
    )
