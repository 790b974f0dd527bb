"""Production and finance: Leontief output, sales at the price level, wages and loan repayment.

Units: output in each industry's units per tick; money CN$ nominal; P the price level (1937 = 1).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from indusco_sim.core.kernels.allocation import GROUPS, PARALLEL_COOPS, labour_units


@njit(cache=True)
def _produce_rows(first, last, coops, industries, economy, P, months, repaid_by):
    """produce for co-ops first .. last - 1. Returns what they repay (CN$, summed in id order); given a
    repaid_by [co-ops] (zero in those rows on entry), also what each repays, there."""
    alive, _, industry, members, matched, _, _, equipment, capital, debt, stock, output, sales = coops
    recipe, output_per_member, equipment_per_member, price, _, _, material_price = industries
    persons_per_agent, unskilled_productivity, _, wage_per_month, _, repayment_share, _, _, _, _ = economy
    keep = repaid_by.shape[0] > 0
    repaid = 0.0
    for c in range(first, last):
        if not alive[c]:
            output[c] = 0.0
            sales[c] = 0.0
            continue
        i = industry[c]
        labour = labour_units(members[c], matched[c], unskilled_productivity, persons_per_agent)
        q = labour * output_per_member[i] * months
        if equipment_per_member[i] > 0:
            q = min(q, equipment[c] / equipment_per_member[i] * output_per_member[i] * months)
        unit_cost = 0.0
        for r in range(stock.shape[1]):
            need = recipe[i, r]
            if need > 0:
                q = min(q, stock[c, r] / need)
                unit_cost += need * material_price[r]
        q = max(q, 0.0)
        for r in range(stock.shape[1]):
            if recipe[i, r] > 0:  # only inputs are used up
                stock[c, r] = max(0.0, stock[c, r] - q * recipe[i, r])
        revenue = q * price[i] * P
        wages = members[c] * persons_per_agent * wage_per_month * months * P
        capital[c] += revenue - wages
        surplus = revenue - wages - q * unit_cost * P
        if surplus > 0 and debt[c] > 0:
            pay = min(repayment_share * surplus, debt[c], max(capital[c], 0.0))
            capital[c] -= pay
            debt[c] -= pay
            repaid += pay
            if keep:
                repaid_by[c] = pay
        output[c] = q
        sales[c] = revenue
    return repaid


@njit(cache=True, parallel=True)
def _produce_in_groups(coops, industries, economy, P, months, repaid_by):
    """_produce_rows over every row, in GROUPS contiguous groups shared among numba's threads."""
    n = repaid_by.shape[0]
    for g in prange(GROUPS):
        _produce_rows(n * g // GROUPS, n * (g + 1) // GROUPS, coops, industries, economy, P, months, repaid_by)


@njit(cache=True)
def produce(coops, industries, economy, P, months):
    """Produce, sell, pay members, repay loans. Returns the CN$ repaid to the loan fund this tick.

    coops, industries, economy: plain tuples in the field order of core.bundles' Coops, Industries and
    Economy. P: price level (1937 = 1); months: this tick's length.

    Output = min(labour capacity, equipment capacity, materials held / recipe) for the tick.
    Surplus = sales - wages - materials used (at current prices); `repayment_share` of a positive surplus
    goes to the loan, never more than the debt or the capital on hand. From PARALLEL_COOPS rows on the co-ops
    are shared among numba's threads (see allocation.PARALLEL_COOPS); the repayments are summed in id order.
    """
    n = coops[0].shape[0]
    if n < PARALLEL_COOPS:
        return _produce_rows(0, n, coops, industries, economy, P, months, np.zeros(0))
    repaid_by = np.zeros(n)
    _produce_in_groups(coops, industries, economy, P, months, repaid_by)
    repaid = 0.0
    for c in range(n):  # what the serial loop sums, in its order (adding 0.0 for a co-op that repays nothing)
        repaid += repaid_by[c]
    return repaid
