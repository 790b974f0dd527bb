"""Shortest paths on the transport network, as compiled kernels on CSR arrays.

Called when the network changes (a town falls or is retaken), never per agent.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def shortest_paths(indptr, indices, weights, blocked):
    """All-pairs shortest travel times avoiding blocked (occupied) towns, and the first hop on each path.

    indptr, indices, weights: CSR adjacency (weights in days). blocked: bool per town.
    A blocked town can be left (to flee) but not entered or crossed.
    Returns (dist float64[T, T] in days, inf if unreachable; next_hop int32[T, T], -1 if none).
    Floyd-Warshall, O(T^3): T is the number of towns (tens to a few hundred).
    """
    n = indptr.shape[0] - 1
    dist = np.full((n, n), np.inf)
    hop = np.full((n, n), -1, dtype=np.int32)
    for u in range(n):
        dist[u, u] = 0.0
        hop[u, u] = u
        if blocked[u]:
            continue
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            if not blocked[v] and weights[k] < dist[u, v]:
                dist[u, v] = weights[k]
                hop[u, v] = v
    for k in range(n):
        if blocked[k]:
            continue
        for i in range(n):
            dik = dist[i, k]
            if dik == np.inf:
                continue
            for j in range(n):
                if dik + dist[k, j] < dist[i, j]:
                    dist[i, j] = dik + dist[k, j]
                    hop[i, j] = hop[i, k]
    # a blocked town reaches the rest through its best open neighbour
    for u in range(n):
        if not blocked[u]:
            continue
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            if blocked[v]:
                continue
            for j in range(n):
                if j != u and weights[k] + dist[v, j] < dist[u, j]:
                    dist[u, j] = weights[k] + dist[v, j]
                    hop[u, j] = v
    return dist, hop


@njit(cache=True)
def nearest_open(dist, blocked):
    """For every town, the nearest other town that is not blocked (-1 if none): where people flee to."""
    n = dist.shape[0]
    out = np.full(n, -1, dtype=np.int32)
    for u in range(n):
        best = np.inf
        for v in range(n):
            if v != u and not blocked[v] and dist[u, v] < best:
                best = dist[u, v]
                out[u] = v
    return out


@njit(cache=True)
def serving_depots(dist, depot_town, depot_open, blocked, radius_days):
    """For every town, the nearest open depot within radius_days (ties: lowest depot id), or -1."""
    n = dist.shape[0]
    out = np.full(n, -1, dtype=np.int32)
    for t in range(n):
        if blocked[t]:
            continue
        best = np.inf
        for d in range(depot_town.shape[0]):
            if not depot_open[d]:
                continue
            x = dist[t, depot_town[d]]
            if x <= radius_days and x < best:
                best = x
                out[t] = d
    return out
