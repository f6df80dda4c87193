"""Genetic operators on ops-array genomes, vectorized over a whole brood.

A genome is a row of the space's ``(n, n_edges)`` ops array (one op id per edge). Breeding ``m``
children is a handful of numpy calls: tournaments for all parents at once, one crossover mask, one
mutation mask, then the space's ``from_ops`` turns the rows back into canonical ids.

*Bitwise mutation* is the categorical form of flipping each bit of a genome independently: every
gene (edge) mutates with probability ``rate`` (default ``1 / n_edges``) to one of the *other* ops,
uniformly.
"""

from __future__ import annotations

import numpy as np


def tournament(scores: np.ndarray, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n`` tournament winners: each draws ``size`` contenders (without replacement)
    and keeps the one with the largest score."""
    pop = scores.shape[0]
    size = max(1, min(size, pop))
    keys = rng.random((n, pop))
    contenders = np.argpartition(keys, size - 1, axis=1)[:, :size]
    winners = np.argmax(scores[contenders], axis=1)
    return contenders[np.arange(n), winners]


def uniform_crossover(
    mothers: np.ndarray, fathers: np.ndarray, rate: float, rng: np.random.Generator
) -> np.ndarray:
    """Children taking each gene from either parent with probability 1/2; a child is crossed over
    with probability ``rate`` and is a copy of its mother otherwise."""
    cross = rng.random(mothers.shape[0]) < rate
    pick = (rng.random(mothers.shape) < 0.5) & cross[:, None]
    return np.where(pick, fathers, mothers)


def bitwise_mutation(
    genomes: np.ndarray, rate: float, n_ops: int, rng: np.random.Generator
) -> np.ndarray:
    """Each gene mutates with probability ``rate`` to a uniformly drawn different op."""
    flip = rng.random(genomes.shape) < rate
    shift = rng.integers(1, n_ops, size=genomes.shape)
    mutated = (genomes.astype(np.int64) + shift) % n_ops
    return np.where(flip, mutated, genomes).astype(genomes.dtype)


def hamming_to_set(candidates: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Smallest Hamming distance (edges that differ) from each candidate genome to ``reference``.

    On one-hot encodings this is half the Euclidean distance squared, so ranking by it is ranking
    by distance in encoding space.
    """
    if reference.shape[0] == 0:
        return np.full(candidates.shape[0], candidates.shape[1], dtype=np.int64)
    diff = candidates[:, None, :] != reference[None, :, :]
    return diff.sum(axis=2).min(axis=1)


def crowding_distance(points: np.ndarray) -> np.ndarray:
    """NSGA-II crowding distance of each point of one front (``inf`` for the extremes)."""
    n, k = points.shape
    if n <= 2:
        return np.full(n, np.inf)
    dist = np.zeros(n)
    for j in range(k):
        order = np.argsort(points[:, j], kind="stable")
        col = points[order, j]
        span = col[-1] - col[0]
        dist[order[0]] = dist[order[-1]] = np.inf
        if span > 0:
            dist[order[1:-1]] += (col[2:] - col[:-2]) / span
    return dist
