"""The exact predictor settings of published tables, as named parameter sets of zoo members.

A reproduction is only a reproduction with the same model. Each preset names the zoo member and
the keyword arguments that rebuild the model a paper's code fitted, read from that code:

``graf_xgb``
    GRAF paper, "ZCP + GRAF + XGB" (TA-GATES comparison and NB201 tables). zc_combine
    ``zc_combine/predictors/__init__.py`` (branch ``ta_gates`` @ 96000bb): ``'xgb'`` is
    ``XGBRegressor(random_state=seed)`` with xgboost's defaults — 100 rounds, learning rate 0.3,
    depth 6, no row or column subsampling, ``min_child_weight`` 1, λ 1, ``hist`` trees (the
    default tree method since xgboost 2.0; the repository does not pin xgboost).
``graf_xgb_tuned``
    GRAF paper, "XGB+" (zc_combine's ``'xgb_tuned'``): ``tree_method="hist"``,
    ``subsample=0.9``, ``n_estimators=10000``, ``learning_rate=0.01``, other values default.
``suite_zero_xgb``
    NAS-Bench-Suite-Zero, "XGBoost on zero-cost proxies". NASLib branch ``zerocost``,
    ``naslib/predictors/trees/xgb.py``: ``xgb.train`` for 500 rounds with
    ``objective="reg:squarederror"``, ``max_depth=6``, ``min_child_weight=1``,
    ``colsample_bytree=1``, ``colsample_bylevel=1``, ``learning_rate=0.3`` on targets
    standardised by their mean and standard deviation. In exact arithmetic standardising does not
    change squared-error trees, but late boosting rounds split on gains near xgboost's
    ``kRtEps`` cut-off, so the preset standardises too (``standardize_target``, through
    :class:`sklearn.compose.TransformedTargetRegressor`): predictions then equal NASLib's call.
``graf_rf``
    GRAF paper's random forest: scikit-learn's ``RandomForestRegressor`` defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PublishedPreset:
    """A zoo member and the parameters that rebuild a published model.

    Attributes
    ----------
    predictor
        Zoo name (:data:`predbench.predictors.PREDICTORS`).
    params
        Keyword arguments for :func:`predbench.predictors.make_predictor`.
    source
        Where the values were read (repository, branch/commit, file).
    standardize_target
        Fit on ``(y − mean) / std`` and map predictions back, as the source code did.
    """

    predictor: str
    params: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    standardize_target: bool = False


_XGB_DEFAULTS = {
    "n_estimators": 100,
    "learning_rate": 0.3,
    "max_depth": 6,
    "subsample": 1.0,
    "colsample_bytree": 1.0,
    "min_child_weight": 1.0,
    "reg_lambda": 1.0,
}

#: Name → preset (see the module docstring for each source).
PUBLISHED_PRESETS: dict[str, PublishedPreset] = {
    "graf_xgb": PublishedPreset(
        "xgb",
        dict(_XGB_DEFAULTS),
        "gabikadlecova/zc_combine@96000bb zc_combine/predictors/__init__.py ('xgb')",
    ),
    "graf_xgb_tuned": PublishedPreset(
        "xgb",
        {**_XGB_DEFAULTS, "n_estimators": 10000, "learning_rate": 0.01, "subsample": 0.9},
        "gabikadlecova/zc_combine@96000bb zc_combine/predictors/__init__.py ('xgb_tuned')",
    ),
    "suite_zero_xgb": PublishedPreset(
        "xgb",
        {**_XGB_DEFAULTS, "n_estimators": 500},
        "automl/NASLib@zerocost naslib/predictors/trees/xgb.py (default_hyperparams, 500 rounds)",
        standardize_target=True,
    ),
    "graf_rf": PublishedPreset(
        "rf",
        {"n_estimators": 100, "max_features": 1.0, "min_samples_leaf": 1, "max_depth": None},
        "gabikadlecova/zc_combine@96000bb zc_combine/predictors/__init__.py ('rf')",
    ),
}


def make_published(name: str, **overrides: Any) -> Any:
    """Build the zoo member of preset ``name`` (``overrides`` such as ``random_state`` win).

    A preset with ``standardize_target`` comes wrapped in a
    :class:`~sklearn.compose.TransformedTargetRegressor` with a :class:`StandardScaler`.

    Raises
    ------
    KeyError
        Unknown preset (the message lists the presets).
    """
    from predbench.predictors import make_predictor

    if name not in PUBLISHED_PRESETS:
        raise KeyError(
            f"unknown published preset {name!r}; choose from {sorted(PUBLISHED_PRESETS)}"
        )
    preset = PUBLISHED_PRESETS[name]
    model = make_predictor(preset.predictor, **{**preset.params, **overrides})
    if not preset.standardize_target:
        return model
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.preprocessing import StandardScaler

    return TransformedTargetRegressor(regressor=model, transformer=StandardScaler())
