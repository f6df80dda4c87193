"""Kept for the import path of predbench 0.1.0: fitted predictors are saved and loaded by
:mod:`predbench.predictors.persist` (``predbench.predictors.save_predictor`` / ``load_predictor``)."""

from predbench.predictors.persist import (
    FORMAT_VERSION,
    TRUSTED_PREFIXES,
    TRUSTED_TYPES,
    UntrustedTypesError,
    load_predictor,
    load_predictor_bundle,
    save_predictor,
    trusted_types_of,
)

__all__ = [
    "FORMAT_VERSION",
    "TRUSTED_PREFIXES",
    "TRUSTED_TYPES",
    "UntrustedTypesError",
    "load_predictor",
    "load_predictor_bundle",
    "save_predictor",
    "trusted_types_of",
]
