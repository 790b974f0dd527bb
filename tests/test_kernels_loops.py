"""The hand-written loops (core/kernels/loops.py) give exactly what the numpy functions they replace give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from indusco_sim.core.kernels.loops import row_sums, stable_argsort, total

# few distinct values, so that ties are common; signed zeros and NaN, which numpy's order puts last
KEYS = st.sampled_from([0.0, -0.0, 1.5, -2.25, 3.0, np.nan, np.inf, -np.inf, 1e-300])


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 70), elements=KEYS | st.floats(-1e6, 1e6)))
def test_stable_argsort_is_numpys_merge_sort(keys):
    assert np.array_equal(stable_argsort(keys), np.argsort(keys, kind="mergesort"))


def test_stable_argsort_keeps_equal_keys_in_their_order():
    keys = np.array([2.0, 1.0, 2.0, 1.0, np.nan, 1.0, -0.0, 0.0])
    assert stable_argsort(keys).tolist() == [6, 7, 1, 3, 5, 0, 2, 4]  # -0.0 == 0.0; NaN last


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.int64, st.tuples(st.integers(0, 9), st.integers(0, 9)), elements=st.integers(-10**12, 10**12)))
def test_row_sums_and_total_are_numpys_sums(a):
    assert np.array_equal(row_sums(a), a.sum(axis=1))
    assert row_sums(a).dtype == np.int64
    flat = a.reshape(-1)
    assert total(flat) == flat.sum()
