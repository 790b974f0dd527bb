"""Data collection: per-region aggregates of cooperatives and workers for one tick."""

from __future__ import annotations

import numpy as np
from numba import njit

from indusco_sim.core.kernels.counts import count_at_most
from indusco_sim.core.state import (
    ARRIVING,
    CAPITAL,
    COOPS,
    LOANS,
    MEMBERS,
    N_BASE,
    OUT_NOMINAL,
    OUT_REAL,
    UNEMP,
    UNEMPLOYED,
)


@njit(cache=True)
def collect_regions(coops, workers, town_region, n_regions, n_industries, persons_per_agent, P, per_month):
    """(float64[Rg, 7 + I], int64[T, I], int64[2, T]), given coops = (alive, region, town, industry, members,
    sales, capital, debt) arrays [co-ops] and workers = (status, town, skill) arrays [workers].

    The first: cooperatives, members (persons), unemployed
    (persons waiting or travelling in the region's towns), output nominal and real (CN$ per month, real = 1937
    CN$), capital and loans outstanding (CN$ nominal), then cooperatives by industry, summed in id order.
    The second: unemployed worker agents (waiting, not travelling) by town and skill, which the next tick's
    movement phase reads instead of counting again. The third: live cooperatives and their member agents by
    town."""
    alive, region, town, industry, members, sales, capital, debt = coops
    w_status, w_town, w_skill = workers
    out = np.zeros((n_regions, N_BASE + n_industries))
    waiting = np.zeros((town_region.shape[0], n_industries), dtype=np.int64)
    by_town = np.zeros((2, town_region.shape[0]), dtype=np.int64)
    for c in range(alive.shape[0]):
        if not alive[c]:
            continue
        by_town[0, town[c]] += 1
        by_town[1, town[c]] += members[c]
        r = region[c]
        if r < 0:
            continue
        out[r, COOPS] += 1
        out[r, MEMBERS] += members[c] * persons_per_agent
        out[r, OUT_NOMINAL] += sales[c] * per_month
        out[r, CAPITAL] += capital[c]
        out[r, LOANS] += debt[c]
        out[r, N_BASE + industry[c]] += 1
    for r in range(n_regions):
        out[r, OUT_REAL] = out[r, OUT_NOMINAL] / P
    left = count_at_most(w_status, UNEMPLOYED)  # job-seekers: arriving or unemployed
    for w in range(w_status.shape[0]):
        if left == 0:
            break
        s = w_status[w]
        if s in (UNEMPLOYED, ARRIVING):
            left -= 1
            t = w_town[w]
            if s == UNEMPLOYED:
                waiting[t, w_skill[w]] += 1
            r = town_region[t]
            if r >= 0:
                out[r, UNEMP] += persons_per_agent
    return out, waiting, by_town
