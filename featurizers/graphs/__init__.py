"""Architectures as graphs for graph neural predictors.

:func:`arch_graphs` turns arch ids of a search space into :class:`GraphTensors`: padded, stacked
tensors of every graph, cut into torch-geometric ``Batch`` objects (or single ``Data``) on demand
without a Python loop per arch. Building needs only torch; ``to_batch`` / ``to_data`` need
torch-geometric (the ``[gnn]`` extra), imported when first asked for.

Graph forms (``form=``):

``"op_node"``
    Ops as nodes. For spaces with ops on edges (NB201, TransNAS-Bench-101 micro) this is the line
    graph of the cell — input node, one node per edge-op, output node — NASLib's GCN encoding.
    Spaces with ops on nodes use their own cell graph.
``"op_edge"``
    Ops as edge features on the cell's own nodes (for GATES-style gated message passing).

See the builder modules for the exact node order and feature columns of each space.
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
    raise NotImplementedError(
        f"no graph form for search space {module.NAME!r} yet; graphs exist for {sorted(supported_spaces())}"
    )


def supported_spaces() -> tuple[str, ...]:
    """Names of the spaces :func:`arch_graphs` can build graphs for."""
    return ("nb201", "tnb101_micro")


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


__all__ = ["FORMS", "GraphTensors", "arch_graphs", "require_torch_geometric", "supported_spaces"]
