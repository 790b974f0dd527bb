"""Kernels on hand-made arrays, with exact expected values, for behaviour the other kernel tests left open
(found by mutation testing, docs/reliability.md "Mutation testing"): war damage, counts of job-seekers and
towns on the search radius, demand, rationing, hiring and production per co-op. Shortest paths, refuges and
serving depots: test_kernels_paths.py. Founding, failure and administration: test_kernels_mutants_lifecycle.py."""

from __future__ import annotations

import numpy as np
import pytest

from indusco_sim.core.bundles import Coops, Economy, Industries
from indusco_sim.core.kernels import allocation, labour, production, war
from indusco_sim.core.kernels.counts import count_at_most, count_equal, same_tally, tally_of
from indusco_sim.core.kernels.movement import towns_within
from indusco_sim.core.state import ARRIVING, LEFT, MEMBER, UNEMPLOYED


def test_war_damage_keeps_a_share_of_the_stocks_and_equipment_in_each_town():
    keep = np.array([1.0, 0.5, 0.25])  # town 0 was not hit: its rows are left as they are, and the rest go on
    d_town, c_town = np.array([0, 1, 2], np.int32), np.array([0, 1, 2, 1], np.int32)
    d_stock, d_equipment = np.array([[4.0, 8.0], [4.0, 8.0], [4.0, 8.0]]), np.array([2.0, 2.0, 4.0])
    c_stock, c_equipment = np.full((4, 2), 8.0), np.array([1.0, 2.0, 4.0, 8.0])
    war.damage(keep, d_town, d_stock, d_equipment, c_town, c_stock, c_equipment)
    assert d_stock.tolist() == [[4.0, 8.0], [2.0, 4.0], [1.0, 2.0]] and d_equipment.tolist() == [2.0, 1.0, 1.0]
    assert c_stock.tolist() == [[8.0, 8.0], [4.0, 4.0], [2.0, 2.0], [4.0, 4.0]]
    assert c_equipment.tolist() == [1.0, 1.0, 1.0, 4.0]


def test_job_seekers_are_counted_by_status_at_most_unemployed():
    status = np.array([ARRIVING, UNEMPLOYED, MEMBER, LEFT, UNEMPLOYED, ARRIVING], np.int8)
    assert count_at_most(status, UNEMPLOYED) == 4 and count_equal(status, UNEMPLOYED) == 2
    assert count_at_most(status, ARRIVING) == 2 and count_at_most(status[:0], UNEMPLOYED) == 0


def test_towns_within_the_radius_include_those_exactly_on_it():
    dist = np.array([[0.0, 2.0, 2.5, np.inf], [2.0, 0.0, 1.0, 3.0], [2.5, 1.0, 0.0, 2.0], [np.inf, 3.0, 2.0, 0.0]])
    start, towns = towns_within(dist, 2.0)
    assert start.tolist() == [0, 1, 3, 5, 6]
    assert [towns[start[u]:start[u + 1]].tolist() for u in range(4)] == [[1], [0, 2], [1, 3], [2]]


# ---- allocation and labour -------------------------------------------------------------------------------------


def test_open_depots_are_resupplied_up_to_their_scaled_limit():
    stock, equipment = np.array([[1.0, 10.0], [1.0, 1.0], [0.0, 0.0]]), np.array([1.0, 0.0, 0.0])
    is_open, scale = np.array([True, True, False]), np.array([2.0, 0.5, 1.0])
    allocation.resupply_depots(stock, equipment, is_open, scale, np.array([3.0, 3.0]), np.array([5.0, 6.0]), 4.0, 6.0)
    # depot 0: 1 + 3*2 = 7 (limit 10); 10 + 6 capped at 6*2 = 12; equipment 1 + 8 capped at 12
    # depot 1: 1 + 1.5 = 2.5 (limit 2.5); 1 + 1.5 capped at 3 -> 2.5; equipment 0 + 2 capped at 3
    assert stock.tolist() == [[7.0, 12.0], [2.5, 2.5], [0.0, 0.0]] and equipment.tolist() == [9.0, 2.0, 0.0]


def test_labour_units_count_unskilled_members_at_their_productivity():
    assert allocation.labour_units(10, 4, 0.5, 3) == (4 + 0.5 * 6) * 3 == 21.0


def coops_of(**fields):
    n = len(fields["members"])
    zero_i = np.zeros(n, np.int32)
    base = {"alive": np.ones(n, np.bool_), "town": zero_i, "industry": np.zeros(n, np.int8), "founders": zero_i,
            "founded": zero_i, "equipment": np.full(n, 100.0), "capital": np.full(n, 1e6), "debt": np.zeros(n),
            "stock": np.zeros((n, 2)), "output": np.zeros(n), "sales": np.zeros(n)}
    base.update(fields)
    base["members"] = np.asarray(base["members"], np.int32)
    base["matched"] = np.asarray(base.get("matched", base["members"]), np.int32)
    return tuple(Coops(**base))


INDUSTRIES = tuple(Industries(recipe=np.array([[0.5, 0.0], [0.0, 1.0]]), output_per_member=np.array([2.0, 1.0]),
                              equipment_per_member=np.array([2.0, 0.0]), price=np.ones(2),
                              army=np.zeros(2, np.bool_), target_agents=np.full(2, 20, np.int64),
                              material_price=np.array([10.0, 1.0])))
ECONOMY = tuple(Economy(persons_per_agent=2, unskilled_productivity=0.5, stock_months=1.0, wage=1.0, wage_reserve=1.0,
                        repayment_share=0.5, equipment_price=5.0, rule=0, months_per_tick=0.25, growth_per_agent=1.0))


def test_plan_demand_per_cooperative():
    coops = coops_of(members=[3, 3, 3, 3, 3], matched=[3, 1, 3, 3, 3], industry=np.array([0, 0, 1, 0, 0], np.int8),
                     alive=np.array([True, True, True, False, True]), equipment=np.array([20.0, 20.0, 0.0, 0.0, 4.0]),
                     stock=np.array([[1.0, 5.0], [0.0, 0.0], [0.0, 2.0], [0.0, 0.0], [10.0, 0.0]]))
    depot_of = np.array([0, 0, 0, 0, -1], np.int64)
    need, eq = allocation.plan_demand(coops, depot_of, INDUSTRIES, ECONOMY, 2.0, 0.25)
    # co-op 0: 3 skilled agents of 2 persons = 6 persons -> output 12/month; equipment 20 / 2 per member * 2 = 20
    #   -> capacity 12; materials for a month: 0.5 * 12 = 6, holds 1 -> 5 (resource 1 is no input: nothing);
    #   equipment 3 agents * 2 persons * 2 = 12, holds 20 -> none
    # co-op 1: 1 skilled + 2 at half = 2 agents = 4 persons -> 8; materials 4; equipment 12 - 20 -> none
    # co-op 2 (industry 1, needs no equipment): 6 persons -> 6/month; resource 1: 6 - 2 = 4
    # co-op 3 is dead, co-op 4 has no depot: nothing
    assert need.tolist() == [[5.0, 0.0], [4.0, 0.0], [0.0, 4.0], [0.0, 0.0], [0.0, 0.0]]
    assert eq.tolist() == [0.0, 0.0, 0.0, 0.0, 0.0]
    short = coops_of(members=[3], equipment=np.array([4.0]), capital=np.array([1000.0]))
    need, eq = allocation.plan_demand(short, np.zeros(1, np.int64), INDUSTRIES, ECONOMY, 2.0, 0.5)
    # equipment 4 -> capacity 4 / 2 * 2 = 4 output; materials 0.5 * 4 * 1 month = 2 (cost 2 * 10 * 2 = 40);
    # equipment wanted 12 - 4 = 8 at 5 * 2 = 80 more: 960 left covers it
    assert need.tolist() == [[2.0, 0.0]] and eq.tolist() == [8.0]
    poor = coops_of(members=[3], equipment=np.array([4.0]), capital=np.array([60.0]))
    need, eq = allocation.plan_demand(poor, np.zeros(1, np.int64), INDUSTRIES, ECONOMY, 2.0, 0.5)
    assert need.tolist() == [[2.0, 0.0]] and eq.tolist() == [2.0]  # 60 - 40 = 20 left: 2 of 8 units at 10
    full = coops_of(members=[3], equipment=np.array([12.0]), stock=np.array([[6.0, 0.0]]))
    need, eq = allocation.plan_demand(full, np.zeros(1, np.int64), INDUSTRIES, ECONOMY, 2.0, 0.5)
    assert need.tolist() == [[0.0, 0.0]] and eq.tolist() == [0.0]  # holds exactly what it wants


def test_ration_and_deliver_across_depots_and_resources():
    need = np.array([[4.0, 0.0], [0.0, 2.0], [2.0, 2.0], [5.0, 5.0]])
    eq_need = np.array([1.0, 0.0, 3.0, 9.0])
    depot_of = np.array([0, 0, 1, -1], np.int64)
    d_stock, d_eq = np.array([[2.0, 0.0], [10.0, 1.0]]), np.array([2.0, 0.0])
    shipped, eq = allocation.ration(need, eq_need, depot_of, np.zeros(4, np.bool_), d_stock, d_eq,
                                    allocation.PROPORTIONAL, 100.0)
    # depot 0: resource 0, 2 for 4 -> half; resource 1 none in stock -> 0; equipment 2 for 1 -> all
    # depot 1: resource 0, 10 for 2 -> all; resource 1, 1 for 2 -> half; no equipment
    assert shipped.tolist() == [[2.0, 0.0], [0.0, 0.0], [2.0, 1.0], [0.0, 0.0]]
    assert eq.tolist() == [1.0, 0.0, 0.0, 0.0]
    c_stock, c_eq, capital, d_shipped = np.zeros((4, 2)), np.zeros(4), np.full(4, 100.0), np.full(2, 7.0)
    allocation.deliver(shipped, eq, depot_of, d_stock, d_eq, d_shipped, c_stock, c_eq, capital,
                       np.array([1.0, 2.0]), 3.0, 2.0)
    assert d_shipped.tolist() == [2.0, 3.0] and d_stock.tolist() == [[0.0, 0.0], [8.0, 0.0]]
    assert c_stock.tolist() == shipped.tolist() and c_eq.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert d_eq.tolist() == [1.0, 0.0]
    assert capital.tolist() == [100.0 - (2 * 1 + 1 * 3) * 2, 100.0, 100.0 - (2 * 1 + 1 * 2) * 2, 100.0]
    c_stock = np.zeros((1, 2))  # nothing of the first resource, some of the second: the second still moves
    allocation.deliver(np.array([[0.0, 1.5]]), np.zeros(1), np.zeros(1, np.int64), np.array([[1.0, 2.0]]),
                       np.zeros(1), np.zeros(1), c_stock, np.zeros(1), np.zeros(1), np.ones(2), 1.0, 1.0)
    assert c_stock.tolist() == [[0.0, 1.5]]


def test_vacancies_grow_with_age_and_stop_at_the_target():
    alive = np.array([True, True, True, False, True])
    members, founders, founded = np.array([5, 5, 20, 0, 5]), np.full(5, 5), np.array([0, 8, 0, 0, 0])
    target = np.array([20], np.int64)
    out = labour.plan_vacancies(alive, members, founders, founded, 12, 0.25, 2.0, target, np.zeros(5, np.int8),
                                np.full(5, 1e9), 1.0, 1.0)
    # co-op 0: 12 ticks of a quarter month at 2 a month = 6 more than its 5 founders -> 11 - 5 = 6
    # co-op 1: founded at tick 8: 4 ticks -> 2 more -> 7 - 5 = 2; co-op 2 is at its target; co-op 3 is dead
    assert out.tolist() == [6, 2, 0, 0, 6]
    poor = labour.plan_vacancies(alive, members, founders, founded, 12, 0.25, 2.0, target, np.zeros(5, np.int8),
                                 np.array([16.0, 1e9, 1e9, 1e9, 1e9]), 2.0, 1.0)
    assert poor.tolist() == [3, 2, 0, 0, 6]  # 16 / (1 * 2) = 8 members affordable: 3 more


def test_without_unskilled_hiring_only_skills_match():
    w_status = np.array([UNEMPLOYED, UNEMPLOYED], np.int8)
    w_town, w_skill, w_employer = np.zeros(2, np.int32), np.array([1, 0], np.int8), np.full(2, -1, np.int32)
    members, matched = np.zeros(1, np.int32), np.zeros(1, np.int32)
    tally = tally_of(w_status, w_town, w_skill, 1, 2, w_employer, 1)
    hires = labour.match_labour(w_status, w_town, w_skill, w_employer, np.zeros(1, np.int32), np.zeros(1, np.int8),
                                members, matched, np.array([2], np.int64), 1, 2, False, tally)
    assert hires == 1 and w_employer.tolist() == [-1, 0] and members.tolist() == [1] and matched.tolist() == [1]
    assert same_tally(tally, tally_of(w_status, w_town, w_skill, 1, 2, w_employer, 1), members)


def test_a_closed_depot_or_a_co_op_without_one_comes_first_and_the_rest_are_still_served():
    stock, equipment = np.array([[1.0], [1.0]]), np.zeros(2)
    allocation.resupply_depots(stock, equipment, np.array([False, True]), np.ones(2), np.array([2.0]),
                               np.array([9.0]), 1.0, 9.0)
    assert stock.tolist() == [[1.0], [3.0]] and equipment.tolist() == [0.0, 1.0]
    need, depot_of = np.array([[1.0], [1.0]]), np.array([-1, 0], np.int64)
    shipped, eq = allocation.ration(need, np.zeros(2), depot_of, np.zeros(2, np.bool_), np.array([[5.0]]),
                                    np.zeros(1), allocation.PROPORTIONAL, 100.0)
    assert shipped.tolist() == [[0.0], [1.0]]
    c_stock = np.zeros((2, 1))
    allocation.deliver(shipped, eq, depot_of, np.array([[5.0]]), np.zeros(1), np.zeros(1), c_stock, np.zeros(2),
                       np.zeros(2), np.ones(1), 1.0, 1.0)
    assert c_stock.tolist() == [[0.0], [1.0]]


def test_demand_covers_the_longer_of_the_tick_and_the_stock_months_and_a_broke_full_co_op_wants_nothing():
    coops = coops_of(members=[3], equipment=np.array([12.0]))
    need, _ = allocation.plan_demand(coops, np.zeros(1, np.int64), INDUSTRIES, ECONOMY, 2.0, 2.0)
    assert need.tolist() == [[12.0, 0.0]]  # 12 output a month for a two-month tick: 0.5 * 12 * 2
    broke = coops_of(members=[3], equipment=np.array([12.0]), stock=np.array([[6.0, 0.0]]), capital=np.array([0.0]))
    need, eq = allocation.plan_demand(broke, np.zeros(1, np.int64), INDUSTRIES, ECONOMY, 2.0, 0.5)
    assert need.tolist() == [[0.0, 0.0]] and eq.tolist() == [0.0]


def test_the_allocation_phase_serves_live_co_ops_with_a_depot_then_hires():
    def run(unskilled: float):
        coops = coops_of(members=[2, 2, 2], town=np.array([0, 0, 1], np.int32), founders=np.full(3, 2, np.int32),
                         alive=np.array([True, False, True]), capital=np.full(3, 1000.0), stock=np.zeros((3, 1)),
                         equipment=np.zeros(3))
        industries = tuple(Industries(recipe=np.ones((2, 1)), output_per_member=np.ones(2),
                                      equipment_per_member=np.zeros(2), price=np.ones(2), army=np.zeros(2, np.bool_),
                                      target_agents=np.full(2, 3, np.int64), material_price=np.ones(1)))
        economy = tuple(Economy(persons_per_agent=1, unskilled_productivity=unskilled, stock_months=1.0, wage=1.0,
                                wage_reserve=0.0, repayment_share=0.5, equipment_price=1.0, rule=0,
                                months_per_tick=1.0, growth_per_agent=10.0))
        depots = (np.array([[10.0]]), np.zeros(1), np.zeros(1), np.ones(1, np.bool_), np.ones(1))
        workers = (np.array([UNEMPLOYED], np.int8), np.zeros(1, np.int32), np.ones(1, np.int8),
                   np.full(1, -1, np.int32))
        supply = (np.zeros(1), np.full(1, 100.0), 0.0, 0.0, 100.0)
        tally = tally_of(*workers[:3], 2, 2, workers[3], 3)
        vac = allocation.allocate_phase(depots, coops, workers, np.array([0, -1], np.int64), industries, economy,
                                        supply, 1.0, 1.0, 4, 2, tally)
        # the co-ops' first two members are not agents here: only the hire is listed (after their places, -1)
        listed = Coops(*coops).members * Coops(*coops).alive
        assert same_tally(tally, tally_of(*workers[:3], 2, 2, workers[3], 3), listed)
        return vac, coops, workers, depots

    vac, coops, workers, depots = run(0.0)  # no unskilled work: the worker of the other trade is not hired
    c = Coops(*coops)
    assert c.stock.tolist() == [[2.0], [0.0], [0.0]] and depots[0].tolist() == [[8.0]]  # co-op 0 only
    assert c.capital.tolist() == [998.0, 1000.0, 1000.0]
    assert workers[3].tolist() == [-1] and vac.tolist() == [[1, 0], [1, 0]]
    vac, coops, workers, _ = run(0.5)
    assert workers[3].tolist() == [0] and Coops(*coops).members.tolist() == [3, 2, 2]
    assert vac.tolist() == [[0, 0], [1, 0]]


def test_the_allocation_phase_serves_army_supply_first_under_the_priority_rule():
    # two co-ops of one depot holding 3 units of the one resource, each needing 2; co-op 1's industry supplies
    # the army: it gets its 2 and co-op 0 the last unit (proportional rationing would give each 1.5)
    coops = coops_of(members=[2, 2], industry=np.array([0, 1], np.int8), founders=np.full(2, 2, np.int32),
                     capital=np.full(2, 1000.0), stock=np.zeros((2, 1)), equipment=np.zeros(2))
    industries = tuple(Industries(recipe=np.ones((2, 1)), output_per_member=np.ones(2),
                                  equipment_per_member=np.zeros(2), price=np.ones(2), army=np.array([False, True]),
                                  target_agents=np.full(2, 2, np.int64), material_price=np.ones(1)))
    economy = tuple(Economy(persons_per_agent=1, unskilled_productivity=0.0, stock_months=1.0, wage=1.0,
                            wage_reserve=0.0, repayment_share=0.5, equipment_price=1.0, rule=allocation.PRIORITY,
                            months_per_tick=1.0, growth_per_agent=0.0))
    depots = (np.array([[3.0]]), np.zeros(1), np.zeros(1), np.ones(1, np.bool_), np.ones(1))
    workers = (np.zeros(0, np.int8), np.zeros(0, np.int32), np.zeros(0, np.int8), np.zeros(0, np.int32))
    vac = allocation.allocate_phase(depots, coops, workers, np.zeros(1, np.int64), industries, economy,
                                    (np.zeros(1), np.full(1, 100.0), 0.0, 0.0, 100.0), 1.0, 1.0, 4, 1,
                                    tally_of(*workers[:3], 1, 2, workers[3], 2))
    assert Coops(*coops).stock.tolist() == [[1.0], [2.0]] and vac.tolist() == [[0, 0]]


def test_a_co_op_whose_member_list_is_full_cannot_hire():
    # width 1, one member already, a vacancy and a job-seeker: the labour exchange refuses to write past the list
    w_status = np.array([MEMBER, UNEMPLOYED], np.int8)
    w_town, w_skill, w_employer = np.zeros(2, np.int32), np.zeros(2, np.int8), np.array([0, -1], np.int32)
    tally = tally_of(w_status, w_town, w_skill, 1, 1, w_employer, 1, width=1)
    with pytest.raises(ValueError, match="room in its member list"):
        labour.match_labour(w_status, w_town, w_skill, w_employer, np.zeros(1, np.int32), np.zeros(1, np.int8),
                            np.ones(1, np.int32), np.ones(1, np.int32), np.ones(1, np.int64), 1, 1, True, tally)


def test_vacancies_by_town_and_industry_and_without_a_wage_reserve():
    vac = labour.vacancies_by_town(np.array([2, 0, 3, 1]), np.array([1, 0, 1, 0], np.int32),
                                   np.array([0, 1, 0, 1], np.int8), 2, 2)
    assert vac.tolist() == [[0, 1], [5, 0]]
    out = labour.plan_vacancies(np.ones(1, np.bool_), np.array([2]), np.array([2]), np.zeros(1), 4, 1.0, 1.0,
                                np.array([5], np.int64), np.zeros(1, np.int8), np.zeros(1), 1.0, 0.0)
    assert out.tolist() == [3]  # no reserve asked: capital does not limit hiring


def test_a_worker_with_no_vacancy_in_reach_does_not_stop_the_others_being_hired():
    w_status = np.array([UNEMPLOYED, UNEMPLOYED], np.int8)
    w_town, w_skill, w_employer = np.array([1, 0], np.int32), np.zeros(2, np.int8), np.full(2, -1, np.int32)
    members, matched = np.zeros(1, np.int32), np.zeros(1, np.int32)
    tally = tally_of(w_status, w_town, w_skill, 2, 1, w_employer, 1)
    hires = labour.match_labour(w_status, w_town, w_skill, w_employer, np.zeros(1, np.int32), np.zeros(1, np.int8),
                                members, matched, np.array([1], np.int64), 2, 1, True, tally)
    assert same_tally(tally, tally_of(w_status, w_town, w_skill, 2, 1, w_employer, 1), members)
    assert hires == 1 and w_employer.tolist() == [-1, 0] and w_status.tolist() == [UNEMPLOYED, MEMBER]


def test_a_full_co_op_passes_the_next_worker_to_the_next_co_op_of_its_town_and_skill():
    # town 1, skill 0 (key 1): co-ops 1 and 2 have a vacancy each, co-op 0 of town 0 one; three seekers in town 1
    w_status = np.full(3, UNEMPLOYED, np.int8)
    w_town, w_skill, w_employer = np.ones(3, np.int32), np.zeros(3, np.int8), np.full(3, -1, np.int32)
    members, matched = np.zeros(3, np.int32), np.zeros(3, np.int32)
    tally = tally_of(w_status, w_town, w_skill, 2, 1, w_employer, 3)
    hires = labour.match_labour(w_status, w_town, w_skill, w_employer, np.array([0, 1, 1], np.int32),
                                np.zeros(3, np.int8), members, matched, np.ones(3, np.int64), 2, 1, False, tally)
    assert same_tally(tally, tally_of(w_status, w_town, w_skill, 2, 1, w_employer, 3), members)
    assert hires == 2 and w_employer.tolist() == [1, 2, -1] and members.tolist() == [0, 1, 1]


def test_same_tally_notices_each_difference():
    status, town, skill = np.array([UNEMPLOYED, ARRIVING, MEMBER], np.int8), np.array([0, 1, 1]), np.zeros(3, np.int8)
    employer = np.array([-1, -1, 0], np.int32)
    base = tally_of(status, town, skill, 2, 1, employer, 1)
    spare = tuple(a.copy() for a in base)
    spare[2][0, 1] = 7
    assert same_tally(base, spare, [1])  # room beyond a co-op's members is not compared
    assert not same_tally(base, spare, [2])
    for i, change in ((0, lambda t: t[0].__setitem__((1, 0), 1)), (1, lambda t: t[1].__setitem__(0, 1)),
                      (2, lambda t: t[2].__setitem__((0, 0), 0))):
        other = tuple(a.copy() for a in base)
        change(other)
        assert not same_tally(base, other, [1]), i
        assert not same_tally(other, base, [1]), i


def test_production_per_co_op_dead_equipment_bound_and_at_a_loss():
    stock = np.array([[5.0, 0.0], [10.0, 3.0], [0.0, 0.0]])
    capital, debt = np.array([7.0, 100.0, 50.0]), np.array([0.0, 50.0, 20.0])
    output, sales = np.full(3, 9.0), np.full(3, 9.0)
    coops = coops_of(members=[10, 10, 10], alive=np.array([False, True, True]), equipment=np.array([0.0, 4.0, 100.0]),
                     stock=stock, capital=capital, debt=debt, output=output, sales=sales)
    industries = tuple(Industries(recipe=np.array([[0.5, 0.0]]), output_per_member=np.array([4.0]),
                                  equipment_per_member=np.array([2.0]), price=np.array([5.0]),
                                  army=np.zeros(1, np.bool_), target_agents=np.ones(1, np.int64),
                                  material_price=np.array([3.0, 1.0])))
    economy = tuple(Economy(persons_per_agent=1, unskilled_productivity=0.5, stock_months=1.0, wage=0.1,
                            wage_reserve=0.1, repayment_share=0.5, equipment_price=1.0, rule=0, months_per_tick=0.5,
                            growth_per_agent=1.0))
    repaid = production.produce(coops, industries, economy, 2.0, 0.5)
    # co-op 1: labour 10 * 4 * 0.5 = 20, equipment 4 / 2 * 4 * 0.5 = 4, materials 10 / 0.5 = 20 -> 4
    # revenue 4 * 5 * 2 = 40, wages 10 * 0.1 * 0.5 * 2 = 1, materials 4 * 1.5 * 2 = 12: surplus 27, half repaid
    # co-op 2: no materials, no output; wages 1: a loss, nothing repaid
    assert output.tolist() == [0.0, 4.0, 0.0] and sales.tolist() == [0.0, 40.0, 0.0]
    assert stock.tolist() == [[5.0, 0.0], [8.0, 3.0], [0.0, 0.0]]
    assert repaid == 13.5 and debt.tolist() == [0.0, 36.5, 20.0] and capital.tolist() == [7.0, 125.5, 49.0]


def test_demand_after_a_dead_co_op_and_labour_bound_production_with_persons_per_agent():
    coops = coops_of(members=[3, 3], alive=np.array([False, True]), equipment=np.full(2, 20.0))
    need, _ = allocation.plan_demand(coops, np.zeros(2, np.int64), INDUSTRIES, ECONOMY, 2.0, 0.25)
    assert need.tolist() == [[0.0, 0.0], [6.0, 0.0]]  # the live co-op is still served: 0.5 * 12
    stock, capital, output = np.array([[100.0, 0.0]]), np.array([0.0]), np.zeros(1)
    coops = coops_of(members=[2], equipment=np.array([100.0]), stock=stock, capital=capital, output=output)
    production.produce(coops, INDUSTRIES, ECONOMY, 1.0, 0.5)  # 2 agents of 2 persons
    # labour: 4 persons * 2 a month * half a month = 4 (equipment allows 100 / 2 * 2 * 0.5 = 50)
    assert output.tolist() == [4.0] and stock.tolist() == [[98.0, 0.0]]
    assert capital.tolist() == [4.0 - 2 * 2 * 1.0 * 0.5]  # sales 4 at price 1; wages 4 persons at 1 a month
