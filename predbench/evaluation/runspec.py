"""One run of a suite: everything that determines its numbers, and its identity.

A :class:`RunSpec` is a small picklable value sent to whichever process executes the run. Its
:attr:`~RunSpec.run_id` is the sha256 of the canonical JSON of its *settings* (every field but the
suite name), so the same run has the same id in any process, on any machine, from any suite file:
rerunning a suite finds its finished runs by id and skips them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

#: Bumped when a change to the harness (split rule, metric definitions) changes results for the
#: same settings; it is part of every run id, so old results are not mistaken for new ones.
HARNESS_VERSION: int = 1


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: equal values give equal strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@dataclass(frozen=True)
class RunSpec:
    """Settings of one run.

    Parameters
    ----------
    task
        Task key, ``"nb201/cifar10"``.
    target
        Target column.
    features
        Feature set as written in the suite, e.g. ``"zcp+graf"`` or ``"graf+zcp[flops,params]"``.
    predictor
        Label shown in tables (the registry name unless the suite gives a ``label``).
    predictor_name
        Registry name of the predictor.
    params
        Canonical JSON of the predictor's keyword arguments (without ``random_state``).
    train_size, seed
        Training-set size and the seed of the split and of the predictor.
    test_size
        Number of test architectures, or ``None`` for the rest of the pool.
    valid_only
        Whether the pool keeps valid cells only.
    top_k
        Fraction used by precision@top-k.
    pool_proxies
        Proxies every pool architecture has recorded (JSON list), as the pool was defined.
    pool_size, pool_hash
        Size and fingerprint of the pool (:mod:`predbench.evaluation.splits`).
    suite
        Name of the suite that asked for the run (not part of the identity).
    """

    task: str
    target: str
    features: str
    predictor: str
    predictor_name: str
    params: str
    train_size: int
    seed: int
    test_size: int | None
    valid_only: bool
    top_k: float
    pool_proxies: str
    pool_size: int
    pool_hash: str
    suite: str = field(default="", compare=False)

    def settings(self) -> dict[str, Any]:
        """The fields that define the run (all but ``suite``) plus the harness version."""
        values = asdict(self)
        values.pop("suite")
        values["harness"] = HARNESS_VERSION
        return values

    @property
    def run_id(self) -> str:
        """First 20 hex digits of the sha256 of :meth:`settings` as canonical JSON."""
        return hashlib.sha256(canonical_json(self.settings()).encode()).hexdigest()[:20]

    def predictor_params(self) -> dict[str, Any]:
        """The predictor's keyword arguments as a dict."""
        return json.loads(self.params)
