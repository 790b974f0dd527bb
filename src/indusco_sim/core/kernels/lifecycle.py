"""Cooperative lifecycle: failure, flight from falling towns, and founding where workers, materials,
credit and organisers meet. Growth happens through vacancies (labour.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from indusco_sim.core.kernels.loops import stable_argsort, total
from indusco_sim.core.state import MEMBER, UNEMPLOYED

FATE_FAILED, FATE_INSOLVENT, FATE_LOST = 1, 2, 3


@njit(cache=True)
def fail_or_flee(coops, u_fail, u_flee, front, p_fail, flee_success, limit_per_member, min_agents, tick):
    """Close or move cooperatives; visit live ones in id order, one pair of uniforms each.

    coops: (alive, town, region, members, capital, died, fate) arrays [co-ops]; front: (blocked [towns],
    refuge [towns], town_region [towns]).

    In an occupied town: u_flee < flee_success -> moves to refuge[town] (a mobile unit), else lost.
    Elsewhere: closes when capital < -limit_per_member * members (CN$) or members < min_agents (insolvent),
    or when u_fail < p_fail (dissolved). Returns the ids of the cooperatives closed or moved (int64, in id
    order), whose members release_members then visits.
    """
    alive, town, region, members, capital, died, fate = coops
    blocked, refuge, town_region = front
    ids = np.empty(alive.shape[0], dtype=np.int64)
    k = 0
    changed = 0
    for c in range(alive.shape[0]):
        if not alive[c]:
            continue
        a, b = u_fail[k], u_flee[k]
        k += 1
        t = town[c]
        if blocked[t]:
            ids[changed] = c
            changed += 1
            if b < flee_success and refuge[t] >= 0:
                town[c] = refuge[t]
                if town_region[refuge[t]] >= 0:
                    region[c] = town_region[refuge[t]]
            else:
                alive[c] = False
                died[c] = tick
                fate[c] = FATE_LOST
        elif capital[c] < -(limit_per_member * members[c]) or members[c] < min_agents:
            alive[c] = False
            died[c] = tick
            fate[c] = FATE_INSOLVENT
            ids[changed] = c
            changed += 1
        elif a < p_fail:
            alive[c] = False
            died[c] = tick
            fate[c] = FATE_FAILED
            ids[changed] = c
            changed += 1
    return ids[:changed]


@njit(cache=True)
def release_members(w_status, w_town, w_skill, w_employer, c_changed, c_alive, c_town, c_members, tally):
    """Members of the closed cooperatives among c_changed (ids, as fail_or_flee returns them) become unemployed
    where they are; members of the moved ones follow their cooperative to its new town. Returns the members
    released.

    Visits only the members of those cooperatives, through the tally's member lists (core.bundles.Tally:
    unemployed [towns, skills], travelling [towns], member_ids [co-ops, width]), and keeps its unemployed up to
    date. Decision (issue 14): the kernel before visited every member, through one list of them all: 3.3 ms of
    the 4M rung's 14.9 ms tick for the 1.4 million members of its 100k co-ops, in ticks that close or move a
    few hundred co-ops (benchmarks/profile_phases.py, 2026-12-04). The one before that visited every worker."""
    unemployed, member_ids = tally[0], tally[2]
    released = 0
    for c in c_changed:
        if c_alive[c]:
            t = c_town[c]
            for j in range(c_members[c]):
                w_town[member_ids[c, j]] = t
        else:
            for j in range(c_members[c]):
                w = member_ids[c, j]
                w_status[w] = UNEMPLOYED
                w_employer[w] = -1
                unemployed[w_town[w], w_skill[w]] += 1
            released += c_members[c]
    return released


@njit(cache=True)
def founding_candidates(unemployed, town_region, region_alive, town_depot, d_stock, recipe, blocked,
                        min_agents):
    """(town, skill) pairs where a cooperative could be founded: enough unemployed of that skill, an
    active region, no occupation, and a serving depot that holds every input of the industry.
    Returns (towns int64[K], skills int64[K], sizes int64[K]) in (town, skill) order."""
    n_towns, n_skills = unemployed.shape
    towns = np.empty(n_towns * n_skills, dtype=np.int64)
    skills = np.empty(n_towns * n_skills, dtype=np.int64)
    sizes = np.empty(n_towns * n_skills, dtype=np.int64)
    k = 0
    for t in range(n_towns):
        r = town_region[t]
        d = town_depot[t]
        if blocked[t] or r < 0 or not region_alive[r] or d < 0:
            continue
        for s in range(n_skills):
            if unemployed[t, s] < min_agents:
                continue
            ok = True
            for res in range(recipe.shape[1]):
                if recipe[s, res] > 0 and d_stock[d, res] <= 0:
                    ok = False
            if ok:
                towns[k] = t
                skills[k] = s
                sizes[k] = unemployed[t, s]
                k += 1
    return towns[:k], skills[:k], sizes[:k]


@njit(cache=True)
def choose_foundings(towns, skills, sizes, u, town_region, town_weight, slots, fund_available, founder_cap,
                     loan_per_agent):
    """Pick which candidates are founded this tick, best first.

    Score = waiting workers * town_weight[town] * (0.5 + u), where town_weight favours towns near the
    region's HQ (organisers travel to found a co-op); in score order a candidate is founded when its region has an
    organiser slot (>= 1) and the fund covers its loan (CN$ nominal per agent * founders); founders are the
    waiting workers, at most founder_cap[skill].
    Updates `slots`; returns (chosen candidate indices int64[], founders int64[], loans float64[], fund used).
    """
    n = towns.shape[0]
    score = np.empty(n)
    for k in range(n):
        score[k] = -(sizes[k] * town_weight[towns[k]] * (0.5 + u[k]))
    order = stable_argsort(score)
    chosen = np.empty(n, dtype=np.int64)
    founders = np.empty(n, dtype=np.int64)
    loans = np.empty(n)
    m = 0
    used = 0.0
    for j in range(n):
        k = order[j]
        r = town_region[towns[k]]
        size = min(sizes[k], founder_cap[skills[k]])
        loan = size * loan_per_agent
        if slots[r] >= 1.0 and used + loan <= fund_available:
            slots[r] -= 1.0
            used += loan
            chosen[m] = k
            founders[m] = size
            loans[m] = loan
            m += 1
    return chosen[:m], founders[:m], loans[:m], used


@njit(cache=True)
def open_coops(first, new, tick, coops):
    """Rows first, first + 1, ... become live cooperatives: founders (agents, all of their own skill), and
    capital = debt = loan (CN$ nominal) lent at founding `tick`.

    new: (towns, industries, regions, founders, loans) [new co-ops]; coops: the table's (town, industry,
    region, members, founders, matched, capital, debt, loan, founded, alive) arrays."""
    towns, industries, regions, founders, loans = new
    (c_town, c_industry, c_region, c_members, c_founders, c_matched, c_capital, c_debt, c_loan, c_founded,
     c_alive) = coops
    for k in range(towns.shape[0]):
        c = first + k
        c_town[c], c_industry[c], c_region[c] = towns[k], industries[k], regions[k]
        c_members[c] = c_founders[c] = c_matched[c] = founders[k]
        c_capital[c] = c_debt[c] = c_loan[c] = loans[k]
        c_founded[c] = tick
        c_alive[c] = True


@njit(cache=True)
def enrol_founders(w_status, w_town, w_skill, w_employer, first, towns, skills, founders, n_towns, n_skills, tally):
    """Founders join their new cooperative (row first + k for candidate k): the longest-registered
    unemployed (lowest id) of its skill in its town. At most one new cooperative per town and skill.
    Keeps the tally (core.bundles.Tally) up to date: its member_ids need a row for every new cooperative."""
    unemployed, member_ids = tally[0], tally[2]
    new_coop = np.full(n_towns * n_skills, -1, dtype=np.int64)
    left = np.zeros(n_towns * n_skills, dtype=np.int64)
    for k in range(towns.shape[0]):
        key = towns[k] * n_skills + skills[k]
        new_coop[key] = first + k
        left[key] = founders[k]
        if founders[k] > member_ids.shape[1]:
            raise ValueError("a cooperative has more founders than its member list has room for")
    remaining = total(left)
    for w in range(w_status.shape[0]):
        if remaining == 0:
            break
        if w_status[w] != UNEMPLOYED:
            continue
        key = w_town[w] * n_skills + w_skill[w]
        if new_coop[key] < 0 or left[key] == 0:
            continue
        c = new_coop[key]
        w_status[w] = MEMBER
        w_employer[w] = c
        unemployed[w_town[w], w_skill[w]] -= 1
        member_ids[c, founders[c - first] - left[key]] = w
        left[key] -= 1
        remaining -= 1
