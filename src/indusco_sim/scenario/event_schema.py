"""Dated events of a scenario: occupation, bombing, refugee waves, loan policy, price index, regions.

Each event is one entry of the scenario's `events` list, chosen by its `type`. An `id` lets a scenario that
`extends:` another change or switch off one event (see `loader.merge`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from indusco_sim.scenario.fields import Strict, param

EVENT_TYPE_HELP = "kind of event; it decides which other keys the entry takes"


class EventBase(Strict):
    id: str | None = param(None, "-", "name used by `extends:` to change or disable this event")
    enabled: bool = param(True, "-", "false switches the event off (useful in counterfactuals)")
    source: str = param("", "-", "where the fact comes from (data/SOURCES.md code) or 'assumption'")


class Occupation(EventBase):
    type: Literal["occupation"] = param(..., "-", EVENT_TYPE_HELP)
    town: str = param(..., "town", "town taken by the Japanese army")
    date: dt.date = param(..., "date", "day the town fell")
    until: dt.date | None = param(None, "date", "day the town was retaken; empty if never in the run")

    @model_validator(mode="after")
    def _until_after_date(self) -> Occupation:
        if self.until is not None and self.until <= self.date:
            raise ValueError(f"until ({self.until}) must come after date ({self.date})")
        return self


class Bombing(EventBase):
    type: Literal["bombing"] = param(..., "-", EVENT_TYPE_HELP)
    town: str = param(..., "town", "town bombed")
    start: dt.date = param(..., "date", "first raid")
    end: dt.date = param(..., "date", "last raid")
    raids: int = param(..., "raids", "number of raids between start and end, spread evenly", ge=0,
                       le=100_000)

    @model_validator(mode="after")
    def _end_after_start(self) -> Bombing:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) must not come before start ({self.start})")
        return self


class RefugeeWave(EventBase):
    type: Literal["refugee_wave"] = param(..., "-", EVENT_TYPE_HELP)
    start: dt.date = param(..., "date", "first day of the wave")
    end: dt.date = param(..., "date", "last day of the wave")
    persons: float = param(..., "persons", "people displaced into unoccupied China by this wave", ge=0,
                            le=1e9)
    entries: dict[str, float] = param(
        ..., "town: weight", "front towns where the refugees enter, with relative weights (normalised)"
    )

    @model_validator(mode="after")
    def _check(self) -> RefugeeWave:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) must not come before start ({self.start})")
        if not self.entries:
            raise ValueError("entries must name at least one town")
        if any(w < 0 for w in self.entries.values()) or sum(self.entries.values()) <= 0:
            raise ValueError("entry weights must be >= 0 and not all zero")
        return self


class LoanPolicy(EventBase):
    type: Literal["loan_policy"] = param(..., "-", EVENT_TYPE_HELP)
    date: dt.date = param(..., "date", "day the policy takes effect")
    grant: float = param(0.0, "CN$ nominal", "one-off addition to the national loan fund", ge=0)
    donations_per_month: float | None = param(
        None, "CN$ nominal / month", "new monthly inflow to the loan fund (donations, bank credit)", ge=0
    )
    donations_factor: float | None = param(
        None, "x", "multiplies the monthly inflow to the loan fund from now on (after donations_per_month)", ge=0)
    lending_factor: float | None = param(
        None, "share", "share of the fund that may be lent from now on (credit restriction)", ge=0, le=1
    )
    staff_factor: float | None = param(
        None, "share", "multiplies every region's organisers and the most it may employ from now on (political "
        "pressure)", ge=0, le=2)


class PriceIndex(EventBase):
    type: Literal["price_index"] = param(..., "-", EVENT_TYPE_HELP)
    date: dt.date = param(..., "date", "date of the observation")
    index: float = param(..., "Jan-Jun 1937 = 100", "Free China retail price index", gt=0)


class RegionFounded(EventBase):
    type: Literal["region_founded"] = param(..., "-", EVENT_TYPE_HELP)
    date: dt.date = param(..., "date", "day the association founded the regional headquarters")
    region: str = param(..., "name", "name of the region (towns whose `region_1940` matches join it)")
    hq: str = param(..., "town", "headquarters town")


class HqMoved(EventBase):
    type: Literal["hq_moved"] = param(..., "-", EVENT_TYPE_HELP)
    date: dt.date = param(..., "date", "day the headquarters moved")
    region: str = param(..., "name", "region whose headquarters moves")
    hq: str = param(..., "town", "new headquarters town")


Event = Annotated[
    Occupation | Bombing | RefugeeWave | LoanPolicy | PriceIndex | RegionFounded | HqMoved,
    Field(discriminator="type"),
]

EVENT_TYPES = ("occupation", "bombing", "refugee_wave", "loan_policy", "price_index", "region_founded",
               "hq_moved")
