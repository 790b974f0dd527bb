"""IndusModel: a mesa.Model that owns the state and runs the tick's phases in one documented order.

One tick (a week or a month):
  1. events          occupation and liberation, bombing, loan policy, regions founded, depots opened
  2. arrivals        refugee job-seekers enter at the front and set out inland
  3. movement        the unemployed look for better towns; travellers walk the network; some leave
  4. allocation      depots resupply and ration materials and equipment; the labour exchange fills vacancies
  5. production      Leontief output, sales at the price level, wages, loan repayment
  6. lifecycle       cooperatives fail or flee; new ones are founded where workers, materials, credit
                     and organisers meet
  7. administration  organisers grow; supervision load; an overloaded region splits
  8. collection      one row per (tick, region)
Every random number is drawn here, from `self.rng`, in this order, and passed to the engine.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import mesa
import numpy as np
from mesa.discrete_space import Network as NetworkSpace

from indusco_sim import town_pulls
from indusco_sim.backends.contract import make_engine
from indusco_sim.core.kernels.arrivals import place_arrivals
from indusco_sim.core.kernels.paths import serving_depots, shortest_paths
from indusco_sim.core.state import NATIONAL
from indusco_sim.data import scenarios_dir
from indusco_sim.regions import Regions
from indusco_sim.results.recorder import Recorder
from indusco_sim.scenario.load import load_scenario
from indusco_sim.scenario.schema import Scenario
from indusco_sim.town_pulls import LayoutCache
from indusco_sim.views import AgentViews, CoopAgent, sync_agents
from indusco_sim.world.geography import build_network
from indusco_sim.world.params import compile_params, per_tick_chance
from indusco_sim.world.schedule import build_schedule, workers_expected

PHASES = ("events", "arrivals", "movement", "allocation", "production", "lifecycle", "administration",
          "collection")
NEVER = np.iinfo(np.int32).max


def default_scenario() -> Path:
    return scenarios_dir() / "baseline.yaml"


class IndusModel(mesa.Model):
    """The Chinese Industrial Cooperatives on the transport network of unoccupied China.

    IndusModel(scenario="scenarios/baseline.yaml", rng=SEED). `scenario` is a path, a dict or a
    schema.Scenario; `rng` (default: the scenario's seed) seeds the model's numpy Generator.
    """

    def __init__(self, scenario: str | Path | Scenario | dict | None = None, rng=None, *,
                 overrides: tuple[str, ...] = (), backend: str = "numba", mesa_agents: bool = True):
        t0 = time.perf_counter()
        loaded = load_scenario(scenario if scenario is not None else default_scenario(), overrides)
        spec = loaded.scenario
        seed = spec.seed if rng is None else rng
        super().__init__(rng=seed)
        self.seed = int(seed) if isinstance(seed, int | np.integer) else None
        self.spec = spec
        self.loaded = loaded
        self.network = build_network(spec.geography)
        self.town_names = self.network.names
        self.p = compile_params(spec)
        self.schedule_by_tick = build_schedule(spec, self.p.calendar, self.network.index)
        pop, months = spec.population, self.p.months
        # per-tick chances and date labels, worked out once (months differ between ticks of a monthly calendar)
        self.p_leave = [per_tick_chance(pop.leave_per_month, m) for m in months]
        self.p_seek = [per_tick_chance(pop.seek_per_month, m) for m in months]
        self.p_fail = [per_tick_chance(spec.cooperatives.failure_per_month, m) for m in months]
        self.date_labels = [str(self.p.calendar.date_of(k)) for k in range(self.p.n_ticks)]
        n_towns = self.network.n_towns
        self.occupied = np.zeros(n_towns, dtype=np.bool_)
        self._setup_depots()
        # regions, their HQs, organisers and splits (regions.py); the model asks, they answer
        self.regions = Regions(self.p.admin, self.town_names, self.network.towns["region_1940"].to_numpy(),
                               self.date_labels, self.is_depot_town, self.network.towns["province"].tolist())
        self.space = NetworkSpace(self.network.graph, random=self.random,
                                  layout={i: (float(r.lon), float(r.lat)) for i, r in self.network.towns.iterrows()})
        self.engine = make_engine(backend, self.p, self.network.n_towns, self.depot_town, self.depot_opens,
                                  self.depot_scale, model=self,  # the mesa engine places its depots in self.space
                                  workers_expected=workers_expected(spec, self.schedule_by_tick, self.p.target_agents))
        self.fund = spec.finance.fund_initial
        self.donations_per_month = spec.finance.donations_per_month
        self.lending_factor = spec.finance.lending_factor
        adm = spec.administration  # organisers' days over each leg, None when they travel as goods do
        self.organiser_legs = self.network.organiser_days(adm.organiser_speed_km_per_day, adm.exposed_speed_km_per_day,
                                                          spec.geography.speed_km_per_day)
        self._refresh_paths()
        self._depot_state: np.ndarray | None = None  # open depots when town_depot was last computed
        self._next_opening = NEVER  # the next tick at which a depot opens
        self._layout_cache = LayoutCache()  # the town pulls of the last layout (town_pulls.py)
        self.goals = np.repeat(np.arange(n_towns, dtype=np.int32)[:, None], len(self.p.industries), axis=1)
        self.vacancies = np.zeros((n_towns, len(self.p.industries)), dtype=np.int64)
        self.waiting: np.ndarray | None = None  # unemployed agents by town and skill at the last collection
        self.recorder = Recorder()  # every tick's collected figures; results/tables.py builds the tables from it
        self.phase_seconds: dict[str, float] = defaultdict(float)
        self.mesa_agents = mesa_agents
        self.views = AgentViews()  # the Mesa agents over the engine's rows (views.sync_agents keeps them in step)
        # national figures of the last tick, set by the collection phase and read by the DataCollector
        self.date_label = str(spec.time.start)
        self.n_regions = 0
        for name in NATIONAL:
            setattr(self, f"national_{name}", 0.0)
        self.datacollector = mesa.DataCollector(model_reporters={
            "date": "date_label", "cooperatives": "national_cooperatives", "members": "national_members",
            "unemployed": "national_unemployed", "regions": "n_regions", "output_real": "national_output_real"})
        self.setup_seconds = time.perf_counter() - t0

    # ---- time ---------------------------------------------------------------------------------------
    @property
    def tick(self) -> int:
        """Ticks completed so far."""
        return len(self.recorder)

    @property
    def n_ticks(self) -> int:
        return self.p.n_ticks

    # ---- regions (owned by self.regions) ------------------------------------------------------------
    @property
    def region_names(self) -> list[str]:
        """Name of each region row, in founding order."""
        return self.regions.names

    @property
    def splits(self) -> list[dict]:
        """The splits so far: {tick, date, parent, region, hq, province, cooperatives} each."""
        return self.regions.splits

    @property
    def town_region(self) -> np.ndarray:
        """int16[T]: each town's region row, -1 for none."""
        return self.regions.town_region

    @property
    def date(self):
        """Last simulated day (the start date before the first tick)."""
        return self.p.calendar.date_of(self.tick - 1) if self.tick else self.spec.time.start

    def step(self) -> None:
        """Run one tick: the phases in PHASES order, each timed."""
        tick = self.tick
        if tick >= self.n_ticks:
            self.running = False
            return
        clock, seconds = time.perf_counter, self.phase_seconds
        t0 = clock()
        for name in PHASES:
            getattr(self, f"_phase_{name}")(tick)
            t1 = clock()
            seconds[name] += t1 - t0
            t0 = t1
        if self.tick >= self.n_ticks:
            self.running = False

    def run(self, ticks: int | None = None, progress=None) -> None:
        """Run to the end (or `ticks` more ticks). `progress(model)` is called after every tick."""
        stop = self.n_ticks if ticks is None else min(self.n_ticks, self.tick + ticks)
        while self.tick < stop:
            self.step()
            if progress is not None:
                progress(self)

    # ---- set-up helpers ---------------------------------------------------------------------------
    def _setup_depots(self) -> None:
        s, cal, idx = self.spec, self.p.calendar, self.network.index
        if s.depots.sites is not None:
            sites = [(idx[d.town], cal.tick_of(d.opened) if d.opened else NEVER, d.scale) for d in s.depots.sites]
        else:
            towns = self.network.towns
            sites = [(i, NEVER, 1.0) for i, role in enumerate(towns["role_1940"]) if role in ("hq", "depot")]
        sites = [site for site in sites for _ in range(s.depots.copies)]
        self.depot_town = np.array([t for t, _, _ in sites], dtype=np.int32)
        self.depot_opens = np.array([o for _, o, _ in sites], dtype=np.int32)
        self.depot_scale = np.array([x for _, _, x in sites], dtype=np.float64) * s.depots.supply_scale
        self.depot_stocked = np.zeros(len(sites), dtype=np.bool_)
        self.is_depot_town = np.zeros(self.network.n_towns, dtype=np.bool_)
        self.is_depot_town[self.depot_town] = True

    def _refresh_paths(self) -> None:
        """Travel days between open towns: `dist` for people and goods, `admin_dist` for organisers."""
        self.dist, self.next_hop, self.refuge = self.network.paths(self.occupied)
        if self.organiser_legs is None:
            self.admin_dist = self.dist
        else:
            self.admin_dist = shortest_paths(self.network.indptr, self.network.indices, self.organiser_legs,
                                             self.occupied)[0]

    def depot_open(self, tick: int) -> np.ndarray:
        return (self.depot_opens <= tick) & ~self.occupied[self.depot_town]

    # ---- phases --------------------------------------------------------------------------------------
    def _phase_events(self, tick: int) -> None:
        ev = self.schedule_by_tick[tick]
        if ev.occupy or ev.liberate:
            self.regions.hqs_to_check = True  # a regional HQ may have fallen (Regions.move_fallen_hqs)
            self.occupied[ev.occupy] = True
            self.occupied[ev.liberate] = False
            self._refresh_paths()
        for name, hq in ev.regions:
            self._open_region_depots(self.regions.found(name, hq, tick), tick)
        if tick == 0 and (self.spec.cooperatives.initial or self.spec.population.initial_workers):
            self.seed_initial_state()
        for name, hq in ev.hq_moves:
            self.regions.move_hq(name, hq)
        self.regions.move_fallen_hqs(self.occupied, self.engine, self.admin_dist)
        if ev.raids:
            self._raid(ev.raids)
        for policy in ev.policies:
            self._apply_policy(policy)
        months = self.p.months[tick]
        self.fund += self.donations_per_month * months
        if self.spec.finance.index_linked_fund and tick > 0:
            self.fund *= self.p.P[tick] / self.p.P[tick - 1]
        if self._depot_state is None or ev.occupy or ev.liberate or ev.regions or tick >= self._next_opening:
            self._update_depots(tick, front_moved=bool(ev.occupy or ev.liberate))

    def _open_region_depots(self, r: int, tick: int) -> None:
        """Depots in region r's towns without an opening date of their own open now (a region founded)."""
        pending = (self.depot_opens == NEVER) & (self.town_region[self.depot_town] == r)
        self.depot_opens[pending] = tick

    def _apply_policy(self, policy) -> None:
        """A dated change of loan policy: a grant to the fund, donations, the lending factor, organisers."""
        self.fund += policy.grant
        if policy.donations_per_month is not None:
            self.donations_per_month = policy.donations_per_month
        if policy.donations_factor is not None:
            self.donations_per_month *= policy.donations_factor
        if policy.lending_factor is not None:
            self.lending_factor = policy.lending_factor
        if policy.staff_factor is not None:  # organisers dismissed, and no more may be hired from now on
            self.regions.dismiss_staff(policy.staff_factor)

    def _raid(self, raids: list[tuple[int, float]]) -> None:
        """Each raid on a town destroys the share damage_per_raid of its depot and cooperative stocks and
        equipment; the number of raids is Poisson with the scheduled mean (drawn in the schedule's order)."""
        poisson = self.rng.poisson  # one scalar draw per raid: faster than one call with an array of means
        hits = [poisson(expected) for _, expected in raids]
        damage = self.spec.war.damage_per_raid
        if damage <= 0 or not any(hits):
            return
        keep = np.ones(self.network.n_towns)
        for (town, _), k in zip(raids, hits, strict=True):
            if k:
                keep[town] *= (1.0 - damage) ** k
        self.engine.bomb(keep)

    def _update_depots(self, tick: int, front_moved: bool) -> None:
        """Stock depots that have just opened and recompute which depot serves each town. Called only when
        the open set can have changed: a depot's opening tick, the front moving, a region founded."""
        is_open = self.is_open = self.depot_open(tick)
        later = self.depot_opens[self.depot_opens > tick]
        self._next_opening = int(later.min()) if len(later) else NEVER
        fresh = np.flatnonzero(is_open & ~self.depot_stocked)
        if len(fresh):
            self.engine.open_depots(fresh, self.spec.depots.initial_stock_months)
            self.depot_stocked[fresh] = True
        if self._depot_state is None or front_moved or not np.array_equal(is_open, self._depot_state):
            self.town_depot = serving_depots(self.dist, self.depot_town, is_open, self.occupied,
                                             self.spec.depots.catchment_days)
            self._depot_state = is_open

    def _phase_arrivals(self, tick: int) -> None:
        ev = self.schedule_by_tick[tick]
        if not ev.arrivals:
            return
        counts = np.array([self.rng.poisson(expected) for _, expected in ev.arrivals], dtype=np.int64)
        u = self.rng.random(int(counts.sum()))
        entry = np.array([t for t, _ in ev.arrivals], dtype=np.int32)
        self.engine.add_workers(*place_arrivals(entry, counts, u, self.p.skill_cdf, self.occupied, self.refuge,
                                                self.goals))

    def _phase_movement(self, tick: int) -> None:
        # nothing between the last collection and here changes who waits where (arrivals travel first)
        unemployed = self.waiting if self.waiting is not None else self.engine.count_unemployed()
        self.goals = self.engine.choose_goals(unemployed, self.vacancies, self.attraction(), self.dist,
                                              self.occupied)
        key = int(self.rng.integers(0, 2**63))  # each worker's uniform is kernels.random.uniform(key, worker id)
        self.engine.move(key, self.goals, self.refuge, self.next_hop, self.network.hop_days, self.occupied,
                         unemployed, int(self.p.days[tick]), self.p_leave[tick], self.p_seek[tick])

    def _phase_allocation(self, tick: int) -> None:
        self.vacancies = self.engine.allocate(self.is_open, self.town_depot, self.p.P[tick],
                                              self.p.months[tick], tick)

    def _phase_production(self, tick: int) -> None:
        self.fund += self.engine.produce(self.p.P[tick], self.p.months[tick])

    def _phase_lifecycle(self, tick: int) -> None:
        n = self.engine.n_alive()
        u = self.rng.random(2 * n)  # the same numbers as two draws of n: failure, then flight
        u_fail, u_flee = u[:n], u[n:]
        co = self.spec.cooperatives
        self.engine.close_and_flee(u_fail, u_flee, self.occupied, self.refuge, self.town_region,
                                   self.p_fail[tick], self.p.P[tick], tick)
        towns, skills, sizes = self.engine.founding_candidates(self.town_region, self.regions.alive,
                                                               self.town_depot, self.occupied)
        u = self.rng.random(len(towns))
        loan_per_agent = co.loan_per_member * self.spec.population.persons_per_agent * self.p.P[tick]
        chosen, founders, loans, used = self.engine.choose_foundings(
            towns, skills, sizes, u, self.town_region, self.founding_weight(), self.regions.slots,
            self.fund * self.lending_factor, loan_per_agent)
        self.fund -= used
        self.engine.found(towns[chosen], skills[chosen], founders, loans, self.town_region[towns[chosen]], tick)

    def _phase_administration(self, tick: int) -> None:
        self.regions.administer(tick, self.p.months[tick], self.engine, self.admin_dist)

    def _phase_collection(self, tick: int) -> None:
        reg = self.regions
        ids = reg.alive.nonzero()[0]
        table, self.waiting, by_town = self.engine.collect(self.town_region, reg.n, self.p.P[tick],
                                                           1.0 / self.p.months[tick])
        rows = table[ids]
        admin = np.empty((len(ids), 2))
        admin[:, 0], admin[:, 1] = reg.staff[ids], reg.load[ids]
        self.recorder.record(tick, ids, rows, admin, by_town)
        self.recorder.record_towns(tick, self.town_region, self.occupied, reg.hq)
        sums = np.add.reduce(rows, axis=0).tolist()
        for name, column in NATIONAL.items():
            setattr(self, f"national_{name}", sums[column])
        self.date_label, self.n_regions = self.date_labels[tick], len(ids)
        self.datacollector.collect(self)
        if self.mesa_agents:
            sync_agents(self, self.views)

    def seed_initial_state(self) -> None:
        """Co-ops and job-seekers present at the start (benchmarks): spread in turn over the open depot towns of
        the regions founded by then; industries follow the skill shares. Deterministic: no random draws."""
        towns = np.unique(self.depot_town[self.town_region[self.depot_town] >= 0])
        towns = towns[~self.occupied[towns]]
        if len(towns) == 0:
            return
        n_coops, n_idle = self.spec.cooperatives.initial, self.spec.population.initial_workers
        coop_towns = towns[np.arange(n_coops) % len(towns)].astype(np.int32)
        industries = self.spread_skills(n_coops)
        size = self.spec.cooperatives.initial_size
        sizes = self.p.target_agents[industries] if size is None else np.full(n_coops, size, dtype=np.int64)
        loans = sizes * self.spec.cooperatives.loan_per_member * self.spec.population.persons_per_agent * self.p.P[0]
        idle_towns = towns[np.arange(n_idle) % len(towns)].astype(np.int32)
        self.engine.seed(coop_towns, industries, self.town_region[coop_towns], sizes, loans.astype(np.float64),
                         idle_towns, self.spread_skills(n_idle))

    def spread_skills(self, n: int) -> np.ndarray:
        """n skills in proportion to the skill shares, deterministically interleaved: int8[n]."""
        picks = np.searchsorted(self.p.skill_cdf, (np.arange(n) * 0.618034) % 1.0, side="right")
        return np.minimum(picks, len(self.p.industries) - 1).astype(np.int8)

    # ---- derived views --------------------------------------------------------------------------------
    def layout(self) -> tuple:
        """What the town-level views below depend on: the paths (a new array when the front moves), the
        catchments, the regions' HQs and the towns' regions. They are recomputed only when this changes."""
        return (id(self.dist), id(self.town_depot), self.regions.hq.tobytes(), self.regions.alive.tobytes(),
                self.town_region.tobytes())

    def attraction(self) -> np.ndarray:
        """town_pulls.attraction of the current layout: the pull of each town on job-seekers (agents)."""
        return self._layout_cache.get("attraction", self.layout(), lambda: town_pulls.attraction(
            self.town_region, self.regions.alive, self.town_depot, self.occupied, self.p.min_agents))

    def founding_weight(self) -> np.ndarray:
        """town_pulls.founding_weight of the current layout: how readily organisers found a co-op in each town."""
        return self._layout_cache.get("founding_weight", self.layout(), lambda: town_pulls.founding_weight(
            self.dist, self.regions.hq, self.town_region, self.p.admin.founding_reach_days))

    def national(self, column: str) -> float:
        """National total of a collected column at the last tick: one of NATIONAL."""
        return getattr(self, f"national_{column}")

    @property
    def cooperatives(self):
        """AgentSet of the live cooperatives (Mesa agents): views over the arrays, or with the mesa backend
        the engine's own agents."""
        if self.engine.provides_agents:
            return self.engine.coops
        return self.agents_by_type.get(CoopAgent, mesa.agent.AgentSet([], random=self.random))
