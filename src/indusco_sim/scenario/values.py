"""Read and set a validated scenario's values by dotted key ("administration.split_threshold",
"population.skill_shares.0"): what calibration, sweeps and sensitivity runs vary."""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import ValidationError

from indusco_sim.errors import did_you_mean
from indusco_sim.scenario.event_schema import EVENT_TYPES
from indusco_sim.scenario.schema import Scenario
from indusco_sim.scenario.validation_errors import field_description, fields_at
from indusco_sim.scenario.yaml_files import describe_kind


def key_parts(key: str) -> list[str | int]:
    """'a.b.0' -> ['a', 'b', 0]: list indices as integers."""
    return [int(p) if p.isdigit() else p for p in key.split(".")]


def value_at(scenario: Scenario, key: str) -> Any:
    """The scenario's value at the dotted key."""
    node: Any = scenario.model_dump(mode="python")
    for part in key_parts(key):
        node = node[part]
    return node


def with_values(scenario: Scenario, values: dict[str, float], seed: int | None = None) -> Scenario:
    """The scenario with dotted keys set, and `seed` as its seed if given (validated again). A value for an
    integer field is rounded to the nearest integer."""
    data = scenario.model_dump(mode="python")
    for key, value in values.items():
        *path, last = key_parts(key)
        node = data
        for part in path:
            node = node[part]
        old = node[last]
        node[last] = round(value) if isinstance(old, int) and not isinstance(old, bool) else value
    if seed is not None:
        data["seed"] = int(seed)
    return Scenario.model_validate(data)


class KeyProblem(NamedTuple):
    """Why values cannot be tried at a dotted key: `end` is the index of the value at fault (None: the key
    itself), `message` what is wrong, `valid` what would do."""
    end: int | None
    message: str
    valid: str


def range_problem(scenario: Scenario, key: str, values=()) -> KeyProblem | None:
    """The first reason calibration or a sweep cannot try `values` at the dotted key: the scenario has no such
    key, its value is not a number, a value is not whole for a whole-number key, or a value is outside the
    field's bounds (refused_value); None when every value can be tried. With no values, the key alone."""
    data = scenario.model_dump(mode="python")
    parts = key_parts(key)
    node, stop = walk(data, parts)
    if stop is not None:
        part = parts[stop]
        choices = fields_at(tuple(parts[: stop + 1]), data) if isinstance(node, dict) else []
        return KeyProblem(None, f"unknown parameter '{key}': the scenario has no '{part}'"
                          f"{did_you_mean(str(part), choices)}",
                          "one of " + ", ".join(choices) if choices else "a numeric scenario key path")
    if isinstance(node, bool) or not isinstance(node, int | float):
        return KeyProblem(None, f"'{key}' is not a number in the scenario (it is {describe_kind(node)})",
                          "a numeric scenario key path such as administration.split_threshold")
    for i, value in enumerate(values):
        if isinstance(node, int) and float(value) != int(value):
            return KeyProblem(i, f"'{key}' is a whole number in the scenario; {value:g} is not",
                              "whole-number bounds or values")
    for i, value in enumerate(values):
        refused = refused_value(scenario, key, (value,))
        if refused is not None:
            return KeyProblem(i, f"the scenario refuses {key} = {value:g}: {refused[1]}",
                              field_description(tuple(parts), data) or "what `indusco schema` allows there")
    return None


def refused_value(scenario: Scenario, key: str, values) -> tuple[float, str] | None:
    """The first of `values` outside the bounds the schema sets on the field at the dotted key, with the
    schema's reason (e.g. "Input should be greater than 0"); None when it accepts them all. Calibration and
    sweeps check the ends of a range (and each listed value) with it before any run: a field's bounds are an
    interval, so a range whose ends are within them is within them throughout. The model's own rules (a
    validator such as founding_members at least min_members, which other varied values may satisfy) are left
    to each run: a run they refuse is a failed row."""
    where = tuple(key_parts(key))
    for value in values:
        try:
            with_values(scenario, {key: value})
        except ValidationError as err:
            bounds = [e for e in err.errors() if field_path(e["loc"]) == where and e["type"] != "value_error"]
            if bounds:
                return value, bounds[0]["msg"]
    return None


def field_path(loc: tuple) -> tuple:
    """A pydantic error location as a key path: without the tag pydantic puts after the index of an item of a
    tagged union (('events', 37, 'bombing', 'raids') -> ('events', 37, 'raids'))."""
    out: list = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and i and isinstance(loc[i - 1], int) and part in EVENT_TYPES:
            continue
        out.append(part)
    return tuple(out)


def walk(data: Any, parts: list) -> tuple[Any, int | None]:
    """Follow a key path into plain data (a scenario's model_dump): (the value there, None), or (the mapping or
    list where it stops, the index in `parts` of the key it has no room for)."""
    node = data
    for i, part in enumerate(parts):
        in_mapping = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if not (in_mapping or in_list):
            return node, i
        node = node[part]
    return node, None
