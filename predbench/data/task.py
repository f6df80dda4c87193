"""The :class:`Task`: what one benchmark says about one (search space, dataset) pair.

A task is a value. Its three tables share one index, the space's canonical arch ids:

``targets``
    What predictors learn: validation accuracy (``val_accuracy``), hardware metrics
    (``edgegpu_latency``, ...), whatever the files record. Missing → NaN.
``proxies``
    Recorded zero-cost proxy scores, one column per proxy (NAS-Bench-Suite-Zero names).
    Not recorded → NaN. A proxy that *failed* (the network has no input→output path, or the score
    was NaN/inf) holds :data:`FAILED_PROXY` (−1e8), the NAS-Bench-Suite-Zero convention that both
    the recorded files and predbench's own proxy engine follow, so a failed score is never
    confused with a missing one.
``proxy_times``
    Seconds spent computing each recorded proxy, where the files record it; NaN otherwise.

Two optional tables describe where the numbers came from: ``units`` (column → unit text, shown by
``predbench data show``) and ``cross_checks`` (one row per column recorded by more than one source
file, saying how far the files agree on the archs they share; see :mod:`predbench.data.loading`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from featurizers.proxy_names import FAILED_PROXY, PROXY_NAMES

__all__ = ["FAILED_PROXY", "PROXY_NAMES", "FlaggedTargetError", "Task"]


class FlaggedTargetError(ValueError):
    """A flagged target (degenerate or near-constant) asked for without allowing it."""


@dataclass(frozen=True, eq=False)
class Task:
    """Targets and recorded proxies of one (space, dataset) pair, indexed by canonical arch id.

    Parameters
    ----------
    space
        Canonical space name (``"nb201"``).
    name
        Dataset or task name within the space (``"cifar10"``, ``"class_scene"``).
    targets, proxies, proxy_times
        DataFrames indexed by canonical arch id (see the module docstring). The index of all three
        is the same: the union of every arch any source file mentions, sorted.
    sources
        Registry names of the files the task was read from (empty for a user's own file).
    notes
        Free text: caveats of the sources (units, placeholders) shown by ``predbench data show``.
    units
        Unit of each target / proxy column that has one (``{"val_accuracy": "%"}``).
    cross_checks
        Agreement of source files that record the same column for the same archs, one row per
        (column, later file): ``column, kind, kept, other, n_shared, n_equal, n_differ,
        max_abs_diff, median_rel_diff, spearman``; ``None`` when not computed.
    flags
        Target columns that should not be used as they stand, with the reason: a column whose
        meaning makes it degenerate (FGSM at ε = 255) or a near-constant one (one value held by
        most archs, so rankings are mostly ties). Shown by ``predbench data show``; a caller
        that uses a flagged target should say so (:meth:`flagged`).
    """

    space: str
    name: str
    targets: pd.DataFrame
    proxies: pd.DataFrame
    proxy_times: pd.DataFrame
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    units: dict[str, str] = field(default_factory=dict)
    cross_checks: pd.DataFrame | None = None
    flags: dict[str, str] = field(default_factory=dict)

    def flagged(self, target: str) -> str | None:
        """Why ``target`` is flagged (see ``flags``), or ``None`` when it is fine to use."""
        return self.flags.get(target)

    def check_target(self, target: str, *, allow_flagged: bool = False) -> None:
        """Refuse a target the task lacks, or a flagged one unless ``allow_flagged``.

        For suites and searches to call before any run, so a degenerate or near-constant target
        is only ever used on purpose (e.g. a suite setting ``allow_flagged = true``).

        Raises
        ------
        KeyError
            ``target`` is not a target column (the message lists them).
        FlaggedTargetError
            ``target`` is flagged and ``allow_flagged`` is False (the message says why).
        """
        if target not in self.targets.columns:
            raise KeyError(
                f"task {self.key} has no target {target!r}; it has {list(self.targets.columns)}"
            )
        reason = self.flagged(target)
        if reason is not None and not allow_flagged:
            raise FlaggedTargetError(
                f"target {target!r} of task {self.key} is flagged ({reason}); choose another "
                "target, or allow flagged targets explicitly to use it anyway"
            )

    def __post_init__(self) -> None:
        index = self.targets.index
        for label, table in (("proxies", self.proxies), ("proxy_times", self.proxy_times)):
            if not table.index.equals(index):
                raise ValueError(f"task {self.key}: {label} index differs from targets index")
        if index.has_duplicates:
            dup = index[index.duplicated()][0]
            raise ValueError(f"task {self.key}: arch {dup!r} appears twice")

    @property
    def key(self) -> str:
        """``"<space>/<name>"``, the name used on the command line and in suites."""
        return f"{self.space}/{self.name}"

    @property
    def archs(self) -> pd.Index:
        """Canonical ids of every arch the task knows."""
        return self.targets.index

    def __len__(self) -> int:
        return len(self.targets.index)

    def archs_with(
        self, target: str | None = None, proxies: tuple[str, ...] | str = ()
    ) -> pd.Index:
        """Archs that have ``target`` and every proxy in ``proxies`` recorded (not NaN).

        ``proxies="all"`` means every proxy column of the task. Failed proxies (−1e8) count as
        recorded: the value is known, it says the proxy failed.
        """
        mask = np.ones(len(self), dtype=bool)
        if target is not None:
            if target not in self.targets.columns:
                raise KeyError(
                    f"task {self.key} has no target {target!r}; it has {list(self.targets.columns)}"
                )
            mask &= self.targets[target].notna().to_numpy()
        names = list(self.proxies.columns) if proxies == "all" else list(proxies)
        missing = [p for p in names if p not in self.proxies.columns]
        if missing:
            raise KeyError(
                f"task {self.key} has no recorded proxy {missing}; it has {list(self.proxies.columns)}"
            )
        if names:
            mask &= self.proxies[names].notna().all(axis=1).to_numpy()
        return self.archs[mask]
