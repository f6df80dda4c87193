"""Suites: a TOML file naming tasks × feature sets × predictors × train sizes × seeds.

Example (``suites/quickstart.toml``)::

    name = "quickstart"
    tasks = ["nb201/cifar10"]
    target = "val_accuracy"                 # default; any target column of the task works,
                                            # or several: ["val_accuracy", "pgd_eps1"]
    features = ["onehot", "graf", "zcp", "zcp+graf"]
    train_sizes = [32, 128]
    seeds = 5                                # 0..4, [42, 43], or {start = 1000, count = 30}
    pool = "valid"                           # "all" | "valid", optionally "+proxies[...]"
    # test_size = 200                        # default: every pool architecture not trained on
    # top_k = 0.1                            # precision@top-k fraction

    [[predictors]]
    name = "rf"

    [[predictors]]
    name = "xgb"
    label = "xgb-300"                        # optional: name in tables (default: name)
    params = { n_estimators = 300 }

    [[predictors]]
    name = "single_proxy"
    params = { proxy = "zcp:synflow" }
    features = ["zcp"]                       # optional: this predictor's own feature sets

    [[predictors]]
    name = "rf"
    label = "rf+clean"
    auxiliary_targets = ["val_accuracy"]     # optional: learnt jointly, never scored

A suite with several targets runs every predictor on each of them (each target is its own
condition: tables never average across targets). ``auxiliary_targets`` gives a predictor further
target columns to learn *jointly* with the scored one (multi-output / multi-task learning, e.g.
clean accuracy beside an adversarial accuracy): the harness fits it on ``[target, *auxiliary]``
for the training archs only and scores the first output; the predictor must be a multi-output
regressor (checked before any run), and the auxiliary columns are part of the run's identity.
A target equal to one of a predictor's auxiliary targets is skipped for that predictor.

A feature set joins families with ``+``; ``zcp`` alone means every proxy the task records, and
``zcp[flops,params]`` keeps only those proxies (:mod:`featurizers.featureset`);
``transfer[cifar100,ImageNet16-120]`` adds each arch's recorded ``val_accuracy`` on other tasks
of the same space (``transfer[all]``: every other task that covers the pool) — labels of other
datasets, never of the suite's own task; the source tasks and their data fingerprints are part of
the run's identity (:func:`predbench.evaluation.features.transfer_sources`). On a user's own file
``transfer[all]`` means every shipped task of its space: name the sources instead when the file
re-measures one of them. ``predictors``
may also be a list of names.

A task is a shipped task key or a user's own benchmark file, a table resolved relative to the
suite file: ``tasks = ["nb201/cifar10", { file = "my_bench.json", space = "nb201", name =
"mine" }]`` (JSON: ``dataset`` picks one of several; CSV: ``arch_column``, ``proxies``). It is
read and checked like the shipped tasks before any run (every bad row is named), shows as
``nb201/mine``, and the file's sha256 is part of each run's identity: editing the file never
mixes old and new results.

``pool`` says which architectures the runs of a task draw from (:mod:`.splits`): ``"all"``
(default), ``"valid"``, or either with ``+proxies`` (archs having every proxy the suite's ``zcp``
sets read) or ``+proxies[a,b]``. A feature set that reads a proxy some pool archs lack is an
error naming how many lack it and which pool to choose instead — the pool never shrinks silently.

Protocol presets (``protocol = "graf"`` or ``"white"``) fill in the keys a suite leaves out:

``graf`` — Kadlecová et al., ICML 2024, as run by their code (zc_combine
    ``scripts/experiments/nb201/train_args.json`` and ``zc_combine/utils/script_utils.py``):
    valid cells only (the 9,445 NB201 cells without unreachable operations), a random forest with
    scikit-learn defaults, training sets of 32 / 128 / 1024 architectures drawn with
    ``train_test_split(random_state=42 + i)`` for 50 repetitions, Kendall τ on *all remaining*
    valid cells. Preset: ``pool = "valid"``, test = the rest, ``train_sizes = [32, 128, 1024]``,
    ``seeds = 50``.
``white`` — White et al., NeurIPS 2021, as run by NASLib (``benchmarks/create_configs.py``,
    ``run_nb201_c10.sh``): 11 training-set sizes log-spaced from 5 to 1000
    (5, 8, 14, 24, 42, 71, 121, 205, 347, 589, 1000), a test set of 200 architectures, 100 trials,
    architectures drawn uniformly from the whole space; within a trial every train size is a
    prefix of one sample and all are tested on one test sample; its precision@10 counts the true
    top 10 of the 200 found in the predicted top 10 (5 %). Preset: ``pool = "all"``,
    ``test_size = 200``, ``top_k = 0.05``, those train sizes, ``seeds = 100``. NASLib draws train
    and test independently, with replacement, so they may overlap (its duplicate check is switched
    off in ``PredictorEvaluator.load_arch``); here they are disjoint draws from the pool.
    Preset: ``pool = "all"``, so a suite that adds a ``zcp`` feature set must say which pool it
    wants (``"all+proxies"`` or ``"valid"``) instead of changing the pool of every predictor.

Everything is checked before any run starts: an unknown key, task, target, feature family,
proxy, predictor or predictor parameter, or a training set larger than the task's pool raises
:class:`SuiteError` naming the file and the offending key. The checks against data go through a
:class:`SuiteValidator` (by default :class:`DataValidator`, which loads the tasks), so they can be
swapped in tests.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from featurizers.featureset import FeatureSet, parse_feature_set
from predbench.data.task import PROXY_NAMES
from predbench.evaluation.runspec import RunSpec, computed_source, full_params
from predbench.evaluation.splits import SPLIT_RULE, SPLIT_RULES, PoolSpec, parse_pool
from predbench.runs import suitefile
from predbench.runs.identity import canonical_json
from predbench.runs.suitefile import SuiteError

__all__ = [
    "PROTOCOLS",
    "DataValidator",
    "FeatureSet",
    "PredictorEntry",
    "Suite",
    "SuiteError",
    "SuiteValidator",
    "expand",
    "load_suite",
    "parse_feature_set",
    "parse_suite",
    "validate_suite",
]

#: Keys a suite file may use.
SUITE_KEYS: tuple[str, ...] = (
    "name",
    "description",
    "protocol",
    "tasks",
    "target",
    "features",
    "predictors",
    "train_sizes",
    "seeds",
    "test_size",
    "pool",
    "top_k",
    "allow_flagged_target",
    "split",
    "seeds_role",
    "proxies_from",
    "proxy_dataset",
)
#: What a suite's seeds are for: choosing settings, or reporting numbers (disjoint, checked).
SEEDS_ROLES: tuple[str, ...] = ("tuning", "reporting")
PREDICTOR_KEYS: tuple[str, ...] = ("name", "label", "params", "features", "auxiliary_targets")

#: Protocol presets: values used for the keys a suite does not set.
PROTOCOLS: dict[str, dict[str, Any]] = {
    "graf": {
        "pool": "valid",
        "test_size": None,
        "train_sizes": [32, 128, 1024],
        "seeds": 50,
    },
    "tagates": {
        "pool": "valid",
        "split": "tagates",
        "target": "test_accuracy",
        "test_size": None,
        "train_sizes": [46, 233, 467, 935],
        "seeds": list(range(42, 62)),
        "seeds_role": "reporting",
    },
    "suite_zero": {
        "pool": "all+proxies",
        "split": "suite_zero",
        "test_size": 200,
        "train_sizes": [400],
        "seeds": list(range(9000, 9010)),
        "seeds_role": "reporting",
    },
    "white": {
        "pool": "all",
        "test_size": 200,
        "top_k": 0.05,
        "train_sizes": [5, 8, 14, 24, 42, 71, 121, 205, 347, 589, 1000],
        "seeds": 100,
    },
}
DEFAULTS: dict[str, Any] = {
    "target": "val_accuracy",
    "pool": "all",
    "test_size": None,
    "top_k": 0.1,
    "allow_flagged_target": False,
    "split": SPLIT_RULE,
    "seeds_role": None,
    "proxies_from": "recorded",
    "proxy_dataset": None,
}


@dataclass(frozen=True)
class PredictorEntry:
    """One predictor of a suite: registry name, display label, parameters, own feature sets."""

    name: str
    label: str
    params: Mapping[str, Any]
    features: tuple[FeatureSet, ...] | None
    #: Further target columns learnt jointly with the scored one (never scored themselves).
    auxiliary_targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suite:
    """A parsed suite (see the module docstring for the file format)."""

    name: str
    source: str
    tasks: tuple[str, ...]
    targets: tuple[str, ...]
    features: tuple[FeatureSet, ...]
    predictors: tuple[PredictorEntry, ...]
    train_sizes: tuple[int, ...]
    seeds: tuple[int, ...]
    test_size: int | None
    pool: PoolSpec
    top_k: float
    protocol: str | None = None
    description: str = ""
    allow_flagged_target: bool = False
    split: str = SPLIT_RULE
    seeds_role: str | None = None
    #: ``"recorded"`` (the task's files) or ``"computed"`` (the proxy engine, on
    #: ``proxy_dataset``: by default the task's own dataset name).
    proxies_from: str = "recorded"
    proxy_dataset: str | None = None
    #: Own-file task key → its source (canonical JSON of the reader's arguments).
    task_sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The first (for a one-target suite: the) target column."""
        return self.targets[0]

    def feature_sets_of(self, entry: PredictorEntry) -> tuple[FeatureSet, ...]:
        return entry.features if entry.features is not None else self.features

    def all_feature_sets(self) -> tuple[FeatureSet, ...]:
        seen: dict[str, FeatureSet] = {f.spec: f for f in self.features}
        for entry in self.predictors:
            for fs in entry.features or ():
                seen.setdefault(fs.spec, fs)
        return tuple(seen.values())

    def proxies_read(self, task_proxies: list[str]) -> tuple[str, ...]:
        """Proxies the suite's ``zcp`` feature sets read on a task recording ``task_proxies``."""
        needed: set[str] = set()
        for fs in self.all_feature_sets():
            if fs.uses_proxies:
                needed |= set(task_proxies if fs.proxies is None else fs.proxies)
        return tuple(sorted(needed))


@dataclass(frozen=True)
class TaskPlan:
    """What validation established for one task: its resolved pool and data fingerprint."""

    pool: PoolSpec
    archs: pd.Index
    data: str
    #: Feature set spec → the recorded proxies it reads on this task.
    feature_proxies: Mapping[str, tuple[str, ...]]
    #: ``"recorded"`` or how the proxies are computed (:func:`.runspec.computed_source`).
    proxy_source: str = "recorded"
    #: Feature set spec → {source task key: data fingerprint} of its ``transfer[...]`` part.
    feature_sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


class SuiteValidator(Protocol):
    """What suite validation needs to know about the data (swap it in tests)."""

    def tasks(self) -> list[str]: ...

    def targets(self, task: str) -> list[str]: ...

    def proxies(self, task: str) -> list[str]: ...

    def families(self, task: str) -> list[str]: ...

    def can_select_valid(self, task: str) -> bool: ...

    def pool(self, task: str, target: str, pool: PoolSpec) -> pd.Index:
        """Sorted arch ids of the resolved pool; its length bounds the train size."""

    def lacking(self, task: str, archs: pd.Index, proxies: tuple[str, ...]) -> dict[str, int]:
        """How many of ``archs`` lack each of ``proxies`` (only proxies some arch lacks)."""

    def fingerprint(self, task: str) -> str:
        """Hash of the task's data files (part of every run id)."""

    def flag(self, task: str, target: str) -> str | None:
        """Why ``target`` is flagged on ``task`` (degenerate, near-constant), or ``None``."""

    def feature_names(self, task: str, feature_set: FeatureSet) -> list[str]: ...

    def transfer_sources(
        self, task: str, sources: tuple[str, ...], archs: pd.Index
    ) -> dict[str, str]:
        """Source name → task key of a ``transfer[...]`` part; ``ValueError`` naming a bad one."""


class DataValidator:
    """:class:`SuiteValidator` backed by :mod:`predbench.data` and :mod:`featurizers`."""

    def tasks(self) -> list[str]:
        from predbench.data import list_tasks

        return [info.key for info in list_tasks()]

    def targets(self, task: str) -> list[str]:
        return list(_task(task).targets.columns)

    def proxies(self, task: str) -> list[str]:
        return list(_task(task).proxies.columns)

    def families(self, task: str) -> list[str]:
        from featurizers import supported_families

        return supported_families(_task(task).space)

    def can_select_valid(self, task: str) -> bool:
        from featurizers.spaces import SearchSpace, get_space

        return isinstance(get_space(_task(task).space), SearchSpace)

    def pool(self, task: str, target: str, pool: PoolSpec) -> pd.Index:
        from predbench.evaluation.features import cached_pool

        return cached_pool(task, target, pool.rule)

    def lacking(self, task: str, archs: pd.Index, proxies: tuple[str, ...]) -> dict[str, int]:
        table = _task(task).proxies.loc[archs, list(proxies)]
        counts = table.isna().sum()
        return {name: int(n) for name, n in counts.items() if n}

    def fingerprint(self, task: str) -> str:
        from predbench.runs.cache import task_fingerprint

        return task_fingerprint(task)

    def flag(self, task: str, target: str) -> str | None:
        return _task(task).flagged(target)

    def feature_names(self, task: str, feature_set: FeatureSet) -> list[str]:
        from predbench.evaluation.features import feature_columns

        return feature_columns(_task(task), feature_set)

    def transfer_sources(
        self, task: str, sources: tuple[str, ...], archs: pd.Index
    ) -> dict[str, str]:
        """Source name → task key of a ``transfer[...]`` part, checked against the pool."""
        from predbench.evaluation.features import transfer_sources

        return transfer_sources(_task(task), sources, archs, self.tasks())


def _task(key: str) -> Any:
    from predbench.runs.cache import cached_task

    return cached_task(key)


# ------------------------------------------------------------------------------------ parsing


def _feature_sets(source: str, key: str, value: Any) -> tuple[FeatureSet, ...]:
    sets = []
    for spec in suitefile.str_list(source, key, value):
        try:
            sets.append(parse_feature_set(spec))
        except ValueError as err:
            raise SuiteError(source, key, str(err)) from None
    if len({fs.spec for fs in sets}) != len(sets):
        raise SuiteError(source, key, f"a feature set is listed twice in {value!r}")
    return tuple(sets)


def _predictor_entries(source: str, value: Any) -> tuple[PredictorEntry, ...]:
    from predbench.predictors import PREDICTORS, make_predictor

    items = value if isinstance(value, list) else None
    if not items:
        raise SuiteError(source, "predictors", "expected a non-empty list of predictors")
    entries = []
    for i, item in enumerate(items):
        where = f"predictors[{i}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            raise SuiteError(source, where, f"expected a name or a table, got {item!r}")
        unknown = sorted(set(item) - set(PREDICTOR_KEYS))
        if unknown:
            raise SuiteError(
                source, f"{where}.{unknown[0]}", f"unknown key; allowed: {list(PREDICTOR_KEYS)}"
            )
        name = item.get("name")
        if not isinstance(name, str) or name not in PREDICTORS:
            raise SuiteError(
                source,
                f"{where}.name",
                f"unknown predictor {name!r}; choose from {sorted(PREDICTORS)}",
            )
        params = item.get("params", {})
        if not isinstance(params, dict):
            raise SuiteError(source, f"{where}.params", f"expected a table, got {params!r}")
        if "random_state" in params:
            raise SuiteError(
                source, f"{where}.params.random_state", "set by the run's seed; remove it"
            )
        try:
            check_params(make_predictor(name, **params))
        except (TypeError, ValueError) as err:
            raise SuiteError(source, f"{where}.params", str(err)) from None
        label = item.get("label", name)
        if not isinstance(label, str) or not label:
            raise SuiteError(
                source, f"{where}.label", f"expected a non-empty string, got {label!r}"
            )
        features = item.get("features")
        fsets = None if features is None else _feature_sets(source, f"{where}.features", features)
        auxiliary = ()
        if "auxiliary_targets" in item:
            auxiliary = tuple(
                suitefile.str_list(source, f"{where}.auxiliary_targets", item["auxiliary_targets"])
            )
        if len(set(auxiliary)) != len(auxiliary):
            raise SuiteError(
                source, f"{where}.auxiliary_targets", f"a column is listed twice in {auxiliary}"
            )
        if auxiliary:
            try:
                check_multi_output(make_predictor(name, **params))
            except ValueError as err:
                raise SuiteError(source, f"{where}.auxiliary_targets", str(err)) from None
        entries.append(PredictorEntry(name, label, dict(params), fsets, auxiliary))
    labels = [e.label for e in entries]
    for label in labels:
        if labels.count(label) > 1:
            raise SuiteError(
                source,
                "predictors",
                f"two predictors are labelled {label!r}; give one a distinct 'label'",
            )
    return tuple(entries)


#: Rows and columns of the synthetic data a predictor is test-fitted on at validation.
_SMOKE_SHAPE = (12, 3)


def check_params(predictor: Any) -> None:
    """Check a predictor's parameters before any run, with the estimator's own checks.

    Where the estimator declares scikit-learn ``_parameter_constraints`` they are applied;
    otherwise the predictor is fitted once on a tiny seeded synthetic table, so the library
    itself rejects a value (``n_estimators = "many"`` or ``-5``) naming the parameter — at load
    time, instead of failing every run. Predictors that read named columns or arch ids are
    checked against the suite's feature sets instead (``check_feature_names``).
    """
    from sklearn.base import clone

    validate = getattr(predictor, "_validate_params", None)
    if validate is not None and getattr(predictor, "_parameter_constraints", None):
        try:
            validate()
        except Exception as err:  # sklearn's InvalidParameterError (a ValueError/TypeError)
            raise ValueError(str(err)) from None
        return
    if hasattr(predictor, "check_feature_names") or "arch ids" in getattr(predictor, "inputs", ""):
        return
    rng = np.random.default_rng(0)
    X = rng.normal(size=_SMOKE_SHAPE)
    y = X @ np.array([1.0, -0.5, 0.25]) + 0.1 * rng.normal(size=_SMOKE_SHAPE[0])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clone(predictor).fit(X, y)
    except Exception as err:
        text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"the predictor rejects these parameters: {text}") from None


def check_multi_output(predictor: Any) -> None:
    """A predictor given ``auxiliary_targets`` must learn a 2-D target and predict one.

    It is fitted once on a tiny seeded synthetic table with two target columns; a predictor
    that refuses it, or predicts one column, cannot take auxiliary targets.
    """
    from sklearn.base import clone

    rng = np.random.default_rng(0)
    X = rng.normal(size=_SMOKE_SHAPE)
    y = X @ np.array([1.0, -0.5, 0.25]) + 0.1 * rng.normal(size=_SMOKE_SHAPE[0])
    Y = np.column_stack([y, 2 * y - X[:, 0]])
    name = type(predictor).__name__
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            shape = np.shape(clone(predictor).fit(X, Y).predict(X))
    except Exception as err:
        text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(
            f"{name} cannot learn several targets at once ({text}); auxiliary targets need a "
            "multi-output regressor (e.g. rf, or a multi-task member of the zoo)"
        ) from None
    if shape != Y.shape:
        raise ValueError(
            f"{name} fitted on 2 target columns predicts shape {shape}, not {Y.shape}; auxiliary "
            "targets need a multi-output regressor (e.g. rf, or a multi-task member of the zoo)"
        )


def parse_suite(data: Mapping[str, Any], source: str = "<suite>") -> Suite:
    """A :class:`Suite` from an already-read TOML mapping; structure only (no data checks)."""
    if "valid_only" in data:
        raise SuiteError(
            source,
            "valid_only",
            'replaced by the explicit pool: write pool = "valid" (or "all") instead',
        )
    suitefile.check_keys(source, data, SUITE_KEYS)
    protocol = data.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        raise SuiteError(
            source, "protocol", f"unknown protocol {protocol!r}; choose from {sorted(PROTOCOLS)}"
        )
    values = {**DEFAULTS, **(PROTOCOLS.get(protocol) or {}), **data}
    for required in ("tasks", "features", "predictors", "train_sizes", "seeds"):
        if required not in values:
            raise SuiteError(source, required, "missing (no protocol preset provides it)")
    seeds = suitefile.seeds(source, values["seeds"])
    test_size = values["test_size"]
    if test_size is not None:
        test_size = suitefile.positive_int(source, "test_size", test_size)
    try:
        pool = parse_pool(values["pool"])
    except ValueError as err:
        raise SuiteError(source, "pool", str(err)) from None
    if not isinstance(values["allow_flagged_target"], bool):
        raise SuiteError(
            source,
            "allow_flagged_target",
            f"expected true or false, got {values['allow_flagged_target']!r}",
        )
    if values["split"] not in SPLIT_RULES:
        raise SuiteError(
            source, "split", f"unknown split {values['split']!r}; choose from {list(SPLIT_RULES)}"
        )
    if values["split"] == "tagates" and test_size is not None:
        raise SuiteError(source, "test_size", "the tagates split tests on the whole test file")
    if values["split"] == "suite_zero" and test_size is None:
        raise SuiteError(source, "test_size", "the suite_zero split needs a test_size")
    if values["proxies_from"] not in ("recorded", "computed"):
        raise SuiteError(
            source,
            "proxies_from",
            f"expected 'recorded' or 'computed', got {values['proxies_from']!r}",
        )
    if values["proxy_dataset"] is not None and not isinstance(values["proxy_dataset"], str):
        raise SuiteError(source, "proxy_dataset", "expected a dataset name, e.g. cifar10")
    role = values["seeds_role"]
    if role is not None and role not in SEEDS_ROLES:
        raise SuiteError(source, "seeds_role", f"expected one of {list(SEEDS_ROLES)}, got {role!r}")
    if role == "reporting":
        from predbench.evaluation.protocols import TUNING_SEEDS

        shared = sorted(set(seeds) & set(TUNING_SEEDS))
        if shared:
            raise SuiteError(
                source,
                "seeds",
                f"reporting seeds must be disjoint from the tuning seeds {TUNING_SEEDS[0]}–"
                f"{TUNING_SEEDS[-1]}; these are both: {shared}",
            )
    top_k = values["top_k"]
    if isinstance(top_k, bool) or not isinstance(top_k, int | float) or not 0 < top_k <= 1:
        raise SuiteError(source, "top_k", f"expected a fraction in (0, 1], got {top_k!r}")
    targets = suitefile.str_list(source, "target", values["target"])
    if not targets or not all(targets):
        raise SuiteError(source, "target", f"expected a column name, got {values['target']!r}")
    if len(set(targets)) != len(targets):
        raise SuiteError(source, "target", f"a target is listed twice in {values['target']!r}")
    name = values.get("name", Path(source).stem)
    tasks, task_sources = suitefile.task_entries(source, values["tasks"], targets[0])
    return Suite(
        name=str(name),
        source=source,
        tasks=tuple(tasks),
        targets=tuple(targets),
        features=_feature_sets(source, "features", values["features"]),
        predictors=_predictor_entries(source, values["predictors"]),
        train_sizes=suitefile.int_list(source, "train_sizes", values["train_sizes"], minimum=1),
        seeds=seeds,
        test_size=test_size,
        pool=pool,
        top_k=float(top_k),
        protocol=protocol,
        description=str(values.get("description", "")),
        allow_flagged_target=values["allow_flagged_target"],
        split=values["split"],
        seeds_role=role,
        proxies_from=values["proxies_from"],
        proxy_dataset=values["proxy_dataset"],
        task_sources=task_sources,
    )


# --------------------------------------------------------------------------------- validation


def validate_suite(
    suite: Suite, validator: SuiteValidator | None = None
) -> dict[tuple[str, str], TaskPlan]:
    """Check ``suite`` against the data and resolve each task's pool.

    Returns
    -------
    dict
        (task key, target) → :class:`TaskPlan` (resolved pool, its archs, data fingerprint), the
        input of :func:`expand`.

    Raises
    ------
    SuiteError
        Naming the file and the key of the first problem found.
    """
    validator = validator or DataValidator()
    src = suite.source
    known = validator.tasks()
    for task in suite.tasks:
        if task in suite.task_sources:
            if task in known:
                raise SuiteError(
                    src,
                    "tasks",
                    f"own file task {task!r} has the name of a shipped task; rename it",
                )
            _read_own_file(suite, validator, task)
        elif task not in known:
            raise SuiteError(src, "tasks", f"unknown task {task!r}; choose from {known}")
    plans: dict[tuple[str, str], TaskPlan] = {}
    for task, target in ((t, g) for t in suite.tasks for g in suite.targets):
        targets = validator.targets(task)
        if target not in targets:
            raise SuiteError(
                src, "target", f"task {task!r} has no target {target!r}; it has {targets}"
            )
        reason = validator.flag(task, target)
        if reason is not None and not suite.allow_flagged_target:
            raise SuiteError(
                src,
                "target",
                f"target {target!r} of task {task!r} is flagged ({reason}); choose another "
                "target, or set allow_flagged_target = true to use it on purpose",
            )
        families = validator.families(task)
        computed = suite.proxies_from == "computed"
        proxies = list(PROXY_NAMES) if computed else validator.proxies(task)
        for fs in suite.all_feature_sets():
            key = _feature_key(suite, fs)
            for family in fs.families:
                if family not in families:
                    raise SuiteError(
                        src,
                        key,
                        f"feature family {family!r} (in {fs.spec!r}) is unknown or cannot encode "
                        f"task {task!r}; available: {families}",
                    )
            missing = [p for p in fs.proxies or () if p not in proxies]
            if missing:
                raise SuiteError(
                    src,
                    key,
                    f"task {task!r} {'has' if computed else 'records'} no proxy {missing} "
                    f"(in {fs.spec!r}); it has {proxies}",
                )
        if suite.pool.cells == "valid" and not validator.can_select_valid(task):
            raise SuiteError(src, "pool", f"the space of task {task!r} has no validity rule")
        missing = [p for p in suite.pool.proxies or () if p not in proxies]
        if missing:
            raise SuiteError(src, "pool", f"task {task!r} records no proxy {missing}")
        read = () if computed else suite.proxies_read(proxies)
        pool = suite.pool.resolve(read)
        archs = validator.pool(task, target, pool)
        if not computed:
            _check_pool_has_features(suite, validator, task, target, pool, archs, proxies)
        _check_auxiliary_targets(suite, validator, task, target, pool, archs)
        feature_sources = _check_transfer(suite, validator, task, archs)
        largest = max(suite.train_sizes)
        need = largest + (suite.test_size if suite.test_size is not None else 1)
        if need > len(archs):
            raise SuiteError(
                src,
                "train_sizes",
                f"train size {largest}"
                + (f" + test_size {suite.test_size}" if suite.test_size is not None else "")
                + f" exceeds the {len(archs)} architectures of pool {pool.rule!r} of task "
                f"{task!r} ({pool.describe(target)})",
            )
        for i, entry in enumerate(suite.predictors):
            if not computed:  # computed columns are zcp:<proxy>, known without data
                _check_predictor_columns(suite, validator, task, i, entry)
        feature_proxies = {
            fs.spec: (
                tuple(proxies if fs.proxies is None else fs.proxies) if fs.uses_proxies else ()
            )
            for fs in suite.all_feature_sets()
        }
        proxy_source = "recorded"
        if computed:
            space, _, name = task.partition("/")
            proxy_source = computed_source(
                space, suite.proxy_dataset or _proxy_dataset(space, name)
            )
        plans[task, target] = TaskPlan(
            pool=pool,
            archs=archs,
            data=validator.fingerprint(task),
            feature_proxies=feature_proxies,
            proxy_source=proxy_source,
            feature_sources=feature_sources,
        )
    return plans


def _proxy_dataset(space: str, task_name: str) -> str:
    """The engine's dataset for a task: its own name when the space's network knows it (a
    shipped task), else cifar10 (a user's file; ``proxy_dataset`` chooses another)."""
    from featurizers.zerocost.networks.registry import network_module

    try:
        network_module(space).task_io(task_name)
    except (KeyError, ValueError):
        return "cifar10"
    return task_name


def _read_own_file(suite: Suite, validator: SuiteValidator, task: str) -> None:
    """Read a user's file now, so a bad row stops the suite before any run, naming it."""
    from predbench.data import ArchParseError, MalformedFileError

    try:
        validator.targets(task)
    except (ArchParseError, MalformedFileError, ValueError, KeyError, OSError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
        raise SuiteError(suite.source, "tasks", f"{task}: {message}") from None


def _check_pool_has_features(
    suite: Suite,
    validator: SuiteValidator,
    task: str,
    target: str,
    pool: PoolSpec,
    archs: pd.Index,
    proxies: list[str],
) -> None:
    """A feature set must not need proxies some pool archs lack: say so instead of shrinking."""
    for fs in suite.all_feature_sets():
        if not fs.uses_proxies:
            continue
        needed = tuple(proxies if fs.proxies is None else fs.proxies)
        lacking = validator.lacking(task, archs, needed)
        if not lacking:
            continue
        worst = max(lacking.values())
        counts = ", ".join(f"{name} {n:,}" for name, n in sorted(lacking.items()))
        with_proxies = PoolSpec(pool.cells, tuple(sorted(set(pool.proxies or ()) | set(needed))))
        size = len(validator.pool(task, target, with_proxies))
        raise SuiteError(
            suite.source,
            _feature_key(suite, fs),
            f"feature set {fs.spec!r} reads proxies that up to {worst:,} of the {len(archs):,} "
            f"archs of pool {pool.rule!r} on task {task!r} lack ({counts} archs lack them); "
            f'choose the pool explicitly: pool = "{pool.cells}+proxies" ({size:,} archs, the '
            "same pool for every feature set and predictor), or a feature set whose proxies "
            "the whole pool has",
        )


def _check_auxiliary_targets(
    suite: Suite, validator: SuiteValidator, task: str, target: str, pool: PoolSpec, archs: pd.Index
) -> None:
    """Auxiliary targets must be columns of the task that every pool arch has."""
    columns = validator.targets(task)
    for i, entry in enumerate(suite.predictors):
        key = f"predictors[{i}].auxiliary_targets"
        for aux in entry.auxiliary_targets:
            if aux not in columns:
                raise SuiteError(
                    suite.source, key, f"task {task!r} has no target {aux!r}; it has {columns}"
                )
            if aux == target:
                continue  # this predictor skips that target (see the module docstring)
            covered = validator.pool(task, aux, pool)
            lacking = len(archs.difference(covered))
            if lacking:
                raise SuiteError(
                    suite.source,
                    key,
                    f"{lacking:,} of the {len(archs):,} archs of pool {pool.rule!r} on task "
                    f"{task!r} have no {aux!r} (the scored target is {target!r}); an auxiliary "
                    "target must cover the whole pool",
                )


def _check_transfer(
    suite: Suite, validator: SuiteValidator, task: str, archs: pd.Index
) -> dict[str, dict[str, str]]:
    """Source tasks of every ``transfer[...]`` part, resolved and checked against the pool
    (:func:`predbench.evaluation.features.transfer_sources`). Returns spec → {source key: data
    fingerprint}, part of the run ids."""
    found: dict[str, dict[str, str]] = {}
    for fs in suite.all_feature_sets():
        if not fs.uses_transfer:
            continue
        try:
            sources = validator.transfer_sources(task, fs.sources or (), archs)
        except ValueError as err:
            raise SuiteError(
                suite.source, _feature_key(suite, fs), f"{fs.spec!r} on task {task!r}: {err}"
            ) from None
        found[fs.spec] = {key: validator.fingerprint(key) for key in sources.values()}
    return found


def _feature_key(suite: Suite, fs: FeatureSet) -> str:
    if fs in suite.features:
        return "features"
    for i, entry in enumerate(suite.predictors):
        if entry.features and fs in entry.features:
            return f"predictors[{i}].features"
    return "features"


def _check_predictor_columns(
    suite: Suite, validator: SuiteValidator, task: str, i: int, entry: PredictorEntry
) -> None:
    from predbench.predictors import make_predictor

    predictor = make_predictor(entry.name, **entry.params)
    check = getattr(predictor, "check_feature_names", None)
    if check is None:
        return
    for fs in suite.feature_sets_of(entry):
        try:
            check(validator.feature_names(task, fs))
        except ValueError as err:
            raise SuiteError(
                suite.source, f"predictors[{i}].params", f"with features {fs.spec!r}: {err}"
            ) from None


def load_suite(
    path: str | Path,
    validator: SuiteValidator | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> tuple[Suite, list[RunSpec]]:
    """Read, parse and validate a suite file; returns the suite and its runs.

    ``overrides`` replace keys of the file (``{"seeds": 3}`` from ``compare --seeds``) and are
    checked like them.

    Raises
    ------
    SuiteError
        A malformed file, or a key whose value the data cannot satisfy.
    """
    data = {**suitefile.read_toml(path), **(overrides or {})}
    suite = parse_suite(data, str(path))
    return suite, expand(suite, validate_suite(suite, validator))


# ---------------------------------------------------------------------------------- expansion


def expand(suite: Suite, plans: Mapping[tuple[str, str], TaskPlan]) -> list[RunSpec]:
    """Every run of ``suite``, grouped by task and feature set (so worker caches are reused).

    ``plans`` is what :func:`validate_suite` returns.
    """
    from predbench.evaluation.splits import pool_fingerprint

    configs = {e.label: full_params(e.name, dict(e.params)) for e in suite.predictors}
    runs = []
    for task, target in ((t, g) for t in suite.tasks for g in suite.targets):
        plan = plans[task, target]
        pool_hash = pool_fingerprint(plan.archs)
        for fs in suite.all_feature_sets():
            for entry in suite.predictors:
                if fs not in suite.feature_sets_of(entry) or target in entry.auxiliary_targets:
                    continue
                for train_size in suite.train_sizes:
                    for seed in suite.seeds:
                        runs.append(
                            RunSpec(
                                task=task,
                                target=target,
                                data=plan.data,
                                pool=plan.pool.rule,
                                pool_size=len(plan.archs),
                                pool_hash=pool_hash,
                                split=suite.split,
                                test_size=suite.test_size,
                                top_k=suite.top_k,
                                features=fs.spec,
                                feature_proxies=canonical_json(plan.feature_proxies[fs.spec]),
                                proxy_source=plan.proxy_source,
                                predictor_name=entry.name,
                                predictor_config=configs[entry.label],
                                train_size=train_size,
                                seed=seed,
                                params=canonical_json(dict(entry.params)),
                                predictor=entry.label,
                                protocol=suite.protocol or "",
                                task_source=suite.task_sources.get(task, ""),
                                auxiliary_targets=canonical_json(list(entry.auxiliary_targets))
                                if entry.auxiliary_targets
                                else "",
                                feature_sources=canonical_json(dict(plan.feature_sources[fs.spec]))
                                if fs.spec in plan.feature_sources
                                else "",
                            )
                        )
    return runs
