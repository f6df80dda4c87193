"""The ``transfer[...]`` feature family: other tasks' recorded accuracy of the same arch.

Real data: NB201 CIFAR-10 / CIFAR-100 / ImageNet16-120 validation accuracy (all 15,625 cells),
and TransNAS-Bench-101 micro's seven tasks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau, spearmanr
from sklearn.ensemble import RandomForestRegressor

from featurizers import TransferTargets, feature_table, parse_feature_set
from predbench.evaluation import ResultsStore, SuiteError, load_suite, run_suite
from predbench.evaluation.features import build_table, cached_pool, cached_table
from predbench.evaluation.splits import split
from predbench.predictors._base import seed_from
from predbench.runs.cache import cached_task
from tests.evaluation._suites import write_suite

SUITE = """
name = "transfer-tiny"
tasks = ["nb201/cifar10"]
features = ["graf", "graf+transfer[all]"]
train_sizes = [32]
seeds = [0, 1]
test_size = 1000
pool = "valid"

[[predictors]]
name = "rf"
params = { n_estimators = 30 }
"""


def test_the_grammar_names_source_tasks():
    fs = parse_feature_set("zcp+graf+transfer[cifar100, ImageNet16-120]")
    assert fs.families == ("zcp", "graf", "transfer")
    assert fs.sources == ("cifar100", "ImageNet16-120")
    assert fs.proxies is None and fs.uses_transfer
    assert parse_feature_set("graf").sources is None
    with pytest.raises(ValueError, match="names its source tasks"):
        parse_feature_set("graf+transfer")
    with pytest.raises(ValueError, match="selects no task"):
        parse_feature_set("transfer[]")
    with pytest.raises(ValueError, match="names a task twice"):
        parse_feature_set("transfer[cifar100,cifar100]")


def test_the_lookup_returns_the_table_and_names_what_is_missing():
    table = pd.DataFrame(
        {"a": [0.5, 0.7], "b": [0.1, np.nan]}, index=["(2, 1, 1, 1, 1, 1)", "(3, 1, 1, 1, 1, 1)"]
    )
    lookup = TransferTargets("nb201", table).fit()
    got = lookup.transform_frame(["(2, 1, 1, 1, 1, 1)"])
    assert list(got.columns) == ["transfer:a", "transfer:b"]
    got = (
        TransferTargets("nb201", table, names=["a"])
        .fit()
        .transform_frame(["(3, 1, 1, 1, 1, 1)", "(2, 1, 1, 1, 1, 1)"])
    )
    assert got["transfer:a"].tolist() == [0.7, 0.5]
    with pytest.raises(KeyError, match=r"no recorded value for column 'transfer:b'"):
        TransferTargets("nb201", table, names=["b"]).fit().transform(["(3, 1, 1, 1, 1, 1)"])
    with pytest.raises(KeyError, match="not in the targets table"):
        lookup.transform(["(4, 1, 1, 1, 1, 1)"])
    with pytest.raises(ValueError, match="needs a targets table"):
        TransferTargets("nb201").fit()


def test_resolved_sources_are_the_other_nb201_datasets_with_their_recorded_values():
    task = cached_task("nb201/cifar10")
    archs = cached_pool("nb201/cifar10", "val_accuracy", "valid")
    table = build_table(task, "transfer[all]", archs)
    assert list(table.columns) == ["transfer:cifar100", "transfer:ImageNet16-120"]
    for name in ("cifar100", "ImageNet16-120"):
        recorded = cached_task(f"nb201/{name}").targets.loc[archs, "val_accuracy"]
        np.testing.assert_array_equal(table[f"transfer:{name}"].to_numpy(), recorded.to_numpy())
    # CIFAR-10 and CIFAR-100 accuracy of NB201 cells agree at Spearman ≈ 0.97 (valid cells)
    rho = spearmanr(table["transfer:cifar100"], task.targets.loc[archs, "val_accuracy"])[0]
    assert 0.95 < rho < 0.99
    # the same columns through the featurizers API
    direct = feature_table(
        "nb201",
        archs[:5],
        "transfer",
        params={"transfer": {"targets": table.set_axis(["cifar100", "ImageNet16-120"], axis=1)}},
    )
    np.testing.assert_array_equal(direct.to_numpy(), table.iloc[:5].to_numpy())


def test_transfer_all_on_transnas_micro_reads_the_six_other_tasks():
    task = cached_task("tnb101_micro/class_scene")
    archs = task.targets.index[:50]
    table = build_table(task, "transfer[all]", archs)
    assert sorted(c.split(":")[1] for c in table.columns) == sorted(
        ["class_object", "jigsaw", "room_layout", "segmentsemantic", "autoencoder", "normal"]
    )


def test_a_transfer_suite_runs_and_its_sources_are_part_of_the_identity(tmp_path):
    _, runs = load_suite(write_suite(tmp_path, SUITE))
    plain = [r for r in runs if r.features == "graf"]
    transfer = [r for r in runs if r.features != "graf"]
    assert all(r.feature_sources == "" for r in plain)
    assert all("feature_sources" not in r.settings() for r in plain)
    sources = transfer[0].settings()["feature_sources"]
    assert '"nb201/cifar100"' in sources and '"nb201/ImageNet16-120"' in sources
    store = ResultsStore(tmp_path / "r.duckdb")
    assert run_suite(runs, store, suite="transfer-tiny").ok == len(runs)
    frame = store.frame(suite="transfer-tiny").set_index("run_id")
    assert frame.loc[transfer[0].run_id, "feature_sources"] == transfer[0].feature_sources

    # recompute one transfer run by hand: a forest on GRAF + CIFAR-100 + ImageNet16-120 accuracy
    spec = next(r for r in transfer if r.seed == 1)
    pool = cached_pool(spec.task, spec.target, spec.pool)
    train, test = split(pool, spec.train_size, spec.seed, spec.test_size, spec.split)
    graf = cached_table(spec.task, spec.target, spec.pool, "graf")
    extra = pd.DataFrame(
        {
            k: cached_task(f"nb201/{k}").targets["val_accuracy"]
            for k in ("cifar100", "ImageNet16-120")
        }
    ).loc[pool]
    X = pd.concat([graf, extra], axis=1).to_numpy()
    position = pool.get_indexer
    y = cached_task(spec.task).targets.loc[pool, "val_accuracy"].to_numpy()
    forest = RandomForestRegressor(n_estimators=30, random_state=seed_from(spec.seed), n_jobs=1)
    forest.fit(X[position(train)], y[position(train)])
    expected = kendalltau(y[position(test)], forest.predict(X[position(test)]))[0]
    assert frame.loc[spec.run_id, "kendall_tau"] == pytest.approx(expected, abs=1e-12)
    # another dataset's labels carry most of the ranking: far above GRAF alone at 32 cells
    mean = frame.groupby("features")["kendall_tau"].mean()
    assert mean["graf+transfer[all]"] > mean["graf"] + 0.1


@pytest.mark.parametrize(
    ("features", "words"),
    [
        ("graf+transfer[cifar10]", "its labels cannot be its features"),
        ("graf+transfer[cifar101]", "no task 'nb201/cifar101'"),
        ("graf+transfer[nb301/cifar10]", "is in space 'nb301'"),
        ("graf+transfer[ninapro]", "have no 'val_accuracy' on task 'nb201/ninapro'"),
    ],
)
def test_bad_sources_are_named_before_any_run(tmp_path, features, words):
    text = SUITE.replace('"graf+transfer[all]"', f'"{features}"')
    with pytest.raises(SuiteError) as err:
        load_suite(write_suite(tmp_path, text))
    assert err.value.key == "features"
    assert words in str(err.value)


def test_search_refuses_transfer_features():
    from predbench.search._features import task_featurizer

    with pytest.raises(ValueError, match="not in search"):
        task_featurizer(cached_task("nb201/cifar10"), "graf+transfer[cifar100]")


def test_the_shipped_transfer_suites_validate():
    from predbench.runs.suitefile import resolve

    for name, n in (("tagates_transfer", 160), ("graf_table_transfer", 120),
                    ("suite_zero_transfer", 80)):  # fmt: skip
        suite, runs = load_suite(resolve(name))
        assert len(runs) == n
        assert suite.seeds_role == "reporting"
        assert {r.features for r in runs} == {"zcp+graf", "zcp+graf+transfer[all]"}
