"""The cooperative of the reference backend: a Mesa CellAgent with its own state and one verb-named method
per part of a tick (allocation, labour, production, lifecycle). The arithmetic repeats kernels/ formula for
formula and in the same order. Units as in state.py: money in CN$ nominal, materials in resource units,
equipment in units, `n_members` in worker agents (persons = agents * persons_per_agent).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.discrete_space import CellAgent

from indusco_sim.core.state import FATE_ALIVE, FATE_FAILED, FATE_INSOLVENT, FATE_LOST, FATE_NAMES

if TYPE_CHECKING:
    from indusco_sim.backends.mesa.agents import DepotAgent, WorkerAgent
    from indusco_sim.backends.mesa.rules import Fate, Rules


class CoopAgent(CellAgent):
    """A cooperative in its town's cell. State: town_id, industry_id, region_id, n_members (agents) and
    matched (agents of its own skill), equipment (units), capital, debt, loan (CN$ nominal), output (units)
    and sales (CN$) of the last tick, stock per resource (units), founded/died (ticks), fate_code, alive.

    The properties town, industry, region, members (persons), fate give the same readable values as the
    view agents of the numba backend (agents.CoopAgent)."""

    def __init__(self, model, row: int, town: int, industry: int, region: int, founders: int, loan: float,
                 tick: int, n_res: int):
        super().__init__(model)
        self.row = row
        self.town_id, self.industry_id, self.region_id = town, industry, region
        self.n_members = self.matched = self.founders = founders
        self.equipment = 0.0
        self.capital = self.debt = self.loan = loan
        self.output = self.sales = 0.0
        self.stock = [0.0] * n_res
        self.founded, self.died = tick, -1
        self.fate_code = FATE_ALIVE
        self.alive = True
        self.crew: list[WorkerAgent] = []  # member agents, in joining order
        # this tick's allocation: serving depot, demand and shipment (units), vacancies (agents)
        self.depot: DepotAgent | None = None
        self.need, self.shipped = [0.0] * n_res, [0.0] * n_res
        self.eq_need = self.eq_shipped = 0.0
        self.vacancies = self.open_left = 0
        self.cell = model.space[town]

    # ---- readable views (same as agents.CoopAgent) -----------------------------------------------
    @property
    def town(self) -> str:
        return self.model.town_names[self.town_id]

    @property
    def industry(self) -> str:
        return self.model.p.industries[self.industry_id]

    @property
    def region(self) -> str | None:
        return self.model.region_names[self.region_id] if self.region_id >= 0 else None

    @property
    def members(self) -> int:
        return self.n_members * self.model.p.persons_per_agent

    @property
    def fate(self) -> str:
        return FATE_NAMES[self.fate_code]

    # ---- allocation (kernels/allocation.py) -----------------------------------------------------
    def labour_units(self, rules: Rules) -> float:
        """Effective persons at work: skilled members count 1, others `unskilled_productivity`."""
        return (self.matched + rules.unskilled * (self.n_members - self.matched)) * rules.ppa

    def plan_demand(self, rules: Rules, P: float, months: float) -> None:
        """Materials for `working_capital_months` (at least a tick) at labour/equipment capacity, less stock,
        and equipment for every member, within what the capital can pay (materials first)."""
        n_res = len(self.stock)
        self.need = [0.0] * n_res
        self.eq_need = 0.0
        if self.depot is None:
            return
        i = self.industry_id
        opm, epm = rules.output_per_member[i], rules.equipment_per_member[i]
        capacity = self.labour_units(rules) * opm
        if epm > 0:
            capacity = min(capacity, self.equipment / epm * opm)
        horizon = max(months, rules.stock_months)
        cost = 0.0
        recipe = rules.recipe[i]
        for r in range(n_res):
            want = recipe[r] * capacity * horizon - self.stock[r]
            if want > 0:
                self.need[r] = want
                cost += want * rules.material_price[r] * P
        eq_want = self.n_members * rules.ppa * epm - self.equipment
        if eq_want > 0:
            self.eq_need = eq_want
        budget = max(self.capital, 0.0)
        if cost > budget:
            f = budget / cost
            self.need = [x * f for x in self.need]
            self.eq_need = 0.0
        else:
            left = budget - cost
            eq_cost = self.eq_need * rules.equipment_price * P
            if eq_cost > left:
                self.eq_need *= left / eq_cost

    def price_class(self, rules: Rules) -> int:
        """0 for army supply under the priority rule, else 1."""
        return 0 if (rules.priority and rules.army[self.industry_id]) else 1

    def place_order(self, rules: Rules) -> None:
        """Add this tick's demand to the serving depot's order book."""
        d = self.depot
        if d is None:
            return
        demand = d.demand[self.price_class(rules)]
        for r, x in enumerate(self.need):
            demand[r] += x
        d.eq_demand += self.eq_need

    def take_share(self, rules: Rules) -> None:
        """The depot's share of this cooperative's demand; adds the shipment to the depot's mass."""
        d = self.depot
        if d is None:
            return
        share = d.share[self.price_class(rules)]
        self.shipped = [0.0] * len(self.need)
        for r, x in enumerate(self.need):
            self.shipped[r] = x * share[r]
            d.mass += self.shipped[r]
        self.eq_shipped = 0.0
        if d.eq_demand > 0:
            self.eq_shipped = self.eq_need * min(1.0, d.equipment / d.eq_demand)

    def fit_transport(self, transport: float) -> None:
        """Scale shipments down when the depot's total exceeds its transport capacity (units per tick)."""
        d = self.depot
        if d is not None and d.mass > transport:
            f = transport / d.mass
            self.shipped = [x * f for x in self.shipped]

    def take_delivery(self, rules: Rules, P: float) -> None:
        """Move the shipment from the depot into stock (never more than the depot holds) and pay for it."""
        d = self.depot
        if d is None:
            return
        cost = 0.0
        for r, x in enumerate(self.shipped):
            q = min(x, d.stock[r])
            d.stock[r] -= q
            self.stock[r] += q
            d.shipped += q
            cost += q * rules.material_price[r] * P
        e = min(self.eq_shipped, d.equipment)
        d.equipment -= e
        self.equipment += e
        cost += e * rules.equipment_price * P
        self.capital -= cost

    # ---- labour (kernels/labour.py) -------------------------------------------------------------
    def plan_vacancies(self, rules: Rules, P: float, reserve: float, tick: int) -> None:
        """Vacancies up to the industry's target size, no faster than rules.growth new members a month since
        founding, that the capital can keep paid (`reserve` per agent)."""
        self.vacancies = 0
        grown = self.founders + int(rules.growth * (tick - self.founded) * rules.months_per_tick)
        gap = min(rules.target_agents[self.industry_id], grown) - self.n_members
        if gap <= 0:
            return
        afford = int(self.capital / (reserve * P)) - self.n_members if reserve > 0 else gap
        self.vacancies = max(0, min(gap, afford))

    def hire(self, worker: WorkerAgent) -> None:
        """Take `worker` into one of this tick's open vacancies."""
        worker.join(self)
        self.n_members += 1
        if worker.skill == self.industry_id:
            self.matched += 1
        self.open_left -= 1

    # ---- production and finance (kernels/production.py) ----------------------------------------
    def produce(self, rules: Rules, P: float, months: float) -> float:
        """Leontief output for the tick, sales, wages and loan repayment. Returns the CN$ repaid."""
        i = self.industry_id
        opm, epm = rules.output_per_member[i], rules.equipment_per_member[i]
        q = self.labour_units(rules) * opm * months
        if epm > 0:
            q = min(q, self.equipment / epm * opm * months)
        unit_cost = 0.0
        recipe = rules.recipe[i]
        for r, need in enumerate(recipe):
            if need > 0:
                q = min(q, self.stock[r] / need)
                unit_cost += need * rules.material_price[r]
        q = max(q, 0.0)
        self.stock = [max(0.0, x - q * need) for x, need in zip(self.stock, recipe, strict=True)]
        revenue = q * rules.price[i] * P
        wages = self.n_members * rules.ppa * rules.wage * months * P
        self.capital += revenue - wages
        surplus = revenue - wages - q * unit_cost * P
        repaid = 0.0
        if surplus > 0 and self.debt > 0:
            repaid = min(rules.repayment_share * surplus, self.debt, max(self.capital, 0.0))
            self.capital -= repaid
            self.debt -= repaid
        self.output = q
        self.sales = revenue
        return repaid

    def stop_producing(self) -> None:
        """A closed cooperative's output and sales of the last tick are zero."""
        self.output = 0.0
        self.sales = 0.0

    # ---- lifecycle (kernels/lifecycle.py) -------------------------------------------------------
    def close_or_flee(self, u_fail: float, u_flee: float, fate: Fate) -> bool:
        """Flee an occupied town (or be lost), close when insolvent or too small, or dissolve by chance.
        Returns True when the cooperative closed or moved."""
        t = self.town_id
        if fate.blocked[t]:
            refuge = fate.refuge[t]
            if u_flee < fate.flee_success and refuge >= 0:
                self.move_to(self.model.space[refuge])
                self.town_id = refuge
                if fate.town_region[refuge] >= 0:
                    self.region_id = fate.town_region[refuge]
            else:
                self.close(fate.tick, FATE_LOST)
            return True
        if self.capital < -(fate.insolvency_base * self.n_members) or self.n_members < fate.min_agents:
            self.close(fate.tick, FATE_INSOLVENT)
            return True
        if u_fail < fate.p_fail:
            self.close(fate.tick, FATE_FAILED)
            return True
        return False

    def close(self, tick: int, fate: int) -> None:
        """Close: leave the model and the map; the record stays with the engine."""
        self.alive = False
        self.died = tick
        self.fate_code = fate
        self.remove()

    def release_crew(self) -> None:
        """After closing or moving: members become unemployed where they are, or follow the move."""
        for w in self.crew:
            w.follow_employer()
        if not self.alive:
            self.crew = []

    # ---- bombing and administration ------------------------------------------------------------
    def suffer_raid(self, keep: float) -> None:
        """Bombing leaves the share `keep` of equipment and stocks."""
        self.equipment *= keep
        self.stock = [x * keep for x in self.stock]

