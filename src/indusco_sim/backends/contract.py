"""The engine contract: what the model asks of a backend each tick, and what it may read back.

The model (model.py) owns the calendar, the network, the regions, the loan fund and every random draw; an
engine owns the workers, cooperatives and depots and does the per-agent work of each phase. Both backends
(numba_engine.NumbaEngine, mesa.engine.MesaEngine) implement `Engine`; tests/test_backends.py checks that
their methods match it, and `make_engine` is the one place a backend is chosen.

Units, everywhere below: agents (one worker agent stands for `Params.persons_per_agent` persons), days of
travel, months of time, CN$ nominal unless "1937 CN$" is said, `P` the price level (1 = Jan-Jun 1937),
`months` the length of this tick in months. Arrays indexed [towns], [skills] (= industries), [regions],
[resources] in the model's orders. Cooperatives and depots are visited in id (creation) order, and so are
workers, so both backends give identical numbers.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from indusco_sim.world.params import Params

BACKENDS = ("numba", "mesa")


@runtime_checkable
class Engine(Protocol):
    name: str              # "numba" or "mesa"
    provides_agents: bool  # its cooperatives and depots are Mesa agents already (the page inspects them)
    p: Params

    # ---- population ---------------------------------------------------------------------------------
    def add_workers(self, towns: np.ndarray, skills: np.ndarray, dests: np.ndarray) -> None:
        """New arriving worker agents at `towns`, of `skills`, heading for `dests` (all int [n])."""

    def seed(self, coop_towns, industries, regions, sizes, loans, idle_towns, idle_skills) -> None:
        """Working co-ops of `sizes` member agents with `loans` (CN$) and idle job-seekers, before tick 0."""

    def count_unemployed(self) -> np.ndarray:
        """Unemployed agents by town and skill: int64 [towns, skills]."""

    def choose_goals(self, unemployed, vacancies, attraction, dist, blocked) -> np.ndarray:
        """Each (town, skill)'s goal town for job-seekers: int [towns, skills], given vacancies [towns,
        skills], a town's attraction [towns], travel days [towns, towns] and occupied towns [towns]."""

    def move(self, key, goals, refuge, next_hop, hop_days, blocked, unemployed, tick_days, p_leave,
             p_seek) -> None:
        """One tick of movement: job-seekers leave (chance p_leave) or set out (p_seek) toward their goal;
        travellers walk up to `tick_days` days along next hops. `key` is the tick's draw."""

    # ---- depots, war, allocation, production ---------------------------------------------------------
    def open_depots(self, ids: np.ndarray, months_of_stock: float) -> None:
        """Stock newly opened depots with `months_of_stock` months of resupply."""

    def bomb(self, keep: np.ndarray) -> None:
        """Multiply depot and co-op stocks and equipment in each town by keep[town] (share kept, 0-1)."""

    def allocate(self, depot_open, town_depot, P, months, tick) -> np.ndarray:
        """Resupply depots, ration materials and equipment, match labour. Returns open vacancies
        (agents) int64 [towns, skills]."""

    def produce(self, P, months) -> float:
        """Every live co-op produces, sells, pays wages and repays; returns repayments (CN$ nominal)."""

    # ---- lifecycle -----------------------------------------------------------------------------------
    def close_and_flee(self, u_fail, u_flee, blocked, refuge, town_region, p_fail, P, tick) -> int:
        """Dissolve, close insolvent, or move co-ops of occupied towns (uniforms u_fail, u_flee [live
        co-ops]); returns how many closed or moved."""

    def founding_candidates(self, town_region, region_alive, town_depot, blocked):
        """(towns, skills, founder agents) where a co-op could be founded this tick."""

    def choose_foundings(self, towns, skills, sizes, u, town_region, town_weight, slots, fund_available,
                         loan_per_agent):
        """Which candidates are founded within each region's organiser `slots` (updated) and the fund (CN$);
        returns (chosen candidate indices, founder agents, loans CN$, fund used CN$)."""

    def found(self, towns, skills, founders, loans, regions, tick) -> None:
        """Create the chosen co-ops and enrol their founders."""

    def n_alive(self) -> int:
        """Live co-ops now."""

    # ---- administration ------------------------------------------------------------------------------
    def supervision(self, hq, dist, n_regions):
        """(load float64 [regions] organiser-months per month, co-ops int64 [regions], co-ops int64
        [towns])."""

    def far_part(self, r, town_region, hq, per_town, dist, is_depot_town):
        """(bool [towns] the part of region r a split would give to a new region, its HQ town or -1, its
        co-ops)."""

    def reassign(self, town_mask: np.ndarray, old: int, new: int) -> None:
        """Co-ops of region `old` in the masked towns now belong to region `new`."""

    # ---- collection and views ------------------------------------------------------------------------
    def collect(self, town_region, n_regions, P, per_month) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(regional table float64 [regions, N_BASE + skills], unemployed agents int64 [towns, skills],
        live co-ops and their member agents int64 [2, towns])."""

    def memory_bytes(self) -> int:
        """Bytes of agent state held."""

    def n_coops(self) -> int:
        """Co-ops ever founded."""

    def n_depots(self) -> int:
        """Depots."""

    def coop_value(self, row: int, column: str):
        """One co-op's value of a state column (core.state.coop_table's names)."""

    def coop_array(self, column: str) -> np.ndarray:
        """A state column of every co-op ever founded, by row (read it, do not write it)."""

    def depot_town(self, row: int) -> int:
        """The town of depot `row`."""

    def depot_stocks(self, row: int) -> dict[str, float]:
        """Depot `row`'s stock per resource (units) and its equipment (units)."""

    def coop_columns(self) -> dict[str, np.ndarray]:
        """Final state of every co-op that ever lived: one array per column, stock_<resource> per resource."""

    def worker_counts(self) -> np.ndarray:
        """Worker agents by status (core.state.STATUS_NAMES): int64 [4]."""

    def coops_by_town_industry(self) -> tuple[np.ndarray, np.ndarray]:
        """Live co-ops and their member agents: two int64 [towns, skills]."""

    def workers_by_town_status(self) -> np.ndarray:
        """Worker agents by town (where they are or are heading) and status: int64 [towns, 4]."""

    def depot_stock_by_town(self) -> np.ndarray:
        """Depot stocks summed per town: units [towns, resources + 1], equipment last."""


def make_engine(backend: str, params: Params, n_towns: int, depot_towns, depot_opens, depot_scale,
                model=None, workers_expected: int = 0) -> Engine:
    """The engine of `backend` ("numba" or "mesa"). The Mesa engine's agents belong to `model`.
    `workers_expected`: worker agents the run is expected to hold in all, for which the numba engine maps its
    worker table at once (it grows if the run brings more)."""
    if backend == "numba":
        from indusco_sim.backends.numba_engine import NumbaEngine

        return NumbaEngine(params, n_towns, depot_towns, depot_opens, depot_scale,
                           worker_capacity=max(1024, workers_expected))
    if backend == "mesa":
        from indusco_sim.backends.mesa.engine import MesaEngine

        return MesaEngine(model, params, n_towns, depot_towns, depot_opens, depot_scale)
    raise ValueError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
