"""predbench: benchmark performance predictors for neural architecture search.

Subpackages: :mod:`predbench.data` (benchmark files → tasks), :mod:`predbench.predictors` (the zoo),
:mod:`predbench.evaluation` (suites, metrics, results store), :mod:`predbench.explain` (SHAP),
:mod:`predbench.report` (HTML reports), :mod:`predbench.search` (predictor-guided search) and
:mod:`predbench.cli` (the ``predbench`` command). Architectures become numbers in the separate
:mod:`featurizers` package.
"""

__version__ = "0.1.0"
