"""Why a predictor ranks architectures as it does: SHAP values, feature ranks, cross-task tables.

Typical use::

    from predbench.explain import explain_model, feature_importance, rank_table

    explanation = explain_model(fitted_predictor, X_test, background=X_train)
    feature_importance(explanation).head(10)          # mean |SHAP| per feature, ranked
    rank_table({"cifar10": imp_c10, "autoencoder": imp_ae})   # features × tasks, by mean rank

* :func:`explain_model` — exact tree SHAP (RF, XGBoost, LightGBM) or seeded permutation SHAP with
  an explicit sample budget for any other model (:mod:`predbench.explain._shap`).
* :func:`feature_importance`, :func:`family_importance`, :func:`rank_table`,
  :func:`family_table`, :func:`aggregate_importance` — pandas tables.
* :class:`ExplainSpec` / :func:`explain_run` — refit and explain a run of a suite;
  :class:`ExplainStore` — explanations in the results store (``predbench explain``).
"""

from predbench.explain._importance import (
    IMPORTANCE_COLUMNS,
    aggregate_importance,
    family_importance,
    family_of,
    family_table,
    feature_importance,
    rank_contrast,
    rank_table,
)
from predbench.explain._runs import ExplainSpec, explain_run
from predbench.explain._shap import (
    DEFAULT_BACKGROUND_SIZE,
    DEFAULT_N_EXPLAIN,
    METHODS,
    Explanation,
    explain_model,
)
from predbench.explain._store import EXPLAIN_RUN_COLUMNS, ExplainStore, values_frame

__all__ = [
    "DEFAULT_BACKGROUND_SIZE",
    "DEFAULT_N_EXPLAIN",
    "EXPLAIN_RUN_COLUMNS",
    "IMPORTANCE_COLUMNS",
    "METHODS",
    "ExplainSpec",
    "ExplainStore",
    "Explanation",
    "aggregate_importance",
    "explain_model",
    "explain_run",
    "family_importance",
    "family_of",
    "family_table",
    "feature_importance",
    "rank_contrast",
    "rank_table",
    "values_frame",
]
