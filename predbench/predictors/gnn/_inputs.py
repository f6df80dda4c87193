"""What a graph predictor's ``X`` may be, and how it splits into arch ids and extra features.

=====================================  ==========================  =============================
``X``                                  architectures               extra features
=====================================  ==========================  =============================
sequence / 1-D array / Index of archs  the items                   none
DataFrame                              its index                   its columns (``use_features``)
numeric 2-D array, ``space=None``      none (features-only model)  its columns
numeric 2-D array, ``space`` set       error: an array says nothing about architectures
=====================================  ==========================  =============================

Archs are parsed by the space (any form it accepts) into canonical ids; a foreign arch raises the
space's :class:`~featurizers.spaces.InvalidArchError`, which names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SplitInput:
    archs: list[object] | None
    features: pd.DataFrame | np.ndarray | None


def _is_arch_sequence(X: Any) -> bool:
    if isinstance(X, (pd.Index, pd.Series)):
        return True
    if isinstance(X, (list, tuple)):
        return True
    if isinstance(X, np.ndarray) and (X.ndim == 1 or X.dtype == object):
        return X.ndim == 1
    return False


def split_input(X: Any, space: str | None, use_features: bool) -> SplitInput:
    """Split ``X`` into arch ids and a feature table (see the module table)."""
    if isinstance(X, pd.DataFrame):
        if space is None:
            return SplitInput(None, X)
        feats = X if (use_features and X.shape[1] > 0) else None
        return SplitInput(list(X.index), feats)
    if isinstance(X, str):
        raise TypeError(
            f"X must hold several archs, got the single string {X!r}; wrap it in a list"
        )
    if space is not None and _is_arch_sequence(X):
        return SplitInput(list(X), None)
    if space is None:
        if _is_arch_sequence(X) and len(X) and isinstance(next(iter(X)), str):
            raise ValueError(
                "X holds arch ids but space=None: set space= to the search space of the archs "
                "(e.g. space='nb201'); space=None means X is a numeric feature matrix"
            )
        return SplitInput(None, X)
    arr = np.asarray(X)
    raise TypeError(
        f"X is a {arr.ndim}-D array of {arr.dtype} but space={space!r} needs architectures: pass "
        "a sequence of arch ids, or a DataFrame indexed by arch ids (its columns are extra "
        "features when use_features=True); with space=None a numeric matrix is used as features"
    )
