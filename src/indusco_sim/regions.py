"""Regions: the association's regional headquarters, their organisers, and the rule by which one splits.

A region's organisers (staff) both supervise cooperatives and found new ones. Supervision load
(organiser-months per month) grows with the number of cooperatives and their travel time to the HQ.
What is left over becomes founding slots. When load per organiser stays above `split_threshold`
for `split_months`, the far part of the region becomes a new region (kernels/administration.far_part).

`Regions` is the region table (one row per region: hq, founded, parent, alive, staff, load, slots, over)
together with what belongs to regions alone: their names, the splits so far, each town's region and the
organiser ceiling. It reads the model's world only through the arguments of its methods.
"""

from __future__ import annotations

import numpy as np

from indusco_sim.core.kernels.administration import update_organisers
from indusco_sim.core.state import Table, region_table
from indusco_sim.world.params import AdminParams

DEPOT_FIRST = 1 << 40  # ranks any depot town above every town without a depot


class Regions(Table):
    """The regions of a run. Columns as core.state.region_table; besides them:

    names: list[str], one per row; splits: list of {tick, date, parent, region, hq, province, cooperatives};
    town_region: int16[T], each town's region row or -1; staff_ceiling: organisers one HQ may have.
    """

    def __init__(self, rules: AdminParams, town_names: list[str], home_1940: np.ndarray, date_labels: list[str],
                 is_depot_town: np.ndarray, provinces: list[str] | None = None):
        template = region_table()
        super().__init__(template.columns, 16)
        self.rules = rules
        self.town_names = town_names
        self.home_1940 = home_1940          # str[T]: the region each town belonged to in 1940 (data/towns.csv)
        self.date_labels = date_labels      # the last day of each tick, as text
        self.is_depot_town = is_depot_town  # bool[T]
        self.provinces = provinces or [""] * len(town_names)  # each town's province (a split names its HQ's)
        self.names: list[str] = []
        self.splits: list[dict] = []
        self.town_region = np.full(len(town_names), -1, dtype=np.int16)
        self.staff_ceiling = rules.max_staff
        self.hqs_to_check = False  # set when the front or an HQ moved: a regional HQ may have fallen

    def found(self, name: str, hq: int, tick: int, parent: int = -1) -> int:
        """Add a region with its HQ town and return its row. A region founded by the association (no
        parent) takes the unassigned towns whose 1940 region is `name`, and its HQ town."""
        r = self.add(1).start
        self.hq[r], self.founded[r], self.parent[r], self.alive[r] = hq, tick, parent, True
        self.staff[r] = self.rules.initial_staff
        self.names.append(name)
        self.hqs_to_check = True
        if parent < 0:
            home = (self.home_1940 == name) & (self.town_region < 0)
            self.town_region[home] = r
            self.town_region[hq] = r
        return r

    def move_hq(self, name: str, hq: int) -> None:
        """A scheduled move of region `name`'s HQ to town `hq`."""
        self.hq[self.names.index(name)] = hq
        self.hqs_to_check = True

    def move_fallen_hqs(self, occupied: np.ndarray, engine, dist: np.ndarray) -> None:
        """A region whose HQ town is occupied moves its HQ to its open town with the most cooperatives
        (depot towns first)."""
        if not self.hqs_to_check:  # nothing moved the front or an HQ since the last check
            return
        self.hqs_to_check = False
        if not occupied[self.hq[self.alive]].any():
            return
        fallen = [r for r in np.flatnonzero(self.alive) if occupied[self.hq[r]]]
        _, _, per_town = engine.supervision(self.hq, dist, self.n)
        for r in fallen:
            towns = np.flatnonzero((self.town_region == r) & ~occupied)
            if len(towns):
                key = per_town[towns] + np.where(self.is_depot_town[towns], DEPOT_FIRST, 0)
                self.hq[r] = towns[int(np.argmax(key))]

    def dismiss_staff(self, factor: float) -> None:
        """Political pressure: every region keeps `factor` of its organisers, and no more may be hired."""
        self.staff *= factor
        self.staff_ceiling *= factor

    def administer(self, tick: int, months: float, engine, dist: np.ndarray) -> None:
        """Grow staff, measure supervision load, turn spare capacity into founding slots, split regions.
        `months`: the tick's length in months."""
        a = self.rules
        load, _, per_town = engine.supervision(self.hq, dist, self.n)
        self.load[:] = load
        update_organisers(self.alive, self.staff, self.load, self.slots, self.over, self.staff_ceiling,
                          a.staff_growth_per_month, a.staff_growth_share, a.founding_cost, a.split_threshold, months)
        for r in np.flatnonzero(self.over >= max(a.split_months, 1e-9)):
            self.try_split(int(r), tick, per_town, engine, dist)

    def try_split(self, r: int, tick: int, per_town: np.ndarray, engine, dist: np.ndarray) -> None:
        """Split region r if its far part holds enough cooperatives and its new HQ is far enough. The new HQ
        hires `initial_staff` organisers and takes the part's share (by supervision load after the split) of
        the old region's organisers. `per_town`: live co-ops per town."""
        mask, new_hq, coops = engine.far_part(r, self.town_region, self.hq, per_town, dist, self.is_depot_town)
        if new_hq < 0 or coops < self.rules.split_min_cooperatives:
            return
        if dist[self.hq[r], new_hq] < self.rules.split_min_days:  # near enough to be visited from the HQ
            return
        name = self.town_names[new_hq]
        new = self.found(name, int(new_hq), tick, parent=r)
        self.town_region[mask] = new
        engine.reassign(mask, r, new)
        load, _, _ = engine.supervision(self.hq, dist, self.n)
        total = load[r] + load[new]
        share = load[new] / total if total > 0 else 0.5
        moved = self.staff[r] * share
        self.staff[r] -= moved
        self.staff[new] += moved
        self.load[r], self.load[new] = load[r], load[new]
        self.over[r] = self.over[new] = 0.0
        self.splits.append({"tick": tick, "date": self.date_labels[tick], "parent": self.names[r], "region": name,
                            "hq": name, "province": self.provinces[new_hq], "cooperatives": int(coops)})
