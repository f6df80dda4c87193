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
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from predbench.evaluation.runspec import RunSpec
from predbench.explain._shap import DEFAULT_BACKGROUND_SIZE, Explanation, explain_model
from predbench.runs.identity import canonical_json, library_versions


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


@dataclass(frozen=True)
class _ScoredColumn:
    """The scored output of a multi-output fitted run, as a one-output model for SHAP."""

    fitted: Any

    def predict(self, X: Any) -> Any:
        return self.fitted.predict(X)


def explain_versions() -> str:
    """JSON of the library versions every stored run records (shap included)."""
    return library_versions()


def explain_run(
    spec: ExplainSpec, *, n_jobs: int = 1, suite: str | None = None
) -> tuple[Explanation, dict[str, Any]]:
    """Refit the run's predictor and explain it on the run's test architectures.

    Parameters
    ----------
    spec
        What to explain.
    n_jobs
        Threads / processes for the SHAP computation (the fit itself uses the run's settings, so
        it reproduces the harness's model).
    suite
        Name of the suite the explanation was asked for (recorded for display).

    Returns
    -------
    explanation, row
        The SHAP values, and the row describing them for the store (see
        :data:`predbench.explain.EXPLAIN_RUN_COLUMNS`).
    """
    from predbench.evaluation.metrics import compute_metrics
    from predbench.evaluation.runner import fit_run

    run = spec.run
    fitted = fit_run(run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of GP/MLP, as in the harness
        metrics = compute_metrics(fitted.y_test, fitted.predict(fitted.X_test), top_k=run.top_k)
        # A predictor learning auxiliary targets predicts several columns; the explanation is of
        # the scored one, through the model-agnostic route (its trees mix all outputs).
        model = _ScoredColumn(fitted) if run.auxiliary() else fitted.predictor
        explanation = explain_model(
            model,
            fitted.X_test,
            background=fitted.X_train,
            method=spec.method,
            background_size=spec.background_size,
            n_explain=spec.n_explain,
            max_evals=spec.max_evals,
            n_jobs=n_jobs,
            random_state=run.seed,
        )
    fit_seconds = fitted.fit_seconds
    test = fitted.X_test.index
    settings = explanation.settings
    row = {
        "explain_id": spec.explain_id,
        "run_id": run.run_id,
        "suite": suite,
        "task": run.task,
        "target": run.target,
        "features": run.features,
        "predictor": run.predictor,
        "predictor_name": run.predictor_name,
        "params": run.params,
        "predictor_config": run.predictor_config,
        "condition_id": run.condition_id,
        "series_id": run.series_id,
        "train_size": run.train_size,
        "seed": run.seed,
        "pool": run.pool,
        "pool_size": run.pool_size,
        "run_settings": canonical_json(run.settings()),
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
