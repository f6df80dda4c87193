"""Execute one run: pool → split → fit → predict → metrics, as a row for the results store.

:func:`fit_run` rebuilds a run's pool, feature table and seeded split and fits its predictor — the
one place that does so; :func:`execute_run` scores it for the store and
:func:`predbench.explain.explain_run` explains it, so an explanation is always of the model the
harness scored. Everything random is seeded by ``spec.seed`` and every library runs on one
thread, so the same spec gives the same metrics in the parent process, a loky worker or a Dask
worker. :func:`execute_run` never raises for a failure *of the run*: the row then has
``status = "error"`` and the error text, and the store keeps it (a rerun tries it again).
"""

from __future__ import annotations

import socket
import time
import traceback
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from predbench.evaluation.runspec import RunSpec
from predbench.runs.identity import library_versions

__all__ = ["FittedRun", "execute_run", "fit_run", "library_versions"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class FittedRun:
    """A run's fitted predictor with the data it was fitted and tested on.

    ``y_train``/``y_test`` hold the scored target only; a predictor fitted with auxiliary
    targets predicts them too, and :meth:`predict` keeps the scored column.
    """

    predictor: Any
    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray
    fit_seconds: float

    def predict(self, X: Any) -> np.ndarray:
        """Predictions of the scored target (column 0 of a multi-output predictor)."""
        y = np.asarray(self.predictor.predict(X))
        return y[:, 0] if y.ndim == 2 else y


def fit_run(spec: RunSpec) -> FittedRun:
    """Rebuild ``spec``'s pool, features and split, and fit its predictor with its seed.

    Raises
    ------
    RuntimeError
        This process's data give another pool or other data files than the run was planned on.
    """
    from predbench.evaluation.features import cached_pool, cached_table, cached_task
    from predbench.evaluation.splits import pool_fingerprint, split
    from predbench.predictors import make_predictor
    from predbench.runs.cache import register_file_task, task_fingerprint

    if spec.task_source:
        register_file_task(spec.task, spec.task_source)
    data = task_fingerprint(spec.task)
    if data != spec.data:
        raise RuntimeError(
            f"the data files of {spec.task} here ({data}) are not the ones the run was planned "
            f"on ({spec.data}): this process reads other files (or the file was edited)"
        )
    pool = cached_pool(spec.task, spec.target, spec.pool)
    if len(pool) != spec.pool_size or pool_fingerprint(pool) != spec.pool_hash:
        raise RuntimeError(
            f"the pool {spec.pool!r} of {spec.task} here ({len(pool)} archs, "
            f"{pool_fingerprint(pool)}) is not the one the run was planned on ({spec.pool_size}, "
            f"{spec.pool_hash}): this process reads different data"
        )
    table = cached_table(spec.task, spec.target, spec.pool, spec.features, spec.proxy_source)
    target = cached_task(spec.task).targets[spec.target]
    train, test = split(pool, spec.train_size, spec.seed, spec.test_size, spec.split)
    predictor = make_predictor(spec.predictor_name, **spec.predictor_params())
    if "random_state" in predictor.get_params():
        predictor.set_params(random_state=spec.seed)
    X_train, X_test = table.loc[train], table.loc[test]
    y_train = target.loc[train].to_numpy(dtype=np.float64)
    y_fit = y_train
    auxiliary = spec.auxiliary()
    if auxiliary:  # learnt jointly, training archs only; column 0 is the scored target
        columns = cached_task(spec.task).targets
        y_fit = np.column_stack([y_train, columns.loc[train, auxiliary].to_numpy(np.float64)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of GP/MLP; results are stored
        start = time.perf_counter()
        predictor.fit(X_train, y_fit)
        fit_seconds = time.perf_counter() - start
    return FittedRun(
        predictor=predictor,
        X_train=X_train,
        X_test=X_test,
        y_train=y_train,
        y_test=target.loc[test].to_numpy(dtype=np.float64),
        fit_seconds=fit_seconds,
    )


def execute_run(spec: RunSpec) -> dict[str, Any]:
    """Run ``spec`` and return its result row (see :data:`predbench.evaluation.store.COLUMNS`)."""
    from predbench.evaluation.metrics import compute_metrics

    row: dict[str, Any] = {
        **spec.row(),
        "versions": library_versions(),
        "host": socket.gethostname(),
        "started_at": _now(),
    }
    try:
        fitted = fit_run(spec)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            y_pred = fitted.predict(fitted.X_test)
            predict_seconds = time.perf_counter() - start
        row.update(compute_metrics(fitted.y_test, y_pred, top_k=spec.top_k))
        row.update(
            status="ok",
            error=None,
            n_train=len(fitted.X_train),
            n_test=len(fitted.X_test),
            n_features=fitted.X_train.shape[1],
            fit_seconds=fitted.fit_seconds,
            predict_seconds=predict_seconds,
        )
    except Exception as err:  # a failed run is a result: stored with its error text
        text = "".join(traceback.format_exception(err))
        row.update(status="error", error=text[-4000:])
    row["finished_at"] = _now()
    return row


def crashed_row(spec: RunSpec, reason: str) -> dict[str, Any]:
    """The failed row of a run whose worker died (killed by the OS, out of memory)."""
    now = _now()
    return {
        **spec.row(),
        "versions": library_versions(),
        "status": "error",
        "error": reason,
        "started_at": now,
        "finished_at": now,
    }
