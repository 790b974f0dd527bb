"""The scenario schema (pydantic v2): every parameter with its default, unit and a one-line description.

Money is in Chinese dollars (CN$). "1937 CN$" means constant prices of Jan-Jun 1937 (price index 100);
"nominal" means current prices. Rates are per month and converted to the tick inside the model.
Parameters that no source gives are marked "(assumption)".
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import field_validator

from indusco_sim.scenario.event_schema import Event
from indusco_sim.scenario.fields import Strict, param

MAX_YEARS = 100  # longest run: 5,218 weekly ticks
LAST_START_YEAR = 9000  # the calendar needs room after the end (Python dates stop at 9999)
REQUIRED_INDUSTRIES = ("textiles", "chemicals", "tailoring", "metal_machine", "mining", "carpentry", "food")


class Time(Strict):
    start: dt.date = param(dt.date(1938, 8, 5), "date", "first day simulated (ACIC founded in Wuhan, S1)")
    end: dt.date = param(dt.date(1942, 12, 31), "date", "last day to simulate: the run ends with the tick that "
                         "holds it (week ticks: up to 6 days later; month ticks: at that tick's last day)")
    tick: Literal["week", "month"] = param("week", "-", "length of one tick")

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.date, info) -> dt.date:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError(f"end ({end}) must come after start ({start})")
        if start is not None and (end - start).days > MAX_YEARS * 366:
            raise ValueError(f"end ({end}) is more than {MAX_YEARS} years after start ({start})")
        return end

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, start: dt.date) -> dt.date:
        if start.year > LAST_START_YEAR:
            raise ValueError(f"start ({start}) is after the year {LAST_START_YEAR}")
        return start


class ModeParams(Strict):
    rail: float = param(..., "-", "value for rail legs", gt=0)
    road: float = param(..., "-", "value for road legs", gt=0)
    river: float = param(..., "-", "value for river legs", gt=0)


class Geography(Strict):
    towns_file: str | None = param(None, "path", "towns CSV (town,lat,lon,province,role_1940,region_1940); "
                                   "empty: the bundled data/towns.csv")
    routes_file: str | None = param(None, "path", "routes CSV (from,to,mode,km); empty: bundled data/routes.csv")
    detour_factor: ModeParams = param(
        ModeParams(rail=1.2, road=1.35, river=1.3), "km per great-circle km",
        "route length over straight-line distance, for legs without a sourced length", assumption=True)
    speed_km_per_day: ModeParams = param(
        ModeParams(rail=150.0, road=30.0, river=40.0), "km / day",
        "travel speed of people and goods (wartime trains, trucks and walking, junks)", assumption=True)


class Population(Strict):
    persons_per_agent: int = param(1, "persons", "people represented by one worker agent", ge=1, le=1_000_000)
    job_seeker_share: float = param(
        0.004, "share", "share of displaced people who seek work in small industry (one agent per "
        "persons_per_agent of them)", assumption=True, ge=0, le=1)
    arrivals_scale: float = param(1.0, "x", "multiplies every refugee wave (1 = as in the events; a run "
                                  "whose agents would not fit in memory is refused)", ge=0, le=10_000)
    skill_shares: dict[str, float] = param(
        {"textiles": 0.30, "chemicals": 0.16, "tailoring": 0.14, "metal_machine": 0.10, "mining": 0.10,
         "carpentry": 0.10, "food": 0.10},
        "industry: share", "skills of arriving job-seekers, by industry (normalised)", assumption=True)
    initial_workers: int = param(
        0, "agents", "job-seekers already waiting at the start, spread evenly over the depot towns of the "
        "regions founded by then (used by the benchmarks; at most 50 million, about 1 GB)", ge=0, le=50_000_000)
    seek_per_month: float = param(
        0.5, "share / month", "chance an unemployed worker sets out for a town with better prospects",
        assumption=True, ge=0, le=1)
    leave_per_month: float = param(
        0.03, "share / month", "chance an unemployed worker leaves the pool (army, farm work, onward)",
        assumption=True, ge=0, le=1)
    crowding: float = param(
        0.5, "vacancies per unemployed", "how much idle workers of the same skill make a town less "
        "attractive", assumption=True, ge=0)
    distance_scale_days: float = param(
        5.0, "days", "travel time at which a town's pull halves", assumption=True, gt=0)
    search_radius_days: float = param(
        10.0, "days", "job-seekers only know of, and set out for, towns within this travel time",
        assumption=True, gt=0)

    @field_validator("skill_shares")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        if any(s < 0 for s in v.values()) or sum(v.values()) <= 0:
            raise ValueError("skill shares must be >= 0 and not all zero")
        return v


class Resource(Strict):
    unit: str = param("t", "-", "physical unit of the resource")
    price: float = param(..., "1937 CN$ / unit", "price at Jan-Jun 1937 prices", assumption=True, gt=0)


class Industry(Strict):
    product: str = param("", "-", "what one unit of output is")
    price: float = param(..., "1937 CN$ / unit", "sale price of one unit of output", assumption=True, gt=0)
    output_per_member: float = param(
        ..., "units / member / month", "output of one skilled member with full equipment and materials",
        assumption=True, gt=0)
    inputs: dict[str, float] = param(
        ..., "resource: units per unit of output", "raw materials per unit of output (Leontief recipe)",
        assumption=True)
    equipment_per_member: float = param(
        ..., "equipment units / member", "looms, tools or machines one member needs", assumption=True, ge=0)
    target_members: int = param(
        14, "members", "size a cooperative grows to when it has the capital (S1: 12-15 members per co-op on "
        "average, new ones smaller)",
        ge=1)
    army_supply: bool = param(False, "-", "served first under the `priority` allocation rule")

    @field_validator("inputs")
    @classmethod
    def _inputs(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or any(q < 0 for q in v.values()) or sum(v.values()) <= 0:
            raise ValueError("inputs must list at least one resource with a positive quantity")
        return v


def _default_resources() -> dict[str, Resource]:
    prices = {"cotton": 500.0, "wool": 400.0, "cloth": 1000.0, "fats_soda": 350.0, "iron": 150.0,
              "fuel": 20.0, "timber": 50.0, "grain": 90.0}
    return {k: Resource(price=p) for k, p in prices.items()}


def _default_industries() -> dict[str, Industry]:
    ind = Industry
    return {
        "textiles": ind(product="blanket", price=2.0, output_per_member=25.0,
                      inputs={"wool": 0.001, "cotton": 0.001}, equipment_per_member=0.5, target_members=16,
                     army_supply=True),
        "chemicals": ind(product="soap, candles, paper (CN$1 lot)", price=1.0, output_per_member=45.0,
                       inputs={"fats_soda": 0.0012}, equipment_per_member=0.3, target_members=14),
        "tailoring": ind(product="uniform", price=3.0, output_per_member=15.0, inputs={"cloth": 0.0015},
                       equipment_per_member=0.3, target_members=14, army_supply=True),
        "metal_machine": ind(product="tool or part (CN$5 lot)", price=5.0, output_per_member=9.0,
                           inputs={"iron": 0.01, "fuel": 0.01}, equipment_per_member=1.0, target_members=16),
        "mining": ind(product="tonne of coal or ore", price=10.0, output_per_member=4.0,
                    inputs={"timber": 0.02}, equipment_per_member=0.5, target_members=20),
        "carpentry": ind(product="furniture or cart (CN$4 lot)", price=4.0, output_per_member=12.0,
                       inputs={"timber": 0.03}, equipment_per_member=0.4, target_members=12),
        "food": ind(product="kg of flour, noodles or oil", price=0.15, output_per_member=400.0,
                  inputs={"grain": 0.0011}, equipment_per_member=0.3, target_members=12),
    }


class Cooperatives(Strict):
    min_members: int = param(7, "persons", "legal minimum membership to register (S1, S5)", ge=1)
    initial: int = param(
        0, "co-ops", "cooperatives already working at the start, spread over the depot towns of the regions "
        "founded by then, each at its industry's target size and with its founding loan (used by the benchmarks; at "
        "most 5 million)", ge=0, le=5_000_000)
    initial_size: int | None = param(
        None, "agents", "members of each initial co-op; empty: its industry's target size", ge=1, le=10_000)
    productivity: float = param(
        1.0, "x", "multiplies every industry's output_per_member (calibrated to the output figures of 1940)",
        assumption=True, gt=0)
    founding_members: int = param(
        10, "persons", "most members a new co-op registers with; it then grows toward its industry's target size "
        "(S1: 15 a co-op at the end of 1938, 12 in 1939 when most were new)", assumption=True, ge=1)
    growth_per_month: float = param(
        1.0, "persons / month", "members a co-op can take in per month of its age, beyond its founders (S1: 12 a "
        "co-op in 1939 when most were new, 15 by the end of 1940)", assumption=True, gt=0)
    loan_per_member: float = param(
        250.0, "1937 CN$ / member", "founding loan per member (S11: CN$745 a member, 1939-40 prices)", gt=0)
    repayment_share: float = param(
        0.3, "share of surplus", "part of each tick's surplus paid back on the loan", assumption=True,
        ge=0, le=1)
    wage_per_month: float = param(
        3.0, "1937 CN$ / member / month", "living allowance paid to members (S3: CN$10-30 in 1940)",
        ge=0)
    unskilled_productivity: float = param(
        0.5, "share", "productivity of a member hired outside their skill", assumption=True, ge=0, le=1)
    failure_per_month: float = param(
        0.01, "share / month", "background chance a cooperative dissolves", assumption=True, ge=0, le=1)
    insolvency_months: float = param(
        3.0, "months of wages", "debt beyond capital (negative capital) that closes a cooperative",
        assumption=True, ge=0)
    flee_success: float = param(
        0.5, "share", "chance a cooperative in a falling town escapes as a mobile unit", assumption=True,
        ge=0, le=1)
    working_capital_months: float = param(
        1.0, "months", "material stock a cooperative tries to hold", assumption=True, gt=0)

    @field_validator("founding_members")
    @classmethod
    def _founders_enough(cls, v: int, info) -> int:
        least = info.data.get("min_members")
        if least is not None and v < least:
            raise ValueError(f"founding_members ({v}) must be at least min_members ({least})")
        return v


class Finance(Strict):
    fund_initial: float = param(
        5_000_000.0, "CN$ nominal", "national loan fund at the start (government grant, Crimson 1943)", ge=0)
    donations_per_month: float = param(
        150_000.0, "CN$ nominal / month", "inflow to the loan fund (foreign donations, bank credit) until "
        "a loan_policy event changes it", assumption=True, ge=0)
    lending_factor: float = param(1.0, "share", "share of the fund that may be lent", ge=0, le=1)
    index_linked_fund: bool = param(
        False, "-", "counterfactual: the fund keeps its real value as prices rise (no inflation erosion)")
    inflation_scale: float = param(
        1.0, "x", "exponent on the price index relative to 1937 (1 = history, 0 = no inflation)", ge=0, le=10)


class DepotSite(Strict):
    town: str = param(..., "town", "where the depot is")
    opened: dt.date | None = param(None, "date", "day it opens; empty: when its town's region is founded")
    scale: float = param(1.0, "x", "multiplies stocks and resupply of this depot", ge=0)


class Depots(Strict):
    sites: list[DepotSite] | None = param(
        None, "-", "depots; empty: every town whose role_1940 is hq or depot in the towns file")
    copies: int = param(1, "depots per site", "each site holds this many depots (the benchmarks use denser "
                        "depots)", ge=1, le=1000)
    supply_scale: float = param(
        1.0, "x", "multiplies the stocks and resupply (materials and equipment) of every depot", assumption=True,
        gt=0)
    catchment_days: float = param(
        6.0, "days", "a depot serves cooperatives within this travel time", assumption=True, ge=0)
    initial_stock_months: float = param(
        2.0, "months of resupply", "stock a depot opens with", assumption=True, ge=0)
    resupply_per_month: dict[str, float] = param(
        {"cotton": 12.0, "wool": 12.0, "cloth": 6.0, "fats_soda": 12.0, "iron": 15.0, "fuel": 20.0,
         "timber": 60.0, "grain": 60.0},
        "resource: units / month", "materials a depot's supply agency procures", assumption=True)
    max_stock_months: float = param(
        6.0, "months of resupply", "storage limit of a depot", assumption=True, gt=0)
    equipment_resupply_per_month: float = param(
        40.0, "equipment units / month", "looms, tools and machines a depot obtains", assumption=True, ge=0)
    equipment_price: float = param(30.0, "1937 CN$ / unit", "price of one equipment unit", assumption=True,
                                   gt=0)


class Allocation(Strict):
    rule: Literal["proportional", "priority"] = param(
        "proportional", "-", "how a depot rations scarce stock: in proportion to demand, or army-supply "
        "industries first")
    transport_per_month: float = param(
        150.0, "t / month", "materials one depot can move to its cooperatives", assumption=True, ge=0)


class Administration(Strict):
    initial_staff: float = param(4.0, "organisers", "staff of a new regional headquarters",
                                 assumption=True, ge=0)
    staff_growth_per_month: float = param(
        0.6, "organisers / month", "organisers trained and hired by each region", assumption=True, ge=0)
    staff_growth_share: float = param(
        0.0, "share / month", "organisers trained by the organisers already there, a share of the staff each month",
        assumption=True, ge=0)
    max_staff: float = param(25.0, "organisers", "most organisers one headquarters can run",
                             assumption=True, gt=0)
    founding_cost: float = param(
        0.3, "organiser-months / co-op", "work to found and register one cooperative", assumption=True, gt=0)
    founding_reach_days: float = param(
        4.0, "days", "organisers found co-ops near their HQ first: a town this far away counts half",
        assumption=True, gt=0)
    supervision_cost: float = param(
        0.012, "organiser-months / co-op / month", "routine supervision and auditing of one cooperative",
        assumption=True, ge=0)
    travel_cost: float = param(
        0.004, "organiser-months / co-op / month / travel day", "extra supervision per day of travel "
        "between a cooperative and its headquarters", assumption=True, ge=0)
    organiser_speed_km_per_day: ModeParams | None = param(
        None, "km / day", "how fast organisers travel to found and supervise co-ops (by mode); empty: as fast "
        "as people and goods (geography.speed_km_per_day)", assumption=True)
    exposed_speed_km_per_day: float | None = param(
        None, "km / day", "organisers' speed over a leg marked `exposed` in the routes file (under enemy fire, "
        "such as the Longhai railway's Tongguan stretch), when slower than its mode; empty: no slower",
        assumption=True, gt=0)
    split_threshold: float = param(
        0.95, "load / staff", "a region splits when supervision load per organiser stays above this",
        assumption=True, gt=0)
    split_months: float = param(3.0, "months", "how long the load must stay above the threshold",
                                assumption=True, ge=0)
    split_min_days: float = param(
        0.0, "days", "a far part becomes a region only if its new HQ is at least this far from the old HQ "
        "(organiser travel): nearer parts are visited from the HQ", assumption=True, ge=0)
    split_min_cooperatives: int = param(
        30, "co-ops", "smallest far part that can become a region of its own", assumption=True, ge=1)


class War(Strict):
    bombing_scale: float = param(1.0, "x", "multiplies the raids of every bombing event", ge=0)
    damage_per_raid: float = param(
        0.03, "share", "share of a town's depot stock and co-op equipment destroyed by one raid",
        assumption=True, ge=0, le=1)


class Scenario(Strict):
    """The whole truth of a run."""

    name: str = param("scenario", "-", "short name; results go to results/<name>/")
    description: str = param("", "-", "what question this scenario asks")
    extends: str | None = param(None, "path", "scenario this one inherits from (deep-merged; relative path)")
    seed: int = param(1938, "-", "seed of the model's numpy Generator (SeedSequence)", ge=0, le=2**63 - 1)
    time: Time = param(Time(), "-", "simulated period and tick length")
    geography: Geography = param(Geography(), "-", "towns, routes and travel")
    population: Population = param(Population(), "-", "refugee workers")
    resources: dict[str, Resource] = param(_default_resources(), "-", "raw materials held in depots")
    industries: dict[str, Industry] = param(_default_industries(), "-", "recipes of each industry")
    cooperatives: Cooperatives = param(Cooperatives(), "-", "founding, loans, failure")
    finance: Finance = param(Finance(), "-", "the national loan fund and prices")
    depots: Depots = param(Depots(), "-", "stocks, resupply, catchment")
    allocation: Allocation = param(Allocation(), "-", "rationing rule and transport capacity")
    administration: Administration = param(Administration(), "-", "regional organisers, supervision, splits")
    war: War = param(War(), "-", "bombing damage")
    events: list[Event] = param([], "-", "dated events (see scenarios/README.md)")
