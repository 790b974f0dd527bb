"""Allocation of raw materials and equipment from depots to cooperatives (the compiled core).

Units: resources in their own units (tonnes by default), equipment in units, money in CN$ nominal,
`P` the price level (1 = Jan-Jun 1937), `months` the length of the tick in months.
Cooperatives are visited in id order, so floating-point sums are the same in every backend.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from indusco_sim.core.kernels import labour
from indusco_sim.core.state import PRIORITY, PROPORTIONAL  # noqa: F401 (PROPORTIONAL re-exported for tests)


@njit(cache=True)
def resupply_depots(stock, equipment, is_open, scale, resupply, max_stock, equip_resupply, equip_max):
    """Add one tick of procurement to every open depot, up to its storage limit. resupply: per tick."""
    for d in range(stock.shape[0]):
        if not is_open[d]:
            continue
        for r in range(stock.shape[1]):
            stock[d, r] = min(stock[d, r] + resupply[r] * scale[d], max_stock[r] * scale[d])
        equipment[d] = min(equipment[d] + equip_resupply * scale[d], equip_max * scale[d])


@njit(cache=True)
def labour_units(members, matched, unskilled_productivity, persons_per_agent):
    """Effective persons at work: skilled members count 1, others `unskilled_productivity`."""
    return (matched + unskilled_productivity * (members - matched)) * persons_per_agent


# From this many co-op rows, plan_demand and production.produce share their rows among numba's threads (in
# GROUPS contiguous groups; the thread count is a dynamic global, which a kernel cached on disk cannot read). Each
# co-op's figures depend on its own row only, and the sums over co-ops stay serial and in id order, so the result
# is the serial one. Decision (issue 14, 2026-12-04): rung_4m (100k co-ops) plan_demand 0.95-1.0 ms on one
# thread, 0.53-0.6 ms on two (best and median of 20); below some 30k co-ops starting the threads costs more than
# it saves. The engine holds its PARALLEL lock while it calls them on that many rows.
PARALLEL_COOPS = 1 << 15
GROUPS = 16


@njit(cache=True)
def _plan_rows(first, last, coops, depot_of, industries, economy, P, months, need, eq_need):
    """plan_demand for co-ops first .. last - 1, into need and eq_need (zero in those rows on entry)."""
    alive, _, industry, members, matched, _, _, equipment, capital, _, stock, _, _ = coops
    recipe, output_per_member, equipment_per_member, _, _, _, material_price = industries
    persons_per_agent, unskilled_productivity, stock_months, _, _, _, equipment_price, _, _, _ = economy
    n_res = stock.shape[1]
    for c in range(first, last):
        if not alive[c] or depot_of[c] < 0:
            continue
        i = industry[c]
        labour = labour_units(members[c], matched[c], unskilled_productivity, persons_per_agent)
        capacity = labour * output_per_member[i]
        if equipment_per_member[i] > 0:
            capacity = min(capacity, equipment[c] / equipment_per_member[i] * output_per_member[i])
        horizon = max(months, stock_months)
        cost = 0.0
        for r in range(n_res):
            if recipe[i, r] == 0:  # not an input of this industry (stocks are never negative): no need
                continue
            want = recipe[i, r] * capacity * horizon - stock[c, r]
            if want > 0:
                need[c, r] = want
                cost += want * material_price[r] * P
        eq_want = members[c] * persons_per_agent * equipment_per_member[i] - equipment[c]
        if eq_want > 0:
            eq_need[c] = eq_want
        budget = max(capital[c], 0.0)
        if cost > budget:  # materials first; equipment from what is left
            f = budget / cost
            for r in range(n_res):
                need[c, r] *= f
            eq_need[c] = 0.0
        else:
            left = budget - cost
            eq_cost = eq_need[c] * equipment_price * P
            if eq_cost > left:
                eq_need[c] *= left / eq_cost


@njit(cache=True, parallel=True)
def _plan_in_groups(coops, depot_of, industries, economy, P, months, need, eq_need):
    """_plan_rows over every row, in GROUPS contiguous groups shared among numba's threads."""
    n = need.shape[0]
    for g in prange(GROUPS):
        _plan_rows(n * g // GROUPS, n * (g + 1) // GROUPS, coops, depot_of, industries, economy, P, months, need,
                   eq_need)


@njit(cache=True)
def plan_demand(coops, depot_of, industries, economy, P, months):
    """What each cooperative asks its depot for this tick, within what its capital can pay.

    coops, industries, economy: plain tuples in the field order of core.bundles' Coops, Industries, Economy;
    depot_of: each co-op's depot, -1 for none [co-ops].

    Materials: enough for `stock_months` (at least one tick) of production at its labour/equipment capacity,
    less what it holds. Equipment: enough for every member. Returns (need [C, R], equipment need [C]).
    """
    n, n_res = coops[10].shape  # the co-ops' stock [co-ops, resources]
    need = np.zeros((n, n_res))
    eq_need = np.zeros(n)
    if n >= PARALLEL_COOPS:
        _plan_in_groups(coops, depot_of, industries, economy, P, months, need, eq_need)
    else:
        _plan_rows(0, n, coops, depot_of, industries, economy, P, months, need, eq_need)
    return need, eq_need


@njit(cache=True)
def ration(need, eq_need, depot_of, army, d_stock, d_equipment, rule, transport):
    """Ration each depot's stock among the cooperatives it serves. Returns (shipped [C, R], eq_shipped [C]).

    proportional: everyone gets need * min(1, stock / total need).
    priority: army-supply cooperatives first (proportional among them), the rest share what is left.
    Then every shipment of a depot is scaled to fit its transport capacity for the tick (resource units).
    Never ships more than a depot holds.
    """
    n, n_res = need.shape
    n_dep = d_stock.shape[0]
    demand = np.zeros((n_dep, 2, n_res))  # [depot, class(0 = army, 1 = other), resource]
    eq_demand = np.zeros(n_dep)
    for c in range(n):
        d = depot_of[c]
        if d < 0:
            continue
        cls = 0 if (rule == PRIORITY and army[c]) else 1
        for r in range(n_res):
            # most co-ops need one or two of the resources; skipping zeros changes no sum. Visiting only each
            # industry's inputs through a CSR list instead was slower: 0.44 against 0.36 ms per tick for the
            # allocation phase at 100k workers (2026-11-27); the indirection costs more than the skipped zeros.
            if need[c, r] > 0:
                demand[d, cls, r] += need[c, r]
        eq_demand[d] += eq_need[c]
    share = np.zeros((n_dep, 2, n_res))
    for d in range(n_dep):
        for r in range(n_res):
            left = d_stock[d, r]
            for cls in range(2):
                dem = demand[d, cls, r]
                if dem > 0:
                    share[d, cls, r] = min(1.0, left / dem)
                    left = max(0.0, left - share[d, cls, r] * dem)
    shipped = np.zeros((n, n_res))
    eq_shipped = np.zeros(n)
    mass = np.zeros(n_dep)
    for c in range(n):
        d = depot_of[c]
        if d < 0:
            continue
        cls = 0 if (rule == PRIORITY and army[c]) else 1
        for r in range(n_res):
            if need[c, r] > 0:
                shipped[c, r] = need[c, r] * share[d, cls, r]
                mass[d] += shipped[c, r]
        if eq_demand[d] > 0:
            eq_shipped[c] = eq_need[c] * min(1.0, d_equipment[d] / eq_demand[d])
    for c in range(n):
        d = depot_of[c]
        if d >= 0 and mass[d] > transport:
            f = transport / mass[d]
            for r in range(n_res):
                shipped[c, r] *= f
    return shipped, eq_shipped


@njit(cache=True)
def deliver(shipped, eq_shipped, depot_of, d_stock, d_equipment, d_shipped, c_stock, c_equipment, c_capital,
            material_price, equipment_price, P):
    """Move shipments from depot to cooperative stock, and charge the cooperative at current prices.

    Stocks are clamped at zero against rounding (a shipment is at most what the depot holds).
    """
    n, n_res = shipped.shape
    for d in range(d_shipped.shape[0]):
        d_shipped[d] = 0.0
    for c in range(n):
        d = depot_of[c]
        if d < 0:
            continue
        cost = 0.0
        for r in range(n_res):
            if shipped[c, r] <= 0:  # nothing shipped moves nothing (skipping it changes no sum)
                continue
            q = min(shipped[c, r], d_stock[d, r])
            d_stock[d, r] -= q
            c_stock[c, r] += q
            d_shipped[d] += q
            cost += q * material_price[r] * P
        e = min(eq_shipped[c], d_equipment[d])
        d_equipment[d] -= e
        c_equipment[c] += e
        cost += e * equipment_price * P
        c_capital[c] -= cost


@njit(cache=True)
def allocate_phase(depots, coops, workers, town_depot, industries, economy, supply, P, months, tick, n_towns,
                   tally):
    """The allocation phase in one call (the kernels above, in order): resupply the depots, plan each
    co-op's demand, ration and deliver, then let the labour exchange fill vacancies. Returns the vacancies
    still open by town and industry, int64[T, I]. One call saves the Python cost of nine.

    depots, coops, workers, industries, economy, supply: plain tuples in the field order of core.bundles'
    Depots, Coops, Workers, Industries, Economy and Supply; tally: core.bundles.Tally, kept up to date by the
    labour exchange (row c of its member_ids must have room for every vacancy of co-op c). P: price level;
    months: this tick's length."""
    d_stock, d_equipment, d_shipped, d_open, d_scale = depots
    (c_alive, c_town, c_industry, c_members, c_matched, c_founders, c_founded, c_equipment, c_capital, _,
     c_stock, _, _) = coops
    w_status, w_town, w_skill, w_employer = workers
    recipe, _, _, _, army_industry, target_agents, material_price = industries
    _, unskilled_productivity, _, _, wage_reserve, _, equipment_price, rule, months_per_tick, growth_per_month = economy
    resupply, max_stock, equip_resupply, equip_max, transport = supply
    resupply_depots(d_stock, d_equipment, d_open, d_scale, resupply, max_stock, equip_resupply, equip_max)
    n = c_alive.shape[0]
    depot_of = np.full(n, -1, dtype=np.int64)
    army = np.zeros(n, dtype=np.bool_)  # read by ration under the priority rule only
    for c in range(n):
        if c_alive[c]:
            depot_of[c] = town_depot[c_town[c]]
            if rule == PRIORITY:
                army[c] = army_industry[c_industry[c]]
    need, eq_need = plan_demand(coops, depot_of, industries, economy, P, months)
    shipped, eq_shipped = ration(need, eq_need, depot_of, army, d_stock, d_equipment, rule, transport)
    deliver(shipped, eq_shipped, depot_of, d_stock, d_equipment, d_shipped, c_stock, c_equipment, c_capital,
            material_price, equipment_price, P)
    n_skills = recipe.shape[0]
    vac = labour.plan_vacancies(c_alive, c_members, c_founders, c_founded, tick, months_per_tick, growth_per_month,
                                target_agents, c_industry, c_capital, P, wage_reserve)
    hires = labour.match_labour(w_status, w_town, w_skill, w_employer, c_town, c_industry, c_members, c_matched, vac,
                                n_towns, n_skills, unskilled_productivity > 0, tally)
    if hires:  # vacancies depend on members; without a hire they are as planned (most ticks of the 4M rung)
        vac = labour.plan_vacancies(c_alive, c_members, c_founders, c_founded, tick, months_per_tick,
                                    growth_per_month, target_agents, c_industry, c_capital, P, wage_reserve)
    return labour.vacancies_by_town(vac, c_town, c_industry, n_towns, n_skills)
