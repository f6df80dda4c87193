"""GRAF: interpretable graph features of neural architectures (Kadlecová et al., ICML 2024).

:class:`Graf` computes them for many archs at once from the space's ops array; the feature
groups and op subsets come from a config in the reference implementation's format
(:mod:`featurizers.graf._config`), by default the reference's own config for the space.
:func:`reference_column_name` maps a column to the reference's name by one general rule.
"""

from ._config import DEFAULT_CONFIGS, Group, load_config, op_subsets
from ._featurizer import GRAF_OPS, Graf
from ._reference import reference_column_name

__all__ = [
    "DEFAULT_CONFIGS",
    "GRAF_OPS",
    "Graf",
    "Group",
    "load_config",
    "op_subsets",
    "reference_column_name",
]
