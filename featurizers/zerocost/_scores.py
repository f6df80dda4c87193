"""Final reductions of the proxies that are not plain sums over weights, for many archs at once.

All follow NAS-Bench-Suite-Zero (NASLib ``pruners/measures``) to the letter, in float64:

``jacov``
    ``R = corrcoef(J)`` of the per-sample input gradients ``J`` (N × 3HW); eigenvalues ``v`` of
    ``R``; ``−Σ (log(v + 1e-5) + 1/(v + 1e-5))``.
``epe_nas``
    Per class ``c`` present in the batch: ``s_c = Σ log(|R_c| + 1e-5)`` over the class block of the
    same correlation matrix (``corrcoef`` of a row subset is the sub-block of ``R``; a one-sample
    class gives ``log(1 + 1e-5)``, as ``corrcoef`` of one row is 1). With K ≤ 100 classes the
    score is ``Σ_c |s_c|``; otherwise ``s_c`` is divided by the class size, one-sample classes are
    dropped (NASLib's ``len()`` of a 0-d array raises and the class is skipped) and the score is
    ``Σ_c Σ_c' |s_c − s_c'|`` divided by the number of classes kept.
``nwot``
    ``log|det K|`` of the Hamming-similarity kernel of binary ReLU codes.

A row of ``J`` with zero variance (a network whose output does not depend on the input) makes
``R`` NaN; NaN and ±inf scores become :data:`FAILED_PROXY` in :func:`finalize`.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..proxy_names import FAILED_PROXY

_K = 1e-5


def correlations(jacobian: torch.Tensor) -> torch.Tensor:
    """Row correlation matrices ``(A, N, N)`` float64 of ``(A, N, D)`` jacobians, like ``np.corrcoef``.

    Values are clipped to ``[-1, 1]`` as ``np.corrcoef`` does; rows with zero variance give NaN.
    """
    j = jacobian.to(torch.float64)
    j = j - j.mean(dim=2, keepdim=True)
    cov = j @ j.transpose(1, 2)
    d = torch.sqrt(torch.diagonal(cov, dim1=1, dim2=2))
    corr = cov / d[:, :, None] / d[:, None, :]
    return corr.clamp(-1.0, 1.0)  # clamp keeps NaN


def jacov(corr: np.ndarray) -> np.ndarray:
    """``jacov`` per arch from ``(A, N, N)`` correlation matrices (NaN where undefined)."""
    out = np.full(corr.shape[0], np.nan)
    for a, r in enumerate(corr):
        if not np.isfinite(r).all():
            continue  # np.linalg.eig raises on NaN: NASLib records NaN
        v = np.linalg.eigvalsh(r)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[a] = -np.sum(np.log(v + _K) + 1.0 / (v + _K))
    return out


def epe_nas(corr: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """``epe_nas`` per arch from ``(A, N, N)`` correlation matrices and the batch labels."""
    labels = np.asarray(labels)
    order = np.argsort(labels, kind="stable")
    classes, starts, counts = np.unique(labels[order], return_index=True, return_counts=True)
    del classes
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.log(np.abs(corr[:, order][:, :, order]) + _K)
    # Block sums: a NaN entry only spoils its own (class, class') block.
    blocks = np.add.reduceat(np.add.reduceat(logs, starts, axis=1), starts, axis=2)
    s = np.diagonal(blocks, axis1=1, axis2=2)  # (A, n_classes_present)
    if num_classes <= 100:
        return np.abs(s).sum(axis=1)
    keep = counts >= 2
    if not keep.any():
        return np.zeros(corr.shape[0])
    s = s[:, keep] / counts[keep]
    return np.abs(s[:, :, None] - s[:, None, :]).sum(axis=(1, 2)) / keep.sum()


def nwot(kernel: np.ndarray) -> np.ndarray:
    """``log|det K|`` per arch (``-inf`` for a singular kernel)."""
    return np.linalg.slogdet(kernel)[1]


def synflow_log(score: float) -> float:
    """NASLib's sign-preserving log of the raw synflow sum (0 stays 0)."""
    if score == 0.0:
        return 0.0
    return math.log(score) if score > 0 else -math.log(-score)


def finalize(proxy: str, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores as recorded, and which archs failed (NaN/±inf before the convention).

    NaN/±inf → :data:`FAILED_PROXY`; then, for ``synflow`` only, the sign-preserving log — so a
    failed synflow reads ``−log(1e8)`` ≈ −18.42, exactly as NASLib's scorer records it.
    """
    raw = np.asarray(raw, dtype=np.float64)
    failed = ~np.isfinite(raw)
    out = np.where(failed, FAILED_PROXY, raw)
    if proxy == "synflow":
        out = np.array([synflow_log(v) for v in out], dtype=np.float64)
    return out, failed
