"""Public entry to scenarios: load a file (or dict) with `extends:` and `--set` overrides, validate it
against the schema and against the data (towns, industries, resources), and write it back as YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from indusco_sim.data import load_routes, load_towns
from indusco_sim.errors import InputError, did_you_mean, join_path, one_of
from indusco_sim.scenario.schema import Scenario
from indusco_sim.scenario.validation_errors import item_note, validation_to_input_error
from indusco_sim.scenario.yaml_files import SourceMap, apply_override, load_raw, scenario_hash


@dataclass
class LoadedScenario:
    scenario: Scenario
    path: Path | None
    sources: SourceMap = field(default_factory=dict)

    def to_yaml(self) -> str:
        return dump_yaml(self.scenario)

    @property
    def hash(self) -> str:
        return scenario_hash(self.to_yaml())


def dump_yaml(scenario: Scenario) -> str:
    """The full resolved scenario as YAML (every default written out; `extends` already merged in, so
    the text stands alone wherever it is saved)."""
    data = scenario.model_dump(mode="json")
    data["extends"] = None
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def load_scenario(source: str | Path | Scenario | dict, overrides: tuple[str, ...] | list[str] = ()) -> LoadedScenario:
    """Load, merge, override and validate a scenario. Raises InputError on any bad input."""
    if isinstance(source, Scenario):
        if not overrides:
            check_against_data(source, {}, None)
            return LoadedScenario(source, None)
        source = source.model_dump(mode="python")
    sources: SourceMap = {}
    path: Path | None = None
    if isinstance(source, dict):
        raw = dict(source)
    else:
        path = Path(source)
        raw = load_raw(path, sources)
    for assignment in overrides:
        apply_override(raw, assignment, sources)
    _resolve_data_paths(raw, sources)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as err:
        raise validation_to_input_error(err, raw, sources) from None
    check_against_data(scenario, sources, raw)
    return LoadedScenario(scenario, path, sources)


def _resolve_data_paths(raw: dict, sources: SourceMap) -> None:
    """Make geography file paths absolute, relative to the file (or working directory) that set them."""
    geo = raw.get("geography")
    if not isinstance(geo, dict):
        return
    for key in ("towns_file", "routes_file"):
        value = geo.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            origin = sources.get(("geography", key), ("", None))[0]
            base = Path(origin).parent if origin and not origin.startswith("--set") else Path.cwd()
            geo[key] = str((base / value).resolve())


def _where(path: tuple, sources: SourceMap) -> tuple[str | None, int | None]:
    for cut in range(len(path), -1, -1):
        if tuple(path[:cut]) in sources:
            return sources[tuple(path[:cut])]
    return None, None


def check_against_data(s: Scenario, sources: SourceMap, raw: Any) -> None:
    """Every town, industry and resource a scenario names must exist, and its data files must be readable."""
    data = raw if raw is not None else {}

    def fail(path: tuple, message: str, valid: str) -> None:
        file, line = _where(path, sources)
        raise InputError(message + item_note(path, data), file=file, key=join_path(path), line=line, valid=valid)

    def need(path: tuple, name: str, choices, what: str) -> None:
        if name not in choices:
            fail(path, f"unknown {what} '{name}'{did_you_mean(name, choices)}",
                 f"a {what} such as {one_of(sorted(choices))}")

    if not _is_folder_name(s.name):
        fail(("name",), f"the name '{s.name}' cannot name a results folder",
             f"a plain folder name of at most {MAX_NAME} characters, without '/', a line break or a leading "
             "dot, e.g. baseline or no-inflation")
    towns_frame = _load_data_file(load_towns, ("geography", "towns_file"), s.geography.towns_file, sources)
    _load_data_file(lambda path: load_routes(path, towns_frame), ("geography", "routes_file"),
                    s.geography.routes_file, sources)
    towns = set(towns_frame["town"])
    for name in s.population.skill_shares:
        need(("population", "skill_shares", name), name, s.industries, "industry")
    for name, ind in s.industries.items():
        for res in ind.inputs:
            need(("industries", name, "inputs", res), res, s.resources, "resource")
    for res in s.depots.resupply_per_month:
        need(("depots", "resupply_per_month", res), res, s.resources, "resource")
    for i, site in enumerate(s.depots.sites or []):
        need(("depots", "sites", i, "town"), site.town, towns, "town")
    founded: set[str] = set()
    for i, e in enumerate(s.events):
        if e.type in ("occupation", "bombing"):
            need(("events", i, "town"), e.town, towns, "town")
        elif e.type == "refugee_wave":
            for town in e.entries:
                need(("events", i, "entries", town), town, towns, "town")
        elif e.type in ("region_founded", "hq_moved"):
            need(("events", i, "hq"), e.hq, towns, "town")
            if e.type == "region_founded":
                founded.add(e.region)
    for i, e in enumerate(s.events):
        if e.type == "hq_moved" and e.region not in founded:
            need(("events", i, "region"), e.region, founded, "region founded by a region_founded event")
    if s.time.end <= s.time.start:  # also checked by the schema; kept for scenarios built in code
        fail(("time", "end"), f"end ({s.time.end}) must come after start ({s.time.start})", "a later date")


MAX_NAME = 100  # characters of a scenario name (it names the results folder)
_UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')


def _is_folder_name(name: str) -> bool:
    """Safe as a folder name on Linux, macOS and Windows: no separators, control characters (a newline),
    leading dot or blank, or characters Windows forbids; at most MAX_NAME characters."""
    return (bool(name.strip()) and len(name) <= MAX_NAME and name == name.strip() and not name.startswith(".")
            and _UNSAFE.search(name) is None)


def _load_data_file(load, path: tuple, value: str | None, sources: SourceMap):
    """Read a data file a scenario names; its errors also say which scenario key (file and line) named it."""
    try:
        return load(Path(value) if value else None)
    except InputError as err:
        file, line = _where(path, sources)
        if err.file is None:
            err.file, err.line = file, line
        elif not value:
            err.message = f"{err.message.rstrip('.')} (the bundled file, used because {join_path(path)} is empty)"
        elif file is not None:
            named_by = f"{file} line {line}" if line else file
            err.message = f"{err.message.rstrip('.')} (named by {join_path(path)} in {named_by})"
        raise

