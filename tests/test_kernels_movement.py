"""Movement kernels against hand-computed cases on a three-town line, and move_workers against a plain
per-worker Python oracle of the movement rule on random populations (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from indusco_sim.backends.mesa.rules import uniform as python_uniform
from indusco_sim.backends.mesa.towns import choose_goals as reference_choose_goals
from indusco_sim.core.kernels.counts import same_tally, tally_of
from indusco_sim.core.kernels.movement import (
    CHUNK,
    PARALLEL_ROWS,
    _move_in_groups,
    choose_goals,
    count_unemployed,
    holds_unemployed,
    move_workers,
    towns_within,
)
from indusco_sim.core.kernels.paths import nearest_open, serving_depots, shortest_paths
from indusco_sim.core.kernels.random import below, uniform
from indusco_sim.core.state import ARRIVING, LEFT, MEMBER, UNEMPLOYED

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
    goals = choose_goals(unemployed, vacancies, np.zeros(3), dist, np.zeros(3, np.bool_), 0.5, 5.0,
                         *towns_within(dist, 10.0))
    # from town 0: town 2 pulls 10 / (1 + 5/5) = 5 > 0
    assert goals[:, 0].tolist() == [2, 2, 2]
    # crowding: 30 idle workers of that skill at town 2 make it pull 10 / 16 = 0.625; town 1 attracts 0.5
    unemployed[2, 0] = 30
    goals = choose_goals(unemployed, vacancies, np.array([0.0, 0.5, 0.0]), dist, np.zeros(3, np.bool_), 0.5, 5.0,
                         *towns_within(dist, 10.0))
    assert goals[0, 0] == 1  # 0.5 / (1 + 2/5) = 0.357 beats 0.625 / (1 + 5/5) = 0.3125
    assert goals[2, 0] == 2  # its own 0.625 beats 0.5 / (1 + 3/5) = 0.3125
    # town 2 lies 5 days from town 0: beyond a 4-day search radius nobody at town 0 knows of it
    goals = choose_goals(np.zeros((3, 1), np.int64), vacancies, np.zeros(3), dist, np.zeros(3, np.bool_), 0.5, 5.0,
                         *towns_within(dist, 4.0))
    assert goals[0, 0] == 0 and goals[1, 0] == 2
    start, near = towns_within(dist, 4.0)
    assert [near[start[u]:start[u + 1]].tolist() for u in range(3)] == [[1], [0, 2], [1]]


def test_move_workers_walks_legs_with_a_day_budget():
    dist, hop = line_paths()
    blocked = np.zeros(3, np.bool_)
    status = np.array([ARRIVING], np.int8)
    town, dest = np.array([0], np.int32), np.array([2], np.int32)
    wait, skill = np.array([0], np.int16), np.array([0], np.int8)
    goals = np.zeros((3, 1), np.int32)
    refuge = nearest_open(dist, blocked)
    tally = tally_of(status, town, skill, 3, 1)
    move_workers(status, town, dest, wait, skill, np.uint64(1), goals, refuge, hop, HOP_DAYS, blocked, False, 4, 0.0,
                 0.0, tally[0], tally[1])
    assert same_tally(tally, tally_of(status, town, skill, 3, 1))
    # 4 days: 2 to reach town 1, then 2 of the 3 days toward town 2
    assert town[0] == 2 and wait[0] == 1 and status[0] == ARRIVING
    move_workers(status, town, dest, wait, skill, np.uint64(1), goals, refuge, hop, HOP_DAYS, blocked, False, 4, 0.0,
                 0.0, tally[0], tally[1])
    assert same_tally(tally, tally_of(status, town, skill, 3, 1))
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
    tally = tally_of(status, town, skill, 3, 1)
    move_workers(status, town, dest, wait, skill, key, goals, nearest_open(dist, blocked), hop, HOP_DAYS, blocked,
                 False, 7, p_leave, p_seek, tally[0], tally[1])
    assert same_tally(tally, tally_of(status, town, skill, 3, 1))
    order = np.argsort(u)
    assert status[order[0]] == LEFT and status[3] == MEMBER
    assert town[order[1]] == 1 and status[order[1]] == UNEMPLOYED  # reached town 1 (2 days) and registered there
    assert town[order[2]] == 0 and status[order[2]] == UNEMPLOYED  # stayed


def test_workers_in_a_fallen_town_flee():
    blocked = np.array([False, True, False])
    dist, hop = line_paths(tuple(blocked))
    status = np.array([UNEMPLOYED], np.int8)
    town = np.array([1], np.int32)
    tally = tally_of(status, town, np.zeros(1, np.int8), 3, 1)
    move_workers(status, town, town.copy(), np.zeros(1, np.int16), np.zeros(1, np.int8), np.uint64(3),
                 np.zeros((3, 1), np.int32), nearest_open(dist, blocked), hop, HOP_DAYS, blocked, True, 7, 0.0, 0.0,
                 tally[0], tally[1])
    assert same_tally(tally, tally_of(status, town, np.zeros(1, np.int8), 3, 1))
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


# ---- move_workers against a per-worker oracle -----------------------------------------------------------------


def oracle_move(status, town, dest, wait, skill, key, goals, refuge, next_hop, hop_days, blocked, tick_days, p_leave,
                p_seek):
    """The movement rule, one worker after another in id order, in Python (returns new status, town, dest, wait)."""
    status, town, dest, wait = status.tolist(), town.tolist(), dest.tolist(), wait.tolist()

    def travel(w):
        budget = tick_days
        while True:
            if wait[w] > 0:
                used = min(wait[w], budget)
                wait[w] -= used
                budget -= used
                if wait[w] > 0:
                    return
            here = town[w]
            if here == dest[w]:
                status[w] = UNEMPLOYED
                return
            nxt = int(next_hop[here, dest[w]])
            if nxt < 0:
                status[w] = UNEMPLOYED
                dest[w] = here
                return
            if budget <= 0:
                return
            town[w] = nxt
            wait[w] = int(hop_days[here, nxt])

    for w in range(len(status)):
        if status[w] == UNEMPLOYED:
            r = uniform(key, w)
            here = town[w]
            if r < p_leave:
                status[w] = LEFT
                continue
            if blocked[here]:
                target = int(refuge[here])
            elif r < p_leave + p_seek:
                target = int(goals[here, skill[w]])
            else:
                continue
            if target < 0 or target == here:
                continue
            dest[w] = target
            status[w] = ARRIVING
            travel(w)
        elif status[w] == ARRIVING:
            travel(w)
    return status, town, dest, wait


CHANCES = st.one_of(st.just(0.0), st.sampled_from([5e-324, 1e-300, 1e-12, 0.5, 0.999, 1.0, 1.5, math.inf]),
                    st.floats(0.0, 1.0), st.floats(-1.0, 0.0))


@st.composite
def movement_case(draw):
    """Random towns and tables (next hops may be -1: cut off; goals and refuges may be -1 or the town itself),
    workers of every status, travellers mid-leg; chances 0, tiny, large, or exactly some worker's uniform."""
    n = draw(st.one_of(st.integers(0, 20), st.integers(21, 300)))
    n_towns, n_skills = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    towns = st.integers(0, n_towns - 1)
    status = draw(hnp.arrays(np.int8, n, elements=st.sampled_from([ARRIVING, UNEMPLOYED, UNEMPLOYED, MEMBER, LEFT])))
    town = draw(hnp.arrays(np.int32, n, elements=towns))
    dest = draw(hnp.arrays(np.int32, n, elements=towns))
    wait = draw(hnp.arrays(np.int16, n, elements=st.integers(0, 6)))
    skill = draw(hnp.arrays(np.int8, n, elements=st.integers(0, n_skills - 1)))
    goals = draw(hnp.arrays(np.int32, (n_towns, n_skills), elements=st.integers(-1, n_towns - 1)))
    refuge = draw(hnp.arrays(np.int32, n_towns, elements=st.integers(-1, n_towns - 1)))
    next_hop = draw(hnp.arrays(np.int32, (n_towns, n_towns), elements=st.integers(-1, n_towns - 1)))
    hop_days = draw(hnp.arrays(np.int16, (n_towns, n_towns), elements=st.integers(1, 6)))  # > 0: walks end
    blocked = draw(hnp.arrays(np.bool_, n_towns))
    key = np.uint64(draw(st.integers(0, 2**64 - 1)))
    p_leave, p_seek = draw(CHANCES), draw(CHANCES)
    if n and draw(st.booleans()):  # a worker's uniform exactly on the threshold
        p_leave = uniform(key, draw(st.integers(0, n - 1))) * draw(st.sampled_from([1.0, 0.5]))
        p_seek = uniform(key, draw(st.integers(0, n - 1))) - p_leave if draw(st.booleans()) else p_seek
    tick_days = draw(st.integers(0, 10))
    return (status, town, dest, wait, skill, key, goals, refuge, next_hop, hop_days, blocked, tick_days, p_leave,
            p_seek)


def check_against_oracle(case, offset=0, parallel=False):
    status, town, dest, wait, skill, key, goals, refuge, next_hop, hop_days, blocked, tick_days, p_leave, p_seek = case
    n = len(status)
    want = oracle_move(status, town, dest, wait, skill, key, goals, refuge, next_hop, hop_days, blocked, tick_days,
                       p_leave, p_seek)
    honest = bool((blocked[town] & (status == UNEMPLOYED)).any())
    n_skills = int(skill.max(initial=0)) + 1
    assert holds_unemployed(count_unemployed(status, town, skill, len(blocked), n_skills), blocked) == honest
    for sweep_blocked in {honest, True}:
        # status is a view into a larger buffer, possibly not 8-byte aligned; bytes beyond it must stay untouched
        buffer = np.full(offset + n + 9, MEMBER, np.int8)
        buffer[offset:offset + n] = status
        got = buffer[offset:offset + n], town.copy(), dest.copy(), wait.copy()
        tally = tally_of(status, town, skill, len(blocked), n_skills)
        if parallel:  # move_workers' path from PARALLEL_ROWS workers, on fewer
            _move_in_groups(*got, skill, key, below(p_leave), below(p_leave + p_seek), np.int8(sweep_blocked), goals,
                            refuge, next_hop, hop_days, blocked, tick_days, tally[0], tally[1])
        else:
            move_workers(*got, skill, key, goals, refuge, next_hop, hop_days, blocked, sweep_blocked, tick_days,
                         p_leave, p_seek, tally[0], tally[1])
        for name, g, w in zip(("status", "town", "dest", "wait"), got, want, strict=True):
            assert g.tolist() == w, (name, sweep_blocked)
        assert same_tally(tally, tally_of(got[0], got[1], skill, len(blocked), n_skills))  # the tally kept
        assert (buffer[:offset] == MEMBER).all() and (buffer[offset + n:] == MEMBER).all()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(movement_case(), st.integers(0, 7))
def test_move_workers_matches_the_per_worker_oracle(case, offset):
    check_against_oracle(case, offset)


def chunks_case(n, seed=5):
    """n workers on four towns, two of them blocked: arrivals, the unemployed, members and those who left."""
    rng = np.random.default_rng(seed)
    T, S = 4, 2
    status = rng.choice(np.array([ARRIVING, UNEMPLOYED, MEMBER, LEFT], np.int8), n, p=[0.1, 0.6, 0.25, 0.05])
    case = (status, rng.integers(0, T, n, dtype=np.int32), rng.integers(0, T, n, dtype=np.int32),
            rng.integers(0, 5, n, dtype=np.int16), rng.integers(0, S, n, dtype=np.int8), np.uint64(rng.integers(2**63)),
            rng.integers(-1, T, (T, S), dtype=np.int32), np.array([1, -1, 2, 0], np.int32),
            rng.integers(-1, T, (T, T), dtype=np.int32), rng.integers(1, 4, (T, T), dtype=np.int16),
            np.array([True, False, False, True]), 7, 0.05, 0.2)
    return case


def test_move_workers_matches_the_oracle_across_chunks():
    """Several chunks, a partial last one, every unemployed worker in a blocked town or seeking."""
    check_against_oracle(chunks_case(2 * CHUNK + 13), offset=3)


def test_the_parallel_path_matches_the_oracle_across_chunks():
    """The chunks shared among numba's threads, each group's changes to the tally added up at the end
    (_move_in_groups): what move_workers does from PARALLEL_ROWS workers on, here on three chunks."""
    check_against_oracle(chunks_case(2 * CHUNK + 13), offset=3, parallel=True)


@pytest.mark.slow
def test_move_workers_takes_the_parallel_path_and_matches_the_oracle():
    """PARALLEL_ROWS + 77 workers: move_workers itself, through its parallel path."""
    check_against_oracle(chunks_case(PARALLEL_ROWS + 77, seed=6), offset=5)


@given(st.one_of(st.floats(allow_nan=True), st.sampled_from([0.0, -0.0, 5e-324, 2.0**-53, 1.0 - 2.0**-53, 1.0])),
       st.integers(-3, 3))
def test_integer_threshold_is_exactly_the_uniform_comparison(p, step):
    """uniform < p exactly when its 53 bits are < below(p), checked at the threshold and next to it."""
    t = int(below(p))
    assert 0 <= t <= 2**53
    for b in {max(0, min(2**53 - 1, t + step)), 0, 2**53 - 1}:
        assert (b * 2.0**-53 < p) == (b < t)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 9).flatmap(lambda n: st.tuples(
    hnp.arrays(np.int64, (n, 3), elements=st.integers(0, 40)),                       # unemployed
    hnp.arrays(np.int64, (n, 3), elements=st.integers(0, 12)),                       # vacancies
    hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, 0.5, 3.0])),          # attraction
    hnp.arrays(np.float64, (n, n), elements=st.sampled_from([1.0, 2.0, 4.0, 9.0, 30.0, np.inf])),
    hnp.arrays(np.bool_, n))),
    st.sampled_from([3.0, 10.0, 40.0]))
def test_goal_search_over_towns_within_reach_matches_the_full_search(case, radius):
    """The kernel visits only towns_within(radius); the reference backend's plain-Python search visits every
    town and skips the far ones: the same goals, ties included."""
    unemployed, vacancies, attraction, dist, blocked = case
    np.fill_diagonal(dist, 0.0)
    got = choose_goals(unemployed, vacancies, attraction, dist, blocked, 0.5, 5.0, *towns_within(dist, radius))
    want = reference_choose_goals(unemployed, vacancies, attraction, dist, blocked, 0.5, 5.0, radius)
    np.testing.assert_array_equal(got, want)
