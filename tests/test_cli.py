"""The command line working: validate, schema, run and its results folder, --set, extends, --force, and a run
that fails leaving nothing behind."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cli_helpers import (
    BASELINE,
    REPO,
    SHORT_RUN,
    assert_drawn,
    assert_input_error,
    indusco,
    indusco_in_process,
    leftovers,
    write,
)

RESULT_FILES = ("timeseries.parquet", "timeseries.csv", "cooperatives.parquet", "summary.json", "manifest.json",
                "industry_mix.csv", "scenario.resolved.yaml")
TIMING_KEYS = {"ticks", "wall_s", "setup_s", "jit_s", "ticks_s"}
PLOTS = ("cooperatives_by_region.png", "members.png", "output.png", "network_map.png", "model_vs_archive.png",
         "region_timeline.png")  # the region maps need a run that reaches May 1940


def run_ok(scenario: Path, out: Path, *options: str, cwd: Path) -> Path:
    """`indusco run` that must succeed; returns the results folder."""
    outcome = indusco("run", scenario, "--out", out, "-q", *options, cwd=cwd)
    assert outcome.code == 0, outcome.stderr
    assert "Traceback" not in outcome.stderr
    return out


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def baseline_run(workdir: Path) -> Path:
    """The baseline to the end of March 1939, without plots."""
    return run_ok(BASELINE, workdir / "results" / "base", "--set", "time.end=1939-03-31", "--no-plots", cwd=workdir)


# ---- validate, schema, help -----------------------------------------------------------------------------------

def test_validate_baseline(tmp_path: Path) -> None:
    outcome = indusco("validate", BASELINE, cwd=tmp_path)
    assert outcome.code == 0, outcome.stderr
    assert "valid scenario 'baseline'" in outcome.stdout
    assert leftovers(tmp_path) == []


def test_module_help(tmp_path: Path) -> None:
    outcome = indusco("--help", cwd=tmp_path)
    assert outcome.code == 0, outcome.stderr
    for command in ("run", "validate", "schema"):
        assert re.search(rf"\b{command}\b", outcome.stdout)


@pytest.fixture(scope="module")
def schema(workdir: Path) -> dict:
    outcome = indusco("schema", cwd=workdir)
    assert outcome.code == 0, outcome.stderr
    return json.loads(outcome.stdout)


@pytest.mark.parametrize("command", ["schema", "sweep-schema"])
def test_a_schema_written_where_no_file_can_be_is_bad_input(tmp_path: Path, command: str) -> None:
    """--out into a folder that does not exist: exit 2 and one paragraph naming the option (it was a traceback)."""
    target = tmp_path / "missing" / "schema.json"
    got = indusco_in_process(command, "--out", target)
    assert_input_error(got, file=f"--out {target}", says=("cannot be written", "existing folder"))
    assert indusco_in_process(command, "--out", tmp_path / "schema.json").code == 0
    assert json.loads((tmp_path / "schema.json").read_text())["properties"]


def test_schema_has_the_sections(schema: dict) -> None:
    assert {"time", "population", "industries", "events"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_every_shipped_scenario_file_passes_the_schema_an_editor_gets(schema: dict) -> None:
    """The counterfactuals switch inherited events off with {id: ..., enabled: false}; the schema `indusco schema`
    prints must accept that (it did not) and still catch a misspelt key in such a change, or one without an id.
    Dates are strings here, as an editor's YAML support reads them."""
    import jsonschema

    assert schema["$schema"].endswith("2020-12/schema")
    check = jsonschema.Draft202012Validator(schema)
    files = sorted((REPO / "scenarios").glob("*.yaml")) + sorted((REPO / "benchmarks" / "scenarios").glob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        assert [e.message for e in check.iter_errors(data)] == [], path
    for wrong in ({"id": "wave-1939", "enabld": False}, {"enabled": False}, {"id": "wave-1939", "enabled": "no"}):
        assert list(check.iter_errors({"extends": "baseline.yaml", "events": [wrong]})), wrong
    # a mapping merged key by key may give one key (the schema asked for all three modes); a typo still fails
    partial = {"extends": "b.yaml", "geography": {"speed_km_per_day": {"rail": 250}}}
    assert [e.message for e in check.iter_errors(partial)] == []
    assert list(check.iter_errors({"extends": "b.yaml", "geography": {"speed_km_per_day": {"rial": 250}}}))
    new_event = {"extends": "b.yaml", "events": [{"type": "bombing", "town": "Chongqing"}]}  # not whole
    assert list(check.iter_errors(new_event))


def test_the_schema_is_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    """EventChange gathers the keys of every event type; gathered over a set, their order followed the string
    hash seed of the process, and the printed schema changed from one run to the next."""
    texts = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "indusco_sim", "schema"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        texts.add(done.stdout)
    assert len(texts) == 1


def schema_fields(node: object, where: str = "") -> Iterator[tuple[str, dict]]:
    """Every (path, field schema) under `node`: the properties of each object, inline or in $defs."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{where}.{name}", prop
        for key, value in node.items():
            if key != "properties":
                yield from schema_fields(value, f"{where}/{key}")
        for name, prop in (node.get("properties") or {}).items():
            yield from schema_fields(prop, f"{where}.{name}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from schema_fields(item, f"{where}[{i}]")


def test_every_schema_field_has_a_description(schema: dict) -> None:
    fields = dict(schema_fields(schema))
    assert len(fields) > 100
    assert "/$defs/Bombing.raids" in fields and "/$defs/Time.end" in fields  # the walk reaches $defs
    undescribed = sorted(path for path, prop in fields.items() if not prop.get("description", "").strip())
    assert undescribed == []


# ---- run -----------------------------------------------------------------------------------------------------

def test_run_writes_the_results_folder(baseline_run: Path) -> None:
    assert set(RESULT_FILES) <= set(leftovers(baseline_run))
    assert not (baseline_run / "plots").exists()
    assert leftovers(baseline_run.parent) == ["base"]  # no hidden temporary folder left next to it
    ts = pd.read_parquet(baseline_run / "timeseries.parquet")
    assert len(ts) == len(pd.read_csv(baseline_run / "timeseries.csv")) > 0
    assert not pd.read_parquet(baseline_run / "cooperatives.parquet").empty


def test_manifest_records_versions_seed_revision_hash_and_timing(baseline_run: Path) -> None:
    manifest = read_json(baseline_run / "manifest.json")
    assert {"python", "numpy", "indusco-sim", "pydantic"} <= set(manifest["versions"])
    assert manifest["seed"] == 1938
    assert re.fullmatch(r"[0-9a-f]{40}(\+dirty)?", manifest["git_revision"])
    assert re.fullmatch(r"[0-9a-f]{16}", manifest["scenario_hash"])
    timing = manifest["timing"]
    assert set(timing) >= TIMING_KEYS
    assert timing["ticks"] == read_json(baseline_run / "summary.json")["ticks"] > 30  # weeks to end of March 1939
    assert timing["wall_s"] >= timing["ticks_s"] >= 0


def test_resolved_scenario_validates_and_reproduces_the_run(baseline_run: Path, workdir: Path) -> None:
    resolved = baseline_run / "scenario.resolved.yaml"
    assert indusco("validate", resolved, cwd=workdir).code == 0
    again = run_ok(resolved, workdir / "results" / "again", "--no-plots", cwd=workdir)
    assert (again / "timeseries.csv").read_text() == (baseline_run / "timeseries.csv").read_text()
    pd.testing.assert_frame_equal(pd.read_parquet(again / "timeseries.parquet"),
                                  pd.read_parquet(baseline_run / "timeseries.parquet"))
    assert read_json(again / "manifest.json")["scenario_hash"] == read_json(baseline_run / "manifest.json")[
        "scenario_hash"]


def test_set_seed_is_recorded(tmp_path: Path) -> None:
    out = run_ok(BASELINE, tmp_path / "seed3", "--set", SHORT_RUN, "--set", "seed=3", "--no-plots", cwd=tmp_path)
    assert read_json(out / "manifest.json")["seed"] == 3
    assert read_json(out / "summary.json")["seed"] == 3
    assert read_yaml(out / "scenario.resolved.yaml")["seed"] == 3


def test_extends_child_overrides_a_key_and_switches_an_event_off(tmp_path: Path) -> None:
    shutil.copy(BASELINE, tmp_path / "baseline.yaml")
    child = write(tmp_path, "no-chongqing-raids.yaml", (
        "extends: baseline.yaml  # relative to this file\n"
        "name: no-chongqing-raids\npopulation:\n  job_seeker_share: 0.02\n"
        "events:\n  - {id: bomb-chongqing, enabled: false}\n"))
    out = run_ok(child, tmp_path / "child", "--set", SHORT_RUN, "--no-plots", cwd=tmp_path)
    resolved = read_yaml(out / "scenario.resolved.yaml")
    base = read_yaml(BASELINE)
    assert resolved["name"] == "no-chongqing-raids"
    assert resolved["population"]["job_seeker_share"] == 0.02
    assert resolved["population"]["persons_per_agent"] == base["population"]["persons_per_agent"]
    assert [e["id"] for e in resolved["events"]] == [e["id"] for e in base["events"]]
    switched_off = [e["id"] for e in resolved["events"] if not e["enabled"]]
    assert switched_off == ["bomb-chongqing"]
    assert resolved["extends"] is None  # merged already: the resolved file stands alone
    assert indusco("validate", out / "scenario.resolved.yaml", cwd=tmp_path).code == 0


def test_force_replaces_an_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "results" / "base"
    out.mkdir(parents=True)
    write(out, "stale.txt", "from an earlier run")
    write(out, "manifest.json", '{"program": "indusco-sim"}')  # a folder this program wrote
    run_ok(BASELINE, out, "--set", SHORT_RUN, "--no-plots", "--force", cwd=tmp_path)
    assert "stale.txt" not in leftovers(out)
    assert set(RESULT_FILES) <= set(leftovers(out))
    assert leftovers(out.parent) == ["base"]


def _fail_in_the_third_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    from indusco_sim.model import IndusModel

    step = IndusModel.step

    def failing_step(self: IndusModel) -> None:
        if self.tick == 2:
            raise RuntimeError("simulated failure in tick 3")
        step(self)

    monkeypatch.setattr(IndusModel, "step", failing_step)


def _fail_while_writing_the_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    from indusco_sim.results import folder as outputs

    write_json = outputs.write_json

    def failing_write_json(path: Path, data: dict) -> None:
        if path.name == "manifest.json":
            raise RuntimeError("simulated failure writing the manifest")
        write_json(path, data)

    monkeypatch.setattr(outputs, "write_json", failing_write_json)


@pytest.mark.parametrize("sabotage", [_fail_in_the_third_tick, _fail_while_writing_the_manifest],
                         ids=["during-the-run", "while-writing"])
def test_a_run_that_fails_leaves_no_folder(sabotage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sabotage(monkeypatch)
    out = tmp_path / "results"
    with pytest.raises(RuntimeError, match="simulated failure"):
        indusco_in_process("run", BASELINE, "--out", out / "base", "--set", SHORT_RUN, "--no-plots", "-q")
    assert leftovers(out) == []


@pytest.mark.slow
def test_run_with_plots_writes_the_five_figures(tmp_path: Path) -> None:
    out = run_ok(BASELINE, tmp_path / "plotted", "--set", SHORT_RUN, cwd=tmp_path)
    assert sorted(leftovers(out / "plots")) == sorted(PLOTS)
    for name in PLOTS:
        assert_drawn(out / "plots" / name)
    not_drawn = json.loads((out / "summary.json").read_text())["maps_not_drawn"]
    assert set(not_drawn) == {"regions_1940.png", "facilities_1940.png", "regions_1942.png"}
