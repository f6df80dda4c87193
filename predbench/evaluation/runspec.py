"""One comparison run: everything that determines its numbers, and its identity.

A :class:`RunSpec` is a small picklable value sent to whichever process executes the run. Its
:attr:`~RunSpec.run_id` hashes its *settings* — task and target, the fingerprint of the task's
data files, the resolved pool rule with its size and fingerprint, the split rule and test size,
the feature set with the proxies it reads, the predictor's registry name with **all** its
parameters (defaults included, so ``rf`` and ``rf`` with ``n_estimators = 100`` are one run),
``top_k``, the training-set size, the seed, any auxiliary targets the predictor learns
jointly and, for a ``transfer[...]`` feature set, the source tasks with their data fingerprints —
so the same run has the same id in any process,
on any machine, from any suite file. The display label of the predictor and the name of the
protocol preset are not settings: two suites that label one predictor differently share its runs.

``condition_id`` leaves out the seed (the runs a table cell averages); ``series_id`` also leaves
out the training-set size (one row of a comparison table, train sizes as columns).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from predbench.runs.identity import HARNESS_VERSION, canonical_json, condition_settings, digest

#: Settings that a table row spans (columns) or a cell averages over.
SEED = "seed"
TRAIN_SIZE = "train_size"


#: Proxy values read from the task's files.
RECORDED = "recorded"


def computed_source(space: str, dataset: str, batch_size: int = 64, seed: int = 0) -> str:
    """Identity of proxies computed by the engine: space, dataset, minibatch, network version."""
    from featurizers.zerocost.networks.registry import network_module

    version = int(network_module(space).NETWORK_VERSION)
    return canonical_json(
        {
            "computed": True,
            "space": space,
            "dataset": dataset,
            "batch_size": batch_size,
            "seed": seed,
            "minibatch": "synthetic",
            "network_version": version,
        }
    )


def full_params(name: str, params: dict[str, Any]) -> str:
    """Canonical JSON of every constructor parameter of predictor ``name`` given ``params``
    (defaults filled in; ``random_state`` left out: the run's seed sets it)."""
    from predbench.predictors import make_predictor

    values = make_predictor(name, **params).get_params(deep=False)
    values.pop("random_state", None)
    return canonical_json(values)


@dataclass(frozen=True)
class RunSpec:
    """Settings of one comparison run (see the module docstring).

    ``proxy_source`` is ``"recorded"`` or the canonical JSON of how proxies are computed
    (dataset, minibatch, network version: :func:`computed_source`). ``predictor_config`` is
    :func:`full_params` (identity); ``params`` the keyword arguments as the
    suite wrote them (what builds the predictor); ``predictor`` (display label) and ``protocol``
    (preset name) are carried for display only; ``task_source`` locates a user's own benchmark
    file (:func:`predbench.runs.cache.register_file_task`) — its content is identified by
    ``data``, the file's sha256.
    """

    task: str
    target: str
    data: str
    pool: str
    pool_size: int
    pool_hash: str
    split: str
    test_size: int | None
    top_k: float
    features: str
    feature_proxies: str
    proxy_source: str
    predictor_name: str
    predictor_config: str
    train_size: int
    seed: int
    params: str = field(default="{}", compare=False)
    predictor: str = field(default="", compare=False)
    protocol: str = field(default="", compare=False)
    task_source: str = field(default="", compare=False)
    #: Canonical JSON list of further target columns the predictor learns jointly with
    #: ``target`` (multi-output); ``""`` for none — then left out of the settings, so a plain
    #: run keeps the id it always had.
    auxiliary_targets: str = ""
    #: Canonical JSON {source task key: data fingerprint} of a ``transfer[...]`` feature set
    #: (other tasks' labels read as features); ``""`` for none, then left out of the settings.
    feature_sources: str = ""

    def settings(self) -> dict[str, Any]:
        """The fields that define the run plus the harness version."""
        values = asdict(self)
        for display_only in ("params", "predictor", "protocol", "task_source"):
            values.pop(display_only)
        for optional in ("auxiliary_targets", "feature_sources"):
            if not values[optional]:
                values.pop(optional)
        values["harness"] = HARNESS_VERSION
        return values

    @property
    def run_id(self) -> str:
        """First 20 hex digits of the sha256 of :meth:`settings` as canonical JSON."""
        return digest(self.settings(), 20)

    @property
    def condition_id(self) -> str:
        """Identity without the seed: the runs one table cell averages."""
        return digest(condition_settings(self.settings(), (SEED,)), 16)

    @property
    def series_id(self) -> str:
        """Identity without seed and training-set size: one row of a comparison table."""
        return digest(condition_settings(self.settings(), (SEED, TRAIN_SIZE)), 16)

    def auxiliary(self) -> list[str]:
        """The auxiliary target columns as a list (empty for a single-target run)."""
        return json.loads(self.auxiliary_targets) if self.auxiliary_targets else []

    def predictor_params(self) -> dict[str, Any]:
        """The predictor's keyword arguments as a dict."""
        return json.loads(self.params)

    def row(self) -> dict[str, Any]:
        """The identity columns of this run's stored row."""
        settings = self.settings()
        return {
            "run_id": self.run_id,
            "condition_id": self.condition_id,
            "series_id": self.series_id,
            **{k: v for k, v in settings.items()},
            "params": self.params,
            "predictor": self.predictor or self.predictor_name,
            "protocol": self.protocol or None,
            "settings": canonical_json(settings),
        }
