"""Strategies by name, and a strategy built from a plain settings mapping (CLI flags, suites).

A :class:`StrategySpec` says everything needed to rebuild a strategy for a task and a seed: the
strategy name and parameters, and for the predictor-guided ones the surrogate — a zoo predictor
trained online (``predictor="xgb"``), any other scikit-learn regressor
(``predictor="sklearn.ensemble:ExtraTreesRegressor"``), a pre-trained predictor file
(``predictor="model.skops"``, loaded with skops' explicit trusted-types list), or a recorded
zero-cost score (``proxy="nwot"``) — with the feature set it reads. Its :meth:`StrategySpec.settings` are what a run's identity
hashes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from predbench.runs.identity import digest
from predbench.search._bananas import Bananas
from predbench.search._base import Strategy
from predbench.search._evolution import RegularizedEvolution
from predbench.search._genetic import FitnessApproxGA, GeneticAlgorithm
from predbench.search._local import LocalSearch
from predbench.search._multiobjective import NSGA2, ParEGO
from predbench.search._random import RandomSearch
from predbench.search._surrogate import PredictorSurrogate, ProxySurrogate

#: Strategy name → class.
STRATEGIES: dict[str, type[Strategy]] = {
    "random": RandomSearch,
    "evolution": RegularizedEvolution,
    "local": LocalSearch,
    "ga": GeneticAlgorithm,
    "fa-ga": FitnessApproxGA,
    "bananas": Bananas,
    "nsga2": NSGA2,
    "parego": ParEGO,
}

#: Other spellings → strategy name.
STRATEGY_ALIASES: dict[str, str] = {
    "rs": "random",
    "re": "evolution",
    "regularized_evolution": "evolution",
    "ls": "local",
    "local_search": "local",
    "genetic": "ga",
    "nas-ea-fa": "fa-ga",
    "fitness_approx_ga": "fa-ga",
    "predictor_evolution": "bananas",
    "nsga-ii": "nsga2",
}

#: Keys of a suite's ``[[strategies]]`` table.
STRATEGY_KEYS: tuple[str, ...] = (
    "name",
    "label",
    "params",
    "predictor",
    "predictor_params",
    "features",
    "proxy",
    "uncertainty",
    "n_members",
    "refit_every",
    "proxies_from",
)

#: Strategies that need a surrogate.
GUIDED: frozenset[str] = frozenset({"fa-ga", "bananas", "parego"})

#: Run-identity schema version: bump when a change makes old stored runs incomparable.
RUN_SCHEMA: int = 2


def strategy_name(name: str) -> str:
    """Canonical strategy name for ``name`` or an alias."""
    key = str(name).strip().lower()
    key = STRATEGY_ALIASES.get(key, key)
    if key not in STRATEGIES:
        raise KeyError(f"unknown search strategy {name!r}; choose from {sorted(STRATEGIES)}")
    return key


@dataclass(frozen=True)
class StrategySpec:
    """How to build one strategy (see the module docstring).

    Parameters
    ----------
    strategy
        Strategy name or alias.
    label
        Name shown in tables and stored with runs (default: derived from the settings).
    params
        Keyword parameters of the strategy class.
    predictor
        Zoo predictor name, a ``.skops`` file of a fitted predictor, or any scikit-learn
        regressor class as ``"package.module:Class"`` (guided strategies).
    predictor_params
        Keyword parameters of the zoo predictor.
    features
        Feature set for the predictor (default: the pre-trained file's, else ``"path"``).
    proxy
        Recorded zero-cost score used as the surrogate instead of a predictor.
    uncertainty, n_members, refit_every
        See :class:`~predbench.search.PredictorSurrogate`. ``refit_every`` defaults to 1 for a
        predictor trained online and to 0 (never refit) for a pre-trained file.
    proxies_from
        Where the ``zcp`` features come from: ``"recorded"`` (the task's files: a candidate
        without a recorded score is an error) or ``"computed"`` (the zero-cost engine, through
        the computed-score cache, for any candidate; as ``proxies_from`` of comparison suites).
    """

    strategy: str
    label: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    predictor: str | None = None
    predictor_params: dict[str, Any] = field(default_factory=dict)
    features: str | None = None
    proxy: str | None = None
    uncertainty: str = "ensemble"
    n_members: int = 5
    refit_every: int | None = None
    proxies_from: str = "recorded"

    def __post_init__(self) -> None:
        if self.proxies_from not in ("recorded", "computed"):
            raise ValueError(
                f"proxies_from must be 'recorded' or 'computed', got {self.proxies_from!r}"
            )

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> StrategySpec:
        """From a suite's ``[[strategies]]`` table (``name`` = the strategy's registry name, as
        ``[[predictors]]`` in comparison suites) or CLI options; unknown keys raise."""
        data = dict(data)
        if "name" in data:
            if "strategy" in data:
                raise KeyError("give the strategy as 'name' only")
            data["strategy"] = data.pop("name")
        unknown = sorted(set(data) - set(STRATEGY_KEYS) - {"strategy"})
        if unknown:
            raise KeyError(f"unknown key {unknown[0]!r}; allowed: {list(STRATEGY_KEYS)}")
        if "strategy" not in data:
            raise KeyError(f"'name' is missing: one of {sorted(STRATEGIES)}")
        return cls(**data)

    @property
    def name(self) -> str:
        return strategy_name(self.strategy)

    @property
    def guided(self) -> bool:
        return self.name in GUIDED

    @property
    def is_pretrained(self) -> bool:
        return self.predictor is not None and self.predictor.endswith(".skops")

    @property
    def resolved_refit_every(self) -> int:
        if self.refit_every is not None:
            return int(self.refit_every)
        return 0 if self.is_pretrained else 1

    def resolved_label(self) -> str:
        if self.label:
            return self.label
        if not self.guided:
            return self.name
        if self.proxy:
            return f"{self.name}[{self.proxy}]"
        # A pre-trained file is named with its suffix: ``bananas[xgb.skops/path]`` is never the
        # label of the online ``xgb`` surrogate, ``bananas[xgb/path]``.
        predictor = Path(self.predictor).name if self.is_pretrained else self.predictor
        computed = ", computed proxies" if self.proxies_from == "computed" else ""
        return f"{self.name}[{predictor}/{self.features or 'path'}{computed}]"

    def settings(self) -> dict[str, Any]:
        """The settings that define the strategy (what a run id hashes)."""
        out: dict[str, Any] = {"strategy": self.name, "params": dict(sorted(self.params.items()))}
        if self.guided:
            if self.proxy:
                out["proxy"] = self.proxy
            else:
                predictor = self.predictor
                if self.is_pretrained:
                    predictor = f"file:{_file_digest(Path(self.predictor))}"  # type: ignore[arg-type]
                out.update(
                    predictor=predictor,
                    predictor_params=dict(sorted(self.predictor_params.items())),
                    features=self.features,
                    uncertainty=self.uncertainty,
                    n_members=self.n_members,
                    refit_every=self.resolved_refit_every,
                )
                if self.proxies_from == "computed":  # absent when recorded: old run ids hold
                    out["proxies_from"] = "computed"
        return out

    # ------------------------------------------------------------- building
    def build(self, task: Any, seed: int) -> Strategy:
        """The strategy for ``task`` seeded with ``seed``."""
        cls = STRATEGIES[self.name]
        params = dict(self.params)
        accepted = cls._param_names()
        unknown = sorted(set(params) - set(accepted))
        if unknown:
            raise TypeError(
                f"strategy {self.name!r} has no parameter {unknown}; it takes {accepted}"
            )
        if self.guided:
            params["surrogate"] = self._surrogate(task, seed)
        elif self.predictor or self.proxy:
            raise ValueError(f"strategy {self.name!r} uses no predictor; drop predictor/proxy")
        return cls(random_state=seed, **params)

    def _surrogate(self, task: Any, seed: int) -> Any:
        from predbench.search._features import task_featurizer

        if self.proxy:
            if self.predictor:
                raise ValueError("give either a predictor or a proxy as the surrogate, not both")
            return ProxySurrogate(task, self.proxy)
        if not self.predictor:
            raise ValueError(
                f"strategy {self.name!r} needs a surrogate: predictor=<zoo name or .skops file> "
                "or proxy=<recorded zero-cost score>"
            )
        features = self.features
        if self.is_pretrained:
            from predbench.search._persist import load_predictor_bundle

            bundle = load_predictor_bundle(self.predictor)  # type: ignore[arg-type]
            features = features or bundle.get("features")
            if bundle.get("features") and features != bundle["features"]:
                raise ValueError(
                    f"{self.predictor} was trained on features {bundle['features']!r}, "
                    f"not {features!r}"
                )
            if bundle.get("space") and bundle["space"] != task.space:
                raise ValueError(
                    f"{self.predictor} was trained on space {bundle['space']!r}, task "
                    f"{task.key} is {task.space!r}"
                )
            predictor = bundle["predictor"]
        elif ":" in self.predictor:
            predictor = _import_regressor(self.predictor, self.predictor_params)
        else:
            from predbench.predictors import make_predictor

            predictor = make_predictor(self.predictor, **self.predictor_params)
        return PredictorSurrogate(
            predictor,
            task_featurizer(task, features or "path", self.proxies_from),
            uncertainty=self.uncertainty,
            n_members=self.n_members,
            refit_every=self.resolved_refit_every,
            random_state=seed,
        )


def _import_regressor(spec: str, params: dict[str, Any]) -> Any:
    """An instance of the class named ``"package.module:Class"`` (a scikit-learn regressor)."""
    import importlib

    from sklearn.base import is_classifier, is_clusterer

    module_name, _, class_name = spec.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot import predictor {spec!r}: {exc}") from None
    if not isinstance(cls, type):
        raise TypeError(f"predictor {spec!r} is not a class")
    estimator = cls(**params)
    # Duck typing: libraries such as ngboost do not carry scikit-learn's estimator tags.
    if (
        is_classifier(estimator)
        or is_clusterer(estimator)
        or not all(callable(getattr(estimator, m, None)) for m in ("fit", "predict", "get_params"))
    ):
        raise TypeError(
            f"predictor {spec!r} is not a regressor with fit/predict/get_params (scikit-learn API)"
        )
    return estimator


def _file_digest(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"no predictor file at {path}")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_id(settings: dict[str, Any]) -> str:
    """Identity of a run: sha256 of its canonical JSON settings (first 20 hex digits)."""
    return digest({"schema": RUN_SCHEMA, **settings}, 20)
