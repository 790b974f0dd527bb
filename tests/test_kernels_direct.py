"""Kernels called directly on hand-made arrays, with exact expected values: the split rule at its threshold
(`>` not `>=`), organiser growth and founding slots, founding candidates, the regional collection, and the
archive comparison's error formula."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indusco_sim.core.kernels import administration, collection, lifecycle
from indusco_sim.core.kernels.counts import tally_of
from indusco_sim.core.state import (
    ARRIVING,
    COOPS,
    LEFT,
    LOANS,
    MEMBER,
    MEMBERS,
    N_BASE,
    OUT_NOMINAL,
    OUT_REAL,
    UNEMP,
    UNEMPLOYED,
)
from indusco_sim.results import history


def organisers(staff: float, load: float, threshold: float, *, alive: bool = True, slots: float = 0.0,
               over: float = 1.0, growth: float = 0.0, share: float = 0.0, months: float = 0.25):
    """One region through update_organisers; returns (staff, slots, over) after the tick."""
    arrays = (np.array([alive]), np.array([staff]), np.array([load]), np.array([slots]), np.array([over]))
    administration.update_organisers(*arrays, 25.0, growth, share, 0.5, threshold, months)
    return float(arrays[1][0]), float(arrays[3][0]), float(arrays[4][0])


def test_the_split_clock_runs_only_above_the_threshold() -> None:
    assert organisers(4.0, 2.0, 0.5)[2] == 0.0  # load / staff == threshold exactly: the clock resets
    assert organisers(4.0, 2.0 + 1e-9, 0.5)[2] == 1.25  # just above: a quarter month more
    assert organisers(4.0, 1.0, 0.5)[2] == 0.0
    assert organisers(0.0, 1.0, 0.5)[2] == 1.25  # no staff at all counts as overloaded


def test_a_dead_region_neither_grows_nor_counts_toward_a_split() -> None:
    staff, slots, over = organisers(4.0, 3.0, 0.5, alive=False, slots=3.0, growth=1.0)
    assert (staff, slots, over) == (4.0, 1.0, 0.0)  # slots fall to the floor of one, nothing founded


def test_organisers_grow_to_the_ceiling_and_bank_at_most_a_month_of_slots() -> None:
    staff, slots, _ = organisers(10.0, 2.0, 5.0, growth=0.6, share=0.1, months=0.5)
    assert staff == pytest.approx(10.8)  # 10 + (0.6 + 0.1 * 10) * 0.5
    assert slots == pytest.approx((10.8 - 2.0) / 0.5 * 0.5)  # spare organiser-months / founding cost
    assert organisers(24.9, 0.0, 5.0, growth=10.0)[0] == 25.0
    _, banked, _ = organisers(4.0, 2.0, 5.0, slots=3.5)
    assert banked == 4.0  # 3.5 + 4 a month * 0.25 = 4.5, capped at one month's 4


def candidates(unemployed, *, blocked=(False, False, False, False), stock=((1.0, 1.0),), min_agents=3):
    recipe = np.array([[1.0, 0.0], [0.0, 2.0]])  # skill 0 needs resource 0, skill 1 resource 1
    town_region = np.array([0, 0, 1, -1], np.int16)
    region_alive = np.array([True, False])
    town_depot = np.array([0, -1, 0, 0], np.int64)
    return lifecycle.founding_candidates(np.array(unemployed, np.int64), town_region, region_alive, town_depot,
                                         np.array(stock), recipe, np.array(blocked), min_agents)


def test_founding_candidates_need_workers_a_live_region_a_depot_and_stock() -> None:
    unemployed = [[3, 2], [9, 9], [9, 9], [9, 9]]  # town 1 has no depot, 2 a dead region, 3 no region
    towns, skills, sizes = candidates(unemployed)
    assert towns.tolist() == [0] and skills.tolist() == [0] and sizes.tolist() == [3]  # 3 == min_agents counts
    towns, skills, _ = candidates([[5, 5], [0, 0], [0, 0], [0, 0]], stock=((1.0, 0.0),))
    assert list(zip(towns.tolist(), skills.tolist(), strict=True)) == [(0, 0)]  # skill 1's input is out
    towns, _, _ = candidates([[5, 5], [0, 0], [0, 0], [0, 0]], blocked=(True, False, False, False))
    assert towns.tolist() == []
    towns, skills, sizes = candidates([[5, 4], [0, 0], [0, 0], [0, 0]])
    assert (towns.tolist(), skills.tolist(), sizes.tolist()) == ([0, 0], [0, 1], [5, 4])


def test_collect_regions_sums_live_cooperatives_and_job_seekers_exactly() -> None:
    alive = np.array([True, True, False, True])
    region = np.array([0, 1, 0, -1], np.int16)
    town = np.array([0, 1, 0, 2], np.int32)
    industry = np.array([0, 1, 1, 0], np.int8)
    members = np.array([7, 10, 50, 4], np.int32)
    sales = np.array([100.0, 300.0, 999.0, 5.0])
    capital = np.array([20.0, 30.0, 999.0, 1.0])
    debt = np.array([5.0, 6.0, 999.0, 1.0])
    status = np.array([UNEMPLOYED, UNEMPLOYED, ARRIVING, MEMBER, LEFT, UNEMPLOYED], np.int8)
    w_town = np.array([0, 1, 1, 0, 0, 2], np.int32)
    skill = np.array([1, 0, 0, 1, 1, 1], np.int8)
    town_region = np.array([0, 1, -1], np.int16)
    out, waiting, by_town = collection.collect_regions(
        (alive, region, town, industry, members, sales, capital, debt), tally_of(status, w_town, skill, 3, 2),
        town_region,
        2, 2, 3, 4.0, 4.0)
    assert out.shape == (2, N_BASE + 2)
    assert out[:, COOPS].tolist() == [1, 1]
    assert out[:, MEMBERS].tolist() == [21, 30]  # agents * 3 persons each
    assert out[:, UNEMP].tolist() == [3, 6]  # town 1: one waiting, one arriving; town 2 has no region
    assert out[:, OUT_NOMINAL].tolist() == [400.0, 1200.0]  # sales per tick * 4 ticks a month
    assert out[:, OUT_REAL].tolist() == [100.0, 300.0]  # / price level 4
    assert out[:, LOANS].tolist() == [5.0, 6.0]
    assert out[:, N_BASE:].tolist() == [[1, 0], [0, 1]]
    assert waiting.tolist() == [[0, 1], [1, 0], [0, 1]]  # arriving workers are not waiting yet
    assert by_town.tolist() == [[1, 1, 1], [7, 10, 4]]  # every live co-op, with or without a region


def test_the_archive_error_is_model_over_archive_minus_one() -> None:
    entry = history._entry("1939-12-31", "national", "China", "cooperatives", 1284, 1400.0, "1939-12-30", "S1")
    assert entry["error"] == 1400.0 / 1284.0 - 1.0 == pytest.approx(0.09034267912772585, rel=1e-15)
    assert history._entry("1940-12-31", "national", "China", "members", 25682, 0.0, "", "S1")["error"] == -1.0
    assert history._entry("1940-12-31", "n", "China", "members", 1, 1, "", "S1")["hold_out"] is False
    assert history._entry("1941-01-01", "n", "China", "members", 1, 1, "", "S1")["hold_out"] is True


def test_compare_reads_the_last_tick_before_each_archive_date() -> None:
    dates = pd.to_datetime(["1939-12-24", "1939-12-31", "1940-01-07"])
    ts = pd.DataFrame({"tick": [0, 1, 2], "date": dates, "region": ["Northwest"] * 3,
                       "cooperatives": [1000.0, 1300.0, 1500.0], "members": [15000.0, 15625.0, 16000.0],
                       "output_nominal": [1.0, 2.0, 3.0]})
    rows = {(r["date"], r["metric"]): r for r in history.compare(ts)}
    coops = rows[("1939-12-31", "cooperatives")]
    assert (coops["archive"], coops["model"], coops["model_date"]) == (1284.0, 1300.0, "1939-12-31")
    assert coops["error"] == 1300.0 / 1284.0 - 1.0
    assert rows[("1939-12-31", "members")]["error"] == 0.0
    assert ("1938-12-31", "cooperatives") not in rows  # more than a tick before the run starts
