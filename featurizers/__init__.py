"""Turn neural architectures into numbers.

``featurizers`` is independent of :mod:`predbench`: it knows search spaces (parsing, canonical ids,
cell graphs), encodings (one-hot, path, GRAF) and zero-cost proxies, and nothing about datasets,
predictors or evaluation.

The main entry is :func:`feature_table`::

    from featurizers import feature_table
    table = feature_table("nb201", "all", "onehot+graf")   # 15,625 × 221 DataFrame

Each family is also a scikit-learn transformer over arch ids (:data:`FAMILIES`).
"""

from ._base import ArchFeaturizer, UnsupportedSpaceError
from ._registry import FAMILIES, make_featurizer, parse_families, supported_families
from .featureset import FeatureSet, parse_feature_set
from .graf import Graf
from .onehot import OneHot
from .path import PathEncoding
from .table import feature_table, make_union
from .transfer import TransferTargets
from .zcp import RecordedProxies

__version__ = "0.1.0"

__all__ = [
    "FAMILIES",
    "ArchFeaturizer",
    "FeatureSet",
    "Graf",
    "OneHot",
    "PathEncoding",
    "RecordedProxies",
    "TransferTargets",
    "UnsupportedSpaceError",
    "feature_table",
    "make_featurizer",
    "make_union",
    "parse_families",
    "parse_feature_set",
    "supported_families",
]
