"""The transformer shape every featurizer shares.

A featurizer turns arch ids of one search space (any form the space parses) into a matrix of
numbers, many archs per call. It follows scikit-learn's transformer contract: ``__init__`` only
stores its parameters, ``fit`` resolves them (space name → space module, config → feature plan)
and ``transform`` does the work. Fitting learns nothing from the archs themselves: the features
of an arch never depend on which other archs are encoded with it.

Featurizers produce *blocks*: groups of columns sharing a compact dtype (``int8`` counts,
``uint8`` bits, ``float64`` averages). :meth:`ArchFeaturizer.transform` stacks them into one
array for estimators; :meth:`ArchFeaturizer.transform_frame` keeps each block's dtype and indexes
the rows by canonical arch id, which is how :func:`featurizers.feature_table` builds its tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .spaces import get_space


class UnsupportedSpaceError(ValueError):
    """A feature family that has no encoding for the requested search space."""

    def __init__(self, family: str, space: str, supported: Iterable[str]) -> None:
        self.family = family
        self.space = space
        self.supported = sorted(supported)
        super().__init__(
            f"feature family {family!r} has no encoding for search space {space!r}; "
            f"it supports {self.supported}"
        )


def as_arch_list(X: object) -> list[object]:
    """Archs given as a list, tuple, numpy array, pandas Index/Series or a single-column frame."""
    if isinstance(X, str):
        raise TypeError(
            "expected a collection of architectures, got a single string; wrap it in a list"
        )
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                f"expected one column of architectures, got a frame with columns {list(X.columns)}"
            )
        X = X.iloc[:, 0]
    if isinstance(X, (pd.Series, pd.Index)):
        return X.tolist()
    if isinstance(X, np.ndarray):
        # An (n, k) integer array is n archs given as op rows, not n * k archs.
        return list(X) if X.ndim == 2 else X.tolist()
    return list(X)  # type: ignore[call-overload]


class ArchFeaturizer(TransformerMixin, BaseEstimator):
    """Base class: a stateless encoding of the archs of one search space.

    Subclasses set :attr:`family` and :attr:`supported_spaces` and implement
    :meth:`_names` (column names for the fitted parameters) and :meth:`_blocks` (the values).

    Parameters
    ----------
    space : str
        Search-space name or alias (``"nb201"``, ``"nasbench201"``, ...).
    """

    #: Family name, the prefix of every column (``"graf"`` → ``"graf:..."``).
    family: ClassVar[str] = ""
    #: Canonical names of the spaces this family can encode.
    supported_spaces: ClassVar[tuple[str, ...]] = ()

    def __init__(self, space: str = "nb201") -> None:
        self.space = space

    # ----------------------------------------------------------------- sklearn API
    def fit(self, X: object = None, y: object = None) -> ArchFeaturizer:
        """Resolve the space and parameters; ``X`` and ``y`` are ignored (nothing is learned).

        Raises
        ------
        KeyError
            Unknown space name.
        UnsupportedSpaceError
            The family has no encoding for that space.
        """
        space = get_space(self.space)
        if space.NAME not in self.supported_spaces:
            raise UnsupportedSpaceError(self.family, space.NAME, self.supported_spaces)
        # The name, not the module: fitted featurizers must pickle (pipelines, skops files).
        self.space_name_ = space.NAME
        self._fit_space(space)
        names = self._names()
        self.feature_names_out_ = np.asarray([f"{self.family}:{n}" for n in names], dtype=object)
        self.n_features_out_ = len(names)
        return self

    def transform(self, X: object) -> np.ndarray:
        """Feature matrix ``(n_archs, n_features)``; one dtype wide enough for every block."""
        check_is_fitted(self, "feature_names_out_")
        blocks = self._blocks(as_arch_list(X))
        dtype = np.result_type(*[b.dtype for b in blocks])
        return np.hstack([b.astype(dtype, copy=False) for b in blocks])

    def transform_frame(self, X: object) -> pd.DataFrame:
        """Features as a DataFrame indexed by canonical arch id, each block in its own dtype."""
        check_is_fitted(self, "feature_names_out_")
        archs = as_arch_list(X)
        blocks = self._blocks(archs)
        index = pd.Index(self._space.parse_many(archs), name="arch")
        return frame_from_blocks(blocks, self.feature_names_out_, index)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Column names ``"<family>:<name>"`` (``input_features`` is ignored: archs are ids)."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags

    # ------------------------------------------------------------ for subclasses
    @property
    def _space(self) -> ModuleType:
        """The fitted space module (looked up by name; imports are cached)."""
        return get_space(self.space_name_)

    def _fit_space(self, space: ModuleType) -> None:
        """Resolve parameters that depend on the space (store fitted attributes ending in ``_``)."""

    def _names(self) -> list[str]:
        raise NotImplementedError

    def _blocks(self, archs: list[object]) -> list[np.ndarray]:
        raise NotImplementedError


def flatten_rows(values: np.ndarray) -> np.ndarray:
    """``(n, a, b, ...)`` → ``(n, a·b·...)``, also for ``n = 0`` (where ``reshape(n, -1)`` fails)."""
    return values.reshape(values.shape[0], int(np.prod(values.shape[1:], dtype=np.int64)))


def frame_from_blocks(
    blocks: list[np.ndarray], names: Iterable[str], index: pd.Index
) -> pd.DataFrame:
    """One DataFrame from column blocks, keeping each block's dtype.

    Blocks of one dtype are joined first (one pandas block per dtype), then the columns are put
    back in ``names`` order: a few hundred small blocks would otherwise cost more than the
    features themselves.
    """
    names = list(names)
    widths = [b.shape[1] for b in blocks]
    if sum(widths) != len(names):
        raise AssertionError(f"{sum(widths)} feature columns for {len(names)} names")
    if not blocks:
        return pd.DataFrame(index=index)
    bounds = np.cumsum([0, *widths])
    by_dtype: dict[np.dtype, list[int]] = {}
    for i, block in enumerate(blocks):
        by_dtype.setdefault(block.dtype, []).append(i)
    frames = []
    for members in by_dtype.values():
        values = np.hstack([blocks[i] for i in members]) if len(members) > 1 else blocks[members[0]]
        columns = [n for i in members for n in names[bounds[i] : bounds[i + 1]]]
        frames.append(pd.DataFrame(values, index=index, columns=columns, copy=False))
    if len(frames) == 1:
        return frames[0]
    frame = pd.concat(frames, axis=1, copy=False)
    return frame[names]
