"""Plain-Python parameters the reference agents read: the static rules of a run, and the per-tick context
of movement (Trip) and of closure (Fate). Numbers are copied out of numpy into Python floats and lists once,
so per-agent arithmetic is plain Python."""

from __future__ import annotations

from dataclasses import dataclass

from indusco_sim.core.state import PRIORITY
from indusco_sim.world.params import Params


@dataclass(frozen=True)
class Rules:
    """Static numbers of a run in kernel units (per month where a rate; CN$ at 1937 prices before * P)."""

    recipe: list[list[float]]          # resource units per unit of output, [industry][resource]
    output_per_member: list[float]     # units / person / month
    equipment_per_member: list[float]  # equipment units / person
    price: list[float]                 # 1937 CN$ / unit of output
    army: list[bool]                   # served first under the priority rule
    target_agents: list[int]           # agents a cooperative grows to
    founder_cap: list[int]             # agents a new cooperative registers with, at most
    growth: float                      # new member agents a month of a co-op's age
    months_per_tick: float             # mean tick length in months
    material_price: list[float]        # 1937 CN$ / resource unit
    resupply: list[float]              # resource units / depot / month
    equipment_resupply: float          # equipment units / depot / month
    max_stock_months: float            # depot storage limit, months of resupply
    equipment_price: float             # 1937 CN$ / equipment unit
    stock_months: float                # months of materials a cooperative asks for
    ppa: int                           # persons per agent
    unskilled: float                   # productivity of a member outside its skill
    wage: float                        # 1937 CN$ / person / month
    repayment_share: float             # share of a positive surplus paid on the loan
    min_agents: int                    # agents needed to found a cooperative (and to stay open)
    priority: bool                     # the allocation rule is PRIORITY
    transport_per_month: float         # resource units a depot can ship per month

    @classmethod
    def build(cls, p: Params) -> Rules:
        """The same numbers as `p`, as Python lists and floats."""
        return cls(
            recipe=p.recipe.tolist(), output_per_member=p.output_per_member.tolist(),
            equipment_per_member=p.equipment_per_member.tolist(), price=p.price.tolist(),
            army=[bool(x) for x in p.army], target_agents=[int(x) for x in p.target_agents],
            founder_cap=[int(x) for x in p.founder_cap], growth=float(p.growth_per_agent),
            months_per_tick=float(p.months_per_tick),
            material_price=p.material_price.tolist(), resupply=p.resupply.tolist(),
            equipment_resupply=float(p.equipment_resupply), max_stock_months=float(p.max_stock_months),
            equipment_price=float(p.equipment_price), stock_months=float(p.working_capital_months),
            ppa=int(p.persons_per_agent), unskilled=float(p.unskilled_productivity),
            wage=float(p.wage), repayment_share=float(p.repayment_share), min_agents=int(p.min_agents),
            priority=p.rule == PRIORITY, transport_per_month=float(p.transport_per_month),
        )


MASK64 = (1 << 64) - 1
GOLDEN, MIX1, MIX2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def uniform(key: int, i: int) -> float:
    """kernels/random.uniform in Python integers: the top 53 bits of splitmix64(key + (i + 1) * GOLDEN)."""
    z = (key + (i + 1) * GOLDEN) & MASK64
    z = ((z ^ (z >> 30)) * MIX1) & MASK64
    z = ((z ^ (z >> 27)) * MIX2) & MASK64
    z ^= z >> 31
    return (z >> 11) * (1.0 / 9007199254740992.0)


class Trip:
    """One tick of movement: the tick's key (a worker's uniform is uniform(key, its row)), goals by
    [town][skill], refuges, next hops and hop lengths (days), the day budget and the per-tick chances."""

    def __init__(self, key, goals, refuge, next_hop, hop_days, blocked, budget: int, p_leave: float, p_seek: float):
        self.key = int(key)
        self.goals = goals.tolist()
        self.refuge = refuge.tolist()
        self.next_hop = next_hop.tolist()
        self.hop_days = hop_days.tolist()
        self.blocked = blocked.tolist()
        self.budget = int(budget)
        self.p_leave, self.p_seek = float(p_leave), float(p_seek)
        self.leavers: list = []  # workers who left during the pass

    def draw(self, row: int) -> float:
        """The uniform of the worker in `row`."""
        return uniform(self.key, row)


class Fate:
    """One tick of closures: occupied towns, refuges, town regions, the chance of dissolving, the chance a
    flight succeeds, and the insolvency line (CN$ per member agent: capital below minus that closes)."""

    def __init__(self, blocked, refuge, town_region, p_fail: float, flee_success: float, insolvency_base: float,
                 min_agents: int, tick: int):
        self.blocked, self.refuge, self.town_region = blocked.tolist(), refuge.tolist(), town_region.tolist()
        self.p_fail, self.flee_success = float(p_fail), float(flee_success)
        self.insolvency_base, self.min_agents, self.tick = float(insolvency_base), int(min_agents), int(tick)
