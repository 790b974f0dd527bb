"""place_arrivals gives what the numpy version it replaced gives (np.repeat, np.searchsorted, np.where, indexing)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from indusco_sim.core.kernels.arrivals import place_arrivals


def numpy_arrivals(entry, counts, u, skill_cdf, occupied, refuge, goals):
    skills = np.searchsorted(skill_cdf, u, side="right")
    skills = np.minimum(skills, goals.shape[1] - 1).astype(np.int8)
    towns = np.repeat(entry, counts)
    towns = np.where(occupied[towns], refuge[towns], towns).astype(np.int32)
    return towns, skills, goals[towns, skills]


@st.composite
def arrival_case(draw):
    n_towns, n_skills = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    shares = draw(hnp.arrays(np.float64, n_skills, elements=st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0])))
    skill_cdf = np.cumsum(shares / shares.sum()) if shares.sum() > 0 else np.cumsum(np.full(n_skills, 1 / n_skills))
    streams = draw(st.integers(0, 5))
    entry = draw(hnp.arrays(np.int32, streams, elements=st.integers(0, n_towns - 1)))
    counts = draw(hnp.arrays(np.int64, streams, elements=st.integers(0, 30)))
    # uniforms in [0, 1), some exactly on a cumulative share (searchsorted's side matters there)
    on_a_share = st.sampled_from([0.0, *skill_cdf[skill_cdf < 1]])
    u = draw(hnp.arrays(np.float64, int(counts.sum()), elements=st.floats(0, 1, exclude_max=True) | on_a_share))
    occupied = draw(hnp.arrays(np.bool_, n_towns))
    refuge = draw(hnp.arrays(np.int32, n_towns, elements=st.integers(0, n_towns - 1)))
    goals = draw(hnp.arrays(np.int32, (n_towns, n_skills), elements=st.integers(-1, n_towns - 1)))
    return entry, counts, u, skill_cdf, occupied, refuge, goals


@settings(max_examples=200, deadline=None)
@given(arrival_case())
def test_place_arrivals_is_the_numpy_version(case):
    got = place_arrivals(*case)
    want = numpy_arrivals(*case)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and np.array_equal(g, w)


def test_an_occupied_entry_town_sends_arrivals_to_its_refuge():
    goals = np.array([[0, 0], [1, 1], [0, 2]], np.int32)
    towns, skills, dests = place_arrivals(np.array([0, 2], np.int32), np.array([1, 2]), np.array([0.1, 0.6, 0.5]),
                                          np.array([0.5, 1.0]), np.array([False, False, True]),
                                          np.array([0, 1, 1], np.int32), goals)
    assert towns.tolist() == [0, 1, 1] and skills.tolist() == [0, 1, 1] and dests.tolist() == [0, 1, 1]
