"""Mesa agents of the reference backend: one Python object per worker and depot (cooperatives:
reference_coop.py).

Each agent holds its own state in plain Python ints, floats and lists and has verb-named methods for its
part of a tick. The arithmetic repeats kernels/ formula for formula and in the same order, so a run gives
the same numbers as the numba backend. Units as in state.py: materials in resource units, equipment in
units, travel in days; one worker agent stands for `persons_per_agent` persons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent
from mesa.discrete_space import FixedAgent

from indusco_sim.core.state import ARRIVING, LEFT, MEMBER, UNEMPLOYED

if TYPE_CHECKING:
    from indusco_sim.backends.mesa.coop import CoopAgent
    from indusco_sim.backends.mesa.rules import Rules, Trip


class WorkerAgent(Agent):
    """A job-seeker or member: its town (or the next town of its journey), destination, days left on the
    current leg, skill (industry index), status (state.ARRIVING..LEFT) and employer (a CoopAgent or None).

    Workers are not placed in `model.space`: a town may hold tens of thousands of them and a Mesa cell
    removes an agent in time proportional to its occupants, so the town is kept as an int."""

    def __init__(self, model, row: int, town: int, skill: int, dest: int):
        super().__init__(model)
        self.row = row
        self.town = town
        self.dest = dest
        self.wait = 0
        self.skill = skill
        self.status = ARRIVING
        self.employer: CoopAgent | None = None

    def move(self, trip: Trip) -> None:
        """One tick of movement (kernels/movement.move_workers for one worker). An unemployed worker takes
        the next uniform: it leaves, flees an occupied town, or sets out for a better town."""
        if self.status == UNEMPLOYED:
            r = trip.draw(self.row)
            here = self.town
            if r < trip.p_leave:
                self.leave(trip)
                return
            if trip.blocked[here]:
                target = trip.refuge[here]
            elif r < trip.p_leave + trip.p_seek:
                target = trip.goals[here][self.skill]
            else:
                return
            if target < 0 or target == here:
                return
            self.dest = target
            self.status = ARRIVING
            self.travel(trip.next_hop, trip.hop_days, trip.budget)
        elif self.status == ARRIVING:
            self.travel(trip.next_hop, trip.hop_days, trip.budget)

    def travel(self, next_hop: list, hop_days: list, budget: int) -> None:
        """Spend up to `budget` days on shortest-path hops toward `dest`; arrive as unemployed."""
        while True:
            if self.wait > 0:
                used = min(self.wait, budget)
                self.wait -= used
                budget -= used
                if self.wait > 0:
                    return
            here = self.town
            if here == self.dest:
                self.status = UNEMPLOYED
                return
            nxt = next_hop[here][self.dest]
            if nxt < 0:  # cut off by the front: stop and look for work here
                self.status = UNEMPLOYED
                self.dest = here
                return
            if budget <= 0:
                return
            self.town = nxt
            self.wait = hop_days[here][nxt]

    def leave(self, trip: Trip) -> None:
        """Give up looking for work; the engine removes the leavers from the model after the pass."""
        self.status = LEFT
        trip.leavers.append(self)

    def join(self, coop: CoopAgent) -> None:
        """Become a member of `coop` (the cooperative counts its members itself)."""
        self.status = MEMBER
        self.employer = coop
        coop.crew.append(self)

    def follow_employer(self) -> None:
        """A member of a closed cooperative becomes unemployed where it is; of a moved one, follows it."""
        coop = self.employer
        if not coop.alive:
            self.status = UNEMPLOYED
            self.employer = None
        else:
            self.town = coop.town_id


class DepotAgent(FixedAgent):
    """A supply depot fixed in its town's cell: stock per resource (units), equipment (units), and the
    orders of the current tick (demand and shares by class: 0 = army supply under `priority`, 1 = others)."""

    def __init__(self, model, row: int, town: int, opens: int, scale: float, n_res: int):
        super().__init__(model)
        self.row = row
        self.town_id = town
        self.opens = opens
        self.scale = scale
        self.stock = [0.0] * n_res
        self.equipment = 0.0
        self.shipped = 0.0
        self.cell = model.space[town]
        self.clear_orders()

    @property
    def town(self) -> str:
        return self.model.town_names[self.town_id]

    @property
    def stocks(self) -> dict[str, float]:
        out = dict(zip(self.model.p.resources, self.stock, strict=True))
        out["equipment"] = self.equipment
        return out

    def stock_up(self, rules: Rules, months_of_stock: float) -> None:
        """First stock of a newly opened depot: `months_of_stock` of resupply."""
        self.stock = [res * months_of_stock * self.scale for res in rules.resupply]
        self.equipment = rules.equipment_resupply * months_of_stock * self.scale

    def resupply(self, rules: Rules, months: float) -> None:
        """Add one tick of procurement, up to the storage limit."""
        scale = self.scale
        for r, res in enumerate(rules.resupply):
            self.stock[r] = min(self.stock[r] + res * months * scale, res * rules.max_stock_months * scale)
        eq = rules.equipment_resupply
        self.equipment = min(self.equipment + eq * months * scale, eq * rules.max_stock_months * scale)

    def suffer_raid(self, keep: float) -> None:
        """Bombing leaves the share `keep` of stocks and equipment."""
        self.stock = [x * keep for x in self.stock]
        self.equipment *= keep

    def clear_orders(self) -> None:
        n_res = len(self.stock)
        self.demand = [[0.0] * n_res, [0.0] * n_res]
        self.eq_demand = 0.0
        self.share = [[0.0] * n_res, [0.0] * n_res]
        self.mass = 0.0

    def set_shares(self) -> None:
        """Share of each class's demand the stock covers, resource by resource, class 0 first."""
        for r in range(len(self.stock)):
            left = self.stock[r]
            for cls in (0, 1):
                dem = self.demand[cls][r]
                if dem > 0:
                    self.share[cls][r] = min(1.0, left / dem)
                    left = max(0.0, left - self.share[cls][r] * dem)
