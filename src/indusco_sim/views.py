"""Thin Mesa agents for what a person inspects: regions, depots and cooperatives.

Each agent is a view over one row of the engine's arrays (its `row`); it holds no state of its own.
Workers are not Mesa agents in the numba backend: there may be millions of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent
from mesa.discrete_space import CellAgent, FixedAgent

from indusco_sim.core.state import FATE_NAMES

if TYPE_CHECKING:
    from indusco_sim.model import IndusModel


class RegionAgent(Agent):
    """A regional headquarters: its HQ town, founding date, parent region and organising staff."""

    def __init__(self, model: IndusModel, row: int):
        super().__init__(model)
        self.row = row

    @property
    def name(self) -> str:
        return self.model.region_names[self.row]

    @property
    def hq(self) -> str:
        return self.model.town_names[self.model.regions.hq[self.row]]

    @property
    def founded(self):
        return self.model.p.calendar.date_of(int(self.model.regions.founded[self.row]))

    @property
    def parent(self) -> str | None:
        parent = int(self.model.regions.parent[self.row])
        return self.model.region_names[parent] if parent >= 0 else None

    @property
    def staff(self) -> float:
        return float(self.model.regions.staff[self.row])

    @property
    def load(self) -> float:
        return float(self.model.regions.load[self.row])


class DepotAgent(FixedAgent):
    """A supply depot in a town: stocks per resource (units) and equipment (units)."""

    def __init__(self, model: IndusModel, row: int, cell):
        super().__init__(model)
        self.row = row
        self.cell = cell

    @property
    def town(self) -> str:
        return self.model.town_names[self.model.engine.depot_town(self.row)]

    @property
    def stocks(self) -> dict[str, float]:
        return self.model.engine.depot_stocks(self.row)


class CoopAgent(CellAgent):
    """A cooperative: town, industry, region, members, equipment, capital and debt."""

    def __init__(self, model: IndusModel, row: int, cell):
        super().__init__(model)
        self.row = row
        self.cell = cell

    def _get(self, column: str):
        return self.model.engine.coop_value(self.row, column)

    @property
    def town(self) -> str:
        return self.model.town_names[self._get("town")]

    @property
    def industry(self) -> str:
        return self.model.p.industries[self._get("industry")]

    @property
    def region(self) -> str | None:
        r = self._get("region")
        return self.model.region_names[r] if r >= 0 else None

    @property
    def members(self) -> int:
        return int(self._get("members")) * self.model.spec.population.persons_per_agent

    @property
    def capital(self) -> float:
        return float(self._get("capital"))

    @property
    def debt(self) -> float:
        return float(self._get("debt"))

    @property
    def equipment(self) -> float:
        return float(self._get("equipment"))

    @property
    def fate(self) -> str:
        return FATE_NAMES[self._get("fate")]


class AgentViews:
    """The view agents made so far: regions and depots by row, live cooperatives by row, and how many
    cooperative rows have been seen (rows only grow)."""

    def __init__(self) -> None:
        self.regions: list[RegionAgent] = []
        self.depots: list[DepotAgent] = []
        self.coops: dict[int, CoopAgent] = {}
        self.coop_rows_seen = 0


def sync_agents(model: IndusModel, views: AgentViews) -> None:
    """Make the Mesa agents match the arrays after a tick: new rows get agents, closed cooperatives leave,
    moved ones change cell. Cost is proportional to what changed, plus one pass over live agents.
    An engine whose cooperatives and depots are Mesa agents already (`provides_agents`) gets region views only."""
    regions = views.regions
    for row in range(len(regions), model.regions.n):
        regions.append(RegionAgent(model, row))
    if model.engine.provides_agents:
        return
    depots = views.depots
    for row in range(len(depots), model.engine.n_depots()):
        depots.append(DepotAgent(model, row, model.space[int(model.engine.depot_town(row))]))
    coops = views.coops
    for row in range(views.coop_rows_seen, model.engine.n_coops()):
        coops[row] = CoopAgent(model, row, model.space[int(model.engine.coop_value(row, "town"))])
    views.coop_rows_seen = model.engine.n_coops()
    for row, agent in list(coops.items()):
        if not model.engine.coop_value(row, "alive"):
            agent.remove()
            del coops[row]
            continue
        town = int(model.engine.coop_value(row, "town"))
        if agent.cell.coordinate != town:
            agent.cell = model.space[town]
