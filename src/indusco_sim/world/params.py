"""The scenario turned into the arrays the kernels read: recipes, prices, per-tick rates and the calendar."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from indusco_sim.scenario.schema import Scenario
from indusco_sim.world.calendar import Calendar, price_levels


@dataclass
class Params:
    """Static numbers of a run, in kernel units. Rates are per month; multiply by `months[tick]`."""

    industries: list[str]
    resources: list[str]
    recipe: np.ndarray               # float64[I, R]: resource units per unit of output
    output_per_member: np.ndarray    # float64[I]: units / person / month
    equipment_per_member: np.ndarray  # float64[I]: equipment units / person
    price: np.ndarray                # float64[I]: 1937 CN$ / unit
    army: np.ndarray                 # bool[I]: served first under the priority rule
    target_agents: np.ndarray        # int64[I]: agents a cooperative grows to
    founder_cap: np.ndarray          # int64[I]: agents a new cooperative registers with, at most
    material_price: np.ndarray       # float64[R]: 1937 CN$ / unit
    resupply: np.ndarray             # float64[R]: units / depot / month
    skill_cdf: np.ndarray            # float64[I]: cumulative skill shares of arrivals
    min_agents: int                  # agents needed to found a cooperative
    calendar: Calendar
    P: np.ndarray                    # float64[ticks]: price level at the end of each tick (1937 = 1)
    days: np.ndarray                 # int64[ticks]
    months: np.ndarray               # float64[ticks]
    months_per_tick: float           # mean tick length in months (co-op ages in months)

    @property
    def n_ticks(self) -> int:
        return self.calendar.n_ticks


def per_tick_chance(p_month: float, months: float) -> float:
    """Chance per tick from a chance per month (constant hazard)."""
    return 1.0 - (1.0 - p_month) ** months


def compile_params(s: Scenario) -> Params:
    industries = list(s.industries)
    resources = list(s.resources)
    ppa = s.population.persons_per_agent
    recipe = np.zeros((len(industries), len(resources)))
    for i, ind in enumerate(s.industries.values()):
        for res, q in ind.inputs.items():
            recipe[i, resources.index(res)] = q
    shares = np.array([s.population.skill_shares.get(name, 0.0) for name in industries])
    cal = Calendar.build(s.time.start, s.time.end, s.time.tick)
    points = [(e.date, e.index) for e in s.events if e.type == "price_index" and e.enabled]
    days = np.array([cal.days_in(k) for k in range(cal.n_ticks)], dtype=np.int64)
    months = np.array([cal.months_in(k) for k in range(cal.n_ticks)])
    return Params(
        industries=industries,
        resources=resources,
        recipe=recipe,
        output_per_member=np.array([i.output_per_member for i in s.industries.values()]) * s.cooperatives.productivity,
        equipment_per_member=np.array([i.equipment_per_member for i in s.industries.values()]),
        price=np.array([i.price for i in s.industries.values()]),
        army=np.array([i.army_supply for i in s.industries.values()]),
        target_agents=np.array([max(1, math.ceil(i.target_members / ppa)) for i in s.industries.values()],
                               dtype=np.int64),
        founder_cap=np.array([max(1, math.ceil(min(s.cooperatives.founding_members, i.target_members) / ppa))
                              for i in s.industries.values()], dtype=np.int64),
        material_price=np.array([r.price for r in s.resources.values()]),
        resupply=np.array([s.depots.resupply_per_month.get(r, 0.0) for r in resources]),
        skill_cdf=np.cumsum(shares / shares.sum()),
        min_agents=max(1, math.ceil(s.cooperatives.min_members / ppa)),
        calendar=cal,
        P=price_levels(cal, points, s.finance.inflation_scale),
        days=days,
        months=months,
        months_per_tick=float(months.mean()),
    )
