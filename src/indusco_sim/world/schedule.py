"""Dated events placed on ticks: occupation, bombing, refugee waves, loan policy, regions.

`build_schedule` runs once at set-up; the model applies `schedule[tick]` in the events phase.
The price index is not here: it becomes the per-tick price level in params.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from indusco_sim.scenario.schema import Scenario
from indusco_sim.world.calendar import Calendar


@dataclass
class TickEvents:
    """What happens in one tick. Expected counts are Poisson means drawn by the model."""

    occupy: list[int] = field(default_factory=list)        # town ids
    liberate: list[int] = field(default_factory=list)
    raids: list[tuple[int, float]] = field(default_factory=list)      # (town, expected raids)
    arrivals: list[tuple[int, float]] = field(default_factory=list)   # (entry town, expected agents)
    policies: list = field(default_factory=list)            # LoanPolicy events
    regions: list[tuple[str, int]] = field(default_factory=list)      # (name, hq town) founded
    hq_moves: list[tuple[str, int]] = field(default_factory=list)     # (region name, new hq town)


def build_schedule(s: Scenario, cal: Calendar, town_index: dict[str, int]) -> list[TickEvents]:
    """One TickEvents per tick; events dated before the start happen in tick 0, after the end never."""
    ticks: dict[int, TickEvents] = defaultdict(TickEvents)
    n = cal.n_ticks
    agents_per_person = s.population.job_seeker_share / s.population.persons_per_agent
    last_day = cal.date_of(n - 1)
    for e in s.events:
        if not e.enabled:
            continue
        if e.type == "occupation":
            if e.date <= last_day:
                ticks[cal.tick_of(e.date)].occupy.append(town_index[e.town])
            if e.until is not None and e.until <= last_day:
                ticks[cal.tick_of(e.until)].liberate.append(town_index[e.town])
        elif e.type == "bombing":
            span = (e.end - e.start).days + 1
            for k in range(cal.tick_of(e.start), min(cal.tick_of(e.end) + 1, n)):
                share = cal.overlap_days(k, e.start, e.end) / span
                if share > 0 and e.raids * s.war.bombing_scale > 0:
                    ticks[k].raids.append((town_index[e.town], e.raids * s.war.bombing_scale * share))
        elif e.type == "refugee_wave":
            span = (e.end - e.start).days + 1
            total = sum(e.entries.values())
            persons = e.persons * s.population.arrivals_scale
            for k in range(cal.tick_of(e.start), min(cal.tick_of(e.end) + 1, n)):
                share = cal.overlap_days(k, e.start, e.end) / span
                if share <= 0:
                    continue
                for town, weight in e.entries.items():
                    expected = persons * share * weight / total * agents_per_person
                    if expected > 0:
                        ticks[k].arrivals.append((town_index[town], expected))
        elif e.type == "loan_policy":
            if e.date <= last_day:
                ticks[cal.tick_of(e.date)].policies.append(e)
        elif e.type == "region_founded":
            if e.date <= last_day:
                ticks[cal.tick_of(e.date)].regions.append((e.region, town_index[e.hq]))
        elif e.type == "hq_moved" and e.date <= last_day:
            ticks[cal.tick_of(e.date)].hq_moves.append((e.region, town_index[e.hq]))
    return [ticks[k] if k in ticks else TickEvents() for k in range(n)]


def workers_expected(s: Scenario, schedule: list[TickEvents], target_agents) -> int:
    """Worker agents a run is expected to hold in all: the job-seekers and co-op members present at the start
    and, with 5% to spare, the scheduled arrivals' expected number (their draws are Poisson). The numba engine
    maps its worker table for this many at once instead of growing it by copies (issue 14: the growths of the
    full-population run cost about 1 ms a tick). At most 2**28 rows: a hint, not a limit."""
    co = s.cooperatives
    seeded = s.population.initial_workers + co.initial * (co.initial_size or int(max(target_agents, default=0)))
    arriving = sum(expected for tick in schedule for _, expected in tick.arrivals)
    return int(min(2**28, seeded + 1.05 * arriving))
