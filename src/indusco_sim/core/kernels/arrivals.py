"""Arrivals: the refugee job-seekers a tick brings, with the town each enters at, its skill and the town it sets out
for. The model draws the numbers (model._phase_arrivals); this kernel turns them into rows for the worker table.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def place_arrivals(stream_towns, counts, u, skill_cdf, occupied, refuge, goals):
    """(towns int32[N], skills int8[N], dests int32[N]) of the N = sum(counts) arrivals: counts[k] enter at
    stream_towns[k], or at its refuge[town] if that town is occupied; arrival i's skill is the number of entries
    of skill_cdf (ascending) at or below u[i], at most the last skill (np.searchsorted(skill_cdf, u, "right")),
    and it sets out for goals[town, skill].

    Decision (issue 14): the same numbers as the numpy version (np.repeat, np.searchsorted, np.where and fancy
    indexing), which took 2.2 ms a tick of the run with every displaced person an agent (61 thousand arrivals a
    tick on average; 2026-12-04); this loop takes one pass."""
    n = u.shape[0]
    last = goals.shape[1] - 1
    towns = np.empty(n, np.int32)
    skills = np.empty(n, np.int8)
    dests = np.empty(n, np.int32)
    i = 0
    for k in range(stream_towns.shape[0]):
        town = refuge[stream_towns[k]] if occupied[stream_towns[k]] else stream_towns[k]
        for _ in range(counts[k]):
            skill = 0
            for j in range(skill_cdf.shape[0]):
                skill += skill_cdf[j] <= u[i]
            skill = min(skill, last)
            towns[i] = town
            skills[i] = skill
            dests[i] = goals[town, skill]
            i += 1
    return towns, skills, dests
