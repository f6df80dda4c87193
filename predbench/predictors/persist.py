"""Saving and loading fitted predictors with skops, never with raw pickle.

A pickle file runs arbitrary code when loaded. skops' format stores the object tree as data and,
on load, refuses every type that is not explicitly trusted. :func:`load_predictor` passes skops an
explicit list: the types the file holds that appear in :data:`TRUSTED_TYPES` (exact names) or in
one of :data:`TRUSTED_PREFIXES` (predbench's own classes), plus whatever the caller adds; any
other type stops the load with an error naming it.

A saved file holds a small bundle, so that a pre-trained predictor can be plugged into a search
later without remembering how it was trained::

    {"predictor": <fitted estimator>, "features": "zcp+graf", "space": "nb201",
     "target": "val_accuracy", "feature_names": [...], "format": 1}
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import skops.io as sio

from featurizers.io import atomic_write

#: Bundle layout version written by :func:`save_predictor`.
FORMAT_VERSION: int = 1

#: Types beyond skops' defaults that fitted zoo predictors are made of (exact names).
TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "collections.OrderedDict",
        "sklearn.tree._tree.Tree",
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.gaussian_process.kernels.ConstantKernel",
        "sklearn.gaussian_process.kernels.DotProduct",
        "sklearn.gaussian_process.kernels.Exponentiation",
        "sklearn.gaussian_process.kernels.Matern",
        "sklearn.gaussian_process.kernels.Product",
        "sklearn.gaussian_process.kernels.RBF",
        "sklearn.gaussian_process.kernels.RationalQuadratic",
        "sklearn.gaussian_process.kernels.Sum",
        "sklearn.gaussian_process.kernels.WhiteKernel",
        "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
        "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        "xgboost.core.Booster",
        "xgboost.sklearn.XGBRegressor",
        "lightgbm.basic.Booster",
        "lightgbm.sklearn.LGBMRegressor",
        "ngboost.api.NGBRegressor",
        "ngboost.ngboost.NGBoost",
        "ngboost.distns.normal.Normal",
        "ngboost.distns.normal.NormalLogScore",
        "ngboost.distns.normal.NormalCRPScore",
        "ngboost.scores.LogScore",
        "ngboost.scores.CRPScore",
    }
)

#: Module prefixes whose classes are trusted: predbench's and featurizers' own estimators.
TRUSTED_PREFIXES: tuple[str, ...] = ("predbench.", "featurizers.")


class UntrustedTypesError(ValueError):
    """A skops file holds types outside the trusted list."""


def save_predictor(
    predictor: Any,
    path: str | os.PathLike[str],
    *,
    features: str | None = None,
    space: str | None = None,
    target: str | None = None,
    feature_names: Sequence[str] | None = None,
) -> Path:
    """Write a fitted predictor and how it was trained to a skops file (temp file + rename).

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    if feature_names is None and hasattr(predictor, "feature_names_in_"):
        feature_names = [str(n) for n in predictor.feature_names_in_]
    bundle = {
        "format": FORMAT_VERSION,
        "predictor": predictor,
        "features": features,
        "space": space,
        "target": target,
        "feature_names": list(feature_names) if feature_names is not None else None,
    }
    return atomic_write(path, lambda tmp: sio.dump(bundle, tmp))


def trusted_types_of(path: str | os.PathLike[str], extra: Iterable[str] = ()) -> list[str]:
    """The explicit trusted-types list for ``path``: every type skops does not trust by default,
    checked against :data:`TRUSTED_TYPES`, :data:`TRUSTED_PREFIXES` and ``extra``.

    Raises
    ------
    UntrustedTypesError
        Naming the types that are in none of them.
    """
    extra = set(extra)
    needed = sio.get_untrusted_types(file=Path(path))
    refused = [
        t
        for t in needed
        if t not in TRUSTED_TYPES and t not in extra and not t.startswith(TRUSTED_PREFIXES)
    ]
    if refused:
        raise UntrustedTypesError(
            f"{path}: refusing to load types {refused}: they are not in predbench's trusted list. "
            "If you produced this file yourself and trust it, pass them as "
            "load_predictor(path, trusted=[...])."
        )
    return list(needed)


def load_predictor_bundle(
    path: str | os.PathLike[str], trusted: Iterable[str] = ()
) -> dict[str, Any]:
    """The bundle written by :func:`save_predictor` (predictor plus training metadata)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no predictor file at {path}")
    bundle = sio.load(path, trusted=trusted_types_of(path, trusted))
    if not isinstance(bundle, dict) or "predictor" not in bundle:
        raise ValueError(
            f"{path}: not a predbench predictor file (expected a bundle written by save_predictor)"
        )
    if bundle.get("format") != FORMAT_VERSION:
        raise ValueError(
            f"{path}: predictor bundle format {bundle.get('format')!r}; this predbench reads "
            f"format {FORMAT_VERSION}"
        )
    return bundle


def load_predictor(path: str | os.PathLike[str], trusted: Iterable[str] = ()) -> Any:
    """The fitted predictor saved at ``path`` by :func:`save_predictor`.

    Parameters
    ----------
    path
        A ``.skops`` file.
    trusted
        Extra type names to trust beyond :data:`TRUSTED_TYPES` / :data:`TRUSTED_PREFIXES`.
    """
    return load_predictor_bundle(path, trusted)["predictor"]
