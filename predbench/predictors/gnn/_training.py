"""The torch side of the graph predictors: a scoped torch session, the training loop, scoring.

Kept apart from the estimator classes so that importing :mod:`predbench.predictors` (to list the
zoo) does not import torch; this module is imported on the first ``fit``/``predict``.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from scipy.stats import kendalltau

from ._losses import training_loss

#: Archs per forward pass when predicting.
PREDICT_CHUNK = 8192


def resolve_device(name: str) -> torch.device:
    """``"auto"`` → CUDA when torch sees a GPU, else the CPU; ``"cpu"``/``"cuda[:i]"`` checked."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name not in ("cpu", "cuda") and not str(name).startswith("cuda:"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {name!r}")
    if str(name).startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device={name!r} but torch sees no CUDA device; use device='cpu'")
    return torch.device(name)


@contextlib.contextmanager
def torch_session(seed: int, n_jobs: int | None, device: torch.device) -> Iterator[None]:
    """Seeded, deterministic, thread-limited torch for one call; global state restored after."""
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        try:
            if n_jobs is not None:
                torch.set_num_threads(
                    (os.cpu_count() or 1) if n_jobs == -1 else max(1, int(n_jobs))
                )
            torch.use_deterministic_algorithms(True, warn_only=True)
            yield
        finally:
            torch.set_num_threads(threads)
            torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)


def inputs_at(graphs, feats, idx, device, dtype=torch.float32):
    """The ``Batch`` of graphs and the feature rows at ``idx``, on ``device`` in ``dtype``."""
    batch = None if graphs is None else graphs.to_batch(idx).to(device)
    if batch is not None and dtype != torch.float32:
        batch.x = batch.x.to(dtype)
        if "edge_attr" in batch:
            batch.edge_attr = batch.edge_attr.to(dtype)
    f = None if feats is None else torch.from_numpy(feats[idx]).to(device, dtype)
    return batch, f


@dataclass(frozen=True)
class TrainSettings:
    epochs: int
    lr: float
    weight_decay: float
    batch_size: int
    loss: str
    margin: float
    n_iter_no_change: int


def train(
    net: torch.nn.Module,
    graphs: Any,
    feats: np.ndarray | None,
    y_std: np.ndarray,
    train_idx: np.ndarray,
    val_idx: np.ndarray,
    rng: np.random.Generator,
    device: torch.device,
    settings: TrainSettings,
) -> tuple[int, float | None]:
    """Adam with cosine decay; early stopping on validation τ when ``val_idx`` is not empty.

    Returns the number of epochs run and the validation τ of the kept weights (None without a
    validation set).
    """
    opt = torch.optim.Adam(net.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=settings.epochs)
    y_t = torch.from_numpy(y_std).to(device)
    bs = min(settings.batch_size, len(train_idx))
    best_tau, best_state, stale = -np.inf, None, 0
    epochs_run = 0
    for epoch in range(1, settings.epochs + 1):
        epochs_run = epoch
        net.train()
        perm = train_idx[rng.permutation(len(train_idx))]
        # The ragged tail joins the last batch: a 1-arch batch has no pair to rank.
        n_batches = max(1, len(perm) // bs)
        for b in range(n_batches):
            idx = perm[b * bs : (b + 1) * bs] if b < n_batches - 1 else perm[b * bs :]
            batch, f = inputs_at(graphs, feats, idx, device)
            loss = training_loss(settings.loss, net(batch, f), y_t[idx], settings.margin)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        schedule.step()
        if len(val_idx):
            net.eval()
            with torch.no_grad():
                batch, f = inputs_at(graphs, feats, val_idx, device)
                pred = net(batch, f).cpu().numpy()
            tau = kendalltau(pred, y_std[val_idx]).statistic
            tau = -1.0 if not np.isfinite(tau) else float(tau)
            if tau > best_tau:
                best_tau, stale = tau, 0
                best_state = copy.deepcopy(net.state_dict())
            else:
                stale += 1
                if stale >= settings.n_iter_no_change:
                    break
    if best_state is not None:
        net.load_state_dict(best_state)
        return epochs_run, best_tau
    return epochs_run, None


def scores(net: torch.nn.Module, graphs: Any, feats: np.ndarray | None, device) -> np.ndarray:
    """Net outputs for every arch, in float64 and chunks of :data:`PREDICT_CHUNK` archs."""
    n = len(graphs) if graphs is not None else feats.shape[0]
    out = np.empty(n, dtype=np.float64)
    net = net.to(device).eval()
    try:
        with torch.no_grad():
            for start in range(0, n, PREDICT_CHUNK):
                idx = np.arange(start, min(n, start + PREDICT_CHUNK))
                batch, f = inputs_at(graphs, feats, idx, device, torch.float64)
                out[idx] = net(batch, f).cpu().numpy()
    finally:
        net.cpu()
    return out
