"""Array helpers written out as plain loops, in place of numpy functions whose numba versions are slow to compile.

Decision (issue 14, the cold run): numba compiles its own `a.sum(axis=1)` with a bounds check that formats an
error message (string conversion and concatenation), and `np.argsort(kind="mergesort")` with a generic merge
sort. With an empty cache, `warm_up()` spent 1.87 s compiling that sum inside `match_labour`, 1.36 s on the
merge sort inside `choose_foundings` and 0.23 s on the one-dimensional `sum`, out of 21.4 s (numba's compile
events, measured 2026-12-04). These loops compile in a fraction of that and give the same numbers: integer sums
are exact, and `stable_argsort` orders as numpy's merge sort does (tests/test_kernels_loops.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def total(a):
    """The sum of a one-dimensional integer array (int64)."""
    s = 0
    for i in range(a.shape[0]):
        s += a[i]
    return s


@njit(cache=True)
def row_sums(a):
    """The sums of the rows of a two-dimensional integer array: int64[rows] (numpy's a.sum(axis=1))."""
    out = np.zeros(a.shape[0], dtype=np.int64)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i] += a[i, j]
    return out


@njit(cache=True, inline="always")
def _before(x, y):
    """Whether key x sorts before key y: ascending, NaN last (numpy's order); equal keys are not before."""
    return x < y or (y != y and x == x)


@njit(cache=True)
def stable_argsort(keys):
    """The indices that sort float keys ascending, equal keys in their original order and NaN last: int64[n],
    the same as np.argsort(keys, kind="mergesort"). A bottom-up merge sort: n log n, one buffer of n."""
    n = keys.shape[0]
    order = np.arange(n)
    spare = np.empty(n, dtype=np.int64)
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if _before(keys[order[j]], keys[order[i]]):  # the right run's key is strictly first
                    spare[k] = order[j]
                    j += 1
                else:
                    spare[k] = order[i]
                    i += 1
                k += 1
            while i < mid:
                spare[k] = order[i]
                i += 1
                k += 1
            while j < hi:
                spare[k] = order[j]
                j += 1
                k += 1
        order, spare = spare, order
        width *= 2
    return order
