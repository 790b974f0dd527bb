"""The numba backend: agent state in arrays (state.py), every phase a compiled kernel (kernels/).

The model (model.py) owns the calendar, the network, the regions, the fund and the random draws; an
engine owns the workers, cooperatives and depots and runs the per-agent work of each phase. A second
engine written the Mesa way implements the same methods on Python agents.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

from indusco_sim.core.bundles import economy_of, industries_of
from indusco_sim.core.kernels import administration as adm
from indusco_sim.core.kernels import allocation as alloc
from indusco_sim.core.kernels import collection, lifecycle, movement, production, war
from indusco_sim.core.kernels.counts import places_in_groups
from indusco_sim.core.state import (
    ARRIVING,
    MAX_TOWNS,
    MEMBER,
    UNEMPLOYED,
    coop_table,
    depot_table,
    worker_table,
)
from indusco_sim.world.params import Params

# Held while a kernel runs on numba's threads (movement from PARALLEL_ROWS workers, the co-ops' demand and
# production from PARALLEL_COOPS co-ops): models stepped at once in several Python threads (the page's sessions)
# then take turns there. numba's "workqueue" threading layer, used when neither TBB nor OpenMP is installed,
# aborts the process on a parallel kernel entered from two threads.
PARALLEL = threading.Lock()


class NumbaEngine:
    """Workers, cooperatives and depots in arrays; implements backends.contract.Engine."""

    name = "numba"
    provides_agents = False  # its state is arrays: views.sync_agents makes Mesa agents for the page

    def __init__(self, params: Params, n_towns: int, depot_towns, depot_opens, depot_scale,
                 worker_capacity: int = 1024):
        if n_towns > MAX_TOWNS:
            raise ValueError(f"{n_towns} towns: worker town ids are int16, at most {MAX_TOWNS} towns")
        self.p = params
        self.industries = tuple(industries_of(params))  # core.bundles.Industries, as the kernels take it
        self.economy = tuple(economy_of(params))        # core.bundles.Economy
        self.n_towns = n_towns
        self.workers = worker_table(worker_capacity)
        self.coops = coop_table(len(params.resources))
        self.depots = depot_table(len(params.resources), max(1, len(depot_towns)))
        rows = self.depots.add(len(depot_towns))
        self.depots.town[rows] = depot_towns
        self.depots.opens[rows] = depot_opens
        self.depots.scale[rows] = depot_scale
        self._near: tuple = (None,)  # (travel times, towns_within of them)
        # the tally (core.bundles.Tally): job-seekers by town and each co-op's member list, kept up to date by
        # every kernel that changes a worker's status or town, so that no phase counts by scanning every worker.
        # A co-op's list has room for the most members it can have: hiring stops at its industry's target size,
        # founders are at most that (seed widens the lists for larger seeded co-ops).
        self.unemployed = np.zeros((n_towns, len(params.industries)), dtype=np.int64)
        self.travelling = np.zeros(n_towns, dtype=np.int64)
        width = int(max([1, *params.target_agents, *params.founder_cap]))
        self.member_ids = np.empty((self.coops.capacity, width), dtype=np.int32)

    def _tally(self) -> tuple:
        """The tally as a core.bundles.Tally tuple (rebuilt each call: the member lists may grow)."""
        return (self.unemployed, self.travelling, self.member_ids)

    def _reserve_members(self, width: int = 0) -> None:
        """A member list for every row of the co-op table, each with room for at least `width` members. The
        lists are mapped lazily (np.empty), as the tables' spare rows are (state.Table.add)."""
        rows, old = self.member_ids.shape
        if rows >= self.coops.capacity and width <= old:
            return
        grown = np.empty((max(rows, self.coops.capacity), max(width, old)), dtype=np.int32)
        n = min(rows, self.coops.n)
        grown[:n, :old] = self.member_ids[:n]
        self.member_ids = grown

    @staticmethod
    def _threads(parallel: bool):
        """The PARALLEL lock when a kernel is about to run on numba's threads (one parallel kernel at a time in
        this process), else nothing to hold."""
        return PARALLEL if parallel else contextlib.nullcontext()

    # ---- counts the model needs to size its random draws -------------------------------------------
    def n_alive(self) -> int:
        return int(np.count_nonzero(self.coops.alive))

    # ---- arrivals and movement ---------------------------------------------------------------------
    def add_workers(self, towns: np.ndarray, skills: np.ndarray, dests: np.ndarray) -> None:
        rows = self.workers.add(len(towns))
        w = self.workers
        w.town[rows], w.skill[rows], w.dest[rows] = towns, skills, dests
        w.status[rows] = ARRIVING
        w.wait[rows] = 0
        self.travelling += np.bincount(towns, minlength=self.n_towns)

    def seed(self, coop_towns, industries, regions, sizes, loans, idle_towns, idle_skills) -> None:
        """Create working co-ops with their members, and idle job-seekers, before the first tick."""
        w = self.workers
        self._reserve_members(int(np.max(sizes, initial=0)))
        rows = self._add_coops(coop_towns, industries, regions, sizes, loans, 0)
        total = int(sizes.sum())
        members = w.add(total)
        w.town[members] = np.repeat(coop_towns, sizes)
        w.dest[members] = w.town[members]
        w.skill[members] = np.repeat(industries, sizes)
        w.status[members] = MEMBER
        w.employer[members] = np.repeat(np.arange(rows.start, rows.stop, dtype=np.int32), sizes)
        self.member_ids[w.employer[members], places_in_groups(sizes)] = np.arange(members.start, members.stop)
        idle = w.add(len(idle_towns))
        w.town[idle], w.dest[idle], w.skill[idle] = idle_towns, idle_towns, idle_skills
        w.status[idle] = UNEMPLOYED
        np.add.at(self.unemployed, (np.asarray(idle_towns, np.int64), np.asarray(idle_skills, np.int64)), 1)

    def _add_coops(self, towns, industries, regions, founders, loans, tick) -> slice:
        """New live cooperatives: founders (agents, all of their own skill), capital and debt = loan (CN$)."""
        c = self.coops
        rows = c.add(len(towns))
        self._reserve_members()
        i8 = np.int64  # one dtype for every caller, so the kernel is compiled once (in warm_up)
        new = (towns.astype(i8), industries.astype(i8), regions.astype(np.int16), founders.astype(i8),
               loans.astype(np.float64))
        lifecycle.open_coops(rows.start, new, tick, (c.town, c.industry, c.region, c.members, c.founders, c.matched,
                                                     c.capital, c.debt, c.loan, c.founded, c.alive))
        return rows

    def count_unemployed(self) -> np.ndarray:
        """The tally's unemployed by town and skill (a copy): what movement.count_unemployed would count."""
        return self.unemployed.copy()

    def choose_goals(self, unemployed, vacancies, attraction, dist, blocked) -> np.ndarray:
        p = self.p
        if self._near[0] is not dist:  # the towns each town knows of, again only when the front has moved
            self._near = (dist, *movement.towns_within(dist, p.search_radius_days))
        return movement.choose_goals(unemployed, vacancies, attraction, dist, blocked, p.crowding,
                                     p.distance_scale_days, self._near[1], self._near[2])

    def move(self, key, goals, refuge, next_hop, hop_days, blocked, unemployed, tick_days, p_leave, p_seek) -> None:
        """Movement of every worker (key: this tick's draw; each worker's uniform is uniform(key, its id)).
        unemployed: the exact count_unemployed table now; the kernel visits every unemployed worker only when
        a blocked town holds some."""
        w = self.workers
        args = (w.status, w.town, w.dest, w.wait, w.skill, np.uint64(key), goals, refuge, next_hop, hop_days, blocked,
                movement.holds_unemployed(unemployed, blocked), tick_days, p_leave, p_seek, self.unemployed,
                self.travelling)
        with self._threads(w.n >= movement.PARALLEL_ROWS):
            movement.move_workers(*args)

    # ---- depots ------------------------------------------------------------------------------------
    def open_depots(self, ids: np.ndarray, months_of_stock: float) -> None:
        """Stock newly opened depots with `months_of_stock` of resupply."""
        d = self.depots
        for i in ids:
            d.stock[i] = self.p.resupply * months_of_stock * d.scale[i]
            d.equipment[i] = self.p.equipment_resupply * months_of_stock * d.scale[i]

    def bomb(self, keep: np.ndarray) -> None:
        """Multiply depot stocks and cooperative equipment and stocks in each town by keep[town]."""
        d, c = self.depots, self.coops
        war.damage(keep, d.town, d.stock, d.equipment, c.town, c.stock, c.equipment)

    # ---- allocation --------------------------------------------------------------------------------
    def allocate(self, depot_open, town_depot, P, months, tick) -> np.ndarray:
        """Resupply depots, ration materials and equipment, match labour. Returns open vacancies [T, S]."""
        p, d, w = self.p, self.depots, self.workers
        depots = (d.stock, d.equipment, d.shipped, depot_open, d.scale)  # core.bundles.Depots
        supply = (p.resupply * months, p.resupply * p.max_stock_months, p.equipment_resupply * months,
                  p.equipment_resupply * p.max_stock_months, p.transport_per_month * months)  # bundles.Supply
        with self._threads(self.coops.n >= alloc.PARALLEL_COOPS):  # plan_demand on numba's threads
            return alloc.allocate_phase(depots, self._coop_bundle(), (w.status, w.town, w.skill, w.employer),
                                        town_depot, self.industries, self.economy, supply, P, months, tick,
                                        self.n_towns, self._tally())

    def _coop_bundle(self) -> tuple:
        """The cooperative arrays as a core.bundles.Coops tuple (rebuilt each call: the table may grow)."""
        c = self.coops
        return (c.alive, c.town, c.industry, c.members, c.matched, c.founders, c.founded, c.equipment, c.capital,
                c.debt, c.stock, c.output, c.sales)

    # ---- production --------------------------------------------------------------------------------
    def produce(self, P, months) -> float:
        with self._threads(self.coops.n >= alloc.PARALLEL_COOPS):
            return production.produce(self._coop_bundle(), self.industries, self.economy, P, months)

    # ---- lifecycle ---------------------------------------------------------------------------------
    def close_and_flee(self, u_fail, u_flee, blocked, refuge, town_region, p_fail, P, tick) -> int:
        c = self.coops
        per_member = self.p.insolvency_per_agent * P  # CN$ per member agent
        changed = lifecycle.fail_or_flee((c.alive, c.town, c.region, c.members, c.capital, c.died, c.fate), u_fail,
                                         u_flee, (blocked, refuge, town_region), p_fail, self.p.flee_success,
                                         per_member, self.p.min_agents, tick)
        if len(changed):
            w = self.workers
            lifecycle.release_members(w.status, w.town, w.skill, w.employer, changed, c.alive, c.town, c.members,
                                      self._tally())
        return len(changed)

    def founding_candidates(self, town_region, region_alive, town_depot, blocked):
        return lifecycle.founding_candidates(self.unemployed, town_region, region_alive, town_depot, self.depots.stock,
                                             self.p.recipe, blocked, self.p.min_agents)

    def choose_foundings(self, towns, skills, sizes, u, town_region, town_weight, slots, fund_available,
                         loan_per_agent):
        return lifecycle.choose_foundings(towns, skills, sizes, u, town_region, town_weight, slots, fund_available,
                                          self.p.founder_cap, loan_per_agent)

    def found(self, towns, skills, founders, loans, regions, tick) -> None:
        """Create the chosen cooperatives and enrol their founders."""
        if len(towns) == 0:
            return
        w = self.workers
        rows = self._add_coops(towns, skills, regions, founders, loans, tick)
        lifecycle.enrol_founders(w.status, w.town, w.skill, w.employer, rows.start, towns, skills, founders,
                                 self.n_towns, len(self.p.industries), self._tally())

    # ---- administration ----------------------------------------------------------------------------
    def supervision(self, hq, dist, n_regions):
        p, c = self.p, self.coops
        return adm.supervision_load(c.alive, c.region, c.town, hq, dist, n_regions, p.supervision_cost,
                                    p.travel_cost)

    def far_part(self, r, town_region, hq, per_town, dist, is_depot_town):
        return adm.far_part(r, town_region, hq, per_town, dist, is_depot_town)

    def reassign(self, town_mask: np.ndarray, old: int, new: int) -> None:
        """Cooperatives of region `old` in the masked towns now belong to region `new`."""
        c = self.coops
        c.region[(c.region == old) & town_mask[c.town]] = new

    # ---- collection --------------------------------------------------------------------------------
    def collect(self, town_region, n_regions, P, per_month) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(regional table float64[Rg, 7 + I], unemployed agents by town and skill int64[T, I], live co-ops and
        their member agents by town int64[2, T])."""
        c = self.coops
        return collection.collect_regions((c.alive, c.region, c.town, c.industry, c.members, c.sales, c.capital,
                                           c.debt), self._tally(), town_region, n_regions,
                                          len(self.p.industries), self.p.persons_per_agent, P, per_month)

    def memory_bytes(self) -> int:
        lists = self.member_ids[: self.coops.n].nbytes  # the member lists of the co-ops so far
        return self.workers.nbytes() + self.coops.nbytes() + self.depots.nbytes() + lists

    # ---- views for Mesa agents and outputs ---------------------------------------------------------
    def n_coops(self) -> int:
        return self.coops.n

    def n_depots(self) -> int:
        return self.depots.n

    def coop_value(self, row: int, column: str):
        return getattr(self.coops, column)[row]

    def coop_array(self, column: str) -> np.ndarray:
        return getattr(self.coops, column)  # the table's own rows 0..n-1, not a copy

    def depot_town(self, row: int) -> int:
        return int(self.depots.town[row])

    def depot_stocks(self, row: int) -> dict[str, float]:
        out = {r: float(v) for r, v in zip(self.p.resources, self.depots.stock[row], strict=True)}
        out["equipment"] = float(self.depots.equipment[row])
        return out

    def coop_columns(self) -> dict[str, np.ndarray]:
        """Final state of every cooperative that ever lived (one array per column; stock per resource)."""
        c = self.coops
        cols = {name: getattr(c, name).copy() for name in c.columns if name != "stock"}
        for j, r in enumerate(self.p.resources):
            cols[f"stock_{r}"] = c.stock[:, j].copy()
        return cols

    def worker_counts(self) -> np.ndarray:
        """Workers by status (arriving, unemployed, member, left). One comparison per status, not np.bincount,
        which copies the int8 statuses into int64 first: 112 MB at 14 million workers, the peak of that run."""
        status = self.workers.status
        return np.array([np.count_nonzero(status == code) for code in range(4)], dtype=np.int64)

    # ---- per-town views (read-only; the browser page's town inspector) -----------------------------
    def coops_by_town_industry(self) -> tuple[np.ndarray, np.ndarray]:
        """Live cooperatives and their member agents per town and industry: two int64 [towns, industries]."""
        c, n_s = self.coops, len(self.p.industries)
        keys = c.town[c.alive].astype(np.int64) * n_s + c.industry[c.alive]
        size = self.n_towns * n_s
        coops = np.bincount(keys, minlength=size).reshape(self.n_towns, n_s)
        members = np.bincount(keys, weights=c.members[c.alive], minlength=size).reshape(self.n_towns, n_s)
        return coops, members.astype(np.int64)

    def workers_by_town_status(self) -> np.ndarray:
        """Worker agents per town (where they are, or are heading) and status (STATUS_NAMES): int64 [towns, 4]."""
        w = self.workers
        placed = w.town >= 0
        keys = w.town[placed].astype(np.int64) * 4 + w.status[placed]
        return np.bincount(keys, minlength=self.n_towns * 4).reshape(self.n_towns, 4)

    def depot_stock_by_town(self) -> np.ndarray:
        """Depot stocks summed per town: resource units [towns, resources], equipment units in a last column."""
        d = self.depots
        out = np.zeros((self.n_towns, len(self.p.resources) + 1))
        np.add.at(out, d.town, np.column_stack([d.stock, d.equipment]))
        return out


def recount(engine: NumbaEngine) -> dict[str, np.ndarray]:
    """The engine's tally and its co-ops' member counts as full scans of the workers find them (the check of
    tests/test_tally.py, against kept_counts): unemployed [towns, skills], travelling [towns], members (sorted
    worker ids), members per co-op and of them matched (int64 [co-ops], 0 for dead co-ops)."""
    w, c = engine.workers, engine.coops
    n_s = len(engine.p.industries)
    unemp = w.status == UNEMPLOYED
    keys = w.town[unemp].astype(np.int64) * n_s + w.skill[unemp]
    moving = w.status == ARRIVING
    member = w.status == MEMBER
    employer = w.employer[member]
    return {
        "unemployed": np.bincount(keys, minlength=engine.n_towns * n_s).reshape(engine.n_towns, n_s),
        "travelling": np.bincount(w.town[moving], minlength=engine.n_towns),
        "members": np.flatnonzero(member),
        "coop_members": np.bincount(employer, minlength=c.n) * c.alive,
        "coop_matched": np.bincount(employer, weights=w.skill[member] == c.industry[employer],
                                    minlength=c.n).astype(np.int64) * c.alive,
    }


def listed_members(member_ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The worker ids in the member lists (core.bundles.Tally's member_ids): the first counts[c] of row c, for
    each co-op c, row after row."""
    return member_ids[: len(counts)][np.arange(member_ids.shape[1]) < counts[:, None]]


def kept_counts(engine: NumbaEngine) -> dict[str, np.ndarray]:
    """The figures recount counts, as the engine keeps them up to date."""
    c = engine.coops
    return {"unemployed": engine.unemployed.copy(), "travelling": engine.travelling.copy(),
            "members": np.sort(listed_members(engine.member_ids, c.members * c.alive)).astype(np.int64),
            "coop_members": c.members.astype(np.int64) * c.alive,
            "coop_matched": c.matched.astype(np.int64) * c.alive}
