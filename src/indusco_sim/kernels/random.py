"""Counter-based uniforms: a uniform for item i under a tick's key, from the splitmix64 hash.

The model draws one 64-bit key per tick from its numpy Generator; a kernel turns (key, worker id) into that
worker's uniform. No array of draws is made or read, the result does not depend on the order (or thread) in
which workers are visited, and the Mesa backend computes the same numbers with Python integers
(reference_rules.uniform). splitmix64 is Steele, Lea and Flood's finaliser (Java's SplittableRandom).
"""

from __future__ import annotations

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def uniform(key, i):
    """A uniform in [0, 1) for item i under key (uint64): the top 53 bits of splitmix64(key + (i + 1) * GOLDEN)."""
    z = key + (np.uint64(i) + np.uint64(1)) * GOLDEN
    z = (z ^ (z >> np.uint64(30))) * MIX1
    z = (z ^ (z >> np.uint64(27))) * MIX2
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * TO_UNIT
