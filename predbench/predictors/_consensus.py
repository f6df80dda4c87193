"""Boosted trees and a random forest on the features plus a learned proxy consensus.

Why: with a few dozen labelled architectures, trees split on one noisy proxy at a time and the
forest and boosting disagree most. Zero-cost proxies, though, are recorded for every cell of the
space, labelled or not, so their *distribution* is free: each proxy is mapped to its quantile in
that (unlabelled) pool, and two summary columns are appended to the features — the mean quantile
over all proxies and the mean weighted by each proxy's Spearman correlation with the training
target (sign and strength learned from the labels, a linear ranker that needs few of them). The
trees can then split on a single strong, smooth score early and refine it with GRAF/proxy splits
later. The prediction averages an XGBoost model (slow learning rate, column subsampling) and a
random forest, the two zoo members that do best on small and on larger training sets.

Defaults were chosen on the tuning seeds 1000–1009 of the TA-GATES protocol only
(:data:`predbench.evaluation.protocols.TUNING_SEEDS`; ``benchmarks/results/protocols.md``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import spearmanr
from sklearn.utils.validation import check_is_fitted, validate_data

from predbench.predictors._base import BasePredictor, blas_threads, seed_from


class ConsensusEnsemblePredictor(BasePredictor):
    """XGBoost + random forest on the features and a proxy consensus learned from the labels.

    Parameters
    ----------
    n_estimators, learning_rate, max_depth, subsample, colsample_bytree
        The XGBoost member (``hist`` trees).
    rf_weight
        Weight of the random forest in the averaged prediction (0: XGBoost only).
    rf_n_estimators
        Trees of the random forest (scikit-learn defaults otherwise, as in the GRAF paper).
    proxy_prefix
        Columns of a DataFrame ``X`` whose name starts with this are the proxies the consensus
        is built from; on a plain array every column is used.
    unlabeled
        Optional array of the free features of the whole pool (same columns as ``X``): the
        proxies' quantiles are taken in it. ``None``: in the training rows.
    n_jobs
        Threads of each member (1 by default).
    random_state
        Seed (int), RandomState or None.

    Attributes
    ----------
    proxy_weights_ : ndarray
        Spearman correlation of each proxy's quantile with the training target, scaled so that
        the absolute values sum to 1 (all 0 when no proxy correlates).
    """

    library = "xgboost + scikit-learn"
    inputs = "any numeric features; the zcp: columns (all, on an array) form the consensus"
    summary = "XGBoost + RF on features and a label-weighted proxy consensus (semi-supervised)"

    def __init__(
        self,
        n_estimators: int = 3000,
        learning_rate: float = 0.03,
        max_depth: int = 6,
        subsample: float = 0.9,
        colsample_bytree: float = 0.5,
        rf_weight: float = 0.25,
        rf_n_estimators: int = 100,
        proxy_prefix: str = "zcp:",
        unlabeled: Any = None,
        n_jobs: int = 1,
        random_state: Any = None,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.rf_weight = rf_weight
        self.rf_n_estimators = rf_n_estimators
        self.proxy_prefix = proxy_prefix
        self.unlabeled = unlabeled
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _proxy_columns(self, names: Any, n_features: int) -> np.ndarray:
        if names is not None:
            picked = [i for i, c in enumerate(names) if str(c).startswith(self.proxy_prefix)]
            if picked:
                return np.asarray(picked)
        return np.arange(n_features)

    def _augment(self, X: np.ndarray) -> np.ndarray:
        quantiles = self.quantiles_.transform(X[:, self.proxy_columns_])
        weighted = quantiles @ self.proxy_weights_
        return np.column_stack([X, quantiles.mean(axis=1), weighted])

    def fit(self, X: Any, y: Any) -> ConsensusEnsemblePredictor:
        """Learn the proxy consensus and fit both members on the augmented features."""
        from sklearn.ensemble import RandomForestRegressor
        from sklearn.preprocessing import QuantileTransformer
        from xgboost import XGBRegressor

        names = getattr(X, "columns", None)
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        columns = self.proxy_columns_ = self._proxy_columns(names, X.shape[1])
        reference = X if self.unlabeled is None else np.asarray(self.unlabeled, dtype=np.float64)
        if reference.ndim != 2 or reference.shape[1] != X.shape[1]:
            raise ValueError(
                f"unlabeled must have the {X.shape[1]} columns of X, got shape {reference.shape}"
            )
        self.quantiles_ = QuantileTransformer(n_quantiles=min(1000, reference.shape[0]))
        self.quantiles_.fit(reference[:, columns])
        quantiles = self.quantiles_.transform(X[:, columns])
        weights = np.zeros(len(columns))
        if len(y) > 2 and np.ptp(y) > 0:
            for j in range(len(columns)):
                if np.ptp(quantiles[:, j]) > 0:
                    weights[j] = spearmanr(quantiles[:, j], y).statistic
        weights = np.nan_to_num(weights)
        total = np.abs(weights).sum()
        self.proxy_weights_ = weights / total if total > 0 else weights
        augmented = self._augment(X)
        seed = seed_from(self.random_state)
        with blas_threads(self):
            self.boosted_ = XGBRegressor(
                tree_method="hist",
                n_estimators=self.n_estimators,
                learning_rate=self.learning_rate,
                max_depth=self.max_depth,
                subsample=self.subsample,
                colsample_bytree=self.colsample_bytree,
                n_jobs=self.n_jobs,
                random_state=seed,
            ).fit(augmented, y)
            self.forest_ = None
            if self.rf_weight > 0:
                self.forest_ = RandomForestRegressor(
                    n_estimators=self.rf_n_estimators, n_jobs=self.n_jobs, random_state=seed
                ).fit(augmented, y)
        self.model_ = self.boosted_
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Weighted average of the two members' predictions."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        augmented = self._augment(X)
        with blas_threads(self):
            prediction = np.asarray(self.boosted_.predict(augmented), dtype=np.float64)
            if self.forest_ is not None:
                forest = self.forest_.predict(augmented)
                prediction = (1 - self.rf_weight) * prediction + self.rf_weight * forest
        return prediction.reshape(-1)
