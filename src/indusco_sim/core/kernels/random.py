"""Counter-based uniforms: a uniform for item i under a tick's key, from the splitmix64 hash.

The model draws one 64-bit key per tick from its numpy Generator; a kernel turns (key, worker id) into that
worker's uniform. No array of draws is made or read, the result does not depend on the order (or thread) in
which workers are visited, and the Mesa backend computes the same numbers with Python integers
(reference_rules.uniform). splitmix64 is Steele, Lea and Flood's finaliser (Java's SplittableRandom).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def mix53(z):
    """The top 53 bits of the splitmix64 finaliser of z (uint64), as a uint64."""
    z = (z ^ (z >> np.uint64(30))) * MIX1
    z = (z ^ (z >> np.uint64(27))) * MIX2
    z = z ^ (z >> np.uint64(31))
    return z >> np.uint64(11)


@njit(cache=True, inline="always")
def bits53(key, i):
    """The 53 bits behind item i's uniform under key (uint64): mix53(key + (i + 1) * GOLDEN)."""
    return mix53(key + (np.uint64(i) + np.uint64(1)) * GOLDEN)


@njit(cache=True, inline="always")
def uniform(key, i):
    """A uniform in [0, 1) for item i under key (uint64): bits53(key, i) * 2**-53 (exact)."""
    return float(bits53(key, i)) * TO_UNIT


@njit(cache=True)
def below(p):
    """The integer threshold t (0 <= t <= 2**53) with bits53(key, i) < t exactly when uniform(key, i) < p.

    b * 2**-53 < p  <=>  b < p * 2**53 (exact: a scaling by a power of two)  <=>  b < ceil(p * 2**53) for an
    integer b; p <= 0 or NaN gives 0 (nothing is below), p >= 1 gives 2**53 (everything is)."""
    if not p > 0.0:
        return np.uint64(0)
    if p >= 1.0:
        return np.uint64(9007199254740992)
    return np.uint64(math.ceil(p * 9007199254740992.0))
