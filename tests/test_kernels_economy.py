"""Allocation, labour, production, lifecycle and administration kernels against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from indusco_sim.core.bundles import Coops, Economy, Industries
from indusco_sim.core.kernels import administration, allocation, labour, lifecycle, production
from indusco_sim.core.kernels.counts import same_tally, tally_of
from indusco_sim.core.state import MEMBER, UNEMPLOYED


def test_proportional_rationing_shares_a_short_stock():
    need = np.array([[6.0], [2.0]])
    depot_of = np.zeros(2, np.int64)
    shipped, eq = allocation.ration(need, np.array([1.0, 3.0]), depot_of, np.array([False, True]),
                                   np.array([[4.0]]), np.array([2.0]), allocation.PROPORTIONAL, 100.0)
    assert shipped[:, 0] == pytest.approx([3.0, 1.0])  # 4 of 8 demanded: everyone gets half
    assert eq == pytest.approx([0.5, 1.5])


def test_priority_rationing_serves_army_supply_first():
    need = np.array([[6.0], [2.0]])
    shipped, _ = allocation.ration(need, np.zeros(2), np.zeros(2, np.int64), np.array([False, True]),
                                  np.array([[4.0]]), np.zeros(1), allocation.PRIORITY, 100.0)
    assert shipped[:, 0] == pytest.approx([2.0, 2.0])  # the army co-op gets its 2, the other the rest


def test_transport_capacity_scales_every_shipment():
    need = np.array([[6.0, 2.0], [2.0, 0.0]])
    shipped, _ = allocation.ration(need, np.zeros(2), np.zeros(2, np.int64), np.zeros(2, np.bool_),
                                  np.array([[100.0, 100.0]]), np.zeros(1), allocation.PROPORTIONAL, 5.0)
    assert shipped.sum() == pytest.approx(5.0)
    assert shipped[0, 0] / shipped[1, 0] == pytest.approx(3.0)


def test_plan_demand_tops_up_materials_and_equipment_within_capital():
    # one co-op: 10 members (all skilled), 5 equipment units, industry needs 1 unit/member, 2 units output/month
    one = np.zeros(1, np.int32)
    coops = Coops(alive=np.array([True]), town=one, industry=np.zeros(1, np.int8), members=np.array([10], np.int32),
                  matched=np.array([10], np.int32), founders=one, founded=one, equipment=np.array([5.0]),
                  capital=np.array([1000.0]), debt=np.zeros(1), stock=np.array([[1.0]]), output=np.zeros(1),
                  sales=np.zeros(1))
    industries = Industries(recipe=np.array([[0.5]]), output_per_member=np.array([2.0]),
                            equipment_per_member=np.array([1.0]), price=np.ones(1), army=np.zeros(1, np.bool_),
                            target_agents=np.ones(1, np.int64), material_price=np.array([10.0]))
    economy = Economy(persons_per_agent=1, unskilled_productivity=0.5, stock_months=1.0, wage=1.0, wage_reserve=1.0,
                      repayment_share=0.5, equipment_price=20.0, rule=0, months_per_tick=0.25, growth_per_agent=1.0)
    depot_of = np.zeros(1, np.int64)
    need, eq = allocation.plan_demand(tuple(coops), depot_of, tuple(industries), tuple(economy), 2.0, 0.25)
    # capacity limited by equipment: 5 units -> 10 output/month; 1 month of stock needs 5, holds 1
    assert need[0, 0] == pytest.approx(4.0)
    assert eq[0] == pytest.approx(5.0)
    coops = coops._replace(capital=np.array([40.0]))  # materials cost 4 * 10 * 2 = 80 > 40: half, no equipment
    need, eq = allocation.plan_demand(tuple(coops), depot_of, tuple(industries), tuple(economy), 2.0, 0.25)
    assert need[0, 0] == pytest.approx(2.0) and eq[0] == 0.0


def test_deliver_moves_stock_and_charges_capital():
    d_stock, d_eq, c_stock = np.array([[3.0]]), np.array([1.0]), np.zeros((1, 1))
    c_eq, capital, shipped_d = np.zeros(1), np.array([100.0]), np.zeros(1)
    allocation.deliver(np.array([[2.0]]), np.array([5.0]), np.zeros(1, np.int64), d_stock, d_eq, shipped_d, c_stock,
                       c_eq, capital, np.array([10.0]), 20.0, 1.5)
    assert d_stock[0, 0] == pytest.approx(1.0) and c_stock[0, 0] == pytest.approx(2.0)
    assert c_eq[0] == 1.0 and d_eq[0] == 0.0  # only the one unit the depot had
    assert capital[0] == pytest.approx(100.0 - (2 * 10 + 1 * 20) * 1.5)


def test_labour_exchange_fills_skill_first_then_any_skill_by_seniority():
    w_status = np.array([UNEMPLOYED] * 4 + [MEMBER], np.int8)
    w_town = np.array([0, 0, 0, 1, 0], np.int32)
    w_skill = np.array([1, 0, 1, 0, 0], np.int8)
    w_employer = np.array([-1, -1, -1, -1, 0], np.int32)
    c_town, c_industry = np.array([0, 0], np.int32), np.array([0, 1], np.int8)
    members, matched = np.array([1, 0], np.int32), np.array([1, 0], np.int32)
    vac = np.array([2, 1], np.int64)
    tally = tally_of(w_status, w_town, w_skill, 2, 2, w_employer, 2)
    hires = labour.match_labour(w_status, w_town, w_skill, w_employer, c_town, c_industry, members, matched, vac,
                                2, 2, True, tally)
    assert same_tally(tally, tally_of(w_status, w_town, w_skill, 2, 2, w_employer, 2), members)
    assert tally[2][0, :3].tolist() == [4, 1, 2] and tally[2][1, :1].tolist() == [0]  # in the order they joined
    # co-op 0 (skill 0) takes worker 1; co-op 1 (skill 1) takes worker 0, the senior of its skill;
    # then co-op 0 fills its second place with worker 2 (other skill). Worker 3 is in another town.
    assert hires == 3
    assert w_employer.tolist() == [1, 0, 0, -1, 0]
    assert members.tolist() == [3, 1] and matched.tolist() == [2, 1]


def test_vacancies_need_capital_for_wages_and_time_to_grow():
    alive, members = np.array([True, True]), np.array([5, 5], np.int32)
    founders, founded = np.array([5, 5], np.int32), np.array([0, 0], np.int32)
    vac = labour.plan_vacancies(alive, members, founders, founded, 40, 0.25, 100.0, np.array([10], np.int64),
                                np.zeros(2, np.int8), np.array([70.0, 1e9]), 2.0, 5.0)
    assert vac.tolist() == [2, 5]  # 70 / (5 * 2) = 7 members affordable; the other up to its target of 10
    # one new member a month: after 40 weekly ticks (10 months) at most 5 + 10, after 8 ticks 5 + 2
    vac = labour.plan_vacancies(alive, members, founders, founded, 8, 0.25, 1.0, np.array([10], np.int64),
                                np.zeros(2, np.int8), np.array([1e9, 1e9]), 2.0, 5.0)
    assert vac.tolist() == [2, 2]


def test_production_is_leontief_and_repays_from_surplus():
    stock = np.array([[3.0]])
    capital, debt = np.array([10.0]), np.array([100.0])
    out, sales = np.zeros(1), np.zeros(1)
    coops = Coops(alive=np.array([True]), town=np.zeros(1, np.int32), industry=np.zeros(1, np.int8),
                  members=np.array([10], np.int32), matched=np.array([10], np.int32), founders=np.zeros(1, np.int32),
                  founded=np.zeros(1, np.int32), equipment=np.array([100.0]), capital=capital, debt=debt,
                  stock=stock, output=out, sales=sales)
    industries = Industries(recipe=np.array([[0.5]]), output_per_member=np.array([4.0]),
                            equipment_per_member=np.array([1.0]), price=np.array([5.0]), army=np.zeros(1, np.bool_),
                            target_agents=np.ones(1, np.int64), material_price=np.array([2.0]))
    economy = Economy(persons_per_agent=1, unskilled_productivity=0.5, stock_months=1.0, wage=0.1, wage_reserve=0.1,
                      repayment_share=0.5, equipment_price=1.0, rule=0, months_per_tick=1.0, growth_per_agent=1.0)
    repaid = production.produce(tuple(coops), tuple(industries), tuple(economy), 2.0, 1.0)
    # labour allows 40, equipment 400, materials 3 / 0.5 = 6 -> output 6
    assert out[0] == pytest.approx(6.0) and stock[0, 0] == pytest.approx(0.0)
    assert sales[0] == pytest.approx(6 * 5.0 * 2.0)
    wages = 10 * 0.1 * 1.0 * 2.0
    surplus = 60.0 - wages - 6 * 0.5 * 2.0 * 2.0
    assert repaid == pytest.approx(0.5 * surplus)
    assert capital[0] == pytest.approx(10.0 + 60.0 - wages - repaid)
    assert debt[0] == pytest.approx(100.0 - repaid)


def test_fail_or_flee_rules():
    alive = np.ones(4, np.bool_)
    town = np.array([0, 1, 1, 0], np.int32)
    region, members = np.zeros(4, np.int16), np.array([9, 9, 9, 3], np.int32)
    capital = np.array([-100.0, 5.0, 5.0, 5.0])
    died, fate = np.full(4, -1, np.int32), np.zeros(4, np.int8)
    blocked = np.array([False, True])
    refuge = np.array([-1, 0], np.int32)
    changed = lifecycle.fail_or_flee((alive, town, region, members, capital, died, fate), np.ones(4),
                                     np.array([0.9, 0.1, 0.9, 0.9]), (blocked, refuge, np.zeros(2, np.int16)), 0.0,
                                     0.5, 10.0, 7, 3)  # insolvent below -10 CN$ a member: -90 for nine
    assert changed.tolist() == [0, 1, 2, 3]  # every one closed or moved, in id order
    assert alive.tolist() == [False, True, False, False]
    assert town[1] == 0  # fled to the refuge
    assert fate.tolist() == [lifecycle.FATE_INSOLVENT, 0, lifecycle.FATE_LOST, lifecycle.FATE_INSOLVENT]
    assert died.tolist() == [3, -1, 3, 3]


def test_founding_picks_best_scores_within_slots_and_fund():
    towns, skills = np.array([0, 1, 2], np.int64), np.array([0, 0, 1], np.int64)
    sizes = np.array([10, 30, 20], np.int64)
    slots = np.array([1.0, 1.5])
    town_region = np.array([0, 1, 1], np.int16)
    chosen, founders, loans, used = lifecycle.choose_foundings(
        towns, skills, sizes, np.array([0.5, 0.5, 0.5]), town_region, np.ones(3), slots, 3000.0,
        np.array([15, 12], np.int64), 100.0)
    # scores 10, 30, 20: candidate 1 (region 1) first with 15 founders (the target size), then candidate 2 is
    # refused (region 1 has 0.5 slots left), then candidate 0 in region 0
    assert chosen.tolist() == [1, 0] and founders.tolist() == [15, 10]
    assert loans.tolist() == [1500.0, 1000.0] and used == pytest.approx(2500.0)
    assert slots.tolist() == [0.0, 0.5]


def test_founding_prefers_towns_near_the_hq():
    chosen, *_ = lifecycle.choose_foundings(
        np.array([0, 1], np.int64), np.array([0, 0], np.int64), np.array([30, 10], np.int64), np.array([0.5, 0.5]),
        np.zeros(2, np.int16), np.array([0.2, 1.0]), np.array([1.0]), 1e9, np.array([12], np.int64), 1.0)
    assert chosen.tolist() == [1]  # 10 workers near the HQ (weight 1) beat 30 far away (weight 0.2)


def test_founding_respects_the_fund():
    chosen, _, _, used = lifecycle.choose_foundings(
        np.array([0, 1], np.int64), np.array([0, 0], np.int64), np.array([10, 10], np.int64), np.array([0.9, 0.1]),
        np.zeros(2, np.int16), np.ones(2), np.array([5.0]), 1500.0, np.array([12], np.int64), 100.0)
    assert chosen.tolist() == [0] and used == pytest.approx(1000.0)


def test_supervision_load_and_far_part():
    # towns 0 (HQ) - 1 - 2 - 3, 1 day apart; depots at 0 and 3
    pos = np.arange(4.0)
    dist = np.abs(pos[:, None] - pos[None, :])
    alive = np.ones(5, np.bool_)
    town = np.array([0, 1, 2, 3, 3], np.int32)
    region = np.zeros(5, np.int16)
    load, count, per_town = administration.supervision_load(alive, region, town, np.array([0], np.int32), dist, 1,
                                                            0.01, 0.1)
    assert count[0] == 5 and per_town.tolist() == [1, 1, 1, 2]
    assert load[0] == pytest.approx(5 * 0.01 + 0.1 * (0 + 1 + 2 + 3 + 3))
    mask, hq, coops = administration.far_part(0, np.zeros(4, np.int16), np.array([0], np.int32), per_town, dist,
                                              np.array([True, False, False, True]))
    assert mask.tolist() == [False, False, True, True]  # nearer the pole (town 3) than the HQ
    assert hq == 3 and coops == 3
