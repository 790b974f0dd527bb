"""Regional administration: supervision load, organiser slots, and the split of an overloaded region.

Load of a region (organiser-months per month) = sum over its cooperatives of
supervision_cost + travel_cost * (travel days between the cooperative's town and the HQ).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def supervision_load(alive, region, town, hq, dist, n_regions, supervision_cost, travel_cost):
    """(load float64[Rg], cooperatives int64[Rg], cooperatives per town int64[T])."""
    load = np.zeros(n_regions)
    count = np.zeros(n_regions, dtype=np.int64)
    per_town = np.zeros(dist.shape[0], dtype=np.int64)
    for c in range(alive.shape[0]):
        if not alive[c]:
            continue
        r = region[c]
        per_town[town[c]] += 1
        if r < 0:
            continue
        days = dist[town[c], hq[r]]
        if days == np.inf:  # cut off from its HQ: supervision at the cost of the longest reachable trip
            days = 0.0
            for t in range(dist.shape[0]):
                if dist[hq[r], t] != np.inf and dist[hq[r], t] > days:
                    days = dist[hq[r], t]
        load[r] += supervision_cost + travel_cost * days
        count[r] += 1
    return load, count, per_town


@njit(cache=True)
def far_part(r, town_region, hq, per_town, dist, is_depot_town):
    """The part of region r that lies farthest from its HQ, and the HQ it would have.

    If the front has cut the HQ off from some of the region's towns with cooperatives, the part is those cut-off
    towns that the one with the most cooperatives can reach. Otherwise the far pole is the town of the region
    with cooperatives that is farthest (travel days) from the HQ, and the part is every town of the region
    nearer the pole than the HQ. Its HQ is the part's town with the most cooperatives, depot towns first (ties:
    lowest town id).
    Returns (mask bool[T], new hq town or -1, cooperatives in the part).
    """
    n = town_region.shape[0]
    h = hq[r]
    mask = np.zeros(n, dtype=np.bool_)
    cut = -1  # the front has cut the HQ off from towns with co-ops: the one with the most is the pole
    for t in range(n):
        if town_region[t] == r and per_town[t] > 0 and dist[h, t] == np.inf and (cut < 0 or per_town[t] >
                                                                                 per_town[cut]):
            cut = t
    if cut >= 0:  # the part: the cut-off towns the pole can reach
        coops = 0
        for t in range(n):
            if town_region[t] == r and dist[h, t] == np.inf and dist[cut, t] != np.inf:
                mask[t] = True
                coops += per_town[t]
        return mask, _part_hq(mask, per_town, is_depot_town), coops
    pole = -1
    far = -1.0
    for t in range(n):
        if town_region[t] == r and per_town[t] > 0 and t != h and dist[h, t] != np.inf and dist[h, t] > far:
            far = dist[h, t]
            pole = t
    if pole < 0:
        return mask, -1, 0
    coops = 0
    for t in range(n):
        if town_region[t] == r and dist[pole, t] < dist[h, t]:
            mask[t] = True
            coops += per_town[t]
    return mask, _part_hq(mask, per_town, is_depot_town), coops


@njit(cache=True)
def _part_hq(mask, per_town, is_depot_town):
    """The HQ of a far part: its depot town with the most co-ops, else its town with the most (ties: lowest id)."""
    best = -1
    for t in range(mask.shape[0]):
        if not mask[t]:
            continue
        if best < 0 or (is_depot_town[t] and not is_depot_town[best]) or (
                is_depot_town[t] == is_depot_town[best] and per_town[t] > per_town[best]):
            best = t
    return best


@njit(cache=True)
def update_organisers(alive, staff, load, slots, over, ceiling, growth_per_month, growth_share, founding_cost,
                      split_threshold, months):
    """One tick of every live region's organisers, in place: staff (organisers) grow by growth_per_month +
    growth_share * staff a month up to `ceiling`; organiser time left after the supervision `load` (organiser-
    months per month) becomes founding slots, at most a month of them (and at least one) banked; `over`
    counts the months the load per organiser has stayed above split_threshold."""
    for r in range(alive.shape[0]):
        if alive[r]:
            staff[r] = min(ceiling, staff[r] + (growth_per_month + growth_share * staff[r]) * months)
        rate = max(0.0, staff[r] - load[r]) * alive[r] / founding_cost  # foundings per month
        slots[r] = min(slots[r] + rate * months, max(1.0, rate))
        ratio = load[r] / staff[r] if staff[r] > 0 else np.inf
        over[r] = over[r] + months if alive[r] and ratio > split_threshold else 0.0
