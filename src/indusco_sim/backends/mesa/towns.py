"""Town-level decisions of the reference backend in plain Python: where job-seekers head, where a
cooperative can be founded and which are, and the far part of an overloaded region.

Same rules, visiting order and tie-breaks as kernels/movement.py, kernels/lifecycle.py and
kernels/administration.py; arguments are numpy arrays from the model, results go back as numpy arrays.
"""

from __future__ import annotations

import math

import numpy as np


def choose_goals(unemployed, vacancies, attraction, dist, blocked, crowding: float, scale_days: float,
                 radius_days: float) -> np.ndarray:
    """Best town to look for work from each town, for each skill: int32[T, S].

    Pull of town v for skill s = (vacancies + attraction) / (1 + crowding * unemployed), discounted by
    1 / (1 + days / scale_days); only towns within radius_days count. Ties keep the lower town id; the current
    town (undiscounted) wins ties."""
    U, V, A = unemployed.tolist(), vacancies.tolist(), attraction.tolist()
    D, B = dist.tolist(), blocked.tolist()
    n, n_skills = unemployed.shape
    pull = [[(V[v][s] + A[v]) / (1.0 + crowding * U[v][s]) for s in range(n_skills)] for v in range(n)]
    goals = [[0] * n_skills for _ in range(n)]
    for u in range(n):
        row = D[u]
        for s in range(n_skills):
            best, best_score = u, (-1.0 if B[u] else pull[u][s])
            for v in range(n):
                if v == u or B[v] or row[v] > radius_days:
                    continue
                score = pull[v][s] / (1.0 + row[v] / scale_days)
                if score > best_score:
                    best_score, best = score, v
            goals[u][s] = best
    return np.array(goals, dtype=np.int32).reshape(n, n_skills)


def founding_candidates(unemployed: list[list[int]], town_region, region_alive, town_depot, depots, recipe,
                        blocked, min_agents: int):
    """(town, skill) pairs with at least `min_agents` unemployed of the skill, an active region, no
    occupation and a serving depot holding every input. (towns, skills, sizes) int64 arrays, (town, skill)
    order."""
    regions, alive, serving, B = town_region.tolist(), region_alive.tolist(), town_depot.tolist(), blocked.tolist()
    towns, skills, sizes = [], [], []
    for t, waiting in enumerate(unemployed):
        r, d = regions[t], serving[t]
        if B[t] or r < 0 or not alive[r] or d < 0:
            continue
        stock = depots[d].stock
        for s, size in enumerate(waiting):
            if size < min_agents:
                continue
            if all(need <= 0 or stock[res] > 0 for res, need in enumerate(recipe[s])):
                towns.append(t)
                skills.append(s)
                sizes.append(size)
    return tuple(np.array(x, dtype=np.int64) for x in (towns, skills, sizes))


def choose_foundings(towns, skills, sizes, u, town_region, town_weight, slots, fund_available: float,
                     founder_cap: list[int], loan_per_agent: float):
    """Found candidates best first (score = waiting * town weight * (0.5 + u), stable order) while the region
    has an organiser slot and the fund covers the loan (CN$ nominal). Takes the slots from `slots` (in place).
    Returns (chosen indices, founders, loans, fund used)."""
    towns, skills, sizes, u = towns.tolist(), skills.tolist(), sizes.tolist(), u.tolist()
    regions, weight = town_region.tolist(), town_weight.tolist()
    score = [-(sizes[k] * weight[towns[k]] * (0.5 + u[k])) for k in range(len(towns))]
    chosen, founders, loans = [], [], []
    used = 0.0
    for k in sorted(range(len(towns)), key=score.__getitem__):
        r = regions[towns[k]]
        size = min(sizes[k], founder_cap[skills[k]])
        loan = size * loan_per_agent
        if slots[r] >= 1.0 and used + loan <= fund_available:
            slots[r] -= 1.0
            used += loan
            chosen.append(k)
            founders.append(size)
            loans.append(loan)
    return (np.array(chosen, dtype=np.int64), np.array(founders, dtype=np.int64),
            np.array(loans, dtype=np.float64), used)


def far_part(r: int, town_region, hq, per_town, dist, is_depot_town):
    """The part of region r cut off from its HQ by the front, or else the part nearer its farthest town with
    cooperatives than its HQ, and the HQ it would have
    (the town with the most cooperatives, depot towns first). Returns (mask bool[T], hq or -1,
    cooperatives in the part)."""
    regions, counts, depot = town_region.tolist(), per_town.tolist(), is_depot_town.tolist()
    n = len(regions)
    h = int(hq[r])
    D = dist.tolist()
    cut_off = [t for t in range(n) if regions[t] == r and counts[t] > 0 and D[h][t] == math.inf]
    if cut_off:  # the front has cut the HQ off from these: the part is what the largest of them reaches
        pole = max(cut_off, key=lambda t: (counts[t], -t))
        mask = np.array([regions[t] == r and D[h][t] == math.inf and D[pole][t] != math.inf for t in range(n)])
        return mask, _part_hq(mask, counts, depot), sum(c for c, m in zip(counts, mask, strict=True) if m)
    pole, far = -1, -1.0
    for t in range(n):
        if regions[t] == r and counts[t] > 0 and t != h and D[h][t] != math.inf and D[h][t] > far:
            far, pole = D[h][t], t
    mask = np.zeros(n, dtype=np.bool_)
    if pole < 0:
        return mask, -1, 0
    coops = 0
    for t in range(n):
        if regions[t] == r and D[pole][t] < D[h][t]:
            mask[t] = True
            coops += counts[t]
    return mask, _part_hq(mask, counts, depot), coops


def _part_hq(mask, counts: list[int], depot: list[bool]) -> int:
    """A far part's HQ: its depot town with the most cooperatives, else its town with the most (lowest id)."""
    best = -1
    for t in range(len(counts)):
        if mask[t] and (best < 0 or (depot[t], counts[t]) > (depot[best], counts[best])):
            best = t
    return best


def coops_by_town_industry(coops, n_towns: int, n_skills: int) -> tuple[np.ndarray, np.ndarray]:
    """Live cooperatives and their member agents per town and industry: two int64 [towns, industries]."""
    count, members = [[0] * n_skills for _ in range(n_towns)], [[0] * n_skills for _ in range(n_towns)]
    for c in coops:
        count[c.town_id][c.industry_id] += 1
        members[c.town_id][c.industry_id] += c.n_members
    return np.array(count, dtype=np.int64), np.array(members, dtype=np.int64)


def workers_by_town_status(workers, n_towns: int) -> np.ndarray:
    """Worker agents per town and status: int64 [towns, 4]. Workers who left are no longer agents, so the
    last column (left) is 0 here; the numba backend counts them where they left."""
    out = [[0, 0, 0, 0] for _ in range(n_towns)]
    for w in workers:
        if w.town >= 0:
            out[w.town][w.status] += 1
    return np.array(out, dtype=np.int64)


def depot_stock_by_town(depots, n_towns: int, n_res: int) -> np.ndarray:
    """Depot stocks summed per town: resource units [towns, resources], equipment units in a last column."""
    out = np.zeros((n_towns, n_res + 1))
    for d in depots:
        out[d.town_id, :n_res] += d.stock
        out[d.town_id, n_res] += d.equipment
    return out
