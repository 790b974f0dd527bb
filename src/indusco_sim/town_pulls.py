"""How strongly each town pulls job-seekers and organisers: views of the model's layout (its paths, depot
catchments, regions and HQs) that the movement and lifecycle phases read, recomputed only when the layout
changes (LayoutCache)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np


def attraction(town_region: np.ndarray, region_alive: np.ndarray, town_depot: np.ndarray, occupied: np.ndarray,
               min_agents: int) -> np.ndarray:
    """Pull of each town on job-seekers beyond its vacancies (agents, float64 [towns]): a town where a
    cooperative can be founded (open, in an active region, served by a depot) attracts like a new cooperative's
    min_agents founders; other towns 0."""
    active = town_region >= 0
    active[active] = region_alive[town_region[active]]
    possible = active & (town_depot >= 0) & ~occupied
    return possible * float(min_agents)


def founding_weight(dist: np.ndarray, hq: np.ndarray, town_region: np.ndarray, reach_days: float) -> np.ndarray:
    """How readily organisers found a co-op in each town (float64 [towns], 0-1): 1 / (1 + travel days from the
    town's regional HQ / reach_days); 0 for towns without a region or cut off from their HQ."""
    days = np.full(len(town_region), np.inf)
    towns = np.flatnonzero(town_region >= 0)
    days[towns] = dist[hq[town_region[towns]], towns]
    return np.where(np.isfinite(days), 1.0 / (1.0 + days / reach_days), 0.0)


class LayoutCache:
    """Values computed from a layout key, each kept until it is asked for under another key."""

    def __init__(self) -> None:
        self._hits: dict[str, tuple[Hashable, np.ndarray]] = {}

    def get(self, name: str, key: Hashable, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """The value `name` computed under `key`, computing it again if it was kept under another key."""
        hit = self._hits.get(name)
        if hit is None or hit[0] != key:
            hit = self._hits[name] = (key, compute())
        return hit[1]
