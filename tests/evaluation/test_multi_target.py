"""Suites with several targets and predictors that learn auxiliary targets jointly.

Real data: NB201 CIFAR-10 with its adversarial-robustness columns (all 15,625 cells).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kendalltau
from sklearn.ensemble import RandomForestRegressor

from predbench.evaluation import ResultsStore, SuiteError, load_suite, run_suite
from predbench.evaluation.features import cached_pool, cached_table
from predbench.evaluation.splits import split
from predbench.evaluation.tables import comparison_table
from predbench.predictors._base import seed_from
from predbench.runs.cache import cached_task
from tests.evaluation._suites import write_suite

ROBUST = """
name = "robust-tiny"
tasks = ["nb201/cifar10"]
target = ["val_accuracy", "pgd_eps1", "fgsm_eps1"]
features = ["graf"]
train_sizes = [64]
seeds = [0, 1]
test_size = 500
pool = "valid"

[[predictors]]
name = "rf"
params = { n_estimators = 20 }

[[predictors]]
name = "rf"
label = "rf+clean"
params = { n_estimators = 20 }
auxiliary_targets = ["val_accuracy"]
"""


def test_each_target_is_its_own_condition_and_plain_ids_do_not_change(tmp_path):
    _, runs = load_suite(write_suite(tmp_path, ROBUST))
    # rf: 3 targets; rf+clean: 2 (it skips the target it learns as auxiliary) — × 2 seeds
    assert len(runs) == (3 + 2) * 2
    by_target = {r.target for r in runs}
    assert by_target == {"val_accuracy", "pgd_eps1", "fgsm_eps1"}
    assert len({r.condition_id for r in runs}) == 5
    aux = [r for r in runs if r.auxiliary()]
    assert {r.target for r in aux} == {"pgd_eps1", "fgsm_eps1"}
    assert all(r.auxiliary() == ["val_accuracy"] for r in aux)
    # a plain run of the multi-target suite has the id a one-target suite gives it
    one = ROBUST.replace('["val_accuracy", "pgd_eps1", "fgsm_eps1"]', '"pgd_eps1"')
    _, single = load_suite(write_suite(tmp_path, one, "one.toml"))
    plain = {r.run_id for r in runs if not r.auxiliary() and r.target == "pgd_eps1"}
    assert plain == {r.run_id for r in single if not r.auxiliary()}
    assert "auxiliary_targets" not in single[0].settings()
    # the auxiliary column is identity: same settings without it is another run
    twin = {(r.target, r.seed): r.run_id for r in runs if r.auxiliary() and r.target == "pgd_eps1"}
    assert not set(twin.values()) & plain


def test_a_multi_target_suite_runs_resumes_and_scores_the_joint_model(tmp_path):
    _, runs = load_suite(write_suite(tmp_path, ROBUST))
    store = ResultsStore(tmp_path / "r.duckdb")
    first = run_suite(runs[:4], store, suite="robust-tiny")
    assert first.ok == 4
    resumed = run_suite(runs, store, suite="robust-tiny")
    assert (resumed.skipped, resumed.ok, resumed.failed) == (4, len(runs) - 4, 0)
    frame = store.frame(suite="robust-tiny")
    assert len(frame) == len(runs) and (frame["status"] == "ok").all()

    # the table keeps targets apart: one row per (target, predictor), never averaged across
    table = comparison_table(frame)
    assert len(table) == 5

    # rf+clean on PGD ε=1 is a multi-output forest on [pgd_eps1, val_accuracy]: recompute it
    spec = next(r for r in runs if r.auxiliary() and r.target == "pgd_eps1" and r.seed == 1)
    pool = cached_pool(spec.task, spec.target, spec.pool)
    train, test = split(pool, spec.train_size, spec.seed, spec.test_size, spec.split)
    X = cached_table(spec.task, spec.target, spec.pool, spec.features, spec.proxy_source)
    targets = cached_task(spec.task).targets
    forest = RandomForestRegressor(n_estimators=20, random_state=seed_from(spec.seed), n_jobs=1)
    forest.fit(X.loc[train], targets.loc[train, ["pgd_eps1", "val_accuracy"]].to_numpy())
    expected = kendalltau(targets.loc[test, "pgd_eps1"], forest.predict(X.loc[test])[:, 0])[0]
    stored = frame.set_index("run_id").loc[spec.run_id]
    assert stored["kendall_tau"] == pytest.approx(expected, abs=1e-12)
    assert stored["auxiliary_targets"] == '["val_accuracy"]'
    plain = next(r for r in runs if not r.auxiliary() and r.target == "pgd_eps1" and r.seed == 1)
    assert frame.set_index("run_id").loc[plain.run_id, "kendall_tau"] != pytest.approx(expected)


@pytest.mark.parametrize(
    ("edit", "key", "words"),
    [
        (
            ('auxiliary_targets = ["val_accuracy"]', 'auxiliary_targets = ["nope"]'),
            "predictors[1].auxiliary_targets",
            "no target 'nope'",
        ),
        (
            ('name = "rf"\nlabel', 'name = "lgbm"\nlabel'),
            "predictors[1].auxiliary_targets",
            "cannot learn several targets",
        ),
        (
            ('["val_accuracy", "pgd_eps1", "fgsm_eps1"]', '["pgd_eps1", "pgd_eps1"]'),
            "target",
            "listed twice",
        ),
        (
            ('["val_accuracy", "pgd_eps1", "fgsm_eps1"]', '["pgd_eps1", "fgsm_eps255"]'),
            "target",
            "flagged",
        ),
    ],
)
def test_bad_targets_are_named_before_any_run(tmp_path, edit, key, words):
    text = ROBUST.replace(*edit)
    assert text != ROBUST
    with pytest.raises(SuiteError) as err:
        load_suite(write_suite(tmp_path, text))
    assert err.value.key == key
    assert words in str(err.value)


def test_the_shipped_robustness_suite_validates():
    from predbench.runs.suitefile import resolve

    suite, runs = load_suite(resolve("robustness"))
    attacks = {t.split("_eps")[0] for t in suite.targets if "_eps" in t}
    assert attacks == {"fgsm", "pgd", "square", "apgd_ce"}
    eps = {t.split("_eps")[1] for t in suite.targets if "_eps" in t}
    assert {"0.5", "1", "2"} <= eps
    assert "val_accuracy" in suite.targets
    assert suite.seeds_role == "reporting"
    assert {r.target for r in runs} == set(suite.targets)
    assert np.all([r.pool == "valid" for r in runs])


def test_the_report_puts_targets_side_by_side(tmp_path):
    from predbench.report import build_report, load_report_data

    _, runs = load_suite(write_suite(tmp_path, ROBUST.replace("seeds = [0, 1]", "seeds = [0]")))
    store = ResultsStore(tmp_path / "r.duckdb")
    assert run_suite(runs, store, suite="robust-tiny").ok == len(runs)
    figures = tmp_path / "figures"
    html = build_report(load_report_data(store.path, suites=["robust-tiny"]), figures_dir=figures)
    assert "Targets × predictors" in html
    assert "Best predictor per target" in html
    for label in ("clean", "PGD ε=1", "FGSM ε=1"):
        assert label in html
    data = [p for p in figures.glob("*.csv") if "targets" in p.name]
    assert len(data) == 1
    import pandas as pd

    cells = pd.read_csv(data[0])
    # one cell per (target, predictor, features, train size); rf+clean skips clean accuracy
    assert len(cells) == 5
    assert set(cells["target"]) == {"val_accuracy", "pgd_eps1", "fgsm_eps1"}


def test_explain_ranks_features_across_clean_and_robust_targets(tmp_path):
    import pandas as pd
    from typer.testing import CliRunner

    from predbench.cli import app
    from predbench.explain import rank_contrast
    from predbench.report import build_report, load_report_data

    store = tmp_path / "r.duckdb"
    out = tmp_path / "tables"
    args = ["explain", "--task", "nb201/cifar10", "--target", "val_accuracy"]
    args += ["--target", "pgd_eps1", "--target", "fgsm_eps1", "--features", "zcp+graf"]
    args += ["--predictor", "rf", "--train-size", "64", "--n-explain", "150"]
    args += ["--store", str(store), "-o", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "nb201/cifar10 · pgd_eps1 · zcp+graf" in result.output
    ranks = pd.read_csv(next(out.glob("ranks_*.csv"))).set_index("feature")
    columns = ["nb201/cifar10", "nb201/cifar10 · pgd_eps1", "nb201/cifar10 · fgsm_eps1"]
    assert set(columns) <= set(ranks.columns)
    contrast = rank_contrast(ranks, columns[0], columns[1:])
    # hand check on one feature: its clean rank minus its mean robust rank
    f = contrast.index[0]
    expected = ranks.loc[f, columns[0]] - ranks.loc[f, columns[1:]].mean()
    assert contrast.loc[f, "shift"] == pytest.approx(expected)
    assert contrast["shift"].is_monotonic_decreasing

    html = build_report(load_report_data(store))
    assert "clean accuracy vs the other targets" in html
    assert "rank gained" in html
