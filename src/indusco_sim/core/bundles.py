"""Grouped kernel arguments: the arrays and numbers a phase kernel takes, bundled by what they describe.

Each bundle is a NamedTuple, so its field order is written once, here. It is handed to a kernel as a plain
tuple (`tuple(bundle)`) that the kernel unpacks in the same order: numba dispatches a plain tuple almost as
fast as separate arguments, a NamedTuple 2-3 µs slower a call (measured 2026-12-02, ten arrays: 2.2 µs
separate, 2.8 µs tuple, 4.9 µs NamedTuple per call).

Whole ticks, grouped (this layout) against the 44-positional kernels of commit 30ba6ff, measured 2026-12-03
in one run, the two trees interleaved, best of 6 rounds (each the best of 5 fresh models on the 10k rung and 3
on the 1M rung), same .venv, on a 2-vCPU machine shared with other work: 10k 0.410 against 0.402 ms a tick,
1M 7.83 against 7.76 ms. The 1-2% difference is below the spread between rounds (0.40-1.9 ms at 10k): the
grouping costs nothing measurable.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Depots(NamedTuple):
    """A tick's depot arrays [depots]: stock (units [depots, resources]), equipment (units), shipped this tick
    (units), open now (bool), size scale (-)."""
    stock: np.ndarray
    equipment: np.ndarray
    shipped: np.ndarray
    is_open: np.ndarray
    scale: np.ndarray


class Coops(NamedTuple):
    """Cooperative arrays [co-ops] that allocation and production read and write: alive, town, industry,
    member agents, of them skilled (matched), founder agents, tick founded, equipment (units), capital and
    debt (CN$ nominal), stock (units [co-ops, resources]), output this tick (units), sales (CN$)."""
    alive: np.ndarray
    town: np.ndarray
    industry: np.ndarray
    members: np.ndarray
    matched: np.ndarray
    founders: np.ndarray
    founded: np.ndarray
    equipment: np.ndarray
    capital: np.ndarray
    debt: np.ndarray
    stock: np.ndarray
    output: np.ndarray
    sales: np.ndarray


class Workers(NamedTuple):
    """Worker arrays [workers] the labour exchange reads and writes: status, town, skill, employer (-1)."""
    status: np.ndarray
    town: np.ndarray
    skill: np.ndarray
    employer: np.ndarray


class Tally(NamedTuple):
    """Worker counts kept up to date by every kernel that changes a worker's status or town, so that no phase
    scans every worker to count them (issue 14): unemployed agents by town and skill (int64 [towns, skills]),
    travelling (ARRIVING) agents by the town they are at or heading into (int64 [towns]), and each co-op's
    member list (int32 [co-ops, width]: row c holds the ids of co-op c's MEMBER agents in the order they
    joined, its first members[c] entries in use, members[c] the co-op table's column). NumbaEngine.recount
    checks them against full scans."""
    unemployed: np.ndarray
    travelling: np.ndarray
    member_ids: np.ndarray


class Industries(NamedTuple):
    """Per-industry numbers [industries]: recipe (resource units per unit of output [industries,
    resources]), output (units / person / month), equipment (units / person), price (1937 CN$ / unit),
    army supply (bool), target size (agents); and material prices (1937 CN$ / resource unit [resources])."""
    recipe: np.ndarray
    output_per_member: np.ndarray
    equipment_per_member: np.ndarray
    price: np.ndarray
    army: np.ndarray
    target_agents: np.ndarray
    material_price: np.ndarray


class Economy(NamedTuple):
    """The run's scalar rates (world.params.Params): persons per agent, productivity outside one's skill
    (-), months of materials a co-op asks for, wage (1937 CN$ / person / month), its reserve per agent
    (1937 CN$ / agent / month), share of a surplus repaid (-), equipment price (1937 CN$ / unit), allocation
    rule code, mean tick length (months), member agents a co-op may add per month of its age."""
    persons_per_agent: int
    unskilled_productivity: float
    stock_months: float
    wage: float
    wage_reserve: float
    repayment_share: float
    equipment_price: float
    rule: int
    months_per_tick: float
    growth_per_agent: float


class Supply(NamedTuple):
    """This tick's procurement and transport (units per tick unless said): resupply per depot [resources],
    storage limit [resources] (units), equipment resupply per depot, equipment storage limit (units), what a
    depot can ship."""
    resupply: np.ndarray
    max_stock: np.ndarray
    equipment_resupply: float
    equipment_max: float
    transport: float


def industries_of(p) -> Industries:
    """The per-industry bundle of a run's Params."""
    return Industries(p.recipe, p.output_per_member, p.equipment_per_member, p.price, p.army, p.target_agents,
                      p.material_price)


def economy_of(p) -> Economy:
    """The scalar-rates bundle of a run's Params."""
    return Economy(int(p.persons_per_agent), float(p.unskilled_productivity), float(p.working_capital_months),
                   float(p.wage), float(p.wage_per_agent), float(p.repayment_share), float(p.equipment_price),
                   int(p.rule), float(p.months_per_tick), float(p.growth_per_agent))
