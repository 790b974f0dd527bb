"""Vectorised counts of worker statuses, so that loops over every worker can stop (or not start) once they
have seen all the workers they act on: at 10k workers a full scan costs ~5 us, a count ~0.5 us."""

from __future__ import annotations

from numba import njit


@njit(cache=True, inline="always")
def count_equal(status, code):
    """Workers whose status is `code`."""
    n = 0
    for w in range(status.shape[0]):
        n += status[w] == code
    return n


@njit(cache=True, inline="always")
def count_at_most(status, code):
    """Workers whose status is at most `code` (ARRIVING = 0 <= UNEMPLOYED = 1: the job-seekers)."""
    n = 0
    for w in range(status.shape[0]):
        n += status[w] <= code
    return n
