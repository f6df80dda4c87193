"""SHAP values of a fitted predictor over a feature table.

Two routes, chosen per model:

``tree``
    :class:`shap.TreeExplainer` in its *path-dependent* mode: exact SHAP values of the tree
    ensemble (random forest, XGBoost, LightGBM, any tree model shap reads) using the trees' own
    training covers, no background sample, no randomness. XGBoost and LightGBM compute them in
    their own multi-threaded C++ code; scikit-learn forests go through shap's single-threaded C
    extension, so rows are split over ``n_jobs`` worker processes. Additivity — the SHAP values of
    a row sum to its prediction minus the base value — holds to floating-point precision and is
    checked on every row.
``permutation``
    :class:`shap.PermutationExplainer` for every other model (GP, NGBoost, MLP, ridge, ...). It
    needs nothing but ``predict``. Its *sample budget* is explicit:

    * ``background_size`` rows (drawn from the background table, by default the training rows)
      stand in for "feature unknown" — each evaluation of a coalition predicts that many rows;
    * ``n_explain`` rows are explained (a seeded sample of the table when it has more; default
      :data:`DEFAULT_N_EXPLAIN`);
    * ``max_evals`` coalitions per explained row (default ``2·p + 1`` for ``p`` varying features:
      one antithetic permutation pair, the smallest budget the explainer accepts).

    The cost is therefore ``n_explain × max_evals × background_size`` predictions. The values of a
    row still add up to ``f(x) − mean f(background)`` exactly (every permutation telescopes); with
    more ``max_evals`` the split between features gets less noisy. shap seeds its permutations
    through NumPy's global generator; the global state is saved and restored around the call.

The tree route explains every row by default; ``n_explain`` (a number) makes it explain a seeded
sample instead, for forests so deep that exact values of every row cost too much (TreeSHAP's cost
grows with trees × leaves × depth²: a fully grown 100-tree forest on 1,024 archs has ~64,000
leaves of depth ~21).

Rows and columns are those of the DataFrame given, so every value stays tied to its arch id and
its ``"<family>:<name>"`` feature.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Methods accepted by :func:`explain_model`.
METHODS: tuple[str, ...] = ("auto", "tree", "permutation")

#: Default sample budget of the permutation route (see the module docstring).
DEFAULT_BACKGROUND_SIZE: int = 25
DEFAULT_N_EXPLAIN: int = 100


@dataclass(frozen=True, eq=False)
class Explanation:
    """SHAP values of one fitted model on a table of architectures.

    Attributes
    ----------
    values : DataFrame
        One row per explained arch (index: arch id), one column per feature: its SHAP value, in
        units of the target.
    data : DataFrame
        The feature values of the same rows and columns.
    base_value : float
        The model's expected output the values start from (mean prediction over the trees'
        training covers, or over the background rows).
    predictions : Series
        The model's prediction for each explained row.
    method : str
        ``"tree"`` or ``"permutation"``.
    settings : dict
        What shaped the numbers: the sample budget, seed, explained model class.
    additivity_error : float
        Largest ``|Σ values + base_value − prediction|`` over the rows.
    seconds : float
        Wall time of the SHAP computation.
    """

    values: pd.DataFrame
    data: pd.DataFrame
    base_value: float
    predictions: pd.Series
    method: str
    settings: dict[str, Any] = field(default_factory=dict)
    additivity_error: float = float("nan")
    seconds: float = float("nan")

    @property
    def features(self) -> list[str]:
        return list(self.values.columns)

    def __len__(self) -> int:
        return len(self.values)


def _as_frame(X: Any, name: str) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D table (archs × features), got shape {array.shape}")
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


def _predict_fn(model: Any, columns: list[str]) -> Any:
    """``predict`` over float arrays; models fitted on a DataFrame get one with its columns."""
    named = hasattr(model, "feature_names_in_")

    def predict(batch: np.ndarray) -> np.ndarray:
        table = pd.DataFrame(batch, columns=columns) if named else batch
        return np.asarray(model.predict(table), dtype=np.float64).reshape(-1)

    return predict


def _tree_model(model: Any, probe: np.ndarray, columns: list[str]) -> Any | None:
    """The tree ensemble inside ``model`` that shap's TreeExplainer reads, or None.

    Zoo predictors keep their library model in ``model_``; it is used only when it gives the same
    predictions as the wrapper on ``probe`` rows (a wrapper that selects columns or transforms the
    target does not qualify and goes the model-agnostic way).
    """
    import shap

    reference = _predict_fn(model, columns)(probe)
    for candidate in (model, getattr(model, "model_", None)):
        if candidate is None:
            continue
        try:
            shap.TreeExplainer(candidate)
        except Exception:  # shap raises InvalidModelError, TypeError, ... for non-trees
            continue
        try:
            inner = _predict_fn(candidate, columns)(probe)
        except Exception:
            continue
        scale = max(1.0, float(np.abs(reference).max()))
        if inner.shape == reference.shape and np.allclose(inner, reference, atol=1e-5 * scale):
            return candidate
    return None


def _tree_values_chunk(tree: Any, X: np.ndarray) -> tuple[np.ndarray, float]:
    import shap

    explainer = shap.TreeExplainer(tree)
    values = explainer.shap_values(X, check_additivity=False)
    return np.asarray(values, dtype=np.float64), float(np.ravel(explainer.expected_value)[0])


def _tree_values(tree: Any, X: np.ndarray, n_jobs: int) -> tuple[np.ndarray, float, str]:
    """Exact path-dependent SHAP values; returns (values, base value, library)."""
    import shap

    kind = shap.TreeExplainer(tree).model.model_type
    if kind == "xgboost":
        # XGBoost's own TreeSHAP runs on the booster's threads: widen them for the call only.
        booster = tree.get_booster() if hasattr(tree, "get_booster") else tree
        booster.set_param({"nthread": n_jobs})
        try:
            values, base = _tree_values_chunk(tree, X)
        finally:
            booster.set_param({"nthread": int(getattr(tree, "n_jobs", None) or 1)})
        return values, base, "xgboost"
    if kind == "lightgbm":
        booster = tree.booster_ if hasattr(tree, "booster_") else tree
        values, base = _tree_values_chunk(tree, X) if n_jobs <= 1 else _lgbm(booster, X, n_jobs)
        return values, base, "lightgbm"
    if n_jobs <= 1 or len(X) < 2 * n_jobs:
        values, base = _tree_values_chunk(tree, X)
        return values, base, "shap"
    from joblib import Parallel, delayed

    chunks = np.array_split(np.arange(len(X)), n_jobs)
    parts = Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(_tree_values_chunk)(tree, X[rows]) for rows in chunks
    )
    return np.vstack([p[0] for p in parts]), parts[0][1], "shap"


def _lgbm(booster: Any, X: np.ndarray, n_jobs: int) -> tuple[np.ndarray, float]:
    contributions = np.asarray(
        booster.predict(X, pred_contrib=True, num_threads=n_jobs), dtype=np.float64
    )
    return contributions[:, :-1], float(contributions[0, -1])


def _sample_rows(frame: pd.DataFrame, n: int | None, rng: np.random.Generator) -> pd.DataFrame:
    if n is None or len(frame) <= n:
        return frame
    rows = np.sort(rng.choice(len(frame), size=n, replace=False))
    return frame.iloc[rows]


def explain_model(
    model: Any,
    X: Any,
    *,
    background: Any = None,
    method: str = "auto",
    background_size: int = DEFAULT_BACKGROUND_SIZE,
    n_explain: int | str | None = "auto",
    max_evals: int | str = "auto",
    n_jobs: int = 1,
    random_state: int = 0,
    check_additivity: bool = True,
) -> Explanation:
    """SHAP values of a fitted regressor on the rows of ``X``.

    Parameters
    ----------
    model
        A fitted regressor with ``predict`` (a zoo predictor, a scikit-learn / XGBoost / LightGBM
        model, a pipeline) taking the columns of ``X``.
    X : DataFrame or 2-D array
        Rows to explain (a FeatureTable: index = arch id, columns = ``"<family>:<name>"``).
    background : DataFrame or 2-D array, optional
        Rows standing in for "feature unknown" on the permutation route (typically the training
        rows); default: ``X`` itself. Not used by exact tree SHAP.
    method
        ``"tree"``, ``"permutation"`` or ``"auto"`` (tree when shap can read the model's trees).
    background_size, max_evals
        Sample budget of the permutation route (module docstring).
    n_explain
        Rows explained: ``"auto"`` (every row on the tree route, :data:`DEFAULT_N_EXPLAIN` on
        the permutation route), a number (a seeded sample of that many rows on either route) or
        ``None`` (every row on either route).
    n_jobs
        Threads / processes for the tree route.
    random_state
        Seed of the background and row samples and of the permutations.
    check_additivity
        Raise when the values of a row do not add up to its prediction minus the base value
        (tree route: 1e-6 relative to the prediction spread, allowing float32 boosters; the
        permutation route: 1e-6 as well, since its sums are exact by construction).

    Returns
    -------
    Explanation

    Raises
    ------
    ValueError
        An unknown ``method``; ``method="tree"`` for a model without readable trees; a SHAP sum
        that misses the prediction (additivity).
    """
    if method not in METHODS:
        raise ValueError(f"unknown SHAP method {method!r}; choose from {list(METHODS)}")
    frame = _as_frame(X, "X")
    if len(frame) == 0:
        raise ValueError("X has no rows to explain")
    if n_explain is not None and n_explain != "auto" and int(n_explain) < 1:
        raise ValueError(f"n_explain must be ≥ 1, 'auto' or None, got {n_explain!r}")
    rng = np.random.default_rng(random_state)
    columns = list(frame.columns)

    tree = None
    if method in ("auto", "tree"):
        probe = frame.iloc[: min(len(frame), 16)].to_numpy(dtype=np.float64)
        tree = _tree_model(model, probe, columns)
        if tree is None and method == "tree":
            raise ValueError(
                f"{type(model).__name__} has no tree ensemble shap.TreeExplainer can read; "
                "use method='permutation'"
            )

    start = time.perf_counter()
    if tree is not None:
        explained = _sample_rows(frame, None if n_explain == "auto" else n_explain, rng)
        values, base, library = _tree_values(tree, explained.to_numpy(dtype=np.float64), n_jobs)
        settings: dict[str, Any] = {
            "explainer": "TreeExplainer",
            "feature_perturbation": "tree_path_dependent",
            "library": library,
            "n_jobs": n_jobs,
            "n_explain": len(explained),
        }
        used = "tree"
    else:
        rows = DEFAULT_N_EXPLAIN if n_explain == "auto" else n_explain
        values, base, explained, settings = _permutation_values(
            model, frame, background, background_size, rows, max_evals, random_state, rng
        )
        used = "permutation"
    seconds = time.perf_counter() - start

    predictions = _predict_fn(model, columns)(explained.to_numpy(dtype=np.float64))
    residual = values.sum(axis=1) + base - predictions
    error = float(np.abs(residual).max())
    if check_additivity:
        spread = float(np.ptp(predictions)) if len(predictions) > 1 else 0.0
        tolerance = 1e-6 * max(1.0, spread, float(np.abs(predictions).max()))
        if used == "tree" and settings["library"] == "xgboost":
            tolerance = max(tolerance, 1e-4 * max(1.0, float(np.abs(predictions).max())))
        if error > tolerance:
            worst = explained.index[int(np.argmax(np.abs(residual)))]
            raise ValueError(
                f"SHAP values of arch {worst!r} sum to {values.sum(axis=1)[np.argmax(np.abs(residual))] + base:.6g} "
                f"(base {base:.6g} + contributions) but the model predicts "
                f"{predictions[np.argmax(np.abs(residual))]:.6g}: additivity off by {error:.3g} "
                f"(tolerance {tolerance:.3g}) on the {used} route"
            )
    settings = {
        "model": type(model).__name__,
        "explained_model": type(tree).__name__ if tree is not None else type(model).__name__,
        "random_state": random_state,
        **settings,
    }
    return Explanation(
        values=pd.DataFrame(values, index=explained.index, columns=columns),
        data=explained.copy(),
        base_value=float(base),
        predictions=pd.Series(predictions, index=explained.index, name="prediction"),
        method=used,
        settings=settings,
        additivity_error=error,
        seconds=seconds,
    )


def _permutation_values(
    model: Any,
    frame: pd.DataFrame,
    background: Any,
    background_size: int,
    n_explain: int | None,
    max_evals: int | str,
    random_state: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float, pd.DataFrame, dict[str, Any]]:
    import shap

    if background_size < 1:
        raise ValueError(f"background_size must be ≥ 1, got {background_size}")
    back = frame if background is None else _as_frame(background, "background")
    if list(back.columns) != list(frame.columns) and not isinstance(background, np.ndarray):
        raise ValueError("background must have the same columns as X, in the same order")
    back = _sample_rows(back, background_size, rng)
    explained = _sample_rows(frame, n_explain, rng)
    back_array = back.to_numpy(dtype=np.float64)
    rows = explained.to_numpy(dtype=np.float64)
    n_features = rows.shape[1]
    evals = 2 * n_features + 1 if max_evals == "auto" else int(max_evals)
    if evals < 2 * n_features + 1:
        raise ValueError(
            f"max_evals={evals} is below the permutation explainer's minimum 2·p + 1 = "
            f"{2 * n_features + 1} for {n_features} features"
        )

    predict = _predict_fn(model, list(frame.columns))
    masker = shap.maskers.Independent(back_array, max_samples=len(back_array))
    state = np.random.get_state()  # noqa: NPY002 - shap seeds the global generator
    try:
        explainer = shap.PermutationExplainer(predict, masker, seed=random_state)
        result = explainer(rows, max_evals=evals, silent=True)
    finally:
        np.random.set_state(state)  # noqa: NPY002
    values = np.asarray(result.values, dtype=np.float64)
    base = float(np.mean(np.ravel(result.base_values)))
    settings = {
        "explainer": "PermutationExplainer",
        "masker": "Independent",
        "background_size": len(back_array),
        "n_explain": len(rows),
        "max_evals": evals,
        "n_predictions": len(rows) * evals * len(back_array),
    }
    return values, base, explained, settings
