"""The predictor zoo: scikit-learn regressors that rank architectures from their features.

Every member takes a feature matrix (a FeatureTable DataFrame with ``"<family>:<name>"`` columns,
or any 2-D array) and a target vector, is seeded by ``random_state`` and runs on ``n_jobs=1``
threads unless told otherwise. Build one by name::

    >>> from predbench.predictors import make_predictor
    >>> make_predictor("rf", n_estimators=50, random_state=0)
    RandomForestPredictor(n_estimators=50, random_state=0)

The libraries behind the members (xgboost, lightgbm, ngboost) are imported only when a member is
fitted, so listing the zoo costs nothing.
"""

from __future__ import annotations

from typing import Any

from predbench.predictors._base import BasePredictor
from predbench.predictors._baseline import SingleProxy
from predbench.predictors._consensus import ConsensusEnsemblePredictor
from predbench.predictors._multitask import (
    ChainedPredictor,
    MultiOutputForestPredictor,
    MultiOutputXGBPredictor,
)
from predbench.predictors._ngboost import NGBoostPredictor, OMNIPredictor
from predbench.predictors._preprocessing import FailedProxyClipper
from predbench.predictors._published import PUBLISHED_PRESETS, PublishedPreset, make_published
from predbench.predictors._smooth import GPPredictor, MLPPredictor, RidgePredictor
from predbench.predictors._trees import (
    LGBMPredictor,
    RandomForestPredictor,
    TunedXGBPredictor,
    XGBPredictor,
)
from predbench.predictors.gnn import GATESRegressor, GCNRegressor, GINRegressor

#: Name → predictor class, in the order ``predbench predictors`` lists them.
PREDICTORS: dict[str, type[BasePredictor]] = {
    "rf": RandomForestPredictor,
    "xgb": XGBPredictor,
    "tuned_xgb": TunedXGBPredictor,
    "lgbm": LGBMPredictor,
    "consensus_ensemble": ConsensusEnsemblePredictor,
    "multioutput_rf": MultiOutputForestPredictor,
    "multioutput_xgb": MultiOutputXGBPredictor,
    "chained": ChainedPredictor,
    "gp": GPPredictor,
    "ngboost": NGBoostPredictor,
    "omni": OMNIPredictor,
    "mlp": MLPPredictor,
    "ridge": RidgePredictor,
    "single_proxy": SingleProxy,
    "gcn": GCNRegressor,
    "gin": GINRegressor,
    "gates": GATESRegressor,
}


def make_predictor(name: str, **params: Any) -> BasePredictor:
    """Build the predictor registered under ``name`` with keyword ``params``.

    Raises
    ------
    KeyError
        ``name`` is not registered (the message lists the choices).
    TypeError
        A parameter the predictor does not take (the message lists the ones it does).
    """
    if name not in PREDICTORS:
        raise KeyError(f"unknown predictor {name!r}; choose from {sorted(PREDICTORS)}")
    cls = PREDICTORS[name]
    accepted = cls._get_param_names()
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise TypeError(f"predictor {name!r} has no parameter {unknown}; it takes {accepted}")
    return cls(**params)


__all__ = [
    "PREDICTORS",
    "PUBLISHED_PRESETS",
    "BasePredictor",
    "ChainedPredictor",
    "ConsensusEnsemblePredictor",
    "FailedProxyClipper",
    "GATESRegressor",
    "GCNRegressor",
    "GINRegressor",
    "GPPredictor",
    "LGBMPredictor",
    "MLPPredictor",
    "MultiOutputForestPredictor",
    "MultiOutputXGBPredictor",
    "NGBoostPredictor",
    "OMNIPredictor",
    "PublishedPreset",
    "RandomForestPredictor",
    "RidgePredictor",
    "SingleProxy",
    "TunedXGBPredictor",
    "XGBPredictor",
    "load_predictor",
    "make_predictor",
    "make_published",
    "save_predictor",
]


def __getattr__(name: str):  # skops loads only when persistence is used
    if name in ("save_predictor", "load_predictor"):
        from predbench.predictors import persist

        return getattr(persist, name)
    raise AttributeError(f"module 'predbench.predictors' has no attribute {name!r}")
