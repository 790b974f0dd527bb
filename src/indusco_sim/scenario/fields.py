"""Shared pieces of the scenario schema: a strict base model and `param`, a field with a unit."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_MAGNITUDE = 1e12  # no scenario number (money, persons, rates) needs more; larger ones overflow later


class Strict(BaseModel):
    """A scenario section: unknown keys are errors, values are checked on assignment too, and a number must
    be finite (.inf and .nan are refused everywhere)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _not_absurd(cls, value: Any) -> Any:
        numbers = value.values() if isinstance(value, dict) else [value]
        for x in numbers:
            if isinstance(x, float) and abs(x) > MAX_MAGNITUDE:
                raise ValueError(f"{x:g} is too large: numbers here are at most {MAX_MAGNITUDE:g} in size")
        return value


def param(default: Any, unit: str, description: str, *, assumption: bool = False, **constraints: Any) -> Any:
    """A scenario field with a default, a unit and a one-line description.

    `assumption=True` marks a parameter that no source gives: the description says so, and so does the
    JSON Schema (`"assumption": true`), so a reader knows which numbers to doubt first.
    """
    text = f"{description} [{unit}]"
    if assumption:
        text += " (assumption)"
    extra = {"unit": unit, "assumption": assumption}
    return Field(default, description=text, json_schema_extra=extra, **constraints)
