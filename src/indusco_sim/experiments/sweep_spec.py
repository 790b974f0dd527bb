"""Sweep files: which scenario to vary, which parameters over which ranges, the design, the seeds and the
outcomes to record. Validated like scenarios (pydantic v2); bad input is one InputError naming the file, the
line and the key.

    name: five-to-seven
    scenario: ../scenarios/baseline.yaml      # relative to this file
    set: {time.end: 1942-08-31}               # fixed overrides of the scenario, for every run
    parameters:
      administration.split_threshold: {low: 0.6, high: 1.6}
      administration.split_min_cooperatives: {low: 5, high: 40, integer: true}
      administration.founding_cost: {low: 0.05, high: 0.5, log: true}
      allocation.transport_per_month: {values: [300, 740, 1500]}
    design: {method: sobol, points: 64}       # grid | lhs | sobol | morris | csv
    seeds_per_point: 2
    outcomes: [regions_1940_05, regions_1942_08, final_cooperatives]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from indusco_sim.errors import InputError, did_you_mean, join_path
from indusco_sim.scenario.load import LoadedScenario, load_scenario
from indusco_sim.scenario.schema import Scenario
from indusco_sim.scenario.validation_errors import locate
from indusco_sim.scenario.values import range_problem, value_at
from indusco_sim.scenario.yaml_files import SourceMap, apply_override, describe_kind, read_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParamSpec(_Strict):
    """One varied parameter: a range (`low`, `high`, optionally `log` and `integer`) or a list of `values`."""

    low: float | None = Field(None, description="smallest value")
    high: float | None = Field(None, description="largest value")
    log: bool = Field(False, description="sample on a log scale (low > 0)")
    integer: bool = Field(False, description="round to whole numbers")
    values: list[float] | None = Field(None, description="a list of numbers to choose from (instead of low/high)")

    @model_validator(mode="after")
    def _range_or_values(self) -> ParamSpec:
        if self.values is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("values give the choices: leave out low and high")
            if not self.values:
                raise ValueError("values is empty")
            return self
        if self.low is None or self.high is None:
            raise ValueError("low a range needs both low and high (or a list of values)")
        if not self.low < self.high:
            raise ValueError(f"low the range {self.low:g} to {self.high:g} is not increasing")
        if self.log and self.low <= 0:
            raise ValueError(f"low a log range needs low > 0 (got {self.low:g})")
        return self

    @property
    def discrete(self) -> bool:
        return self.values is not None


class Design(_Strict):
    method: Literal["grid", "lhs", "sobol", "morris", "csv"] = Field(
        ..., description="grid: every combination; lhs: Latin hypercube; sobol: Saltelli's scheme for Sobol "
        "indices (points a power of two; points x (parameters + 2) runs); morris: points trajectories of "
        "(parameters + 1) runs; csv: the rows of `file`")
    points: int | None = Field(None, ge=1, description="sample size (lhs: points; sobol: base sample N; morris: "
                               "trajectories); not used by grid and csv")
    levels: int = Field(4, ge=2, description="grid: values per range parameter; morris: grid levels")
    file: str | None = Field(None, description="csv: a CSV with one column per parameter (relative to the sweep)")
    seed: int = Field(0, ge=0, description="seed of the sampler")
    second_order: bool = Field(False, description="sobol: also second-order indices ((2 x parameters + 2) x N runs)")

    @model_validator(mode="after")
    def _fits_method(self) -> Design:
        if self.method in ("lhs", "sobol", "morris") and self.points is None:
            raise ValueError(f"points the {self.method} design needs a sample size")
        if self.method == "sobol" and self.points & (self.points - 1):
            raise ValueError(f"points Sobol (Saltelli) sampling needs a power of two (got {self.points}; "
                             f"e.g. {1 << (self.points.bit_length() - 1)} or {1 << self.points.bit_length()})")
        if self.method == "csv" and not self.file:
            raise ValueError("file the csv design needs a file of points")
        return self


class Sweep(_Strict):
    """A sweep: runs of one scenario at many parameter points and seeds."""

    name: str = Field("sweep", description="short name; results go to results/<name>/")
    description: str = Field("", description="what question the sweep asks")
    scenario: str = Field(..., description="the scenario file it varies (relative to the sweep file)")
    set: dict[str, object] = Field(default_factory=dict, description="fixed overrides of the scenario, "
                                   "key.path: value, for every run")
    parameters: dict[str, ParamSpec] = Field(..., min_length=1, description="varied parameters by key path")
    design: Design = Field(..., description="how points are chosen")
    seeds_per_point: int = Field(1, ge=1, description="runs per point; seeds derived from `seed` with numpy "
                                 "SeedSequence (the same seeds at every point)")
    seed: int | None = Field(None, ge=0, description="root of the run seeds [default: the scenario's seed]")
    region_dates: list[dt.date] = Field(
        [dt.date(1940, 5, 31), dt.date(1940, 12, 31), dt.date(1942, 8, 31)],
        description="dates at which to count regions (outcomes regions_YYYY_MM)")
    outcomes: list[str] | None = Field(None, description="outcomes to record [default: all]")


def schema_json() -> dict:
    return Sweep.model_json_schema()


class LoadedSweep:
    """A validated sweep with its scenario (fixed overrides applied) and where each key came from."""

    def __init__(self, sweep: Sweep, path: Path, sources: SourceMap, scenario: LoadedScenario):
        self.sweep, self.path, self.sources, self.loaded = sweep, path, sources, scenario

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario

    @property
    def seed(self) -> int:
        return self.sweep.seed if self.sweep.seed is not None else self.scenario.seed

    def where(self, *path) -> tuple[str, int | None]:
        for cut in range(len(path), -1, -1):
            if tuple(path[:cut]) in self.sources:
                return self.sources[tuple(path[:cut])]
        return str(self.path), None

    def error(self, path: tuple, message: str, valid: str) -> InputError:
        file, line = self.where(*path)
        return InputError(message, file=file, line=line, key=join_path(path), valid=valid)

    def hash(self) -> str:
        """What makes two sweeps the same sweep: the resolved spec and the resolved scenario."""
        text = json.dumps({"sweep": self.sweep.model_dump(mode="json", exclude={"name", "description"}),
                           "scenario": self.loaded.hash}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_sweep(path: str | Path, overrides: tuple[str, ...] | list[str] = ()) -> LoadedSweep:
    """Read, override (`--set key=value`, keys of the sweep file) and validate a sweep, then check its
    parameters against its scenario. Raises InputError on any bad input."""
    from indusco_sim.experiments import outcomes as outcome_names

    path = Path(path)
    sources: SourceMap = {}
    raw = read_yaml(path, sources)
    if not isinstance(raw, dict):
        raise InputError(f"the top level is {describe_kind(raw)}, not a mapping", file=str(path), line=1,
                         valid="a mapping with scenario:, parameters:, design:")
    for assignment in overrides:
        apply_override(raw, assignment, sources)
    _dotted_parameter_keys(raw)
    try:
        sweep = Sweep.model_validate(raw)
    except ValidationError as err:
        raise _validation_error(err, raw, sources, path) from None
    file, line = sources.get(("scenario",), (str(path), None))
    scenario_path = (path.parent / sweep.scenario).resolve() if not file.startswith("--set") else Path(sweep.scenario)
    if not scenario_path.is_file():
        raise InputError(f"scenario file {scenario_path} not found", file=file, line=line, key="scenario",
                         valid="the path of a scenario YAML file, relative to the sweep file")
    sets = tuple(f"{k}={_yaml_scalar(v)}" for k, v in _flat(sweep.set).items())
    try:
        loaded = load_scenario(scenario_path, sets)
    except InputError as err:
        if err.file is None or str(err.file).startswith("--set"):
            err.file, err.line = sources.get(("set",), (str(path), None))
        raise
    out = LoadedSweep(sweep, path, sources, loaded)
    for key, spec in sweep.parameters.items():
        _check_parameter(out, key, spec)
    known = outcome_names.names(sweep.region_dates)
    for i, name in enumerate(sweep.outcomes or []):
        if name not in known:
            raise out.error(("outcomes", i), f"unknown outcome '{name}'{did_you_mean(name, known)}",
                            "an outcome such as " + ", ".join(known[:8]) + f" ({len(known)} in all; "
                            "see `indusco sweep-schema`)")
    return out


def _flat(mapping: dict, prefix: str = "") -> dict:
    """{time: {end: x}} and {time.end: x} alike -> {"time.end": x}."""
    out = {}
    for k, v in mapping.items():
        if isinstance(v, dict) and v:
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _yaml_scalar(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value) if not isinstance(value, str) else value


def _dotted_parameter_keys(raw: dict) -> None:
    """YAML may nest parameters (administration: {split_threshold: ...}); keys are dotted paths either way."""
    params = raw.get("parameters")
    if isinstance(params, dict) and any(not _is_spec(v) for v in params.values()):
        flat: dict = {}

        def walk(node: dict, prefix: str) -> None:
            for k, v in node.items():
                key = f"{prefix}{k}"
                if _is_spec(v) or not isinstance(v, dict):
                    flat[key] = v
                else:
                    walk(v, key + ".")

        walk(params, "")
        raw["parameters"] = flat


def _is_spec(value: object) -> bool:
    return isinstance(value, dict) and bool(set(value) & set(ParamSpec.model_fields))


def _check_parameter(sweep: LoadedSweep, key: str, spec: ParamSpec) -> None:
    """The key names a numeric scenario value; integer keys get integer ranges."""
    where = ("parameters", key)
    ends = [("low",), ("high",)] if spec.values is None else [("values", i) for i in range(len(spec.values))]
    values = [spec.low, spec.high] if spec.values is None else spec.values
    problem = range_problem(sweep.scenario, key, values)
    if problem is not None:
        raise sweep.error(where if problem.end is None else (*where, *ends[problem.end]), problem.message,
                          problem.valid)
    if isinstance(value_at(sweep.scenario, key), int):
        spec.integer = True


def _validation_error(err: ValidationError, raw: dict, sources: SourceMap, path: Path) -> InputError:
    first = sorted(err.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
    loc = tuple(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "value_error":  # our validators name the field first: "low ..."
        field, _, rest = message.partition(" ")
        if isinstance(first.get("input"), dict) and field in first["input"]:
            loc, message = (*loc, field), rest
    keypath, (file, line) = locate(loc, raw, sources)
    if file == "<scenario>":
        file = str(path)
    valid = _description(keypath) or "see `indusco sweep-schema`"
    if first["type"] == "extra_forbidden":
        choices = _fields_of(keypath)
        message = f"unknown key '{keypath[-1]}'{did_you_mean(str(keypath[-1]), choices)}"
        valid = "one of " + ", ".join(choices)
    elif first["type"] == "missing":
        message = f"the required key '{keypath[-1]}' is missing"
    elif first["type"] != "value_error":
        message += f" (got {describe_kind(first.get('input'))})"
    if first["type"] in ("float_parsing", "float_type", "int_parsing", "int_type"):
        valid = "a number"
    return InputError(message, file=file, line=line, key=join_path(keypath), valid=valid)


def _description(keypath: tuple) -> str | None:
    model = _model_at(keypath)
    info = model.model_fields.get(keypath[-1]) if keypath and isinstance(keypath[-1], str) else None
    return info.description if info is not None else None


def _fields_of(keypath: tuple) -> list[str]:
    return list(_model_at(keypath).model_fields)


def _model_at(keypath: tuple) -> type[BaseModel]:
    model: type[BaseModel] = Sweep
    for part in keypath[:-1]:
        if model is Sweep and part == "parameters":
            model = ParamSpec
            continue
        info = model.model_fields.get(part) if isinstance(part, str) else None
        ann = getattr(info, "annotation", None)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
    return model
