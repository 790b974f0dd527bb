"""The scenario compiled once into the frozen numbers the engines read: recipes, prices, rates, the rules'
codes and the calendar. Engines and kernels see only `Params`, never the pydantic Scenario; each rule of the
scenario is translated here, in one place."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from indusco_sim.core.state import RULE_CODES
from indusco_sim.scenario.schema import Scenario
from indusco_sim.world.calendar import Calendar, price_levels


@dataclass(frozen=True)
class AdminParams:
    """The regional administration's rules (regions.Regions reads them; no kernel does)."""

    initial_staff: float             # organisers a new regional HQ starts with
    max_staff: float                 # organisers one HQ may have at most (politics may lower it in a run)
    staff_growth_per_month: float    # organisers / region / month hired while below the ceiling
    staff_growth_share: float        # -: organisers trained per month per organiser
    founding_cost: float             # organiser-months one founding takes
    founding_reach_days: float       # days: travel from the HQ at which founding readiness halves
    split_threshold: float           # -: supervision load per organiser above which a region is overloaded
    split_months: float              # months the overload must last before the region splits
    split_min_cooperatives: int      # co-ops the far part needs to become a region
    split_min_days: float = 0.0      # days: organiser travel from the old HQ to the new one, at least


@dataclass(frozen=True)
class Params:
    """Static numbers of a run, in kernel units. Rates are per month; multiply by `months[tick]`. Money is
    1937 CN$ (multiply by the price level `P[tick]` for nominal CN$). Arrays must not be written to."""

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
    persons_per_agent: int           # persons one worker agent stands for
    search_radius_days: float        # days: the towns a job-seeker knows of
    crowding: float                  # vacancies per unemployed: idle workers of a skill make a town less attractive
    distance_scale_days: float       # days: travel time at which a town's pull halves
    equipment_resupply: float        # equipment units / depot / month
    max_stock_months: float          # depot storage limit, months of resupply
    equipment_price: float           # 1937 CN$ / equipment unit
    working_capital_months: float    # months of materials a cooperative asks for
    unskilled_productivity: float    # -: output of a member outside its skill, relative to a skilled one
    wage: float                      # 1937 CN$ / person / month
    wage_per_agent: float            # 1937 CN$ / agent / month (wage * persons_per_agent)
    repayment_share: float           # -: share of a positive surplus paid on the loan
    rule: int                        # allocation rule code (core.state.PROPORTIONAL or PRIORITY)
    transport_per_month: float       # resource units a depot can ship per month
    growth_per_agent: float          # new member agents a co-op may take on per month (growth / persons)
    insolvency_per_agent: float      # 1937 CN$ per member agent: capital below minus this closes a co-op
    flee_success: float              # -: chance a co-op in a town being occupied moves to its refuge
    supervision_cost: float          # organiser-months per co-op per month
    travel_cost: float               # organiser-months / co-op / month / day of travel from its HQ
    admin: AdminParams               # the regional administration's rules

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
    pop, co, dep, adm = s.population, s.cooperatives, s.depots, s.administration
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
        persons_per_agent=ppa,
        search_radius_days=pop.search_radius_days,
        crowding=pop.crowding,
        distance_scale_days=pop.distance_scale_days,
        equipment_resupply=dep.equipment_resupply_per_month,
        max_stock_months=dep.max_stock_months,
        equipment_price=dep.equipment_price,
        working_capital_months=co.working_capital_months,
        unskilled_productivity=co.unskilled_productivity,
        wage=co.wage_per_month,
        wage_per_agent=co.wage_per_month * ppa,
        repayment_share=co.repayment_share,
        rule=RULE_CODES[s.allocation.rule],
        transport_per_month=s.allocation.transport_per_month,
        growth_per_agent=co.growth_per_month / ppa,
        insolvency_per_agent=co.insolvency_months * co.wage_per_month * ppa,
        flee_success=co.flee_success,
        supervision_cost=adm.supervision_cost,
        travel_cost=adm.travel_cost,
        admin=AdminParams(
            initial_staff=adm.initial_staff, max_staff=adm.max_staff,
            staff_growth_per_month=adm.staff_growth_per_month, staff_growth_share=adm.staff_growth_share,
            founding_cost=adm.founding_cost, founding_reach_days=adm.founding_reach_days,
            split_threshold=adm.split_threshold, split_months=adm.split_months,
            split_min_cooperatives=adm.split_min_cooperatives, split_min_days=adm.split_min_days),
    )
