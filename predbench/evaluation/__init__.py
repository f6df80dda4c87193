"""The evaluation harness: suites of runs, metrics, the results store, local and Dask execution.

Typical use::

    from predbench.evaluation import ResultsStore, load_suite, run_suite

    suite, runs = load_suite("suites/quickstart.toml")    # validated before anything runs
    store = ResultsStore("results/predbench.duckdb")
    run_suite(runs, store, suite=suite.name, jobs=2)        # skips runs the store has
    store.frame(run_ids=[r.run_id for r in runs])           # one row per run

Execution, the task cache and the store base are shared with search and explain
(:mod:`predbench.runs`). Modules: :mod:`~predbench.evaluation.suite` (TOML → runs, protocol presets),
:mod:`~predbench.evaluation.splits` (pools and seeded splits),
:mod:`~predbench.evaluation.runner` (one run), :mod:`~predbench.evaluation.store` (the ``runs``
table of the DuckDB store), :mod:`~predbench.evaluation.tables` (views that never mix conditions),
:mod:`~predbench.evaluation.metrics` (Kendall τ, Spearman, precision@top-k, aggregation).
"""

from predbench.evaluation.harness import Summary, pending, run_suite
from predbench.evaluation.metrics import (
    METRICS,
    aggregate,
    compute_metrics,
    kendall_tau,
    kendall_tau_scorer,
    precision_at_top_k,
    spearman,
)
from predbench.evaluation.runspec import RunSpec
from predbench.evaluation.store import DEFAULT_STORE, ResultsStore
from predbench.evaluation.suite import (
    PROTOCOLS,
    Suite,
    SuiteError,
    expand,
    load_suite,
    parse_suite,
    validate_suite,
)

__all__ = [
    "DEFAULT_STORE",
    "METRICS",
    "PROTOCOLS",
    "ResultsStore",
    "RunSpec",
    "Suite",
    "SuiteError",
    "Summary",
    "aggregate",
    "compute_metrics",
    "expand",
    "kendall_tau",
    "kendall_tau_scorer",
    "load_suite",
    "parse_suite",
    "pending",
    "precision_at_top_k",
    "run_suite",
    "spearman",
    "validate_suite",
]
