"""town_pulls.py: the towns' pull on job-seekers and organisers, and the cache that keeps them per layout."""

from __future__ import annotations

import numpy as np

from indusco_sim import town_pulls


def test_attraction_is_the_founders_of_a_co_op_where_one_can_be_founded():
    town_region = np.array([0, 0, 1, -1, 0], dtype=np.int16)
    region_alive = np.array([True, False])
    town_depot = np.array([3, -1, 2, 4, 1])
    occupied = np.array([False, False, False, False, True])
    # town 0: open, region alive, a depot; 1: no depot; 2: its region not founded; 3: no region; 4: occupied
    assert town_pulls.attraction(town_region, region_alive, town_depot, occupied, 5).tolist() == [5, 0, 0, 0, 0]
    assert town_region.tolist() == [0, 0, 1, -1, 0]  # the caller's arrays are not changed


def test_founding_weight_falls_with_travel_days_from_the_regional_hq():
    dist = np.array([[0.0, 10.0, np.inf], [10.0, 0.0, np.inf], [np.inf, np.inf, 0.0]])
    hq = np.array([0, 2])
    town_region = np.array([0, 0, -1], dtype=np.int16)
    weight = town_pulls.founding_weight(dist, hq, town_region, 20.0)
    assert weight.tolist() == [1.0, 1.0 / 1.5, 0.0]  # the HQ itself, 10 days away, no region
    cut_off = town_pulls.founding_weight(dist, hq, np.array([0, 1, 1], dtype=np.int16), 20.0)
    assert cut_off.tolist() == [1.0, 0.0, 1.0]  # town 1 cannot reach region 1's HQ (town 2)


def test_the_layout_cache_computes_again_only_under_a_new_key():
    cache, calls = town_pulls.LayoutCache(), []

    def compute():
        calls.append(1)
        return np.arange(len(calls))

    first = cache.get("a", ("k", 1), compute)
    assert cache.get("a", ("k", 1), compute) is first and len(calls) == 1
    assert cache.get("b", ("k", 1), compute).tolist() == [0, 1] and len(calls) == 2  # each name its own value
    assert cache.get("a", ("k", 2), compute).tolist() == [0, 1, 2] and len(calls) == 3
