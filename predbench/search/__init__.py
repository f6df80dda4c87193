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
* :func:`pareto_front`, :func:`non_dominated_sort`, :func:`hypervolume` (any number of
  objectives; :func:`hypervolume_2d` for two);
* :func:`save_predictor` / :func:`load_predictor` keep fitted predictors as skops files;
* :class:`SearchSuite` (TOML), :func:`run_suite` and :class:`SearchStore` (DuckDB) run grids of
  (task, strategy, seed) searches resumably — what ``predbench search`` does.
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
    hypervolume,
    hypervolume_2d,
    hypervolume_trajectory,
    nadir,
    non_dominated_sort,
    pareto_front,
)
from predbench.search._persist import (
    UntrustedTypesError,
    load_predictor,
    load_predictor_bundle,
    save_predictor,
)
from predbench.search._random import RandomSearch
from predbench.search._registry import STRATEGIES, StrategySpec, strategy_name
from predbench.search._run import (
    REPORT_COLUMNS,
    StrategyStalled,
    annotate,
    queries_to_reach,
    run_search,
    top_fraction_threshold,
    trajectory_frame,
)
from predbench.search._store import SearchStore
from predbench.search._suite import RunSpec, SearchSuite, run_suite, summarize
from predbench.search._surrogate import FeatureCache, PredictorSurrogate, ProxySurrogate

__all__ = [
    "ACQUISITIONS",
    "NSGA2",
    "REPORT_COLUMNS",
    "STRATEGIES",
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
    "RunSpec",
    "SearchDomain",
    "SearchStore",
    "SearchSuite",
    "Strategy",
    "StrategySpec",
    "StrategyStalled",
    "TabularOracle",
    "UntrustedTypesError",
    "acquire",
    "annotate",
    "hypervolume",
    "hypervolume_2d",
    "hypervolume_trajectory",
    "load_predictor",
    "load_predictor_bundle",
    "nadir",
    "non_dominated_sort",
    "pareto_front",
    "parse_objectives",
    "queries_to_reach",
    "run_search",
    "run_suite",
    "save_predictor",
    "strategy_name",
    "summarize",
    "top_fraction_threshold",
    "trajectory_frame",
]
