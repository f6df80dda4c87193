"""Graph neural network predictors: GCN, GIN and a GATES-style gated encoder.

Each is a scikit-learn regressor whose ``X`` is a list of arch ids (or a DataFrame indexed by
arch ids whose columns can be fed as extra features); the space's graphs come from
:func:`featurizers.graphs.arch_graphs`. torch-geometric (the ``[gnn]`` extra) is imported when a
model is first built, so importing this package costs nothing.
"""

from __future__ import annotations

from ._estimator import BaseGNNRegressor, GATESRegressor, GCNRegressor, GINRegressor

__all__ = ["BaseGNNRegressor", "GATESRegressor", "GCNRegressor", "GINRegressor"]
