"""One-hot ("adjacency one-hot") encoding: which op sits where, as 0/1 columns.

The standard encoding of NASLib / BANANAS / NAS-Bench-Suite-Zero, per space:

``nb201`` (30 = 6 edges × 5 ops), ``tnb101_micro`` (24 = 6 × 4)
    One block of op ids per edge, edges in the space's tuple order, ops by the space's ids
    (NB201: NASLib's ids; TNB: TransNAS-Bench's). Column ``onehot:(0,1)=nor_conv_3x3`` is 1 when
    edge 0→1 carries ``nor_conv_3x3``.
``tnb101_macro`` (30 = 6 positions × 5)
    NASLib's macro encoding: the module codes right-padded with 0 to length 6, each position one
    block of ``np.eye(5)`` — code 0 (``absent``: the network has fewer modules) included.

Everything is one fancy-index assignment on the ``(n, positions)`` ops array.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from ._base import ArchFeaturizer
from ._cellgraph import space_cell_graph

#: Names of TNB101-macro module codes, 0 being the padding of networks with fewer modules.
MACRO_CODE_NAMES: tuple[str, ...] = (
    "absent",
    "basic",
    "channel_x2",
    "stride_2",
    "channel_x2_stride_2",
)


def one_hot_rows(codes: np.ndarray, n_values: int) -> np.ndarray:
    """``(n, k)`` integer codes in ``0..n_values-1`` → ``(n, k * n_values)`` uint8 one-hot."""
    codes = np.asarray(codes, dtype=np.int64)
    n, k = codes.shape
    out = np.zeros((n, k * n_values), dtype=np.uint8)
    out[np.arange(n)[:, None], np.arange(k)[None, :] * n_values + codes] = 1
    return out


def _edge_cell_names(space: ModuleType) -> list[str]:
    graph = space_cell_graph(space)
    return [f"{graph.edge_label(e)}={op}" for e in range(graph.n_edges) for op in space.OPS]


def _edge_cell_encode(space: ModuleType, archs: list[object]) -> np.ndarray:
    return one_hot_rows(space.to_ops(archs), len(space.OPS))


def _macro_names(space: ModuleType) -> list[str]:
    width = space.MAX_MODULES
    return [f"module{i}={name}" for i in range(width) for name in MACRO_CODE_NAMES]


def _macro_encode(space: ModuleType, archs: list[object]) -> np.ndarray:
    return one_hot_rows(space.to_ops(archs), len(MACRO_CODE_NAMES))


#: Space → (column names, encoder).
_ENCODINGS = {
    "nb201": (_edge_cell_names, _edge_cell_encode),
    "tnb101_micro": (_edge_cell_names, _edge_cell_encode),
    "tnb101_macro": (_macro_names, _macro_encode),
}


class OneHot(ArchFeaturizer):
    """One-hot encoding of the op at every position of the cell (NASLib's ``adjacency_one_hot``).

    Parameters
    ----------
    space : str
        Search space name or alias.

    Attributes
    ----------
    space_name_ : str
        Canonical name of the fitted space.
    feature_names_out_ : ndarray of str
        ``onehot:<position>=<op>`` per column.

    Examples
    --------
    >>> enc = OneHot("nb201").fit()
    >>> enc.transform(["|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"]).shape
    (1, 30)
    """

    family = "onehot"
    supported_spaces = tuple(_ENCODINGS)

    def _names(self) -> list[str]:
        names, _ = _ENCODINGS[self.space_name_]
        return names(self._space)

    def _blocks(self, archs: list[object]) -> list[np.ndarray]:
        _, encode = _ENCODINGS[self.space_name_]
        return [encode(self._space, archs)]
