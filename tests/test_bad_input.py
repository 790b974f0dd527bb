"""Bad input end to end: every case exits with status 2 and one paragraph that names the file, the line and
the key path and says what is valid; no traceback, and `run` leaves no results folder (nor a hidden temporary
one) behind.

Each case runs `indusco run` (the core cases as real subprocesses, the rest in-process with typer's CliRunner
to keep the file fast) and `indusco validate` in-process: the same message either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from cli_helpers import (
    BASELINE,
    SHORT_RUN,
    Outcome,
    assert_input_error,
    extending_baseline,
    indusco,
    indusco_in_process,
    leftovers,
    write,
)


def _event_index(event_id: str) -> int:
    events = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))["events"]
    return next(i for i, e in enumerate(events) if e.get("id") == event_id)


CHONGQING = _event_index("bomb-chongqing")  # where an extending file's entry with this id lands after the merge
TOWNS_HEADER = "town,lat,lon,province,role_1940,region_1940\n"
WITH_TOWNS_FILE = extending_baseline("geography:\n  towns_file: towns.csv\n")


@dataclass(frozen=True)
class Case:
    """A bad input. `files` are written into the test's folder; the first is the scenario unless `scenario`
    names another (a file name there, or an absolute path). `file` is the file the message must begin with:
    a name in the test folder, or a literal such as '--set seed'. '{dir}' in `says` is the test folder."""

    id: str
    files: dict[str, str]
    file: str | None
    line: int | None
    key: str | None
    says: tuple[str, ...]
    sets: tuple[str, ...] = ()
    run_options: tuple[str, ...] = ()
    scenario: str | None = None
    short: bool = True  # add --set time.end=... first, so that a run that wrongly starts stays short
    run_only: bool = False

    def scenario_path(self, folder: Path) -> Path:
        name = self.scenario or next(iter(self.files))
        return folder / name

    def expected_file(self, folder: Path) -> str | None:
        if self.file is None or self.file.startswith("--set"):
            return self.file
        return str((folder / self.file).resolve())

    def expected_says(self, folder: Path) -> tuple[str, ...]:
        return tuple(s.replace("{dir}", str(folder.resolve())) for s in self.says)


CASES = [
    Case("yaml-syntax-indent", {"s.yaml": "name: broken\nseed: 1\n  time: 3\n"}, "s.yaml", 3, None,
         ("YAML syntax error", "mapping values are not allowed")),
    Case("yaml-syntax-unclosed-at-end", {"s.yaml": "name: broken\ntime:\n  start: [1938-08-05\n"}, "s.yaml", 3,
         None, ("YAML syntax error", "expected ',' or ']'")),
    Case("empty-file", {"s.yaml": ""}, "s.yaml", 1, None, ("empty", "mapping")),
    Case("top-level-not-mapping", {"s.yaml": "- time\n- seed\n"}, "s.yaml", 1, None, ("a list, not a mapping",)),
    Case("unknown-key", {"s.yaml": extending_baseline("tiem:\n  end: 1939-01-01\n")}, "s.yaml", 2, "tiem",
         ("unknown key 'tiem'", "did you mean 'time'", "population")),
    Case("unknown-nested-key", {"s.yaml": extending_baseline("population:\n  persons_per_agnet: 3\n")}, "s.yaml", 3,
         "population.persons_per_agnet", ("did you mean 'persons_per_agent'", "job_seeker_share")),
    Case("unknown-key-in-merged-event", {"s.yaml": extending_baseline("events:\n  - {id: bomb-chongqing, riads: 3}\n")},
         "s.yaml", 3, f"events[{CHONGQING}].riads", ("did you mean 'raids'", "bomb-chongqing")),
    Case("duplicate-key", {"s.yaml": extending_baseline("seed: 1\nseed: 2\n")}, "s.yaml", 3, "seed",
         ("twice", "first on line 2")),
    Case("alias-containing-itself", {"s.yaml": extending_baseline("description: &d [*d]\n")}, "s.yaml", 2,
         "description[0]", ("alias",)),
    Case("wrong-type", {"s.yaml": extending_baseline("seed: abc\n")}, "s.yaml", 2, "seed", ("integer", "'abc'")),
    Case("section-not-mapping", {"s.yaml": extending_baseline("time: 3\n")}, "s.yaml", 2, "time", ("mapping",),
         short=False),
    Case("negative-persons-per-agent", {"s.yaml": extending_baseline("population:\n  persons_per_agent: -1\n")},
         "s.yaml", 3, "population.persons_per_agent", ("greater than or equal to 1", "got -1")),
    Case("negative-raids", {"s.yaml": extending_baseline("events:\n  - {id: bomb-chongqing, raids: -3}\n")},
         "s.yaml", 3, f"events[{CHONGQING}].raids", ("greater than or equal to 0", "got -3", "bomb-chongqing")),
    Case("end-before-start", {"s.yaml": extending_baseline("time:\n  start: 1939-01-01\n  end: 1938-12-31\n")},
         "s.yaml", 4, "time.end", ("must come after start",), short=False),
    Case("event-end-before-start",
         {"s.yaml": extending_baseline("events:\n  - {id: bomb-chongqing, end: 1930-01-01}\n")},
         "s.yaml", 3, f"events[{CHONGQING}].end", ("must not come before start", "bomb-chongqing")),
    Case("impossible-date", {"s.yaml": extending_baseline("time:\n  end: 1940-02-30\n")}, "s.yaml", 3, "time.end",
         ("'1940-02-30' is not a calendar date", "YYYY-MM-DD")),
    Case("missing-required-key",
         {"s.yaml": extending_baseline("events:\n  - {type: bombing, town: Chengdu, start: 1939-01-01, "
                                       "end: 1939-02-01}\n")},
         "s.yaml", 3, "events[0].raids", ("'raids' is missing", "number of raids")),
    Case("unknown-event-type",
         {"s.yaml": extending_baseline("events:\n  - {type: bombng, town: Chengdu, start: 1939-01-01, "
                                       "end: 1939-02-01, raids: 2}\n")},
         "s.yaml", 3, "events[0].type", ("unknown event type 'bombng'", "did you mean 'bombing'", "refugee_wave")),
    Case("unknown-town-in-event",
         {"s.yaml": extending_baseline("events:\n  - {type: occupation, town: Chungking, date: 1939-01-01}\n")},
         "s.yaml", 3, "events[0].town", ("unknown town 'Chungking'", "did you mean 'Chongqing'", "Baoji")),
    Case("unknown-town-in-refugee-wave",
         {"s.yaml": extending_baseline("events:\n  - type: refugee_wave\n    start: 1939-01-01\n    end: 1939-02-01\n"
                                       "    persons: 1000\n    entries: {Chengdu: 1, Xian: 2}\n")},
         "s.yaml", 7, "events[0].entries.Xian", ("unknown town 'Xian'", "did you mean 'Xi'an'")),
    Case("unknown-town-depot-site",
         {"s.yaml": extending_baseline("depots:\n  sites:\n    - {town: Baoji}\n    - {town: Lanzou}\n")},
         "s.yaml", 5, "depots.sites[1].town", ("unknown town 'Lanzou'", "did you mean 'Lanzhou'")),
    Case("missing-towns-file", {"s.yaml": extending_baseline("geography:\n  towns_file: nowhere.csv\n")}, "s.yaml", 3,
         "geography.towns_file", ("not found", "nowhere.csv", "bundled data")),
    Case("malformed-towns-csv",
         {"s.yaml": WITH_TOWNS_FILE, "towns.csv": TOWNS_HEADER + '"Baoji,34.4,107.1,Shaanxi,hq,Northwest\n'},
         "towns.csv", 2, "geography.towns_file",
         ("cannot read CSV", "named by geography.towns_file in {dir}/s.yaml line 3", "town, lat, lon")),
    Case("towns-csv-not-a-number",
         {"s.yaml": WITH_TOWNS_FILE, "towns.csv": TOWNS_HEADER + "Baoji,north,107.1,Shaanxi,hq,Northwest\n"},
         "towns.csv", 2, "geography.towns_file", ("column 'lat' must hold a number", "'north'", "decimal degrees")),
    Case("towns-csv-missing-columns", {"s.yaml": WITH_TOWNS_FILE, "towns.csv": "name,lat\nBaoji,34.4\n"},
         "towns.csv", 1, "geography.towns_file", ("missing columns town, lon",)),
    Case("unknown-town-in-routes-csv",
         {"s.yaml": extending_baseline("geography:\n  routes_file: routes.csv\n"),
          "routes.csv": "from,to,mode,km\nXi'an,Baoji,rail,173\nBaoji,Chengdoo,road,\n"},
         "routes.csv", 3, "geography.routes_file", ("unknown town 'Chengdoo'", "did you mean 'Chengdu'")),
    Case("missing-extends-target", {"s.yaml": "extends: nowhere.yaml\nseed: 3\n"}, "s.yaml", 1, "extends",
         ("'nowhere.yaml' not found",)),
    Case("extends-cycle", {"a.yaml": "extends: b.yaml\nseed: 1\n", "b.yaml": "seed: 2\nextends: a.yaml\n"},
         "b.yaml", 2, "extends", ("extends cycle: a.yaml -> b.yaml -> a.yaml",)),
    Case("extends-itself", {"s.yaml": "name: loop\nextends: s.yaml\n"}, "s.yaml", 2, "extends",
         ("extends cycle: s.yaml -> s.yaml",)),
    Case("empty-name", {"s.yaml": extending_baseline("name: ''\n")}, "s.yaml", 2, "name", ("results folder",)),
    Case("set-unknown-key", {}, "--set tiem.end=1940-01-01", None, "tiem", ("did you mean 'time'",),
         sets=("tiem.end=1940-01-01",), scenario=str(BASELINE)),
    Case("set-without-equals", {}, "--set seed", None, None, ("key.path=value",), sets=("seed",),
         scenario=str(BASELINE)),
    Case("set-wrong-type", {}, "--set time.tick=fortnight", None, "time.tick", ("'week' or 'month'", "fortnight"),
         sets=("time.tick=fortnight",), scenario=str(BASELINE)),
    Case("set-into-a-number", {}, "--set seed.x=3", None, "seed.x", ("'seed' holds 1938", "has no key 'x'"),
         sets=("seed.x=3",), scenario=str(BASELINE)),
    Case("set-past-the-end-of-a-list", {}, "--set events.999.raids=3", None, "events.999.raids",
         ("no item 999", "an index from 0 to"), sets=("events.999.raids=3",), scenario=str(BASELINE)),
    Case("set-impossible-date", {}, "--set time.end=1940-02-30", None, "time.end",
         ("'1940-02-30' is not a calendar date", "day is out of range", "a real date written YYYY-MM-DD"),
         sets=("time.end=1940-02-30",), scenario=str(BASELINE)),
    Case("missing-scenario-file", {}, "nowhere.yaml", None, None, ("file not found",), scenario="nowhere.yaml"),
    Case("bad-backend", {}, None, None, "--backend", ("unknown backend 'numbah'", "numba | mesa"),
         run_options=("--backend", "numbah"), scenario=str(BASELINE), run_only=True),
    # issue 13: input that crashed or hung instead of being refused
    Case("control-character-nul", {"s.yaml": extending_baseline("description: a\x00b\n")}, "s.yaml", 2, None,
         ("control character U+0000 (NUL)",)),
    Case("control-character-esc", {"s.yaml": extending_baseline("seed: 3\ndescription: \x1b[31mred\n")}, "s.yaml", 3,
         None, ("U+001B (ESC)",)),
    Case("infinite-inflation", {"s.yaml": extending_baseline("finance:\n  inflation_scale: .inf\n")}, "s.yaml", 3,
         "finance.inflation_scale", ("finite number", "got inf")),
    Case("nan-skill-share", {"s.yaml": extending_baseline("population:\n  skill_shares: {textiles: .nan}\n")},
         "s.yaml", 3, "population.skill_shares.textiles", ("finite number",)),
    Case("absurd-arrivals", {"s.yaml": extending_baseline(
        "events:\n  - {type: refugee_wave, start: 1939-01-01, end: 1939-02-01, persons: 1.0e+308, "
        "entries: {Chengdu: 1}}\n")}, "s.yaml", 3, "events[0].persons", ("less than or equal to 1000000000",)),
    Case("absurd-fund", {"s.yaml": extending_baseline("finance:\n  fund_initial: 1.0e+308\n")}, "s.yaml", 3,
         "finance.fund_initial", ("too large", "1e+12")),
    Case("arrivals-scale-beyond-bound", {}, "--set population.arrivals_scale=100000", None,
         "population.arrivals_scale", ("less than or equal to 10000",), sets=("population.arrivals_scale=100000",),
         scenario=str(BASELINE)),
    Case("end-in-year-9999", {}, "--set time.end=9999-12-31", None, "time.end", ("more than 100 years",),
         sets=("time.end=9999-12-31",), scenario=str(BASELINE), short=False),
    Case("zero-founding-cost", {"s.yaml": extending_baseline("administration:\n  founding_cost: 0\n")}, "s.yaml", 3,
         "administration.founding_cost", ("greater than 0", "got 0")),
    Case("zero-distance-scale", {"s.yaml": extending_baseline("population:\n  distance_scale_days: 0\n")}, "s.yaml",
         3, "population.distance_scale_days", ("greater than 0",)),
    Case("zero-split-threshold", {}, "--set administration.split_threshold=0", None,
         "administration.split_threshold", ("greater than 0",), sets=("administration.split_threshold=0",),
         scenario=str(BASELINE)),
    Case("zero-resource-price", {"s.yaml": extending_baseline("resources:\n  cotton: {price: 0}\n")}, "s.yaml", 3,
         "resources.cotton.price", ("greater than 0",)),
    Case("zero-price-index", {"s.yaml": extending_baseline(
        "events:\n  - {type: price_index, date: 1939-01-01, index: 0}\n")}, "s.yaml", 3, "events[0].index",
         ("greater than 0",)),
    Case("duplicate-event-id", {"s.yaml": extending_baseline(
        "events:\n  - {id: x, type: occupation, town: Chengdu, date: 1940-01-01}\n"
        "  - {id: x, type: occupation, town: Baoji, date: 1941-01-01}\n")}, "s.yaml", 4, "events[1].id",
         ("'x' is used twice", "first by item 0")),
    Case("integer-key-on-line-2", {"s.yaml": extending_baseline("1: x\n")}, "s.yaml", 2, "[1]", ("not a name",)),
    Case("set-a-list-index-into-a-mapping", {}, "--set population.skill_shares.0=1", None,
         "population.skill_shares.0", ("unknown industry '0'",), sets=("population.skill_shares.0=1",),
         scenario=str(BASELINE)),
    Case("set-extends", {}, "--set extends=other.yaml", None, "extends", ("cannot be changed with --set",),
         sets=("extends=other.yaml",), scenario=str(BASELINE)),
    Case("extends-a-device", {"s.yaml": "extends: /dev/zero\n"}, "s.yaml", 1, "extends", ("not a regular file",)),
    Case("extends-a-folder", {"s.yaml": "extends: /tmp\n"}, "s.yaml", 1, "extends", ("not a regular file",)),
    Case("scenario-is-a-device", {}, "/dev/zero", None, None, ("not a regular file",), scenario="/dev/zero"),
    Case("bad-scheduler", {}, None, None, "--scheduler", ("'not a url' is not a dask scheduler address",),
         run_options=("--seeds", "2", "--scheduler", "not a url"), scenario=str(BASELINE), run_only=True),
    Case("out-inside-a-file", {"s.yaml": extending_baseline("seed: 3\n")}, None, None, "--out",
         ("s.yaml: it is a file",), run_options=("--out", "s.yaml/results"), run_only=True),
]


CORE = {"yaml-syntax-indent", "empty-file", "top-level-not-mapping", "unknown-key", "unknown-nested-key", "wrong-type",
        "negative-raids", "end-before-start", "unknown-town-in-refugee-wave", "missing-towns-file",
        "malformed-towns-csv", "extends-cycle", "set-unknown-key", "set-wrong-type", "unknown-event-type",
        "bad-backend", "missing-scenario-file"}  # run as real subprocesses


def test_core_cases_exist() -> None:
    assert {c.id for c in CASES} >= CORE


def _prepare(case: Case, folder: Path) -> Path:
    for name, text in case.files.items():
        write(folder, name, text)
    return case.scenario_path(folder)


def _set_options(case: Case) -> list[str]:
    sets = ([SHORT_RUN] if case.short else []) + list(case.sets)
    return [opt for s in sets for opt in ("--set", s)]


def _check(case: Case, outcome: Outcome, folder: Path) -> str:
    return assert_input_error(outcome, file=case.expected_file(folder), line=case.line, key=case.key,
                              says=case.expected_says(folder))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_run_rejects_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = _prepare(case, tmp_path)
    out = tmp_path / "out"
    args = ("run", scenario, "--out", out / "res", "--no-plots", "-q", *_set_options(case), *case.run_options)
    if case.id in CORE:
        outcome = indusco(*args, cwd=tmp_path)
    else:
        monkeypatch.chdir(tmp_path)
        outcome = indusco_in_process(*args)
    _check(case, outcome, tmp_path)
    assert leftovers(out) == []
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("case", [c for c in CASES if not c.run_only], ids=lambda c: c.id)
def test_validate_rejects_bad_input(case: Case, tmp_path: Path) -> None:
    scenario = _prepare(case, tmp_path)
    outcome = indusco_in_process("validate", scenario.resolve(), *_set_options(case))
    _check(case, outcome, tmp_path)


def test_existing_results_folder_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "res").mkdir(parents=True)
    write(out / "res", "keep.txt", "earlier results")
    outcome = indusco("run", BASELINE, "--out", out / "res", "--set", SHORT_RUN, "--no-plots", "-q", cwd=tmp_path)
    assert_input_error(outcome, file=None, key="--out", says=("already exists", "--force"))
    assert leftovers(out) == ["res"]
    assert leftovers(out / "res") == ["keep.txt"]


def test_not_utf8_scenario_names_the_line(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes(f"extends: {BASELINE}\ndescription: caf\xe9\n".encode("latin-1"))
    outcome = indusco_in_process("validate", scenario)
    assert_input_error(outcome, file=str(scenario), line=2, says=("not UTF-8", "0xe9"))


def test_scenario_folder_is_not_a_file(tmp_path: Path) -> None:
    outcome = indusco_in_process("validate", tmp_path)
    assert_input_error(outcome, file=str(tmp_path), says=("folder, not a file",))


def test_set_is_reported_after_the_file_it_overrides(tmp_path: Path) -> None:
    """A --set that replaces a key of the file takes the blame for it, not the file's old line."""
    scenario = write(tmp_path, "s.yaml", extending_baseline("population:\n  persons_per_agent: 2\n"))
    outcome = indusco_in_process("validate", scenario, "--set", "population.persons_per_agent=0")
    assert_input_error(outcome, file="--set population.persons_per_agent=0", key="population.persons_per_agent",
                       says=("greater than or equal to 1",))


def test_an_unknown_key_is_reported_before_the_keys_it_leaves_missing(tmp_path: Path) -> None:
    body = ("industries:\n  textiles:\n    prise: 2\n    output_per_member: 25\n    inputs: {wool: 0.001}\n"
            "    equipment_per_member: 0.5\n")
    scenario = write(tmp_path, "s.yaml", extending_baseline(body))
    outcome = indusco_in_process("validate", scenario)
    assert_input_error(outcome, file=str(scenario.resolve()), line=4, key="industries.textiles.prise",
                       says=("did you mean 'price'",))


@dataclass(frozen=True)
class UsageCase:
    id: str
    args: tuple[str, ...]
    says: tuple[str, ...] = field(default=())


USAGE_CASES = [
    UsageCase("run-without-scenario", ("run",), ("Missing argument",)),
    UsageCase("force-with-a-value", ("run", str(BASELINE), "--force=maybe"), ("--force",)),
    UsageCase("unknown-option", ("run", str(BASELINE), "--frobnicate"), ("No such option",)),
    UsageCase("unknown-command", ("simulate",), ("No such command",)),
]


@pytest.mark.parametrize("case", USAGE_CASES, ids=lambda c: c.id)
def test_usage_errors_exit_2_without_traceback(case: UsageCase, tmp_path: Path) -> None:
    outcome = indusco(*case.args, cwd=tmp_path)
    assert outcome.code == 2, outcome.stderr
    assert "Traceback" not in outcome.stderr + outcome.stdout
    for text in case.says:
        assert text in outcome.stderr
    assert leftovers(tmp_path) == []
