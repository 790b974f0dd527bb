"""The labour exchange: unemployed workers fill cooperative vacancies in their town.

Rule (documented in scenarios/README.md): cooperatives are served in id order; each takes the
longest-registered unemployed workers (lowest worker id) in its town, first of its own industry's skill,
then, if allowed, of any skill at lower productivity. No random draws are needed.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from indusco_sim.core.kernels.loops import row_sums, total
from indusco_sim.core.state import MEMBER, UNEMPLOYED


@njit(cache=True)
def plan_vacancies(alive, members, founders, founded, tick, months_per_tick, growth_per_month, target_agents,
                   industry, capital, P, wage_reserve):
    """Vacancies per cooperative: up to its industry's target size, no faster than `growth_per_month` new
    members a month since its founding, and only if its capital covers `wage_reserve` (CN$ 1937 per agent) for
    every member after hiring. int64[C]."""
    n = alive.shape[0]
    out = np.zeros(n, dtype=np.int64)
    for c in range(n):
        if not alive[c]:
            continue
        grown = founders[c] + int(growth_per_month * (tick - founded[c]) * months_per_tick)
        gap = min(target_agents[industry[c]], grown) - members[c]
        if gap <= 0:
            continue
        afford = int(capital[c] / (wage_reserve * P)) - members[c] if wage_reserve > 0 else gap
        out[c] = max(0, min(gap, afford))
    return out


@njit(cache=True)
def vacancies_by_town(vacancies, town, industry, n_towns, n_skills):
    """Open vacancies summed by town and industry: int64[T, S]."""
    out = np.zeros((n_towns, n_skills), dtype=np.int64)
    for c in range(vacancies.shape[0]):
        if vacancies[c] > 0:
            out[town[c], industry[c]] += vacancies[c]
    return out


@njit(cache=True)
def _coop_buckets(vacancies, keys, n_keys):
    """CSR lists of cooperatives with vacancies, grouped by key, in id order."""
    counts = np.zeros(n_keys + 1, dtype=np.int64)
    for c in range(vacancies.shape[0]):
        if vacancies[c] > 0:
            counts[keys[c] + 1] += 1
    for k in range(n_keys):
        counts[k + 1] += counts[k]
    items = np.empty(counts[n_keys], dtype=np.int64)
    fill = counts[:-1].copy()
    for c in range(vacancies.shape[0]):
        if vacancies[c] > 0:
            items[fill[keys[c]]] = c
            fill[keys[c]] += 1
    return counts, items


@njit(cache=True)
def _fillable(open_left, keys, n_keys, seekers):
    """Hires a pass will make: the sum over keys of min(vacancies open in the key's cooperatives, seekers[key])."""
    open_by_key = np.zeros(n_keys, dtype=np.int64)
    for c in range(open_left.shape[0]):
        if open_left[c] > 0:
            open_by_key[keys[c]] += open_left[c]
    n = 0
    for k in range(n_keys):
        n += min(open_by_key[k], seekers[k])
    return n


@njit(cache=True)
def match_labour(w_status, w_town, w_skill, w_employer, c_town, c_industry, c_members, c_matched, vacancies,
                 n_towns, n_skills, allow_unskilled, tally):
    """Fill vacancies from the unemployed. Updates workers and cooperatives in place; returns hires.

    tally: (unemployed [towns, skills], travelling [towns], member_ids [co-ops, width]), core.bundles.Tally, kept
    up to date: a hire leaves the unemployed and joins its co-op's member list (row c of member_ids, which must
    have room for every vacancy of co-op c). The tally also stops each pass at its last hire: a pass over key k
    (town and skill, then town) hires exactly min(open vacancies of k, unemployed of k), because every
    unemployed worker of k is offered the key's vacancies until they run out; once the pass has made the sum of
    those, no later worker can be hired. Before, a pass stopped only when every vacancy was filled or every
    unemployed worker seen, which with millions of job-seekers and a vacancy none of them can fill was a scan of
    every worker (issue 14)."""
    unemployed, member_ids = tally[0], tally[2]
    open_left = vacancies.copy()
    if total(open_left) == 0:
        return 0
    hires = 0
    for skilled_pass in (True, False):
        if not skilled_pass and not allow_unskilled:
            break
        if skilled_pass:
            keys = c_town.astype(np.int64) * n_skills + c_industry
            n_keys = n_towns * n_skills
            can = _fillable(open_left, keys, n_keys, unemployed.reshape(n_keys))
        else:
            keys = c_town.astype(np.int64)
            n_keys = n_towns
            can = _fillable(open_left, keys, n_keys, row_sums(unemployed))
        if can == 0:  # no vacancy has a job-seeker of its key: the pass would hire nobody (0.3 ms at 4M to see it)
            continue
        start, items = _coop_buckets(open_left, keys, n_keys)
        head = start[:-1].copy()  # first cooperative in each bucket that may still have a vacancy
        for w in range(w_status.shape[0]):
            if can == 0:
                break
            if w_status[w] != UNEMPLOYED:
                continue
            key = w_town[w] * n_skills + w_skill[w] if skilled_pass else w_town[w]
            while head[key] < start[key + 1] and open_left[items[head[key]]] == 0:
                head[key] += 1
            if head[key] == start[key + 1]:
                continue
            c = items[head[key]]
            if c_members[c] >= member_ids.shape[1]:
                raise ValueError("a cooperative's vacancies exceed the room in its member list")
            w_status[w] = MEMBER
            w_employer[w] = c
            unemployed[w_town[w], w_skill[w]] -= 1
            member_ids[c, c_members[c]] = w
            c_members[c] += 1
            if w_skill[w] == c_industry[c]:
                c_matched[c] += 1
            open_left[c] -= 1
            can -= 1
            hires += 1
    return hires
