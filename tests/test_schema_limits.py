"""Every bound and check of the scenario schema, at its edge: the bound itself is accepted and a value just
beyond it refused (integers: one beyond; other numbers: half a unit beyond, or 0 for a `> 0` field). In
process and fast: the mutation run of the schema (docs/reliability.md, "Mutation testing") runs this file for
each mutant. The refusals' messages and exit codes through the command line are tests/test_bad_input.py's."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pydantic import ValidationError

from indusco_sim.scenario import schema
from indusco_sim.scenario.fields import MAX_MAGNITUDE, Strict, param
from indusco_sim.scenario.schema import Scenario


def nested(path: str, value) -> dict:
    """{"a": {"b": value}} for "a.b"."""
    out = value
    for key in reversed(path.split(".")):
        out = {key: out}
    return out


def accepts(data: dict) -> Scenario:
    return Scenario.model_validate(data)


def refuses(data: dict, says: str = "") -> None:
    with pytest.raises(ValidationError) as info:
        Scenario.model_validate(data)
    assert says in str(info.value)


def industry(**fields) -> dict:
    return {"industries": {"weaving": {"price": 1.0, "output_per_member": 1.0, "inputs": {"wool": 1.0},
                                       "equipment_per_member": 0.0, **fields}}}


def event(kind: str, **fields) -> dict:
    base = {"occupation": {"town": "Hankou", "date": "1938-10-25"},
            "bombing": {"town": "Chongqing", "start": "1939-05-03", "end": "1939-05-04", "raids": 1},
            "refugee_wave": {"start": "1938-08-05", "end": "1938-12-31", "persons": 1.0, "entries": {"Hankou": 1.0}},
            "loan_policy": {"date": "1941-01-01"},
            "price_index": {"date": "1939-01-01", "index": 100.0}}[kind]
    return {"events": [{"type": kind, **base, **fields}]}


# (key path, lowest accepted or None, highest accepted or None, integer field, the lower bound is `> lo`)
BOUNDS = [
    ("population.persons_per_agent", 1, 1_000_000, True, False),
    ("population.job_seeker_share", 0, 1, False, False),
    ("population.arrivals_scale", 0, 10_000, False, False),
    ("population.initial_workers", 0, 50_000_000, True, False),
    ("population.seek_per_month", 0, 1, False, False),
    ("population.leave_per_month", 0, 1, False, False),
    ("population.crowding", 0, None, False, False),
    ("population.distance_scale_days", 0, None, False, True),
    ("population.search_radius_days", 0, None, False, True),
    ("cooperatives.min_members", 1, None, True, False),
    ("cooperatives.initial", 0, 5_000_000, True, False),
    ("cooperatives.initial_size", 1, 10_000, True, False),
    ("cooperatives.productivity", 0, None, False, True),
    ("cooperatives.growth_per_month", 0, None, False, True),
    ("cooperatives.loan_per_member", 0, None, False, True),
    ("cooperatives.repayment_share", 0, 1, False, False),
    ("cooperatives.wage_per_month", 0, None, False, False),
    ("cooperatives.unskilled_productivity", 0, 1, False, False),
    ("cooperatives.failure_per_month", 0, 1, False, False),
    ("cooperatives.insolvency_months", 0, None, False, False),
    ("cooperatives.flee_success", 0, 1, False, False),
    ("cooperatives.working_capital_months", 0, None, False, True),
    ("finance.fund_initial", 0, None, False, False),
    ("finance.donations_per_month", 0, None, False, False),
    ("finance.lending_factor", 0, 1, False, False),
    ("finance.inflation_scale", 0, 10, False, False),
    ("depots.copies", 1, 1000, True, False),
    ("depots.supply_scale", 0, None, False, True),
    ("depots.catchment_days", 0, None, False, False),
    ("depots.initial_stock_months", 0, None, False, False),
    ("depots.max_stock_months", 0, None, False, True),
    ("depots.equipment_resupply_per_month", 0, None, False, False),
    ("depots.equipment_price", 0, None, False, True),
    ("allocation.transport_per_month", 0, None, False, False),
    ("administration.initial_staff", 0, None, False, False),
    ("administration.staff_growth_per_month", 0, None, False, False),
    ("administration.staff_growth_share", 0, None, False, False),
    ("administration.max_staff", 0, None, False, True),
    ("administration.founding_cost", 0, None, False, True),
    ("administration.founding_reach_days", 0, None, False, True),
    ("administration.supervision_cost", 0, None, False, False),
    ("administration.travel_cost", 0, None, False, False),
    ("administration.split_threshold", 0, None, False, True),
    ("administration.split_months", 0, None, False, False),
    ("administration.split_min_cooperatives", 1, None, True, False),
    ("administration.split_min_days", 0, None, False, False),
    ("administration.exposed_speed_km_per_day", 0, None, False, True),
    ("war.bombing_scale", 0, None, False, False),
    ("war.damage_per_raid", 0, 1, False, False),
    ("seed", 0, 2**63 - 1, True, False),
]


def edges(lo, hi, integer: bool, open_low: bool) -> tuple[list, list]:
    """(values that must be accepted, values that must be refused) at a field's bounds."""
    step = 1 if integer else 0.5
    good, bad = [], []
    if lo is not None:
        good.append(lo + step if open_low else lo)
        bad.append(lo if open_low else lo - step)
    if hi is not None:
        good.append(hi)
        bad.append(hi + step)
    return good, bad


@pytest.mark.parametrize(("path", "lo", "hi", "integer", "open_low"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_each_bound_accepts_its_edge_and_refuses_beyond(path, lo, hi, integer, open_low):
    good, bad = edges(lo, hi, integer, open_low)
    for value in good:
        accepts(nested(path, value))
    for value in bad:
        refuses(nested(path, value), path.split(".")[-1])


def test_founding_members_is_at_least_one_and_at_least_the_legal_minimum():
    assert accepts({"cooperatives": {"min_members": 1, "founding_members": 1}}).cooperatives.founding_members == 1
    refuses({"cooperatives": {"min_members": 1, "founding_members": 0}}, "founding_members")
    accepts({"cooperatives": {"min_members": 7, "founding_members": 7}})
    refuses({"cooperatives": {"min_members": 7, "founding_members": 6}}, "at least min_members (7)")


@pytest.mark.parametrize(("field", "lo", "integer", "open_low"), [
    ("price", 0, False, True), ("output_per_member", 0, False, True), ("equipment_per_member", 0, False, False),
    ("target_members", 1, True, False)])
def test_industry_bounds(field, lo, integer, open_low):
    good, bad = edges(lo, None, integer, open_low)
    assert accepts(industry(**{field: good[0]})).industries["weaving"].model_dump()[field] == good[0]
    refuses(industry(**{field: bad[0]}), field)


def test_resource_price_and_depot_scale_bounds():
    accepts({"resources": {"wool": {"price": 0.5}}})
    refuses({"resources": {"wool": {"price": 0}}}, "price")
    accepts({"depots": {"sites": [{"town": "Baoji", "scale": 0}]}})
    refuses({"depots": {"sites": [{"town": "Baoji", "scale": -0.5}]}}, "scale")


def test_shares_and_recipes_may_hold_zeros_but_not_negatives_nor_only_zeros():
    for key, make in (("skill_shares", lambda v: {"population": {"skill_shares": v}}),
                      ("inputs", lambda v: industry(inputs=v))):
        accepts(make({"textiles": 0.0, "food": 0.5}))
        accepts(make({"food": 1.0}))
        refuses(make({"textiles": -0.5, "food": 2.0}), key)
        refuses(make({"textiles": 0.0}), key)
        refuses(make({"textiles": 0.0, "food": 0.0}), key)
    refuses(industry(inputs={}), "inputs")


def test_a_run_ends_after_it_starts_and_within_a_hundred_years():
    assert schema.MAX_YEARS == 100
    accepts({"time": {"start": "1938-01-01", "end": "1938-01-02"}})
    refuses({"time": {"start": "1938-01-01", "end": "1938-01-01"}}, "must come after start")
    refuses({"time": {"start": "1938-01-02", "end": "1938-01-01"}}, "must come after start")
    start = dt.date(1938, 1, 1)
    last = start + dt.timedelta(days=100 * 366)
    accepts({"time": {"start": start, "end": last}})
    refuses({"time": {"start": start, "end": last + dt.timedelta(days=1)}}, "more than 100 years")


def test_a_run_starts_in_the_year_9000_at_the_latest():
    accepts({"time": {"start": "9000-12-30", "end": "9000-12-31"}})
    refuses({"time": {"start": "9001-01-01", "end": "9001-01-02"}}, "after the year 9000")


def test_occupation_ends_after_it_starts():
    accepts(event("occupation", until="1938-10-26"))
    accepts(event("occupation"))
    refuses(event("occupation", until="1938-10-25"), "must come after date")


@pytest.mark.parametrize("kind", ["bombing", "refugee_wave"])
def test_bombing_and_waves_may_last_one_day_but_not_end_before_they_start(kind):
    start = "1939-05-03"
    accepts(event(kind, start=start, end=start))
    refuses(event(kind, start=start, end="1939-05-02"), "must not come before start")


def test_event_bounds():
    for kind, field, lo, hi, integer, open_low in (
            ("bombing", "raids", 0, 100_000, True, False),
            ("refugee_wave", "persons", 0, 1e9, False, False),
            ("loan_policy", "grant", 0, None, False, False),
            ("loan_policy", "donations_per_month", 0, None, False, False),
            ("loan_policy", "donations_factor", 0, None, False, False),
            ("loan_policy", "lending_factor", 0, 1, False, False),
            ("loan_policy", "staff_factor", 0, 2, False, False),
            ("price_index", "index", 0, None, False, True)):
        good, bad = edges(lo, hi, integer, open_low)
        for value in good:
            assert getattr(accepts(event(kind, **{field: value})).events[0], field) == value
        for value in bad:
            refuses(event(kind, **{field: value}), field)


def test_wave_entries_name_a_town_with_a_positive_weight():
    accepts(event("refugee_wave", entries={"Hankou": 0.0, "Xi'an": 0.5}))
    refuses(event("refugee_wave", entries={}), "at least one town")
    refuses(event("refugee_wave", entries={"Hankou": -0.5, "Xi'an": 2.0}), "must be >= 0")
    refuses(event("refugee_wave", entries={"Hankou": 0.0}), "not all zero")


def test_events_default_to_enabled_and_sourceless():
    ev = accepts(event("price_index")).events[0]
    assert ev.enabled is True and ev.id is None and ev.source == ""


def test_numbers_are_finite_and_at_most_a_trillion_in_size():
    assert MAX_MAGNITUDE == 1e12
    accepts(nested("finance.fund_initial", 1e12))
    refuses(nested("finance.fund_initial", 1e12 + 0.5), "too large")
    accepts(nested("geography.detour_factor", {"rail": 1e12, "road": 1.0, "river": 1.0}))
    refuses(nested("geography.detour_factor", {"rail": 1e12 + 0.5, "road": 1.0, "river": 1.0}), "too large")
    refuses(nested("geography.detour_factor", {"rail": 0.0, "road": 1.0, "river": 1.0}), "greater than 0")
    refuses(nested("population.skill_shares", {"food": 2e12}), "too large")  # values of a mapping too
    for bad in (math.inf, -math.inf, math.nan):
        refuses(nested("geography.detour_factor", {"rail": bad, "road": 1.0, "river": 1.0}), "rail")
        # mapping values have no bound that would refuse them: the finite check itself must
        refuses(nested("depots.resupply_per_month", {"cotton": bad}), "finite number")
        refuses(nested("population.skill_shares", {"food": bad}), "finite number")
    for mode in ("rail", "road", "river"):  # every mode's detour factor is above 0
        refuses(nested("geography.detour_factor", {"rail": 1.0, "road": 1.0, "river": 1.0, mode: 0.0}),
                "greater than 0")
    assert accepts({"seed": 2**62}).seed == 2**62  # integers are bounded by their own fields, not by the float limit


def test_sections_refuse_unknown_keys_and_check_assignments():
    refuses({"population": {"crowdin": 0.5}}, "crowdin")
    scenario = accepts({})
    with pytest.raises(ValidationError):
        scenario.population.crowding = -1.0
    scenario.population.crowding = 2.0
    assert scenario.population.crowding == 2.0


def test_param_marks_assumptions_in_the_description_and_the_json_schema():
    class Section(Strict):
        sourced: float = param(1.0, "x", "a sourced number")
        guessed: float = param(1.0, "x", "a guess", assumption=True)

    props = Section.model_json_schema()["properties"]
    assert props["sourced"]["description"] == "a sourced number [x]"
    assert props["sourced"]["assumption"] is False and props["sourced"]["unit"] == "x"
    assert props["guessed"]["description"] == "a guess [x] (assumption)"
    assert props["guessed"]["assumption"] is True
    schema_props = Scenario.model_json_schema()["$defs"]["Population"]["properties"]
    assert schema_props["crowding"]["assumption"] is True and schema_props["persons_per_agent"]["assumption"] is False


# The parameters no source gives, marked "(assumption)" so that a reader knows which numbers to doubt first
# (scenarios/README.md). Marking or unmarking one is a claim about the sources: change this list with it.
ASSUMPTIONS = {
    "geography.detour_factor", "geography.speed_km_per_day", "population.job_seeker_share",
    "population.skill_shares", "population.seek_per_month", "population.leave_per_month", "population.crowding",
    "population.distance_scale_days", "population.search_radius_days", "cooperatives.productivity",
    "cooperatives.founding_members", "cooperatives.growth_per_month", "cooperatives.repayment_share",
    "cooperatives.unskilled_productivity", "cooperatives.failure_per_month", "cooperatives.insolvency_months",
    "cooperatives.flee_success", "cooperatives.working_capital_months", "finance.donations_per_month",
    "depots.supply_scale", "depots.catchment_days", "depots.initial_stock_months", "depots.resupply_per_month",
    "depots.max_stock_months", "depots.equipment_resupply_per_month", "depots.equipment_price",
    "allocation.transport_per_month", "administration.initial_staff", "administration.staff_growth_per_month",
    "administration.staff_growth_share", "administration.max_staff", "administration.founding_cost",
    "administration.founding_reach_days", "administration.supervision_cost", "administration.travel_cost",
    "administration.split_threshold", "administration.split_months", "administration.split_min_cooperatives",
    "administration.split_min_days", "administration.organiser_speed_km_per_day",
    "administration.exposed_speed_km_per_day", "war.damage_per_raid", "industries.*.price",
    "industries.*.output_per_member", "industries.*.inputs",
    "industries.*.equipment_per_member", "resources.*.price",
}


def test_the_parameters_marked_as_assumptions_are_exactly_those_no_source_gives():
    from pydantic import BaseModel

    marked = set()

    def walk(model, prefix):
        for name, field in model.model_fields.items():
            if (field.json_schema_extra or {}).get("assumption"):
                marked.add(prefix + name)
                assert field.description.endswith(" (assumption)")
            if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
                walk(field.annotation, f"{prefix}{name}.")

    walk(Scenario, "")
    walk(schema.Industry, "industries.*.")
    walk(schema.Resource, "resources.*.")
    assert marked == ASSUMPTIONS


def test_boolean_defaults():
    scenario = accepts({})
    assert scenario.finance.index_linked_fund is False
    assert not any(i.army_supply for i in accepts(industry()).industries.values())
    assert {n for n, i in scenario.industries.items() if i.army_supply} == {"textiles", "tailoring"}


def test_param_takes_the_assumption_flag_by_keyword_only():
    """`assumption=True` must be spelled out: a bare fourth argument is refused."""
    with pytest.raises(TypeError):
        param(1.0, "x", "a number", True)
    assert param(1.0, "x", "a number", assumption=True).json_schema_extra == {"unit": "x", "assumption": True}
