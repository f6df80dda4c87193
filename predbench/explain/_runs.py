"""Explain the predictor of one run of a suite: refit it exactly as the run did, then SHAP it.

A run of the evaluation harness (:class:`~predbench.evaluation.RunSpec`) fixes the task, target,
pool, feature set, predictor and its parameters, training-set size and seed. Explaining it means:
build the same pool and feature table, draw the same seeded split, fit the same predictor with the
same seed (:mod:`predbench.evaluation.runner` does exactly these steps), and compute SHAP values
on the run's **test** architectures, with the training architectures as the background of the
model-agnostic route. The refitted model is scored again (Kendall τ, Spearman) so that each
explanation records how good the explained model is; for deterministic predictors that score is
the one the results store holds for the run.

An :class:`ExplainSpec` adds the SHAP settings to the run; its ``explain_id`` (hash of both) names
the explanation in the store, so explaining a suite again skips what is done.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np

from predbench.evaluation.runspec import RunSpec, canonical_json
from predbench.explain._shap import DEFAULT_BACKGROUND_SIZE, Explanation, explain_model


@dataclass(frozen=True)
class ExplainSpec:
    """A run of the harness plus the settings of its SHAP computation.

    Parameters
    ----------
    run
        The run whose predictor is explained.
    method
        ``"auto"``, ``"tree"`` or ``"permutation"`` (see :func:`~predbench.explain.explain_model`).
    background_size, max_evals
        Sample budget of the permutation route (ignored, but part of the id, on the tree route).
    n_explain
        Test architectures explained: ``"auto"`` (all of them on the exact tree route,
        :data:`~predbench.explain.DEFAULT_N_EXPLAIN` on the permutation route) or a number (a
        seeded sample on either route).
    """

    run: RunSpec
    method: str = "auto"
    background_size: int = DEFAULT_BACKGROUND_SIZE
    n_explain: int | str | None = "auto"
    max_evals: int | str = "auto"

    def settings(self) -> dict[str, Any]:
        return {
            "run_id": self.run.run_id,
            "method": self.method,
            "background_size": self.background_size,
            "n_explain": self.n_explain,
            "max_evals": self.max_evals,
        }

    @property
    def explain_id(self) -> str:
        """First 20 hex digits of the sha256 of the settings (run id included)."""
        return hashlib.sha256(canonical_json(self.settings()).encode()).hexdigest()[:20]


@cache
def explain_versions() -> str:
    """JSON of the library versions of the results rows plus shap's."""
    from predbench.evaluation.runner import library_versions

    versions = json.loads(library_versions())
    versions["shap"] = metadata.version("shap")
    return canonical_json(versions)


def explain_run(spec: ExplainSpec, *, n_jobs: int = 1) -> tuple[Explanation, dict[str, Any]]:
    """Refit the run's predictor and explain it on the run's test architectures.

    Parameters
    ----------
    spec
        What to explain.
    n_jobs
        Threads / processes for the SHAP computation (the fit itself uses the run's settings, so
        it reproduces the harness's model).

    Returns
    -------
    explanation, row
        The SHAP values, and the row describing them for the store (see
        :data:`predbench.explain.EXPLAIN_RUN_COLUMNS`).
    """
    from predbench.evaluation.features import cached_pool, cached_table, cached_task
    from predbench.evaluation.metrics import compute_metrics
    from predbench.evaluation.splits import pool_fingerprint, split
    from predbench.predictors import make_predictor

    run = spec.run
    proxies = tuple(json.loads(run.pool_proxies))
    pool = cached_pool(run.task, run.target, proxies, run.valid_only)
    if len(pool) != run.pool_size or pool_fingerprint(pool) != run.pool_hash:
        raise RuntimeError(
            f"the pool of {run.task} here ({len(pool)} archs, {pool_fingerprint(pool)}) is not the "
            f"one run {run.run_id} was planned on ({run.pool_size}, {run.pool_hash})"
        )
    table = cached_table(run.task, run.target, proxies, run.valid_only, run.features)
    target = cached_task(run.task).targets[run.target]
    train, test = split(pool, run.train_size, run.seed, run.test_size)
    X_train, X_test = table.loc[train], table.loc[test]
    y_train = target.loc[train].to_numpy(dtype=np.float64)
    y_test = target.loc[test].to_numpy(dtype=np.float64)

    predictor = make_predictor(run.predictor_name, **run.predictor_params())
    if "random_state" in predictor.get_params():
        predictor.set_params(random_state=run.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of GP/MLP, as in the harness
        start = time.perf_counter()
        predictor.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - start
        metrics = compute_metrics(y_test, predictor.predict(X_test), top_k=run.top_k)
        explanation = explain_model(
            predictor,
            X_test,
            background=X_train,
            method=spec.method,
            background_size=spec.background_size,
            n_explain=spec.n_explain,
            max_evals=spec.max_evals,
            n_jobs=n_jobs,
            random_state=run.seed,
        )
    settings = explanation.settings
    row = {
        "explain_id": spec.explain_id,
        "run_id": run.run_id,
        "suite": run.suite,
        "task": run.task,
        "target": run.target,
        "features": run.features,
        "predictor": run.predictor,
        "predictor_name": run.predictor_name,
        "params": run.params,
        "train_size": run.train_size,
        "seed": run.seed,
        "valid_only": run.valid_only,
        "method": explanation.method,
        "requested_method": spec.method,
        "background_size": settings.get("background_size"),
        "n_explain": settings.get("n_explain"),
        "max_evals": settings.get("max_evals"),
        "n_test": len(test),
        "n_rows": len(explanation),
        "n_features": len(explanation.features),
        "base_value": explanation.base_value,
        "additivity_error": explanation.additivity_error,
        "kendall_tau": metrics["kendall_tau"],
        "spearman": metrics["spearman"],
        "fit_seconds": fit_seconds,
        "shap_seconds": explanation.seconds,
        "settings": canonical_json(settings),
        "versions": explain_versions(),
        "finished_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
    return explanation, row
