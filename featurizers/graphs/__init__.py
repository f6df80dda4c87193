"""Architectures as graphs for graph neural predictors.

:func:`arch_graphs` turns arch ids of a search space into :class:`GraphTensors`: padded, stacked
tensors of every graph, cut into torch-geometric ``Batch`` objects (or single ``Data``) on demand
without a Python loop per arch. Building needs only torch; ``to_batch`` / ``to_data`` need
torch-geometric (the ``[gnn]`` extra), imported when first asked for.

Graph forms (``form=``):

``"op_node"``
    Ops as nodes. For spaces with ops on edges (NB201, TransNAS-Bench-101 micro, NB301) this is
    the line graph of the cell — input node(s), one node per edge-op, output node — NASLib's GCN
    encoding. NB101 (ops on nodes) uses its own cell graph; TransNAS-Bench-101 macro (no cell)
    a chain of its modules.
``"op_edge"``
    Ops as edge features on the cell's own nodes (for GATES-style gated message passing); for
    NB101 an edge carries the op of its target node.

In every graph the last node is the output (the readout node of GATES-style models). The
builder modules give each space's node order and feature columns: :mod:`._edge_cell` (NB201,
TNB101 micro), :mod:`._node_cell` (NB101), :mod:`._darts` (NB301), :mod:`._chain` (TNB101
macro).
"""

from __future__ import annotations

from types import ModuleType

from ..spaces import get_space, space_name
from ._tensors import GraphTensors, require_torch_geometric

#: Graph forms every supported space offers.
FORMS: tuple[str, ...] = ("op_node", "op_edge")


def _builder(module: ModuleType):
    from ..spaces._cell import EdgeCellSpace

    if isinstance(getattr(module, "SPACE", None), EdgeCellSpace):
        from ._edge_cell import edge_cell_graphs

        return edge_cell_graphs
    if module.NAME == "nb101":
        from ._node_cell import node_cell_graphs

        return node_cell_graphs
    if module.NAME == "nb301":
        from ._darts import darts_graphs

        return darts_graphs
    if module.NAME == "tnb101_macro":
        from ._chain import chain_graphs

        return chain_graphs
    raise NotImplementedError(  # pragma: no cover - every registered space has a builder
        f"no graph form for search space {module.NAME!r}; graphs exist for {list(SUPPORTED)}"
    )


#: Spaces :func:`arch_graphs` builds graphs for.
SUPPORTED: tuple[str, ...] = ("nb201", "tnb101_micro", "nb101", "nb301", "tnb101_macro")


def arch_graphs(space: str | ModuleType, archs: object, form: str = "op_node") -> GraphTensors:
    """Graphs of ``archs`` of ``space`` in the given ``form``, one per arch, in order.

    Parameters
    ----------
    space
        Space name (or alias) or space module.
    archs
        Iterable of archs in any form the space parses; an arch the space cannot parse raises
        :class:`~featurizers.spaces.InvalidArchError` naming it.
    form
        ``"op_node"`` or ``"op_edge"`` (see the module docstring).
    """
    if form not in FORMS:
        raise ValueError(f"unknown graph form {form!r}; choose from {list(FORMS)}")
    module = get_space(space) if isinstance(space, ModuleType) else get_space(space_name(space))
    if isinstance(archs, str):
        raise TypeError(
            f"archs must be an iterable of archs, got the single string {archs!r}; wrap it in a list"
        )
    return _builder(module)(module, archs, form)


__all__ = ["FORMS", "SUPPORTED", "GraphTensors", "arch_graphs", "require_torch_geometric"]
