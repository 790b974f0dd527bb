"""Regions and the national fund: founding, headquarters moves, loan policy, organisers and splits.

A region's organisers (staff) both supervise cooperatives and found new ones. Supervision load
(organiser-months per month) grows with the number of cooperatives and their travel time to the HQ.
What is left over becomes founding slots. When load per organiser stays above `split_threshold`
for `split_months`, the far part of the region becomes a new region (kernels/administration.far_part).
"""

from __future__ import annotations

import numpy as np

from indusco_sim.core.kernels.administration import update_organisers

DEPOT_FIRST = 1 << 40  # ranks any depot town above every town without a depot


class RegionsMixin:
    """Region bookkeeping for IndusModel (small arrays: one row per region, one entry per town)."""

    def found_region(self, name: str, hq: int, tick: int, parent: int = -1, staff: float | None = None) -> int:
        """Add a region with its HQ; towns whose region_1940 is `name` (and are unassigned) join it.
        Depots in its towns without an explicit opening date open now."""
        rows = self.regions.add(1)
        r = rows.start
        reg = self.regions
        reg.hq[r], reg.founded[r], reg.parent[r], reg.alive[r] = hq, tick, parent, True
        reg.staff[r] = self.spec.administration.initial_staff if staff is None else staff
        self.region_names.append(name)
        self.hqs_to_check = True
        if parent < 0:
            home = (self.network.towns["region_1940"].to_numpy() == name) & (self.town_region < 0)
            self.town_region[home] = r
            self.town_region[hq] = r
            pending = (self.depot_opens == np.iinfo(np.int32).max) & (self.town_region[self.depot_town] == r)
            self.depot_opens[pending] = tick
        return r

    def move_fallen_hqs(self) -> None:
        """A region whose HQ town is occupied moves its HQ to its open town with the most cooperatives
        (depot towns first)."""
        reg = self.regions
        if not self.hqs_to_check:  # nothing moved the front or an HQ since the last check
            return
        self.hqs_to_check = False
        if not self.occupied[reg.hq[reg.alive]].any():
            return
        fallen = [r for r in np.flatnonzero(reg.alive) if self.occupied[reg.hq[r]]]
        _, _, per_town = self.engine.supervision(reg.hq, self.dist, reg.n)
        for r in fallen:
            towns = np.flatnonzero((self.town_region == r) & ~self.occupied)
            if len(towns):
                key = per_town[towns] + np.where(self.is_depot_town[towns], DEPOT_FIRST, 0)
                reg.hq[r] = towns[int(np.argmax(key))]

    def apply_policy(self, policy) -> None:
        self.fund += policy.grant
        if policy.donations_per_month is not None:
            self.donations_per_month = policy.donations_per_month
        if policy.donations_factor is not None:
            self.donations_per_month *= policy.donations_factor
        if policy.lending_factor is not None:
            self.lending_factor = policy.lending_factor
        if policy.staff_factor is not None:  # organisers dismissed, and no more may be hired from now on
            self.regions.staff *= policy.staff_factor
            self.staff_ceiling *= policy.staff_factor

    def administer(self, tick: int) -> None:
        """Grow staff, measure supervision load, turn spare capacity into founding slots, split regions."""
        a = self.spec.administration
        reg = self.regions
        load, _, per_town = self.engine.supervision(reg.hq, self.dist, reg.n)
        reg.load[:] = load
        update_organisers(reg.alive, reg.staff, reg.load, reg.slots, reg.over, self.staff_ceiling,
                          a.staff_growth_per_month, a.staff_growth_share, a.founding_cost, a.split_threshold,
                          self.p.months[tick])
        for r in np.flatnonzero(reg.over >= max(a.split_months, 1e-9)):
            self.try_split(int(r), tick, per_town)

    def try_split(self, r: int, tick: int, per_town: np.ndarray) -> None:
        """Split region r if its far part holds enough cooperatives and a depot town for its HQ. The new HQ
        hires `initial_staff` organisers and takes the part's share (by supervision load after the split) of
        the old region's organisers."""
        a = self.spec.administration
        reg = self.regions
        mask, new_hq, coops = self.engine.far_part(r, self.town_region, reg.hq, per_town, self.dist,
                                                   self.is_depot_town)
        if new_hq < 0 or coops < a.split_min_cooperatives:
            return
        name = self.town_names[new_hq]
        new = self.found_region(name, int(new_hq), tick, parent=r)
        self.town_region[mask] = new
        self.engine.reassign(mask, r, new)
        load, _, _ = self.engine.supervision(reg.hq, self.dist, reg.n)
        total = load[r] + load[new]
        share = load[new] / total if total > 0 else 0.5
        moved = reg.staff[r] * share
        reg.staff[r] -= moved
        reg.staff[new] += moved
        reg.load[r], reg.load[new] = load[r], load[new]
        reg.over[r] = reg.over[new] = 0.0
        self.splits.append({"tick": tick, "date": self.date_labels[tick],
                            "parent": self.region_names[r], "region": name, "hq": name, "cooperatives": int(coops)})
