"""The page's parameters: what each slider means, its unit and range, and how it becomes scenario overrides.

A `Settings` holds the scenario file and the slider values of one browser session. `resolve()` turns them
into a validated scenario; a bad scenario or value leaves the last good one in place and keeps the error's
one-paragraph message for the page to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from indusco_sim.data import scenarios_dir
from indusco_sim.errors import InputError
from indusco_sim.scenario.load import LoadedScenario, load_scenario
from indusco_sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Param:
    """One control: `kind` is 'float', 'int' or 'select'; `key` the scenario key it sets (None: computed)."""

    name: str
    label: str
    unit: str
    help: str
    kind: str
    key: str | None = None
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.1
    choices: tuple[str, ...] = ()


PARAMS: tuple[Param, ...] = (
    Param("arrivals_scale", "Refugee arrivals", "× the waves of the events",
          "multiplies every refugee wave: more job-seekers reach unoccupied China", "float",
          "population.arrivals_scale", 0.0, 4.0, 0.1),
    Param("loan_budget", "Loan budget", "× the scenario's fund",
          "multiplies the starting loan fund, the monthly donations and every loan-policy grant", "float",
          None, 0.0, 4.0, 0.1),
    Param("inflation_scale", "Inflation", "exponent on the price index",
          "1 = wartime prices as recorded, 0 = prices stay at 1937 levels", "float",
          "finance.inflation_scale", 0.0, 1.5, 0.05),
    Param("bombing_scale", "Bombing intensity", "× the recorded raids",
          "multiplies the raids on every bombed town (depot stocks and equipment destroyed)", "float",
          "war.bombing_scale", 0.0, 5.0, 0.25),
    Param("split_threshold", "Region split threshold", "load per organiser",
          "a region splits when supervision load per organiser stays above this", "float",
          "administration.split_threshold", 0.3, 3.0, 0.05),
    Param("allocation_rule", "Allocation rule", "rule",
          "how a depot rations scarce stock: in proportion to demand, or army-supply industries first", "select",
          "allocation.rule", choices=("proportional", "priority")),
    Param("transport_per_month", "Transport capacity", "t / month per depot",
          "materials one depot can move to its cooperatives each month", "float",
          "allocation.transport_per_month", 0.0, 2000.0, 10.0),
    Param("seed", "Seed", "integer ≥ 0", "seed of the random numbers: the same seed gives the same run", "int",
          "seed", 0, 10_000, 1),
)
PARAM_BY_NAME = {p.name: p for p in PARAMS}


def read_key(spec: Scenario, key: str) -> Any:
    node: Any = spec
    for part in key.split("."):
        node = getattr(node, part)
    return node


def defaults_of(spec: Scenario) -> dict[str, Any]:
    """The slider values that reproduce `spec` unchanged."""
    return {p.name: (1.0 if p.key is None else read_key(spec, p.key)) for p in PARAMS}


def loan_overrides(spec: Scenario, factor: float) -> list[str]:
    """Scale the fund, the donations and every loan_policy grant and donation rate by `factor`."""
    if factor == 1.0:
        return []
    fin = spec.finance
    out = [f"finance.fund_initial={fin.fund_initial * factor!r}",
           f"finance.donations_per_month={fin.donations_per_month * factor!r}"]
    for i, event in enumerate(spec.events):
        if event.type != "loan_policy":
            continue
        if event.donations_per_month is not None:
            out.append(f"events.{i}.donations_per_month={event.donations_per_month * factor!r}")
        if event.grant:
            out.append(f"events.{i}.grant={event.grant * factor!r}")
    return out


def to_overrides(spec: Scenario, values: dict[str, Any]) -> tuple[str, ...]:
    """`--set` assignments that apply the slider values to the scenario `spec` (only those that differ)."""
    base = defaults_of(spec)
    out: list[str] = []
    for p in PARAMS:
        value = values.get(p.name, base[p.name])
        if value == base[p.name]:
            continue
        if p.key is None:
            out += loan_overrides(spec, float(value))
        else:
            out.append(f"{p.key}={value!r}" if not isinstance(value, str) else f"{p.key}={value}")
    return tuple(out)


@lru_cache(maxsize=64)
def _load(path: Path, mtime_ns: int, overrides: tuple[str, ...]) -> LoadedScenario:
    return load_scenario(path, overrides)


def load_cached(path: Path, overrides: tuple[str, ...] = ()) -> LoadedScenario:
    """load_scenario, remembered per file, file time and overrides (parsing the baseline's YAML takes ~0.1 s;
    a page loads it for every session and every reset). `extends:` parents are assumed unchanged."""
    path = Path(path).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return load_scenario(path, overrides)  # the InputError names the missing file
    return _load(path, mtime, tuple(overrides))


def describe_scenario(path: Path) -> str:
    """The scenario's `description` (one line), or its error's first line if it does not load; remembered
    per file and file time, errors too (the picker describes every file of the folder for each session:
    1.3 s for the seven bundled scenarios when none is cached, most of a first page's server time)."""
    path = Path(path).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    return _describe(path, mtime)


@lru_cache(maxsize=256)
def _describe(path: Path, mtime_ns: int) -> str:
    try:
        spec = load_cached(path).scenario
    except InputError as err:
        return "does not load: " + str(err).splitlines()[0]
    return " ".join((spec.description or "").split())


def list_scenarios(folder: Path) -> list[Path]:
    """Scenario files in `folder`, baseline first."""
    files = sorted(Path(folder).glob("*.yaml"))
    return sorted(files, key=lambda f: (f.stem != "baseline", f.name))


@dataclass
class Settings:
    """One session's choices: scenario file and slider values, plus the last combination that loaded."""

    scenario: Path
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    good: tuple[LoadedScenario, tuple[str, ...]] | None = None  # last scenario that loaded, its overrides

    @classmethod
    def for_file(cls, scenario: str | Path | None = None) -> Settings:
        """Settings that reproduce `scenario` (default: the bundled baseline)."""
        path = Path(scenario) if scenario else scenarios_dir() / "baseline.yaml"
        settings = cls(path)
        settings.choose_scenario(path)
        return settings

    def choose_scenario(self, path: Path) -> bool:
        """Switch to `path` with its own defaults; False (and `error` set) if it does not load."""
        try:
            spec = load_cached(path).scenario
        except InputError as err:
            self.error = str(err)
            return False
        self.scenario, self.values, self.error = Path(path), defaults_of(spec), None
        return True

    def resolve(self) -> tuple[LoadedScenario, tuple[str, ...]]:
        """(scenario with the slider values applied, the overrides that did it); on bad input the last good
        pair, with `error` set (and InputError raised when nothing has loaded yet)."""
        try:
            base = load_cached(self.scenario).scenario
            overrides = to_overrides(base, self.values)
            loaded = load_cached(self.scenario, overrides)
        except InputError as err:
            self.error = str(err)
            if self.good is None:
                raise
            return self.good
        self.error = None
        self.good = (loaded, overrides)
        return self.good
