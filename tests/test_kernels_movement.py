"""Movement kernels against hand-computed cases on a three-town line."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from indusco_sim.kernels.movement import choose_goals, count_unemployed, move_workers
from indusco_sim.kernels.paths import nearest_open, serving_depots, shortest_paths
from indusco_sim.kernels.random import below, uniform
from indusco_sim.reference_rules import uniform as python_uniform
from indusco_sim.state import ARRIVING, LEFT, MEMBER, UNEMPLOYED

# towns 0 - 1 - 2 on a line, legs of 2 and 3 days
INDPTR = np.array([0, 1, 3, 4], dtype=np.int64)
INDICES = np.array([1, 0, 2, 1], dtype=np.int64)
DAYS = np.array([2.0, 2.0, 3.0, 3.0])
HOP_DAYS = np.array([[0, 2, 0], [2, 0, 3], [0, 3, 0]], dtype=np.int16)


def line_paths(blocked=(False, False, False)):
    return shortest_paths(INDPTR, INDICES, DAYS, np.array(blocked))


def test_shortest_paths_on_a_line():
    dist, hop = line_paths()
    assert dist[0, 2] == 5.0 and dist[2, 0] == 5.0
    assert hop[0, 2] == 1 and hop[2, 0] == 1 and hop[1, 2] == 2


def test_blocked_town_cannot_be_crossed_but_can_be_left():
    dist, hop = line_paths((False, True, False))
    assert dist[0, 2] == np.inf and hop[0, 2] == -1
    assert dist[1, 0] == 2.0 and hop[1, 0] == 0  # people in the fallen town can still flee
    assert dist[0, 1] == np.inf  # nobody enters it
    refuge = nearest_open(dist, np.array([False, True, False]))
    assert refuge[1] == 0  # 2 days beats 3


def test_serving_depot_is_nearest_within_radius():
    dist, _ = line_paths()
    depot_town = np.array([2, 0], dtype=np.int32)
    out = serving_depots(dist, depot_town, np.array([True, True]), np.zeros(3, np.bool_), 2.5)
    assert out.tolist() == [1, 1, 0]  # town 1 is 2 days from depot 1 (town 0), 3 from depot 0
    out = serving_depots(dist, depot_town, np.array([True, False]), np.zeros(3, np.bool_), 2.5)
    assert out.tolist() == [-1, -1, 0]


def test_count_unemployed_by_town_and_skill():
    status = np.array([UNEMPLOYED, UNEMPLOYED, MEMBER, ARRIVING, UNEMPLOYED], np.int8)
    town = np.array([0, 0, 0, 1, 2], np.int32)
    skill = np.array([1, 1, 0, 0, 0], np.int8)
    got = count_unemployed(status, town, skill, 3, 2)
    assert got.tolist() == [[0, 2], [0, 0], [1, 0]]


def test_goal_prefers_vacancies_discounted_by_distance():
    dist, _ = line_paths()
    unemployed = np.zeros((3, 1), np.int64)
    vacancies = np.array([[0], [0], [10]], np.int64)
    goals = choose_goals(unemployed, vacancies, np.zeros(3), dist, np.zeros(3, np.bool_), 0.5, 5.0, 10.0)
    # from town 0: town 2 pulls 10 / (1 + 5/5) = 5 > 0
    assert goals[:, 0].tolist() == [2, 2, 2]
    # crowding: 30 idle workers of that skill at town 2 make it pull 10 / 16 = 0.625; town 1 attracts 0.5
    unemployed[2, 0] = 30
    goals = choose_goals(unemployed, vacancies, np.array([0.0, 0.5, 0.0]), dist, np.zeros(3, np.bool_), 0.5, 5.0,
                         10.0)
    assert goals[0, 0] == 1  # 0.5 / (1 + 2/5) = 0.357 beats 0.625 / (1 + 5/5) = 0.3125
    assert goals[2, 0] == 2  # its own 0.625 beats 0.5 / (1 + 3/5) = 0.3125
    # town 2 lies 5 days from town 0: beyond a 4-day search radius nobody at town 0 knows of it
    goals = choose_goals(np.zeros((3, 1), np.int64), vacancies, np.zeros(3), dist, np.zeros(3, np.bool_), 0.5, 5.0,
                         4.0)
    assert goals[0, 0] == 0 and goals[1, 0] == 2


def test_move_workers_walks_legs_with_a_day_budget():
    dist, hop = line_paths()
    blocked = np.zeros(3, np.bool_)
    status = np.array([ARRIVING], np.int8)
    town, dest = np.array([0], np.int32), np.array([2], np.int32)
    wait, skill = np.array([0], np.int16), np.array([0], np.int8)
    goals = np.zeros((3, 1), np.int32)
    refuge = nearest_open(dist, blocked)
    move_workers(status, town, dest, wait, skill, np.uint64(1), goals, refuge, hop, HOP_DAYS, blocked, 4, 0.0, 0.0)
    # 4 days: 2 to reach town 1, then 2 of the 3 days toward town 2
    assert town[0] == 2 and wait[0] == 1 and status[0] == ARRIVING
    move_workers(status, town, dest, wait, skill, np.uint64(1), goals, refuge, hop, HOP_DAYS, blocked, 4, 0.0, 0.0)
    assert town[0] == 2 and wait[0] == 0 and status[0] == UNEMPLOYED


def test_move_workers_draws_decide_leave_seek_or_stay():
    dist, hop = line_paths()
    blocked = np.zeros(3, np.bool_)
    status = np.array([UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, MEMBER], np.int8)
    town = np.zeros(4, np.int32)
    dest, wait, skill = town.copy(), np.zeros(4, np.int16), np.zeros(4, np.int8)
    goals = np.array([[1], [1], [1]], np.int32)
    key = np.uint64(7)
    u = [uniform(key, w) for w in range(3)]
    p_leave, p_seek = sorted(u)[0] + 1e-12, sorted(u)[1] - sorted(u)[0]  # the lowest leaves, the middle one seeks
    move_workers(status, town, dest, wait, skill, key, goals, nearest_open(dist, blocked), hop, HOP_DAYS, blocked, 7,
                 p_leave, p_seek)
    order = np.argsort(u)
    assert status[order[0]] == LEFT and status[3] == MEMBER
    assert town[order[1]] == 1 and status[order[1]] == UNEMPLOYED  # reached town 1 (2 days) and registered there
    assert town[order[2]] == 0 and status[order[2]] == UNEMPLOYED  # stayed


def test_workers_in_a_fallen_town_flee():
    blocked = np.array([False, True, False])
    dist, hop = line_paths(tuple(blocked))
    status = np.array([UNEMPLOYED], np.int8)
    town = np.array([1], np.int32)
    move_workers(status, town, town.copy(), np.zeros(1, np.int16), np.zeros(1, np.int8), np.uint64(3),
                 np.zeros((3, 1), np.int32), nearest_open(dist, blocked), hop, HOP_DAYS, blocked, 7, 0.0, 0.0)
    assert town[0] == 0 and status[0] == UNEMPLOYED


def test_keyed_uniforms_are_uniform_and_match_the_python_reference():
    key = np.uint64(0x1234_5678_9ABC_DEF0)
    u = np.array([uniform(key, i) for i in range(20_000)])
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.003
    assert np.histogram(u, bins=10, range=(0, 1))[0].min() > 1800  # every tenth holds about 2,000
    for i in (0, 1, 99, 2**40):
        assert uniform(key, i) == python_uniform(int(key), i)
    assert uniform(np.uint64(1), 5) != uniform(np.uint64(2), 5)


@given(st.one_of(st.floats(allow_nan=True), st.sampled_from([0.0, -0.0, 5e-324, 2.0**-53, 1.0 - 2.0**-53, 1.0])),
       st.integers(-3, 3))
def test_integer_threshold_is_exactly_the_uniform_comparison(p, step):
    """uniform < p exactly when its 53 bits are < below(p), checked at the threshold and next to it."""
    t = int(below(p))
    assert 0 <= t <= 2**53
    for b in {max(0, min(2**53 - 1, t + step)), 0, 2**53 - 1}:
        assert (b * 2.0**-53 < p) == (b < t)
