"""Data collection: per-region aggregates of cooperatives and workers for one tick."""

from __future__ import annotations

import numpy as np
from numba import njit

from indusco_sim.core.state import (
    CAPITAL,
    COOPS,
    LOANS,
    MEMBERS,
    N_BASE,
    OUT_NOMINAL,
    OUT_REAL,
    UNEMP,
)


@njit(cache=True)
def collect_regions(coops, tally, town_region, n_regions, n_industries, persons_per_agent, P, per_month):
    """(float64[Rg, 7 + I], int64[T, I], int64[2, T]), given coops = (alive, region, town, industry, members,
    sales, capital, debt) arrays [co-ops] and tally = (unemployed [towns, skills], travelling [towns], ...),
    core.bundles.Tally, the job-seekers by town as the kernels that move them keep them.

    The first: cooperatives, members (persons), unemployed
    (persons waiting or travelling in the region's towns), output nominal and real (CN$ per month, real = 1937
    CN$), capital and loans outstanding (CN$ nominal), then cooperatives by industry, summed in id order.
    The second: unemployed worker agents (waiting, not travelling) by town and skill (a copy of the tally's),
    which the next tick's movement phase reads. The third: live cooperatives and their member agents by town.

    Decision (issue 14): the unemployed column was a scan of every worker (52 ms of a 139 ms tick with every
    displaced person an agent, measured 2026-12-04 with benchmarks/profile_phases.py); it is now read from the
    tally, T * I numbers. Its value is unchanged: a sum of whole numbers of persons, exact in float64 either way.
    """
    alive, region, town, industry, members, sales, capital, debt = coops
    unemployed, travelling = tally[0], tally[1]
    out = np.zeros((n_regions, N_BASE + n_industries))
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
    for t in range(town_region.shape[0]):
        r = town_region[t]
        if r >= 0:
            seekers = travelling[t]
            for s in range(n_industries):
                seekers += unemployed[t, s]
            out[r, UNEMP] += seekers * persons_per_agent
    return out, unemployed.copy(), by_town
