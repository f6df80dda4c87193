"""Suites: a TOML file naming tasks × feature sets × predictors × train sizes × seeds.

Example (``suites/quickstart.toml``)::

    name = "quickstart"
    tasks = ["nb201/cifar10"]
    target = "val_accuracy"                 # default; any target column of the task works
    features = ["onehot", "graf", "zcp", "zcp+graf"]
    train_sizes = [32, 128]
    seeds = 5                                # 0..4, or an explicit list [42, 43]
    valid_only = true                        # pool: valid cells only
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

A feature set joins families with ``+``; ``zcp`` alone means every proxy the task records, and
``zcp[flops,params]`` keeps only those proxies. ``predictors`` may also be a list of names.

Protocol presets (``protocol = "graf"`` or ``"white"``) fill in the keys a suite leaves out:

``graf`` — Kadlecová et al., ICML 2024, as run by their code (zc_combine
    ``scripts/experiments/nb201/train_args.json`` and ``zc_combine/utils/script_utils.py``):
    valid cells only (the 9,445 NB201 cells without unreachable operations), a random forest with
    scikit-learn defaults, training sets of 32 / 128 / 1024 architectures drawn with
    ``train_test_split(random_state=42 + i)`` for 50 repetitions, Kendall τ on *all remaining*
    valid cells. Preset: ``valid_only = true``, test = the rest, ``train_sizes = [32, 128, 1024]``,
    ``seeds = 50``.
``white`` — White et al., NeurIPS 2021, as run by NASLib (``benchmarks/create_configs.py``,
    ``run_nb201_c10.sh``): 11 training-set sizes log-spaced from 5 to 1000
    (5, 8, 14, 24, 42, 71, 121, 205, 347, 589, 1000), a test set of 200 architectures, 100 trials,
    architectures drawn uniformly from the whole space. Preset: ``valid_only = false``,
    ``test_size = 200``, those train sizes, ``seeds = 100``. NASLib samples train and test
    independently (they may overlap); here they are disjoint draws from the pool.

Everything is checked before any run starts: an unknown key, task, target, feature family,
proxy, predictor or predictor parameter, or a training set larger than the task's pool raises
:class:`SuiteError` naming the file and the offending key. The checks against data go through a
:class:`SuiteValidator` (by default :class:`DataValidator`, which loads the tasks), so they can be
swapped in tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import tomllib

from predbench.evaluation.runspec import RunSpec, canonical_json

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
    "valid_only",
    "top_k",
)
PREDICTOR_KEYS: tuple[str, ...] = ("name", "label", "params", "features")

#: Protocol presets: values used for the keys a suite does not set.
PROTOCOLS: dict[str, dict[str, Any]] = {
    "graf": {
        "valid_only": True,
        "test_size": None,
        "train_sizes": [32, 128, 1024],
        "seeds": 50,
    },
    "white": {
        "valid_only": False,
        "test_size": 200,
        "train_sizes": [5, 8, 14, 24, 42, 71, 121, 205, 347, 589, 1000],
        "seeds": 100,
    },
}
DEFAULTS: dict[str, Any] = {
    "target": "val_accuracy",
    "valid_only": False,
    "test_size": None,
    "top_k": 0.1,
}


class SuiteError(ValueError):
    """A suite file that cannot run; the message names the file and the key."""

    def __init__(self, source: str, key: str, problem: str):
        self.source = source
        self.key = key
        super().__init__(f"{source}: {key}: {problem}")


@dataclass(frozen=True)
class FeatureSet:
    """A parsed feature set: families in order, and the proxies kept by ``zcp`` (None: all)."""

    spec: str
    families: tuple[str, ...]
    proxies: tuple[str, ...] | None

    @property
    def uses_proxies(self) -> bool:
        return "zcp" in self.families


_ZCP_PICK = re.compile(r"^zcp\[(?P<names>[^\]]*)\]$")


def parse_feature_set(spec: str) -> FeatureSet:
    """``"graf+zcp[flops,params]"`` → families ``("graf", "zcp")``, proxies ``("flops", "params")``.

    Raises ``ValueError`` on an empty part, a repeated family or a malformed ``zcp[...]``.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"a feature set must be a non-empty string like 'zcp+graf', got {spec!r}")
    families: list[str] = []
    proxies: tuple[str, ...] | None = None
    for part in (p.strip() for p in spec.split("+")):
        match = _ZCP_PICK.match(part)
        if match:
            names = tuple(n.strip() for n in match["names"].split(",") if n.strip())
            if not names:
                raise ValueError(f"{part!r} selects no proxy; write e.g. zcp[flops,params]")
            proxies, part = names, "zcp"
        if not part or "[" in part or "]" in part:
            raise ValueError(f"feature set {spec!r} has a malformed part {part!r}")
        if part.lower() in families:
            raise ValueError(f"feature set {spec!r} names {part!r} twice")
        families.append(part.lower())
    return FeatureSet(spec.strip(), tuple(families), proxies)


@dataclass(frozen=True)
class PredictorEntry:
    """One predictor of a suite: registry name, display label, parameters, own feature sets."""

    name: str
    label: str
    params: Mapping[str, Any]
    features: tuple[FeatureSet, ...] | None


@dataclass(frozen=True)
class Suite:
    """A validated suite (see the module docstring for the file format)."""

    name: str
    source: str
    tasks: tuple[str, ...]
    target: str
    features: tuple[FeatureSet, ...]
    predictors: tuple[PredictorEntry, ...]
    train_sizes: tuple[int, ...]
    seeds: tuple[int, ...]
    test_size: int | None
    valid_only: bool
    top_k: float
    protocol: str | None = None
    description: str = ""

    def feature_sets_of(self, entry: PredictorEntry) -> tuple[FeatureSet, ...]:
        return entry.features if entry.features is not None else self.features

    def all_feature_sets(self) -> tuple[FeatureSet, ...]:
        seen: dict[str, FeatureSet] = {f.spec: f for f in self.features}
        for entry in self.predictors:
            for fs in entry.features or ():
                seen.setdefault(fs.spec, fs)
        return tuple(seen.values())

    def pool_proxies(self, task_proxies: Iterable[str]) -> tuple[str, ...]:
        """Proxies every pool architecture must have: those the suite's ``zcp`` sets read."""
        needed: set[str] = set()
        for fs in self.all_feature_sets():
            if fs.uses_proxies:
                needed |= set(task_proxies if fs.proxies is None else fs.proxies)
        return tuple(sorted(needed))


class SuiteValidator(Protocol):
    """What suite validation needs to know about the data (swap it in tests)."""

    def tasks(self) -> list[str]: ...

    def targets(self, task: str) -> list[str]: ...

    def proxies(self, task: str) -> list[str]: ...

    def families(self, task: str) -> list[str]: ...

    def can_select_valid(self, task: str) -> bool: ...

    def pool(self, task: str, target: str, proxies: tuple[str, ...], valid_only: bool) -> Any:
        """Sorted arch ids of the pool (a sequence); its length bounds the train size."""

    def feature_names(self, task: str, feature_set: FeatureSet) -> list[str]: ...


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
        from featurizers.spaces import get_space

        return hasattr(get_space(_task(task).space), "is_valid")

    def pool(self, task: str, target: str, proxies: tuple[str, ...], valid_only: bool) -> Any:
        from predbench.evaluation.splits import pool_of

        return pool_of(_task(task), target, proxies, valid_only=valid_only)

    def feature_names(self, task: str, feature_set: FeatureSet) -> list[str]:
        from predbench.evaluation.features import feature_columns

        return feature_columns(_task(task), feature_set)


@cache
def _task(key: str) -> Any:
    from predbench.data import load_task

    return load_task(key)


# ------------------------------------------------------------------------------------ parsing


def _int_list(source: str, key: str, value: Any, *, minimum: int) -> tuple[int, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise SuiteError(source, key, f"expected integers, got {value!r}")
    if any(v < minimum for v in values):
        raise SuiteError(source, key, f"values must be ≥ {minimum}, got {value!r}")
    if len(set(values)) != len(values):
        raise SuiteError(source, key, f"repeated value in {value!r}")
    return tuple(values)


def _str_list(source: str, key: str, value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise SuiteError(source, key, f"expected a non-empty list of strings, got {value!r}")
    return values


def _feature_sets(source: str, key: str, value: Any) -> tuple[FeatureSet, ...]:
    sets = []
    for spec in _str_list(source, key, value):
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
        if name not in PREDICTORS:
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
            make_predictor(name, **params)
        except TypeError as err:
            raise SuiteError(source, f"{where}.params", str(err)) from None
        label = item.get("label", name)
        if not isinstance(label, str) or not label:
            raise SuiteError(
                source, f"{where}.label", f"expected a non-empty string, got {label!r}"
            )
        features = item.get("features")
        fsets = None if features is None else _feature_sets(source, f"{where}.features", features)
        entries.append(PredictorEntry(name, label, dict(params), fsets))
    labels = [e.label for e in entries]
    for label in labels:
        if labels.count(label) > 1:
            raise SuiteError(
                source,
                "predictors",
                f"two predictors are labelled {label!r}; give one a distinct 'label'",
            )
    return tuple(entries)


def parse_suite(data: Mapping[str, Any], source: str = "<suite>") -> Suite:
    """A :class:`Suite` from an already-read TOML mapping; structure only (no data checks)."""
    unknown = sorted(set(data) - set(SUITE_KEYS))
    if unknown:
        raise SuiteError(source, unknown[0], f"unknown key; allowed: {list(SUITE_KEYS)}")
    protocol = data.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        raise SuiteError(
            source, "protocol", f"unknown protocol {protocol!r}; choose from {sorted(PROTOCOLS)}"
        )
    values = {**DEFAULTS, **(PROTOCOLS.get(protocol) or {}), **data}
    for required in ("tasks", "features", "predictors", "train_sizes", "seeds"):
        if required not in values:
            raise SuiteError(source, required, "missing (no protocol preset provides it)")
    seeds = values["seeds"]
    seeds = (
        tuple(range(seeds))
        if isinstance(seeds, int) and not isinstance(seeds, bool) and seeds > 0
        else _int_list(source, "seeds", seeds, minimum=0)
    )
    test_size = values["test_size"]
    if test_size is not None:
        (test_size,) = _int_list(source, "test_size", test_size, minimum=1)
    if not isinstance(values["valid_only"], bool):
        raise SuiteError(
            source, "valid_only", f"expected true or false, got {values['valid_only']!r}"
        )
    top_k = values["top_k"]
    if isinstance(top_k, bool) or not isinstance(top_k, int | float) or not 0 < top_k <= 1:
        raise SuiteError(source, "top_k", f"expected a fraction in (0, 1], got {top_k!r}")
    target = values["target"]
    if not isinstance(target, str) or not target:
        raise SuiteError(source, "target", f"expected a column name, got {target!r}")
    name = values.get("name", Path(source).stem)
    tasks = _str_list(source, "tasks", values["tasks"])
    if len(set(tasks)) != len(tasks):
        raise SuiteError(source, "tasks", f"a task is listed twice in {tasks!r}")
    return Suite(
        name=str(name),
        source=source,
        tasks=tuple(tasks),
        target=target,
        features=_feature_sets(source, "features", values["features"]),
        predictors=_predictor_entries(source, values["predictors"]),
        train_sizes=_int_list(source, "train_sizes", values["train_sizes"], minimum=1),
        seeds=seeds,
        test_size=test_size,
        valid_only=values["valid_only"],
        top_k=float(top_k),
        protocol=protocol,
        description=str(values.get("description", "")),
    )


# --------------------------------------------------------------------------------- validation


def validate_suite(
    suite: Suite, validator: SuiteValidator | None = None
) -> dict[str, tuple[Any, tuple[str, ...]]]:
    """Check ``suite`` against the data.

    Returns
    -------
    dict
        Task key → (pool, proxies the pool requires), the input of :func:`expand`.

    Raises
    ------
    SuiteError
        Naming the file and the key of the first problem found.
    """
    validator = validator or DataValidator()
    src = suite.source
    known = validator.tasks()
    for task in suite.tasks:
        if task not in known:
            raise SuiteError(src, "tasks", f"unknown task {task!r}; choose from {known}")
    pools: dict[str, Any] = {}
    for task in suite.tasks:
        targets = validator.targets(task)
        if suite.target not in targets:
            raise SuiteError(
                src, "target", f"task {task!r} has no target {suite.target!r}; it has {targets}"
            )
        families = validator.families(task)
        proxies = validator.proxies(task)
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
                    f"task {task!r} records no proxy {missing} (in {fs.spec!r}); it has {proxies}",
                )
        if suite.valid_only and not validator.can_select_valid(task):
            raise SuiteError(src, "valid_only", f"the space of task {task!r} has no validity rule")
        pool_proxies = suite.pool_proxies(proxies)
        pool = validator.pool(task, suite.target, pool_proxies, suite.valid_only)
        largest = max(suite.train_sizes)
        need = largest + (suite.test_size if suite.test_size is not None else 1)
        if need > len(pool):
            raise SuiteError(
                src,
                "train_sizes",
                f"train size {largest}"
                + (f" + test_size {suite.test_size}" if suite.test_size is not None else "")
                + f" exceeds the {len(pool)} architectures of task {task!r} that have "
                f"{suite.target!r} and every feature{' (valid cells only)' if suite.valid_only else ''}",
            )
        for i, entry in enumerate(suite.predictors):
            _check_predictor_columns(suite, validator, task, i, entry)
        pools[task] = (pool, pool_proxies)
    return pools


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
    path: str | Path, validator: SuiteValidator | None = None
) -> tuple[Suite, list[RunSpec]]:
    """Read, parse and validate a suite file; returns the suite and its runs.

    Raises
    ------
    SuiteError
        A malformed file, or a key whose value the data cannot satisfy.
    """
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(source, "file", "no such file") from None
    except tomllib.TOMLDecodeError as err:
        raise SuiteError(source, "toml", str(err)) from None
    suite = parse_suite(data, source)
    return suite, expand(suite, validate_suite(suite, validator))


# ---------------------------------------------------------------------------------- expansion


def expand(suite: Suite, pools: Mapping[str, tuple[Any, tuple[str, ...]]]) -> list[RunSpec]:
    """Every run of ``suite``, grouped by task and feature set (so worker caches are reused).

    ``pools`` is what :func:`validate_suite` returns.
    """
    from predbench.evaluation.splits import pool_fingerprint

    runs = []
    for task in suite.tasks:
        pool = list(pools[task][0])
        pool_hash = pool_fingerprint(pool)
        pool_proxies = canonical_json(list(pools[task][1]))
        for fs in suite.all_feature_sets():
            for entry in suite.predictors:
                if fs not in suite.feature_sets_of(entry):
                    continue
                for train_size in suite.train_sizes:
                    for seed in suite.seeds:
                        runs.append(
                            RunSpec(
                                task=task,
                                target=suite.target,
                                features=fs.spec,
                                predictor=entry.label,
                                predictor_name=entry.name,
                                params=canonical_json(dict(entry.params)),
                                train_size=train_size,
                                seed=seed,
                                test_size=suite.test_size,
                                valid_only=suite.valid_only,
                                top_k=suite.top_k,
                                pool_proxies=pool_proxies,
                                pool_size=len(pool),
                                pool_hash=pool_hash,
                                suite=suite.name,
                            )
                        )
    return runs
