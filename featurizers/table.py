"""FeatureTable: the features of many archs as one DataFrame.

A feature table is a plain :class:`pandas.DataFrame` whose index is the space's canonical arch id
(named ``arch``) and whose columns are ``"<family>:<name>"``; a feature set such as
``"zcp+graf"`` concatenates the families' columns in that order. Each family keeps its compact
dtypes (``uint8`` bits, ``int8`` counts, ``float64`` averages and proxy scores).

For scikit-learn pipelines, :func:`make_union` gives the same columns as one transformer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from sklearn.pipeline import FeatureUnion

from ._base import as_arch_list
from ._registry import make_featurizer, parse_families
from .spaces import EnumerableSpace, get_space


def _family_params(
    families: list[str],
    zcp: pd.DataFrame | None,
    zcp_names: Iterable[str] | None,
    params: Mapping[str, Mapping[str, object]] | None,
) -> dict[str, dict[str, object]]:
    params = {k: dict(v) for k, v in (params or {}).items()}
    unknown = set(params) - set(families)
    if unknown:
        raise ValueError(
            f"parameters given for families {sorted(unknown)} that are not in the feature set "
            f"{'+'.join(families)}"
        )
    if "zcp" in families:
        if zcp is None:
            raise ValueError(
                "the feature set includes 'zcp' but no proxies table was given (zcp=DataFrame "
                "indexed by arch, one column per proxy)"
            )
        zcp_params = params.setdefault("zcp", {})
        zcp_params["proxies"] = zcp
        if zcp_names is not None:
            zcp_params["names"] = list(zcp_names)
    return {f: params.get(f, {}) for f in families}


def feature_table(
    space: str,
    archs: Iterable[object] | str = "all",
    families: str | list[str] = "graf",
    *,
    zcp: pd.DataFrame | None = None,
    zcp_names: Iterable[str] | None = None,
    params: Mapping[str, Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """Features of ``archs`` as a DataFrame indexed by canonical arch id.

    Parameters
    ----------
    space : str
        Search space name or alias.
    archs : iterable or "all"
        Archs in any form the space parses; ``"all"`` enumerates the space (NB201, TNB101).
    families : str or list of str
        Feature set, e.g. ``"zcp+graf"`` or ``["onehot", "path"]``; columns follow this order.
    zcp : DataFrame, optional
        Recorded proxy scores for the ``zcp`` family (indexed by arch, one column per proxy).
    zcp_names : iterable of str, optional
        Proxies to use (default: every column of ``zcp``).
    params : mapping, optional
        Extra parameters per family, e.g. ``{"path": {"cutoff": 40}, "graf": {"config": ...}}``.

    Returns
    -------
    pandas.DataFrame
        One row per requested arch (order and repeats kept), columns ``"<family>:<name>"``.

    Raises
    ------
    KeyError
        Unknown family or space; an arch missing from ``zcp`` (the message names arch and column).
    UnsupportedSpaceError
        A family without an encoding for ``space``.
    InvalidArchError
        An arch the space cannot parse.

    Examples
    --------
    >>> table = feature_table("nb201", ["(2, 1, 1, 1, 1, 1)"], "onehot+graf")
    >>> table.shape
    (1, 221)
    """
    module = get_space(space)
    names = parse_families(families)
    per_family = _family_params(names, zcp, zcp_names, params)
    if isinstance(archs, str):
        if archs != "all":
            raise ValueError(f"archs must be 'all' or a collection of archs, got {archs!r}")
        if not isinstance(module, EnumerableSpace):
            raise ValueError(
                f"space {module.NAME!r} cannot be enumerated; pass the archs to encode"
            )
        ids = module.all_archs()
    else:
        ids = module.parse_many(as_arch_list(archs))
    frames = [
        make_featurizer(name, module.NAME, **per_family[name]).fit().transform_frame(ids)
        for name in names
    ]
    table = pd.concat(frames, axis=1) if len(frames) > 1 else frames[0]
    table.index.name = "arch"
    return table


def make_union(
    space: str,
    families: str | list[str] = "graf",
    *,
    zcp: pd.DataFrame | None = None,
    zcp_names: Iterable[str] | None = None,
    params: Mapping[str, Mapping[str, object]] | None = None,
) -> FeatureUnion:
    """One scikit-learn transformer for a feature set, with the same column names as
    :func:`feature_table` (``FeatureUnion`` without the transformer-name prefixes)."""
    names = parse_families(families)
    per_family = _family_params(names, zcp, zcp_names, params)
    return FeatureUnion(
        [(name, make_featurizer(name, space, **per_family[name])) for name in names],
        verbose_feature_names_out=False,
    )
