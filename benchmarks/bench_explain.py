"""SHAP and report speed: predbench's explain routes side by side with plain shap, and report time.

Setting (the target of the explain module): NAS-Bench-201 CIFAR-10, the 9,445 valid cells with all
13 recorded proxies, features ``zcp+graf`` (204 columns), 1,024 training cells (seed 0), SHAP values
for **every** remaining cell (8,421). Predictors are the zoo's defaults, fitted on one thread as
the harness fits them.

For each tree model the script times

* **baseline**: ``shap.TreeExplainer(model).shap_values(X_test)`` as a user would call it (shap's
  defaults, the model's own thread count: one), and
* **predbench**: :func:`predbench.explain.explain_model` with ``n_jobs`` workers (XGBoost's own
  TreeSHAP on ``n_jobs`` threads; forests split by rows over ``n_jobs`` processes), including its
  additivity check on every row, and once more on a seeded sample of ``--sample-rows`` test rows
  (how much of the top-10 ranking the sample keeps),

checks that both give the same values, and prints wall and CPU seconds. The permutation route is
timed on the ridge baseline with its default budget. With ``--store`` it also times report
generation (:func:`predbench.report.load_report_data` + :func:`~predbench.report.build_report`)
from a finished results store, e.g. the quickstart suite's.

Usage::

    python benchmarks/bench_explain.py --jobs 2 [--store results/predbench.duckdb]
    python benchmarks/bench_explain.py --skip-baseline --models xgb   # quicker

Figures taken on a loaded machine are inflated; CPU seconds (this process) are less sensitive
than wall seconds but do not count worker processes.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="threads/processes for SHAP")
    parser.add_argument("--train-size", type=int, default=1024)
    parser.add_argument("--models", default="xgb,rf", help="comma-separated: xgb, rf, lgbm")
    parser.add_argument("--skip-baseline", action="store_true", help="time predbench only")
    parser.add_argument("--skip-permutation", action="store_true")
    parser.add_argument(
        "--sample-rows",
        type=int,
        default=2000,
        help="also time tree SHAP on a seeded sample of this many test rows (0: skip)",
    )
    parser.add_argument("--store", help="finished results store to time a report from")
    args = parser.parse_args()

    import shap

    from predbench.evaluation.features import cached_pool, cached_table, cached_task
    from predbench.evaluation.splits import split
    from predbench.explain import explain_model, feature_importance
    from predbench.predictors import make_predictor

    task_key = "nb201/cifar10"
    task = cached_task(task_key)
    pool = cached_pool(task_key, "val_accuracy", "valid")
    table, table_s, _ = _timed(lambda: cached_table(task_key, "val_accuracy", "valid", "zcp+graf"))
    train, test = split(pool, args.train_size, 0)
    X_train, X_test = table.loc[train], table.loc[test]
    y_train = task.targets["val_accuracy"].loc[train].to_numpy(dtype=np.float64)
    print(
        f"machine: {platform.node()} · {os.cpu_count()} CPUs · load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} · shap {shap.__version__}"
    )
    print(
        f"task {task_key}: pool {len(pool):,} valid cells, features zcp+graf "
        f"{X_train.shape[1]} columns (built in {table_s:.1f} s), train {len(train):,}, "
        f"explain {len(test):,}"
    )
    print()
    header = f"{'model':<8} {'route':<34} {'wall s':>8} {'cpu s':>8}  notes"
    print(header)
    print("-" * len(header))
    for name in [m.strip() for m in args.models.split(",") if m.strip()]:
        model, fit_s, _ = _timed(
            lambda name=name: make_predictor(name, random_state=0).fit(X_train, y_train)
        )
        inner = model.model_
        baseline = None
        if not args.skip_baseline:
            baseline, wall, cpu = _timed(
                lambda inner=inner: shap.TreeExplainer(inner).shap_values(
                    X_test.to_numpy(dtype=np.float64)
                )
            )
            print(
                f"{name:<8} {'baseline: shap.TreeExplainer':<34} {wall:>8.1f} {cpu:>8.1f}  "
                f"1 thread, fit {fit_s:.1f} s"
            )
        explanation, wall, cpu = _timed(
            lambda model=model: explain_model(model, X_test, n_jobs=args.jobs)
        )
        notes = (
            f"{args.jobs} {'threads' if name != 'rf' else 'processes'}, additivity error "
            f"{explanation.additivity_error:.1e}"
        )
        if baseline is not None:
            diff = float(np.abs(np.asarray(baseline) - explanation.values.to_numpy()).max())
            notes += f", max |Δ| vs baseline {diff:.1e}"
        print(f"{name:<8} {'predbench explain_model (tree)':<34} {wall:>8.1f} {cpu:>8.1f}  {notes}")
        top = feature_importance(explanation).head(10)["feature"].tolist()
        print(f"{'':<8} top 10: {', '.join(top)}")
        if args.sample_rows:
            sampled, wall, cpu = _timed(
                lambda model=model: explain_model(
                    model, X_test, n_jobs=args.jobs, n_explain=args.sample_rows
                )
            )
            top_sampled = feature_importance(sampled).head(10)["feature"].tolist()
            print(
                f"{name:<8} {f'predbench, n_explain={args.sample_rows}':<34} {wall:>8.1f} "
                f"{cpu:>8.1f}  seeded row sample; top-10 overlap with all rows "
                f"{len(set(top) & set(top_sampled))}/10"
            )

    if not args.skip_permutation:
        ridge = make_predictor("ridge").fit(X_train, y_train)
        explanation, wall, cpu = _timed(
            lambda: explain_model(ridge, X_test, background=X_train, random_state=0)
        )
        s = explanation.settings
        print(
            f"{'ridge':<8} {'predbench explain_model (perm.)':<34} {wall:>8.1f} {cpu:>8.1f}  "
            f"{s['n_explain']} rows × {s['max_evals']} evals × {s['background_size']} background"
            " (first call in a process includes ~5 s CPU of numba compilation)"
        )

    if args.store:
        from predbench.report import build_report, load_report_data

        def report():
            return build_report(load_report_data(args.store))

        html, wall, cpu = _timed(report)
        print(
            f"{'report':<8} {'load_report_data + build_report':<34} {wall:>8.1f} {cpu:>8.1f}  "
            f"{len(html) / 1024:,.0f} KiB from {args.store}"
        )


if __name__ == "__main__":
    main()
