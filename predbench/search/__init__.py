"""Architecture search on tabular benchmarks, steered by the predictors of the zoo.

The pieces, each small:

* :class:`TabularOracle` answers objective values from a :class:`~predbench.data.task.Task`
  (counting distinct queries, refusing unknown archs, exposing nothing but the objectives);
* strategies follow one ask/tell contract over canonical arch ids (:class:`Strategy`):
  :class:`RandomSearch`, :class:`RegularizedEvolution`, :class:`LocalSearch`,
  :class:`GeneticAlgorithm`, :class:`FitnessApproxGA`, :class:`Bananas`, and for two objectives
  :class:`NSGA2` and :class:`ParEGO`;
* surrogates (:class:`PredictorSurrogate`, :class:`ProxySurrogate`) plug any zoo predictor or a
  recorded zero-cost score into the predictor-guided strategies;
* :func:`run_search` drives a strategy, :func:`annotate` adds post-search columns;
* :mod:`predbench.search._pareto` gives Pareto fronts and exact 2-D hypervolume.
"""

from predbench.search._acquisition import ACQUISITIONS, acquire
from predbench.search._bananas import Bananas
from predbench.search._base import NotStartedError, Strategy
from predbench.search._domain import SearchDomain
from predbench.search._evolution import RegularizedEvolution
from predbench.search._genetic import FitnessApproxGA, GeneticAlgorithm
from predbench.search._local import LocalSearch
from predbench.search._multiobjective import NSGA2, ParEGO
from predbench.search._oracle import BudgetExhausted, Objective, TabularOracle, parse_objectives
from predbench.search._pareto import (
    hypervolume_2d,
    hypervolume_trajectory,
    nadir,
    non_dominated_sort,
    pareto_front,
)
from predbench.search._random import RandomSearch
from predbench.search._run import (
    REPORT_COLUMNS,
    StrategyStalled,
    annotate,
    queries_to_reach,
    run_search,
    top_fraction_threshold,
    trajectory_frame,
)
from predbench.search._surrogate import FeatureCache, PredictorSurrogate, ProxySurrogate

__all__ = [
    "ACQUISITIONS",
    "NSGA2",
    "REPORT_COLUMNS",
    "Bananas",
    "BudgetExhausted",
    "FeatureCache",
    "FitnessApproxGA",
    "GeneticAlgorithm",
    "LocalSearch",
    "NotStartedError",
    "Objective",
    "ParEGO",
    "PredictorSurrogate",
    "ProxySurrogate",
    "RandomSearch",
    "RegularizedEvolution",
    "SearchDomain",
    "Strategy",
    "StrategyStalled",
    "TabularOracle",
    "acquire",
    "annotate",
    "hypervolume_2d",
    "hypervolume_trajectory",
    "nadir",
    "non_dominated_sort",
    "pareto_front",
    "parse_objectives",
    "queries_to_reach",
    "run_search",
    "top_fraction_threshold",
    "trajectory_frame",
]
