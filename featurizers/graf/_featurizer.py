"""The :class:`Graf` transformer: GRAF feature groups of a config, computed for many archs."""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .._base import ArchFeaturizer
from . import _nb101, _nb301
from ._config import DEFAULT_CONFIGS, Group, load_config, resolve_config
from ._edge_cell import EdgeCellGraf
from ._nb101 import NB101Graf
from ._nb301 import NB301Graf
from ._tnb_macro import TNB101MacroGraf

#: The reference's op list per space: GRAF's ``op_count_<id>`` numbers ops by position in it.
GRAF_OPS: dict[str, tuple[str, ...]] = {
    "nb201": ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3"),
    # TransNAS-Bench ids 0..3, then an op that TNB cells never use (the reference lists it).
    "tnb101_micro": ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"),
    "nb101": _nb101.OPS,
    "nb301": _nb301.OPS,
}

_IMPLEMENTATIONS = {
    "nb201": lambda: EdgeCellGraf("nb201", GRAF_OPS["nb201"]),
    "tnb101_micro": lambda: EdgeCellGraf("tnb101_micro", GRAF_OPS["tnb101_micro"]),
    "nb101": NB101Graf,
    "nb301": NB301Graf,
    "tnb101_macro": TNB101MacroGraf,
}


def implementation(space_name: str):
    """The GRAF implementation object of a space."""
    return _IMPLEMENTATIONS[space_name]()


class Graf(ArchFeaturizer):
    """GRAF: interpretable graph features of a cell (Kadlecová et al., ICML 2024).

    Op counts, shortest/longest input→output path lengths and node degrees, each over every
    subset of ops named in the config. With the default config, the NB201 and TNB101-micro
    tables equal the reference implementation's (github.com/gabikadlecova/GRAF @ 635defe) value
    for value; :func:`featurizers.graf.reference_column_name` maps the column names.

    Parameters
    ----------
    space : str
        Search space name or alias.
    config : list of dict, str, Path or None
        Feature groups to compute, in the reference's JSON config format (a list of entries, a
        JSON string or a path to a JSON file; see :mod:`featurizers.graf._config`). ``None``: the
        reference's config for the space.

    Attributes
    ----------
    groups_ : tuple of Group
        The resolved config: each group with its expanded op subsets.
    feature_names_out_ : ndarray of str
        ``graf:<measure>[<ops>]`` per column, e.g. ``graf:min_path_len[skip_connect,none]``.

    Examples
    --------
    >>> graf = Graf("nb201").fit()
    >>> len(graf.get_feature_names_out())
    191
    """

    family = "graf"
    supported_spaces = tuple(_IMPLEMENTATIONS)

    def __init__(self, space: str = "nb201", config: object = None) -> None:
        self.space = space
        self.config = config

    def _fit_space(self, space: ModuleType) -> None:
        impl = implementation(space.NAME)
        impl.check_space(space)
        entries = DEFAULT_CONFIGS[space.NAME] if self.config is None else load_config(self.config)
        self.groups_ = resolve_config(
            entries,
            space=space.NAME,
            ops=impl.subset_ops,
            groups_with_subsets=impl.GROUPS_WITH_SUBSETS,
            groups_without_subsets=impl.GROUPS_WITHOUT_SUBSETS,
        )

    def _names(self) -> list[str]:
        impl = implementation(self.space_name_)
        return [name for group in self.groups_ for name in impl.names(group)]

    def _blocks(self, archs: list[object]) -> list[np.ndarray]:
        impl = implementation(self.space_name_)
        space = self._space
        data = impl.load(space, archs)
        blocks: list[np.ndarray] = []
        for group in self.groups_:
            blocks.extend(impl.compute(space, group, data))
        return blocks


__all__ = ["GRAF_OPS", "Graf", "Group"]
