"""Kernels of founding, failure, administration and collection on hand-made arrays, with exact expected values,
for behaviour the other kernel tests left open (found by mutation testing, docs/reliability.md "Mutation
testing"): each rule at its edge, the tally of workers kept equal to a recount."""

from __future__ import annotations

import numpy as np
import pytest

from indusco_sim.core.kernels import administration, collection, lifecycle
from indusco_sim.core.kernels.counts import same_tally, tally_of
from indusco_sim.core.state import ARRIVING, LEFT, MEMBER, UNEMPLOYED


def test_fail_or_flee_each_rule_at_its_edge():
    # co-op 0 is dead (and draws nothing); 1 flees to a refuge in region 0; 2 draws exactly flee_success: lost;
    # 3 flees to a refuge town outside every region: keeps its region; 4 owes exactly its limit: stays;
    # 5 has exactly min_agents members: stays; 6 draws below p_fail: dissolved; 7 is healthy: stays
    alive = np.array([False, True, True, True, True, True, True, True])
    town = np.array([0, 1, 1, 3, 0, 0, 0, 0], np.int32)
    region = np.array([1, 1, 1, 1, 1, 1, 1, 1], np.int16)
    members = np.array([9, 9, 9, 9, 4, 3, 9, 9], np.int32)
    capital = np.array([0.0, 0.0, 0.0, 0.0, -8.0, 0.0, 0.0, 0.0])
    died, fate = np.full(8, -1, np.int32), np.zeros(8, np.int8)
    blocked = np.array([False, True, False, True])
    refuge = np.array([-1, 2, -1, 0], np.int32)
    town_region = np.array([1, 1, 0, -1], np.int16)
    u_fail = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.05, 0.9])  # one pair per live co-op, in id order
    u_flee = np.array([0.1, 0.5, 0.1, 0.9, 0.9, 0.9, 0.9])
    changed = lifecycle.fail_or_flee((alive, town, region, members, capital, died, fate), u_fail, u_flee,
                                     (blocked, refuge, town_region), 0.1, 0.5, 2.0, 3, 7)
    assert alive.tolist() == [False, True, False, True, True, True, False, True]
    assert town.tolist() == [0, 2, 1, 0, 0, 0, 0, 0] and region.tolist() == [1, 0, 1, 1, 1, 1, 1, 1]
    assert fate.tolist() == [0, 0, lifecycle.FATE_LOST, 0, 0, 0, lifecycle.FATE_FAILED, 0]
    assert died.tolist() == [-1, -1, 7, -1, -1, -1, 7, -1] and changed.tolist() == [1, 2, 3, 6]


def test_members_of_closed_co_ops_are_released_where_they_are_and_of_moved_ones_follow():
    # co-op 0 closed, co-op 1 moved to town 2; co-op 2 (not among the changed) is not visited, although its
    # town is not its member's
    w_status = np.array([MEMBER, MEMBER, UNEMPLOYED, ARRIVING, LEFT, MEMBER], np.int8)
    w_town, w_skill = np.array([0, 0, 1, 1, 0, 0], np.int32), np.array([1, 0, 0, 1, 0, 0], np.int8)
    w_employer = np.array([0, 1, -1, -1, -1, 2], np.int32)
    alive, c_town, c_members = np.array([False, True, True]), np.array([0, 2, 1], np.int32), np.ones(3, np.int32)
    tally = tally_of(w_status, w_town, w_skill, 3, 2, w_employer, 3)
    released = lifecycle.release_members(w_status, w_town, w_skill, w_employer, np.array([0, 1], np.int64), alive,
                                         c_town, c_members, tally)
    assert w_status.tolist() == [UNEMPLOYED, MEMBER, UNEMPLOYED, ARRIVING, LEFT, MEMBER]
    assert w_employer.tolist() == [-1, 1, -1, -1, -1, 2] and w_town.tolist() == [0, 2, 1, 1, 0, 0]
    assert released == 1 and tally[0].tolist() == [[0, 1], [1, 0], [0, 0]]
    assert same_tally(tally, tally_of(w_status, w_town, w_skill, 3, 2, w_employer, 3), c_members * alive)


def test_founding_candidates_skip_a_bad_town_or_skill_and_go_on():
    recipe = np.ones((2, 1))
    towns, skills, sizes = lifecycle.founding_candidates(
        np.array([[9, 9], [2, 5]], np.int64), np.array([0, 0], np.int16), np.ones(1, np.bool_),
        np.array([0, 0], np.int64), np.ones((1, 1)), recipe, np.array([True, False]), 3)
    assert (towns.tolist(), skills.tolist(), sizes.tolist()) == ([1], [1], [5])


def test_a_founding_may_use_the_fund_to_the_last_dollar():
    chosen, _, _, used = lifecycle.choose_foundings(
        np.array([0], np.int64), np.array([0], np.int64), np.array([10], np.int64), np.array([0.5]),
        np.zeros(1, np.int16), np.ones(1), np.array([1.0]), 1000.0, np.array([12], np.int64), 100.0)
    assert chosen.tolist() == [0] and used == 1000.0


def test_new_co_ops_open_and_their_founders_join_them():
    n = 4
    table = (np.zeros(n, np.int32), np.zeros(n, np.int8), np.zeros(n, np.int16), np.zeros(n, np.int32),
             np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n), np.zeros(n), np.zeros(n),
             np.full(n, -1, np.int32), np.zeros(n, np.bool_))
    new = (np.array([2, 0], np.int64), np.array([1, 0], np.int64), np.array([3, 1], np.int16),
           np.array([2, 3], np.int64), np.array([200.0, 300.0]))
    lifecycle.open_coops(1, new, 9, table)
    town, industry, region, members, founders, matched, capital, debt, loan, founded, alive = table
    assert alive.tolist() == [False, True, True, False] and founded.tolist() == [-1, 9, 9, -1]
    assert (town.tolist(), industry.tolist(), region.tolist()) == ([0, 2, 0, 0], [0, 1, 0, 0], [0, 3, 1, 0])
    assert members.tolist() == founders.tolist() == matched.tolist() == [0, 2, 3, 0]
    assert capital.tolist() == debt.tolist() == loan.tolist() == [0.0, 200.0, 300.0, 0.0]
    # workers: the lowest ids of each skill in each town join, as many as the founders
    w_status = np.array([MEMBER, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED], np.int8)
    w_town = np.array([2, 2, 0, 2, 0, 2, 0], np.int32)
    w_skill = np.array([1, 1, 0, 1, 0, 1, 0], np.int8)
    w_employer = np.array([3, -1, -1, -1, -1, -1, -1], np.int32)
    tally = tally_of(w_status, w_town, w_skill, 3, 2, w_employer, n)
    lifecycle.enrol_founders(w_status, w_town, w_skill, w_employer, 1, new[0], new[1], new[3], 3, 2, tally)
    assert same_tally(tally, tally_of(w_status, w_town, w_skill, 3, 2, w_employer, n), members)
    assert tally[2][1, :2].tolist() == [1, 3] and tally[2][2, :3].tolist() == [2, 4, 6]
    assert w_status.tolist() == [MEMBER] * 5 + [UNEMPLOYED, MEMBER]  # town 2 needed two of skill 1 only
    assert w_employer.tolist() == [3, 1, 2, 1, 2, -1, 2]


def line_dist(n: int) -> np.ndarray:
    pos = np.arange(float(n))
    return np.abs(pos[:, None] - pos[None, :])


def test_supervision_load_skips_co_ops_without_a_region_and_charges_the_longest_trip_when_cut_off():
    dist = line_dist(3)
    dist[:, 2] = dist[2, :] = np.inf  # town 2 is cut off from everything
    dist[2, 2] = 0.0
    alive = np.ones(3, np.bool_)
    load, count, per_town = administration.supervision_load(
        alive, np.array([-1, 0, 0], np.int16), np.array([0, 1, 2], np.int32), np.array([0], np.int32), dist, 1,
        0.5, 0.25)
    # co-op 1: 0.5 + 0.25 * 1 day; co-op 2 cannot reach the HQ: the longest trip the HQ has (1 day)
    assert load.tolist() == [0.75 + 0.75] and count.tolist() == [2] and per_town.tolist() == [1, 1, 1]


def test_the_far_part_at_its_edges():
    dist = line_dist(5)  # towns 0 - 1 - 2 - 3 - 4, a day apart
    region = np.zeros(5, np.int16)

    def part(hq: int, per_town, depots):
        mask, new_hq, coops = administration.far_part(0, region, np.array([hq], np.int32), np.array(per_town), dist,
                                                      np.array(depots, np.bool_))
        return [t for t in range(5) if mask[t]], new_hq, coops

    # only the HQ has co-ops: no pole, no part
    assert part(4, [0, 0, 0, 0, 3], [True] * 5) == ([], -1, 0)
    # pole: town 0, the farthest with co-ops; town 2 is as near the HQ as the pole: not in the part; the depot
    # town 3, outside the part, does not count however many co-ops it has
    assert part(4, [2, 0, 1, 5, 1], [True, False, True, True, False]) == ([0, 1], 0, 2)
    # a farthest town without co-ops is not the pole (town 1 is); two depot towns with one co-op: the lower id
    assert part(4, [0, 1, 1, 0, 4], [False, True, True, False, False]) == ([0, 1, 2], 1, 2)
    # towns 0 and 4 equally far from the HQ (town 2): the lower id is the pole
    assert part(2, [1, 0, 1, 0, 1], [True, False, False, False, True]) == ([0], 0, 1)
    # the first depot town keeps the HQ against a later one with fewer co-ops
    assert part(4, [3, 1, 0, 0, 1], [True, True, False, False, False]) == ([0, 1], 0, 4)


def test_a_region_with_no_staff_and_no_load_counts_as_overloaded():
    arrays = (np.array([True]), np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))
    administration.update_organisers(*arrays, 25.0, 0.0, 0.0, 0.5, 0.9, 0.25)
    assert arrays[4].tolist() == [1.25]


def test_collection_skips_co_ops_without_a_region_and_goes_on():
    coops = (np.ones(2, np.bool_), np.array([-1, 0], np.int16), np.zeros(2, np.int32), np.zeros(2, np.int8),
             np.array([3, 4], np.int32), np.zeros(2), np.zeros(2), np.zeros(2))
    tally = tally_of(np.zeros(0, np.int8), np.zeros(0, np.int32), np.zeros(0, np.int8), 1, 1)
    out, _, by_town = collection.collect_regions(coops, tally, np.zeros(1, np.int16), 1, 1, 1, 1.0, 4.0)
    assert out[0, 0] == 1 and out[0, 1] == 4 and by_town.tolist() == [[2], [7]]


def test_founding_and_administration_edges():
    # a dead co-op first does not stop the load of the others
    load, count, _ = administration.supervision_load(np.array([False, True]), np.zeros(2, np.int16),
                                                     np.zeros(2, np.int32), np.array([0], np.int32), line_dist(1), 1,
                                                     0.5, 0.25)
    assert load.tolist() == [0.5] and count.tolist() == [1]
    region = np.zeros(5, np.int16)
    half = line_dist(5) / 2  # towns half a day apart: a pole half a day from the HQ is still a pole
    mask, hq, coops = administration.far_part(0, region, np.array([0], np.int32), np.array([3, 2, 0, 0, 0]), half,
                                              np.array([False, True, False, False, False]))
    assert mask.tolist() == [False, True, True, True, True] and hq == 1 and coops == 2
    # the part's HQ is a depot town inside it, whatever the co-ops of towns outside it
    mask, hq, coops = administration.far_part(0, region, np.array([0], np.int32), np.array([1, 5, 0, 1, 1]),
                                              line_dist(5), np.array([True, False, False, False, True]))
    assert mask.tolist() == [False, False, False, True, True] and hq == 4 and coops == 2
    # a draw exactly at p_fail does not dissolve a co-op
    alive = np.ones(1, np.bool_)
    lifecycle.fail_or_flee((alive, np.zeros(1, np.int32), np.zeros(1, np.int16), np.array([9], np.int32),
                            np.zeros(1), np.full(1, -1, np.int32), np.zeros(1, np.int8)), np.array([0.25]),
                           np.array([0.9]), (np.zeros(1, np.bool_), np.full(1, -1, np.int32), np.zeros(1, np.int16)),
                           0.25, 0.5, 2.0, 3, 7)
    assert alive.tolist() == [True]
    # founders of the co-op in row 0
    w_status, w_employer = np.array([UNEMPLOYED], np.int8), np.full(1, -1, np.int32)
    w_town, w_skill = np.zeros(1, np.int16), np.zeros(1, np.int8)
    tally = tally_of(w_status, w_town, w_skill, 1, 1, w_employer, 1, width=1)  # a list just long enough
    lifecycle.enrol_founders(w_status, w_town, w_skill, w_employer, 0, np.zeros(1, np.int64), np.zeros(1, np.int64),
                             np.ones(1, np.int64), 1, 1, tally)
    assert w_status.tolist() == [MEMBER] and w_employer.tolist() == [0]
    assert same_tally(tally, tally_of(w_status, w_town, w_skill, 1, 1, w_employer, 1), [1])
    # more founders than a member list holds are refused before anyone is enrolled
    w_status = np.full(2, UNEMPLOYED, np.int8)
    tally = tally_of(w_status, np.zeros(2, np.int16), np.zeros(2, np.int8), 1, 1, np.full(2, -1, np.int32), 1, width=1)
    with pytest.raises(ValueError, match="more founders"):
        lifecycle.enrol_founders(w_status, np.zeros(2, np.int16), np.zeros(2, np.int8), np.full(2, -1, np.int32), 0,
                                 np.zeros(1, np.int64), np.zeros(1, np.int64), np.full(1, 2, np.int64), 1, 1, tally)
    assert (w_status == UNEMPLOYED).all()


def grouped_dist(groups: list[list[int]], n: int) -> np.ndarray:
    """Travel days between n towns: a day within each group, none (inf) between groups, 0 to itself."""
    dist = np.full((n, n), np.inf)
    for group in groups:
        for u in group:
            for v in group:
                dist[u, v] = 0.0 if u == v else 1.0
    return dist


def test_the_far_part_of_a_region_the_front_has_cut():
    region = np.array([0, 0, 0, 0, 0, 1], np.int16)  # town 5 is another region's

    def part(groups, hq, per_town, depots=()):
        mask, new_hq, coops = administration.far_part(0, region, np.array([hq], np.int32), np.array(per_town),
                                                      grouped_dist(groups, 6), np.isin(np.arange(6), depots))
        return [t for t in range(6) if mask[t]], new_hq, coops

    # the HQ (0) is cut off from 2, 3, 4 and 5: the pole is the cut-off town with the most co-ops (4), the part
    # its region's towns cut off from the HQ that it can reach (3 and 4, not 2, not 5 of the other region); the
    # part's HQ is its town with the most co-ops, whatever town 1 outside it has, or its depot town first
    cut = [[0, 1], [2], [3, 4, 5]]
    assert part(cut, 0, [1, 10, 1, 0, 3, 9]) == ([3, 4], 4, 3)
    assert part(cut, 0, [1, 10, 1, 0, 3, 9], depots=[3]) == ([3, 4], 3, 3)
    # two cut-off towns with as many co-ops: the lower id is the pole
    assert part(cut, 0, [1, 10, 3, 0, 3, 9]) == ([2], 2, 3)
    # cut-off towns without co-ops make no pole: the farthest reachable town with co-ops is (town 1)
    assert part(cut, 0, [1, 2, 0, 0, 0, 9]) == ([1], 1, 2)
    # town 0 can be the pole (the HQ is 3), and keeps it against a later cut-off town with fewer co-ops
    assert part([[0], [1, 2], [3, 4, 5]], 3, [10, 1, 0, 0, 3, 9]) == ([0], 0, 10)
