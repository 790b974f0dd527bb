"""The Mesa reference backend (`--backend mesa`): the same tick as engine.NumbaEngine, written the way a
Mesa user writes a model.

Every worker, cooperative and depot is a `mesa.Agent` (reference_agents.py, reference_coop.py) holding
its own state, and each phase drives them through the model's AgentSets (`model.agents_by_type`, kept in
creation = id order) with verb-named agent methods. No numba and no vectorised numpy in per-agent work:
plain Python loops and floats.
The model still owns calendar, network, regions, fund and every random draw; this engine takes the draws in
the order the kernels do and repeats their arithmetic operation for operation, so a run matches the numba
backend number for number. Its value is as an independent check on the kernels, and as readable code.

Agent ids: an agent's `row` is its id in the numba backend (creation order per kind). Workers that leave
and cooperatives that close are removed from the model (`agent.remove()`); closed cooperatives are kept in
`self.coop_records` so coop_columns() can report every cooperative that ever lived.
"""

from __future__ import annotations

import math
import sys

import numpy as np
from mesa.agent import AgentSet

from indusco_sim.backends.mesa import towns as towns_
from indusco_sim.backends.mesa.agents import DepotAgent, WorkerAgent
from indusco_sim.backends.mesa.coop import CoopAgent
from indusco_sim.backends.mesa.labour import match_labour
from indusco_sim.backends.mesa.rules import Fate, Rules, Trip
from indusco_sim.core import state as col  # the collected table's columns (col.COOPS, ...)
from indusco_sim.core.state import ARRIVING, LEFT, UNEMPLOYED, coop_table
from indusco_sim.world.params import Params

# numba column name -> CoopAgent attribute, where they differ (readable properties take the plain names)
COOP_ATTRS = {"town": "town_id", "industry": "industry_id", "region": "region_id", "members": "n_members",
              "fate": "fate_code"}


class MesaEngine:
    """Workers, cooperatives and depots as Mesa agents; implements backends.contract.Engine."""

    name = "mesa"
    provides_agents = True  # its cooperatives and depots are the Mesa agents a person inspects

    def __init__(self, model, params: Params, n_towns: int, depot_towns, depot_opens, depot_scale):
        self.model = model
        self.p = params
        self.n_towns = n_towns
        self.n_skills = len(params.industries)
        self.n_res = len(params.resources)
        self.rules = Rules.build(params)
        self.coop_records: list[CoopAgent] = []   # every cooperative ever founded, in id order
        self.depot_list = [DepotAgent(model, row, int(t), int(o), float(x), self.n_res)
                           for row, (t, o, x) in enumerate(zip(depot_towns, depot_opens, depot_scale, strict=True))]
        self.n_workers = 0   # workers ever created
        self.n_left = 0      # of which left the model
        self._closed: list[CoopAgent] = []  # closed since the last production

    # ---- AgentSets ---------------------------------------------------------------------------------
    def _agents(self, kind) -> AgentSet:
        found = self.model.agents_by_type.get(kind)
        return found if found is not None else AgentSet([], random=self.model.random)

    @property
    def workers(self) -> AgentSet:
        """Workers arriving, unemployed or members, in id order."""
        return self._agents(WorkerAgent)

    @property
    def coops(self) -> AgentSet:
        """Live cooperatives in id order."""
        return self._agents(CoopAgent)

    @property
    def depots(self) -> AgentSet:
        return self._agents(DepotAgent)

    # ---- counts the model needs to size its random draws -------------------------------------------
    def n_alive(self) -> int:
        return len(self.coops)

    # ---- arrivals and movement ---------------------------------------------------------------------
    def add_workers(self, towns: np.ndarray, skills: np.ndarray, dests: np.ndarray) -> None:
        """New job-seekers set out from `towns` toward `dests`."""
        for town, skill, dest in zip(towns.tolist(), skills.tolist(), dests.tolist(), strict=True):
            WorkerAgent(self.model, self.n_workers, town, skill, dest)
            self.n_workers += 1

    def seed(self, coop_towns, industries, regions, sizes, loans, idle_towns, idle_skills) -> None:
        """Working co-ops with their members, and idle job-seekers, before the first tick (benchmarks)."""
        coops = []
        for t, s, r, n, loan in zip(coop_towns.tolist(), industries.tolist(), regions.tolist(), sizes.tolist(),
                                    loans.tolist(), strict=True):
            coop = CoopAgent(self.model, len(self.coop_records), t, s, r, n, loan, 0, self.n_res)
            self.coop_records.append(coop)
            coops.append(coop)
        for coop in coops:
            for _ in range(coop.n_members):
                worker = WorkerAgent(self.model, self.n_workers, coop.town_id, coop.industry_id, coop.town_id)
                self.n_workers += 1
                worker.join(coop)
        for town, skill in zip(idle_towns.tolist(), idle_skills.tolist(), strict=True):
            worker = WorkerAgent(self.model, self.n_workers, town, skill, town)
            worker.status = UNEMPLOYED
            self.n_workers += 1

    def count_unemployed(self) -> np.ndarray:
        """Unemployed workers (at a town, not travelling) by town and skill: int64[T, S]."""
        return np.array(self._unemployed_table(), dtype=np.int64).reshape(self.n_towns, self.n_skills)

    def _unemployed_table(self) -> list[list[int]]:
        out = [[0] * self.n_skills for _ in range(self.n_towns)]
        for w in self.workers:
            if w.status == UNEMPLOYED:
                out[w.town][w.skill] += 1
        return out

    def choose_goals(self, unemployed, vacancies, attraction, dist, blocked) -> np.ndarray:
        p = self.p
        return towns_.choose_goals(unemployed, vacancies, attraction, dist, blocked, float(p.crowding),
                                   float(p.distance_scale_days), float(p.search_radius_days))

    def move(self, key, goals, refuge, next_hop, hop_days, blocked, unemployed, tick_days, p_leave, p_seek) -> None:
        """Workers in id order: the unemployed draw their uniform (from the tick's key and their row) and may
        leave or set out; travellers walk on. (unemployed, the waiting table, only speeds up the numba engine.)"""
        trip = Trip(key, goals, refuge, next_hop, hop_days, blocked, tick_days, p_leave, p_seek)
        for w in self.workers:
            w.move(trip)
        for w in trip.leavers:
            w.remove()
        self.n_left += len(trip.leavers)

    # ---- depots ------------------------------------------------------------------------------------
    def open_depots(self, ids: np.ndarray, months_of_stock: float) -> None:
        """Stock newly opened depots with `months_of_stock` of resupply."""
        for i in ids.tolist():
            self.depot_list[i].stock_up(self.rules, float(months_of_stock))

    def bomb(self, keep: np.ndarray) -> None:
        """Depots and cooperatives in each town keep the share keep[town] of stocks and equipment. Like
        the numba backend, closed cooperatives' records are hit too."""
        keep = keep.tolist()
        for d in self.depot_list:
            d.suffer_raid(keep[d.town_id])
        for c in self.coop_records:
            c.suffer_raid(keep[c.town_id])

    # ---- allocation --------------------------------------------------------------------------------
    def allocate(self, depot_open, town_depot, P, months, tick) -> np.ndarray:
        """Resupply depots, ration materials and equipment, match labour. Returns open vacancies [T, S]."""
        rules, P, months = self.rules, float(P), float(months)
        is_open = depot_open.tolist()
        for d in self.depot_list:
            if is_open[d.row]:
                d.resupply(rules, months)
        serving = town_depot.tolist()
        coops, depots = self.coops, self.depots
        for c in coops:
            d = serving[c.town_id]
            c.depot = self.depot_list[d] if d >= 0 else None
        coops.do("plan_demand", rules, P, months)
        depots.do("clear_orders")
        coops.do("place_order", rules)
        depots.do("set_shares")
        coops.do("take_share", rules)
        coops.do("fit_transport", rules.transport_per_month * months)
        depots.set("shipped", 0.0)
        coops.do("take_delivery", rules, P)
        reserve = float(self.p.wage_per_agent)
        coops.do("plan_vacancies", rules, P, reserve, int(tick))
        match_labour(self.coops, self.workers, rules.unskilled > 0)
        coops.do("plan_vacancies", rules, P, reserve, int(tick))
        return self._vacancies_by_town()

    def _vacancies_by_town(self) -> np.ndarray:
        out = [[0] * self.n_skills for _ in range(self.n_towns)]
        for c in self.coops:
            if c.vacancies > 0:
                out[c.town_id][c.industry_id] += c.vacancies
        return np.array(out, dtype=np.int64).reshape(self.n_towns, self.n_skills)

    # ---- production --------------------------------------------------------------------------------
    def produce(self, P, months) -> float:
        """Every live cooperative produces, in id order. Returns the CN$ repaid to the loan fund."""
        for c in self._closed:
            c.stop_producing()
        self._closed = []
        P, months = float(P), float(months)
        repaid = 0.0
        for c in self.coops:
            repaid += c.produce(self.rules, P, months)
        return repaid

    # ---- lifecycle ---------------------------------------------------------------------------------
    def close_and_flee(self, u_fail, u_flee, blocked, refuge, town_region, p_fail, P, tick) -> int:
        """Live cooperatives in id order, one pair of uniforms each, close, flee or go on; members of
        closed ones become unemployed and members of moved ones follow. Returns closed + moved."""
        base = self.p.insolvency_per_agent * P
        fate = Fate(blocked, refuge, town_region, p_fail, self.p.flee_success, base, self.p.min_agents, tick)
        u_fail, u_flee = u_fail.tolist(), u_flee.tolist()
        changed = [c for k, c in enumerate(list(self.coops)) if c.close_or_flee(u_fail[k], u_flee[k], fate)]
        for c in changed:
            c.release_crew()
            if not c.alive:
                self._closed.append(c)
        return len(changed)

    def founding_candidates(self, town_region, region_alive, town_depot, blocked):
        return towns_.founding_candidates(self._unemployed_table(), town_region, region_alive, town_depot,
                                          self.depot_list, self.rules.recipe, blocked, self.rules.min_agents)

    def choose_foundings(self, towns, skills, sizes, u, town_region, town_weight, slots, fund_available,
                         loan_per_agent):
        return towns_.choose_foundings(towns, skills, sizes, u, town_region, town_weight, slots,
                                       float(fund_available), self.rules.founder_cap, float(loan_per_agent))

    def found(self, towns, skills, founders, loans, regions, tick) -> None:
        """Create the chosen cooperatives; the longest-registered unemployed (lowest id) of the skill in
        the town join each as founders."""
        wanted: dict[tuple[int, int], list] = {}
        for t, s, n, loan, r in zip(towns.tolist(), skills.tolist(), founders.tolist(), loans.tolist(),
                                    regions.tolist(), strict=True):
            coop = CoopAgent(self.model, len(self.coop_records), t, s, r, n, loan, int(tick), self.n_res)
            self.coop_records.append(coop)
            wanted[(t, s)] = [coop, n]
        total = sum(n for _, n in wanted.values())
        for w in self.workers:
            if total == 0:
                break
            if w.status != UNEMPLOYED:
                continue
            slot = wanted.get((w.town, w.skill))
            if slot is None or slot[1] == 0:
                continue
            w.join(slot[0])
            slot[1] -= 1
            total -= 1

    # ---- administration ----------------------------------------------------------------------------
    def supervision(self, hq, dist, n_regions):
        """(load float64[Rg] organiser-months per month, cooperatives int64[Rg], cooperatives per town
        int64[T]); a cooperative cut off from its HQ costs the longest reachable trip."""
        cost, per_day = float(self.p.supervision_cost), float(self.p.travel_cost)
        hq, D = hq.tolist(), dist.tolist()
        load, count, per_town = [0.0] * n_regions, [0] * n_regions, [0] * self.n_towns
        for c in self.coops:
            r = c.region_id
            per_town[c.town_id] += 1
            if r < 0:
                continue
            days = D[c.town_id][hq[r]]
            if days == math.inf:
                days = 0.0
                for x in D[hq[r]]:
                    if x != math.inf and x > days:
                        days = x
            load[r] += cost + per_day * days
            count[r] += 1
        return (np.array(load, dtype=np.float64), np.array(count, dtype=np.int64),
                np.array(per_town, dtype=np.int64))

    def far_part(self, r, town_region, hq, per_town, dist, is_depot_town):
        return towns_.far_part(int(r), town_region, hq, per_town, dist, is_depot_town)

    def reassign(self, town_mask: np.ndarray, old: int, new: int) -> None:
        """Cooperatives of region `old` in the masked towns now belong to region `new` (closed ones' records
        too, as in the numba backend)."""
        mask = town_mask.tolist()
        for c in self.coop_records:
            if c.region_id == old and mask[c.town_id]:
                c.region_id = int(new)

    # ---- collection --------------------------------------------------------------------------------
    def collect(self, town_region, n_regions, P, per_month) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """As kernels/collection.collect_regions: float64[Rg, 7 + I] (cooperatives, members (persons),
        unemployed (persons waiting or travelling in the region's towns), output nominal and real (CN$ per
        month), capital and loans (CN$ nominal), cooperatives by industry; summed in id order) and the
        unemployed agents by town and skill, int64[T, I], and live co-ops and their member agents by town,
        int64[2, T]."""
        ppa, P, per_month = self.rules.ppa, float(P), float(per_month)
        out = [[0.0] * (col.N_BASE + self.n_skills) for _ in range(n_regions)]
        by_town = [[0] * self.n_towns, [0] * self.n_towns]
        for c in self.coops:
            by_town[0][c.town_id] += 1
            by_town[1][c.town_id] += c.n_members
            r = c.region_id
            if r < 0:
                continue
            row = out[r]
            row[col.COOPS] += 1
            row[col.MEMBERS] += c.n_members * ppa
            row[col.OUT_NOMINAL] += c.sales * per_month
            row[col.CAPITAL] += c.capital
            row[col.LOANS] += c.debt
            row[col.N_BASE + c.industry_id] += 1
        for row in out:
            row[col.OUT_REAL] = row[col.OUT_NOMINAL] / P
        regions = town_region.tolist()
        waiting = [[0] * self.n_skills for _ in range(self.n_towns)]
        for w in self.workers:
            if w.status == UNEMPLOYED or w.status == ARRIVING:
                if w.status == UNEMPLOYED:
                    waiting[w.town][w.skill] += 1
                r = regions[w.town]
                if r >= 0:
                    out[r][col.UNEMP] += ppa
        return (np.array(out, dtype=np.float64).reshape(n_regions, col.N_BASE + self.n_skills),
                np.array(waiting, dtype=np.int64).reshape(self.n_towns, self.n_skills),
                np.array(by_town, dtype=np.int64).reshape(2, self.n_towns))

    def memory_bytes(self) -> int:
        """Approximate bytes held by the agents (objects, their attribute dicts and lists)."""
        total = 0
        for agent in (*self.workers, *self.coop_records, *self.depot_list):
            total += sys.getsizeof(agent) + sys.getsizeof(agent.__dict__)
            total += sum(sys.getsizeof(v) for v in vars(agent).values() if isinstance(v, list))
        return total

    # ---- views for outputs -------------------------------------------------------------------------
    def n_coops(self) -> int:
        return len(self.coop_records)

    def n_depots(self) -> int:
        return len(self.depot_list)

    def coop_value(self, row: int, column: str):
        """A cooperative's value in the numba backend's column units (ids, member agents, fate code)."""
        c = self.coop_records[row]
        if column == "stock":
            return np.array(c.stock)
        return getattr(c, COOP_ATTRS.get(column, column))

    def coop_array(self, column: str) -> np.ndarray:
        return np.array([self.coop_value(row, column) for row in range(self.n_coops())])

    def depot_town(self, row: int) -> int:
        return self.depot_list[row].town_id

    def depot_stocks(self, row: int) -> dict[str, float]:
        return self.depot_list[row].stocks

    def coops_by_town_industry(self) -> tuple[np.ndarray, np.ndarray]:
        return towns_.coops_by_town_industry(self.coops, self.n_towns, self.n_skills)

    def workers_by_town_status(self) -> np.ndarray:
        return towns_.workers_by_town_status(self.workers, self.n_towns)

    def depot_stock_by_town(self) -> np.ndarray:
        return towns_.depot_stock_by_town(self.depot_list, self.n_towns, self.n_res)

    def coop_columns(self) -> dict[str, np.ndarray]:
        """Final state of every cooperative that ever lived (one array per column; stock per resource),
        with the numba backend's columns and dtypes."""
        records = self.coop_records
        cols = {}
        for name, (dtype, _, _) in coop_table(self.n_res).columns.items():
            if name != "stock":
                attr = COOP_ATTRS.get(name, name)
                cols[name] = np.array([getattr(c, attr) for c in records], dtype=dtype)
        for j, r in enumerate(self.p.resources):
            cols[f"stock_{r}"] = np.array([c.stock[j] for c in records], dtype=np.float64)
        return cols

    def worker_counts(self) -> np.ndarray:
        """Workers by status (arriving, unemployed, member, left)."""
        counts = [0, 0, 0, 0]
        for w in self.workers:
            counts[w.status] += 1
        counts[LEFT] = self.n_left
        return np.array(counts, dtype=np.int64)
