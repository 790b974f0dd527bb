"""Worker movement: counting who waits where, choosing where to go, and walking the network.

Kernels are pure functions of their arguments (no globals, no hidden random state); they update the
arrays they are given in place. Random numbers come in as arrays drawn from the model's Generator.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from indusco_sim.kernels.counts import count_equal
from indusco_sim.kernels.random import uniform

ARRIVING, UNEMPLOYED, MEMBER, LEFT = 0, 1, 2, 3


@njit(cache=True)
def count_unemployed(status, town, skill, n_towns, n_skills):
    """Unemployed workers (at a town, not travelling) by town and skill: int64[T, S]."""
    out = np.zeros((n_towns, n_skills), dtype=np.int64)
    left = count_equal(status, UNEMPLOYED)
    w = 0
    while left > 0:
        if status[w] == UNEMPLOYED:
            out[town[w], skill[w]] += 1
            left -= 1
        w += 1
    return out


@njit(cache=True)
def towns_within(dist, radius_days):
    """The towns within radius_days of each town (itself excluded), ascending: CSR (start int64[T + 1],
    towns int64[K]). Depends only on the travel times, so it is computed again only when the front moves."""
    n = dist.shape[0]
    start = np.zeros(n + 1, dtype=np.int64)
    for u in range(n):
        start[u + 1] = start[u]
        for v in range(n):
            if v != u and dist[u, v] <= radius_days:
                start[u + 1] += 1
    towns = np.empty(start[n], dtype=np.int64)
    k = 0
    for u in range(n):
        for v in range(n):
            if v != u and dist[u, v] <= radius_days:
                towns[k] = v
                k += 1
    return start, towns


@njit(cache=True)
def choose_goals(unemployed, vacancies, attraction, dist, blocked, crowding, scale_days, near_start, near):
    """Best town to look for work from each town, for each skill: int32[T, S].

    The pull of town v for skill s is (vacancies[v, s] + attraction[v]) / (1 + crowding * unemployed[v, s]),
    discounted by 1 / (1 + dist / scale_days); only the towns within the search radius are known
    (near_start, near: towns_within(dist, radius_days)). Ties keep the lower town id; the current town wins
    ties. Only known towns are visited, which is what makes this cheap on a sparse network.
    """
    n, s_count = unemployed.shape
    pull = np.empty((n, s_count))
    for v in range(n):
        for s in range(s_count):
            pull[v, s] = (vacancies[v, s] + attraction[v]) / (1.0 + crowding * unemployed[v, s])
    goals = np.empty((n, s_count), dtype=np.int32)
    best_score = np.empty(s_count)
    for u in range(n):
        for s in range(s_count):
            goals[u, s] = u
            best_score[s] = -1.0 if blocked[u] else pull[u, s]
        for k in range(near_start[u], near_start[u + 1]):
            v = near[k]
            if blocked[v]:
                continue
            discount = 1.0 + dist[u, v] / scale_days
            for s in range(s_count):
                score = pull[v, s] / discount
                if score > best_score[s]:
                    best_score[s] = score
                    goals[u, s] = v
    return goals


@njit(cache=True)
def _travel(w, town, dest, wait, status, next_hop, hop_days, budget):
    """Spend up to `budget` days moving worker w along shortest-path hops toward dest[w]."""
    while True:
        if wait[w] > 0:
            used = min(wait[w], budget)
            wait[w] -= used
            budget -= used
            if wait[w] > 0:
                return
        here = town[w]
        if here == dest[w]:
            status[w] = UNEMPLOYED
            return
        nxt = next_hop[here, dest[w]]
        if nxt < 0:  # cut off by the front: stop and look for work here
            status[w] = UNEMPLOYED
            dest[w] = here
            return
        if budget <= 0:
            return
        town[w] = nxt
        wait[w] = hop_days[here, nxt]


@njit(cache=True)
def _move_range(lo, hi, status, town, dest, wait, skill, key, goals, refuge, next_hop, hop_days, blocked, tick_days,
                p_leave, p_seek):
    """Workers lo..hi-1, in id order. An unemployed worker takes u = uniform(key, w): it leaves
    (u < p_leave), flees an occupied town to refuge[town], or sets out for goals[town, skill]
    (u < p_leave + p_seek); a traveller walks on (tick_days of travel)."""
    for w in range(lo, hi):
        st = status[w]
        if st == UNEMPLOYED:
            r = uniform(key, w)
            here = town[w]
            if r < p_leave:
                status[w] = LEFT
                continue
            if blocked[here]:
                target = refuge[here]
            elif r < p_leave + p_seek:
                target = goals[here, skill[w]]
            else:
                continue
            if target < 0 or target == here:
                continue
            dest[w] = target
            status[w] = ARRIVING
            _travel(w, town, dest, wait, status, next_hop, hop_days, tick_days)
        elif st == ARRIVING:
            _travel(w, town, dest, wait, status, next_hop, hop_days, tick_days)


@njit(cache=True)
def move_workers(status, town, dest, wait, skill, key, goals, refuge, next_hop, hop_days, blocked, tick_days,
                 p_leave, p_seek):
    """One tick of worker movement, workers in id order; key: uint64 drawn for this tick.

    Serial on purpose. A prange version over chunks of workers gave bit-identical results but no gain on the
    2-CPU CI machine: 4M workers, 17.3 ms serial against 16.7 ms parallel (static or dynamic chunks), measured
    2026-11-27; the loop is bound by branches on the draws, not by memory, and the two CPUs share a core."""
    _move_range(0, status.shape[0], status, town, dest, wait, skill, key, goals, refuge, next_hop, hop_days, blocked,
                tick_days, p_leave, p_seek)
