"""Execute one run: pool → split → fit → predict → metrics, as a row for the results store.

:func:`execute_run` is a pure function of its :class:`~predbench.evaluation.runspec.RunSpec`
(everything random is seeded by ``spec.seed``, every library runs on one thread), so the same spec
gives the same metrics in the parent process, a loky worker or a Dask worker. It never raises for a
failure *of the run*: the row then has ``status = "error"`` and the error text, and the store keeps
it (a rerun tries it again).
"""

from __future__ import annotations

import json
import platform
import socket
import time
import traceback
import warnings
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np

from predbench.evaluation.runspec import RunSpec, canonical_json

#: Libraries whose versions every result row records.
_VERSIONED = (
    "predbench",
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "xgboost",
    "lightgbm",
    "ngboost",
)


@cache
def library_versions() -> str:
    """JSON object: Python and the versions of the libraries that shape the numbers."""
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "predbench":
                import predbench

                versions[name] = predbench.__version__
    return canonical_json(versions)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def execute_run(spec: RunSpec) -> dict[str, Any]:
    """Run ``spec`` and return its result row (see :data:`predbench.evaluation.store.COLUMNS`)."""
    from predbench.evaluation.features import cached_pool, cached_table, cached_task
    from predbench.evaluation.metrics import compute_metrics
    from predbench.evaluation.splits import pool_fingerprint, split
    from predbench.predictors import make_predictor

    row: dict[str, Any] = {
        "run_id": spec.run_id,
        **{k: v for k, v in spec.settings().items() if k != "harness"},
        "suite": spec.suite,
        "harness": spec.settings()["harness"],
        "versions": library_versions(),
        "host": socket.gethostname(),
        "started_at": _now(),
    }
    try:
        proxies = tuple(json.loads(spec.pool_proxies))
        pool = cached_pool(spec.task, spec.target, proxies, spec.valid_only)
        if len(pool) != spec.pool_size or pool_fingerprint(pool) != spec.pool_hash:
            raise RuntimeError(
                f"the pool of {spec.task} here ({len(pool)} archs, {pool_fingerprint(pool)}) is "
                f"not the one the suite was planned on ({spec.pool_size}, {spec.pool_hash}): "
                "this process reads different data"
            )
        table = cached_table(spec.task, spec.target, proxies, spec.valid_only, spec.features)
        target = cached_task(spec.task).targets[spec.target]
        train, test = split(pool, spec.train_size, spec.seed, spec.test_size)
        X_train, X_test = table.loc[train], table.loc[test]
        y_train = target.loc[train].to_numpy(dtype=np.float64)
        y_test = target.loc[test].to_numpy(dtype=np.float64)

        params = spec.predictor_params()
        predictor = make_predictor(spec.predictor_name, **params)
        if "random_state" in predictor.get_params():
            predictor.set_params(random_state=spec.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter of GP/MLP; results are stored
            start = time.perf_counter()
            predictor.fit(X_train, y_train)
            fit_seconds = time.perf_counter() - start
            start = time.perf_counter()
            y_pred = predictor.predict(X_test)
            predict_seconds = time.perf_counter() - start
        row.update(compute_metrics(y_test, y_pred, top_k=spec.top_k))
        row.update(
            status="ok",
            error=None,
            n_train=len(train),
            n_test=len(test),
            n_features=X_train.shape[1],
            fit_seconds=fit_seconds,
            predict_seconds=predict_seconds,
        )
    except Exception as err:  # a failed run is a result: stored with its error text
        text = "".join(traceback.format_exception(err))
        row.update(status="error", error=text[-4000:])
    row["finished_at"] = _now()
    return row
