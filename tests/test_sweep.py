"""Sweeps without running the model: sweep files and their errors, designs and run ids, the store's
atomic batches and resume bookkeeping, sensitivity indices and PRIM on outcomes of a known function."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from cli_helpers import BASELINE, REPO, assert_drawn, assert_input_error, indusco_in_process, leftovers, write
from indusco_sim.experiments import design, sweep_store
from indusco_sim.experiments.sweep_spec import load_sweep

SWEEP = f"""name: t
scenario: {BASELINE}
set: {{time.end: 1939-03-31}}
parameters:
  administration.split_threshold: {{low: 0.5, high: 1.5}}
  administration.split_min_cooperatives: {{low: 5, high: 40}}
  administration.founding_cost: {{low: 0.05, high: 0.5, log: true}}
design: {{method: sobol, points: 8}}
seeds_per_point: 2
"""


def sweep_file(tmp_path, text=SWEEP, name="s.yaml"):
    return write(tmp_path, name, text)


def test_designs_have_the_promised_sizes_ranges_and_stable_ids(tmp_path):
    path = sweep_file(tmp_path)
    s = load_sweep(path)
    plan = design.plan(s)
    assert len(plan) == 8 * (3 + 2) * 2  # Saltelli: N (D + 2) points, two seeds each
    assert plan["administration.split_threshold"].between(0.5, 1.5).all()
    mc = plan["administration.split_min_cooperatives"]
    assert (mc == mc.round()).all() and mc.between(5, 40).all()  # an integer key gets whole numbers
    fc = plan["administration.founding_cost"]
    geometric_mid = math.sqrt(0.05 * 0.5)  # a log range puts half its points below the geometric midpoint
    assert fc.between(0.05, 0.5).all() and (fc < geometric_mid).mean() == pytest.approx(0.5, abs=0.15)
    assert plan.groupby("point")["seed"].nunique().eq(2).all() and plan["seed"].nunique() == 2
    assert design.plan(load_sweep(path))["run_id"].tolist() == plan["run_id"].tolist()  # reproducible
    other = design.plan(load_sweep(path, ["design.seed=5"]))
    assert not set(other["run_id"]) & set(plan["run_id"])  # new points, new ids
    grid = design.plan(load_sweep(path, ["design.method=grid", "design.levels=3", "seeds_per_point=1"]))
    assert len(grid) == 27 and grid["administration.split_threshold"].nunique() == 3
    morris = design.plan(load_sweep(path, ["design.method=morris", "design.points=4"]))
    assert len(morris) == 4 * (3 + 1) * 2 and all(f"u.{k}" in morris for k in s.sweep.parameters)
    lhs = design.plan(load_sweep(path, ["design.method=lhs", "design.points=5", "seeds_per_point=3"]))
    assert len(lhs) == 15
    nested = load_sweep(sweep_file(tmp_path, SWEEP.replace("{time.end: 1939-03-31}", "{time: {end: 1939-02-28}}"),
                                   "nested.yaml"))
    assert str(nested.scenario.time.end) == "1939-02-28" and nested.scenario.time.tick == "week"


def test_csv_design_and_values_lists(tmp_path):
    write(tmp_path, "pts.csv", "administration.split_threshold,allocation.transport_per_month\n0.7,300\n1.2,1500\n")
    text = SWEEP.split("parameters:")[0] + (
        "parameters:\n  administration.split_threshold: {low: 0.5, high: 1.5}\n"
        "  allocation.transport_per_month: {values: [300, 740, 1500]}\n"
        "design: {method: csv, file: pts.csv}\nseeds_per_point: 2\n")
    plan = design.plan(load_sweep(sweep_file(tmp_path, text)))
    assert plan["allocation.transport_per_month"].tolist() == [300, 300, 1500, 1500]
    lhs = design.plan(load_sweep(sweep_file(tmp_path, text), ["design.method=lhs", "design.points=6"]))
    assert set(lhs["allocation.transport_per_month"]) <= {300, 740, 1500}


def test_run_id_hashes_values_seed_and_version():
    a = design.run_id({"x": 0.5, "y": 2.0}, 7, "h", "1")
    assert a == design.run_id({"y": 2.0, "x": 0.5}, 7, "h", "1") and len(a) == 16
    assert len({a, design.run_id({"x": 0.5, "y": 2.0}, 8, "h", "1"), design.run_id({"x": 0.5, "y": 2.0}, 7, "h", "2"),
                design.run_id({"x": 0.5000001, "y": 2.0}, 7, "h", "1")}) == 4


CASES = {  # id: (sweep text, line, key, says)
    "unknown-parameter": (SWEEP.replace("split_threshold: {low", "split_treshold: {low"), 5,
                          "parameters.administration.split_treshold", ("unknown parameter", "did you mean")),
    "inverted-range": (SWEEP.replace("{low: 0.5, high: 1.5}", "{low: 1.5, high: 0.5}"), 5,
                       "parameters.administration.split_threshold.low", ("not increasing",)),
    "range-the-scenario-refuses": (SWEEP.replace("{low: 0.5, high: 1.5}", "{low: -1, high: 1.5}"), 5,
                                   "parameters.administration.split_threshold.low",
                                   ("refuses administration.split_threshold = -1", "greater than 0")),
    "event-range-the-scenario-refuses": (SWEEP.replace("administration.split_threshold: {low: 0.5, high: 1.5}",
                                                       "events.37.raids: {low: -5, high: 10}"), 5,
                                         "parameters.events.37.raids.low", ("refuses events.37.raids = -5",)),
    "value-the-scenario-refuses": (SWEEP.replace("{low: 0.5, high: 1.5}", "{values: [0.8, 0, 1.2]}"), 5,
                                   "parameters.administration.split_threshold.values[1]",
                                   ("refuses administration.split_threshold = 0",)),
    "sobol-not-power-of-two": (SWEEP.replace("points: 8", "points: 10"), 8, "design.points",
                               ("power of two", "8 or 16")),
    "non-numeric": (SWEEP.replace("high: 40", "high: forty"), 6,
                    "parameters.administration.split_min_cooperatives.high", ("forty",)),
    "non-numeric-key": (SWEEP.replace("administration.founding_cost: {low: 0.05, high: 0.5, log: true}",
                                      "allocation.rule: {low: 1, high: 2}"), 7, "parameters.allocation.rule",
                        ("not a number",)),
    "unknown-key": (SWEEP.replace("seeds_per_point", "seeds_per_pint"), 9, "seeds_per_pint", ("did you mean",)),
    "unknown-outcome": (SWEEP + "outcomes: [regions_1942_8]\n", 10, "outcomes[0]", ("regions_1942_08",)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_sweep_files_exit_2_naming_file_line_and_key(tmp_path, case):
    text, line, key, says = CASES[case]
    path = sweep_file(tmp_path, text)
    out = tmp_path / "out"
    got = indusco_in_process("sweep", path, "--out", out, "--quiet")
    assert_input_error(got, file=str(path), line=line, key=key, says=says)
    assert leftovers(out) == [] and not [p for p in leftovers(tmp_path) if p.startswith(".out")]


def test_bad_set_override_and_folder_of_another_sweep(tmp_path):
    path = sweep_file(tmp_path)
    got = indusco_in_process("sweep", path, "--set", "design.points=12", "--quiet")
    assert_input_error(got, file="--set design.points=12", key="design.points", says=("power of two",))
    s = load_sweep(path)
    out = tmp_path / "out"
    sweep_store.create(out, {"sweep_hash": "0123456789abcdef"}, design.plan(s), {})
    got = indusco_in_process("sweep", path, "--out", out, "--quiet")
    assert_input_error(got, file=None, key="--out", says=("different sweep",))
    sweep_store.create(tmp_path / "same", {"sweep_hash": s.hash()}, design.plan(s), {})
    got = indusco_in_process("sweep", path, "--out", tmp_path / "same", "--quiet")
    assert_input_error(got, file=None, key="--out", says=("--resume",))


def test_sweep_schema_is_json_schema():
    got = indusco_in_process("sweep-schema")
    schema = json.loads(got.stdout)
    assert got.code == 0 and {"parameters", "design", "seeds_per_point", "outcomes"} <= set(schema["properties"])


def _fake_folder(tmp_path, method: str, points: int, seeds: int = 2):
    """A sweep folder whose results come from a known function of the unit coordinates (no model runs):
    y = 4 u0 + u1 (u2 does nothing) plus seed noise of 0.01."""
    text = SWEEP.replace("sobol, points: 8", f"{method}, points: {points}").replace("seeds_per_point: 2",
                                                                                   f"seeds_per_point: {seeds}")
    s = load_sweep(sweep_file(tmp_path, text))
    plan = design.plan(s)
    out = tmp_path / "fake"
    sweep_store.create(out, {"sweep_hash": s.hash(), "sweep": s.sweep.model_dump(mode="json"), "runs": len(plan)},
                       plan, {})
    keys = list(s.sweep.parameters)
    writer = sweep_store.BatchWriter(out, 7)
    rng = np.random.default_rng(0)
    for r in plan.to_dict("records"):
        u = [r[f"u.{k}"] for k in keys]
        y = 4 * u[0] + u[1] + 0.01 * rng.standard_normal()
        writer.add({"row": {"run_id": r["run_id"], **{k: r[k] for k in keys}, "seed": r["seed"], "status": "ok",
                            "error": "", "final_cooperatives": y, "regions_1942_08": 7.0 if u[0] > 0.6 else 5.0,
                            "seconds": 0.1}})
    writer.flush()
    return out, keys


def test_store_batches_are_whole_and_retry_drops_failed_rows(tmp_path):
    out, _ = _fake_folder(tmp_path, "lhs", 10)
    (out / "results" / ".batch-000009.parquet.tmp-1").write_bytes(b"half a file")  # as a SIGKILL leaves it
    assert len(sweep_store.batch_files(out)) == 3 and len(sweep_store.read_results(out)) == 20
    sweep_store.BatchWriter(out, 5)  # a resumed sweep's writer clears it away
    files = sweep_store.batch_files(out)
    assert len(files) == 3 and not list((out / "results").glob(".*"))  # 20 rows in batches of 7: no temp left
    rows = sweep_store.read_results(out)
    assert rows["run_id"].is_unique and len(rows) == 20
    frame = pd.read_parquet(files[0])
    frame.loc[:1, "status"] = "failed"
    sweep_store.write_atomic(frame, files[0])
    assert sweep_store.drop_failed(out) == 2
    assert len(sweep_store.read_results(out)) == 18 and set(sweep_store.done_ids(out).values()) == {"ok"}


def test_sobol_indices_find_the_parameters_that_matter(tmp_path):
    from indusco_sim.experiments import sensitivity

    out, keys = _fake_folder(tmp_path, "sobol", 256)
    report = sensitivity.analyse(out, ["final_cooperatives"], resamples=50)
    ind = report["indices"].set_index(["parameter", "index"])["value"]
    assert ind[(keys[0], "ST")] == pytest.approx(16 / 17, abs=0.08)
    assert ind[(keys[1], "ST")] == pytest.approx(1 / 17, abs=0.05)
    assert abs(ind[(keys[2], "ST")]) < 0.02
    noise = report["seed_noise"].set_index("outcome")["seed_variance_share"]["final_cooperatives"]
    assert 0 < noise < 0.01
    written = out / "sensitivity"
    pd.testing.assert_frame_equal(pd.read_parquet(written / "indices.parquet"), report["indices"], check_dtype=False)
    assert len(pd.read_csv(written / "indices.csv")) == len(report["indices"])
    assert pd.read_csv(written / "seed_noise.csv")["outcome"].tolist() == report["seed_noise"]["outcome"].tolist()
    assert_drawn(written / "figures" / "final_cooperatives.png", min_size=(300, 200))
    assert "final_cooperatives" in report["text"]


def test_an_outcome_constant_over_the_base_samples_gets_a_note_not_a_warning(tmp_path, recwarn):
    """regions_1942_08 differs at one Saltelli point only, not a base sample (point 1: the first sample with its
    first parameter from the second matrix): SALib finds the base samples' values constant, warns and counts 0.
    The note says so, and no warning escapes to the user (the walkthrough saw SALib's UserWarning printed)."""
    from indusco_sim.experiments import sensitivity

    out, _ = _fake_folder(tmp_path, "sobol", 8, seeds=1)
    plan = pd.read_parquet(out / "design.parquet")
    odd = set(plan.loc[plan["point"] == 1, "run_id"])
    for path in sweep_store.batch_files(out):
        frame = pd.read_parquet(path)
        frame["regions_1942_08"] = np.where(frame["run_id"].isin(odd), 7.0, 5.0)
        sweep_store.write_atomic(frame, path)
    report = sensitivity.analyse(out, ["regions_1942_08"], resamples=100)
    assert len(report["indices"]) and any("every base sample" in n for n in report["notes"]), report["notes"]
    assert not [w for w in recwarn if "Constant values" in str(w.message)]


def test_morris_ranks_and_prim_finds_the_box(tmp_path):
    from indusco_sim.experiments import discover, sensitivity

    out, keys = _fake_folder(tmp_path, "morris", 20, seeds=1)
    ind = sensitivity.analyse(out, ["final_cooperatives"], resamples=50)["indices"]
    mu = ind[ind["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu[keys[0]] > mu[keys[1]] > mu[keys[2]]
    one_seed = sensitivity.analyse(out, None, 20)
    assert math.isnan(one_seed["seed_noise"]["seed_variance_share"].iloc[0])
    assert "seed noise not measured (no point has two finished runs)" in one_seed["text"]
    assert "nan%" not in one_seed["text"]
    (tmp_path / "b").mkdir()
    lhs, keys = _fake_folder(tmp_path / "b", "lhs", 200, seeds=1)
    report = discover.discover(lhs, "regions_1942_08 == 7")
    box = report["boxes"]
    first = box[(box["box"] == 1) & box["restricted"]]
    assert first["parameter"].tolist() == [keys[0]] and first["density"].iloc[0] >= 0.8
    assert first["coverage"].iloc[0] > 0.8
    assert_drawn(lhs / "discover" / "tradeoff.png", min_size=(300, 200))
    got = indusco_in_process("discover", lhs, "--where", "regions_1942_08 == 9")
    assert_input_error(got, file=str(lhs), key="--where", says=("0 of 200",))
    got = indusco_in_process("discover", lhs, "--where", "regions_1942_8 == 7")  # a misspelt column
    message = assert_input_error(got, file=str(lhs), key="--where",
                                 says=("no outcome or parameter 'regions_1942_8'", "did you mean 'regions_1942_08'"))
    assert "e.g. regions_1942_08" in message
    dotted = keys[0]  # a parameter column: its name holds dots, so a query needs it in backticks
    got = indusco_in_process("discover", lhs, "--where", f"{dotted} > 0.6")
    assert_input_error(got, file=str(lhs), key="--where", says=("write it in backticks", f"`{dotted}`"))
    got = indusco_in_process("discover", lhs, "--where", f"`{dotted}x` > 0.6")  # misspelt inside backticks
    assert_input_error(got, file=str(lhs), key="--where", says=(f"no outcome or parameter '{dotted}x'",
                                                                 f"did you mean '{dotted}'"))
    got = indusco_in_process("sensitivity", lhs, "--outcome", "final_cooperativs")
    assert_input_error(got, file=str(lhs), key="--outcome", says=("did you mean",))


def test_streamed_bands_and_calibration_equal_the_in_memory_ones(tmp_path, short_model):
    """ensemble_stream's per-metric bands from spilled parts and its light-member calibration give the same
    numbers as ensemble.summarise_members and ensemble.calibration."""
    from indusco_sim.experiments import ensemble, ensemble_stream
    from indusco_sim.experiments.single import tabulate

    run = tabulate(short_model)
    members = []
    for k, seed in enumerate((1, 2, 3)):
        ts = run["timeseries"].copy()
        ts["cooperatives"] = ts["cooperatives"] + k  # three different 'runs'
        members.append({**run, "timeseries": ts, "seed": seed, "timing": {"ticks_s": 0.1}})
    spill = tmp_path / "spill"
    spill.mkdir()
    for i, m in enumerate(members):
        long = ensemble.long_metrics(m["timeseries"], m["seed"])
        long["date"] = long["date"].astype("datetime64[s]")
        long.to_parquet(spill / f"part-{i}.parquet", index=False)
    want = ensemble.summarise_members(members)
    got = ensemble_stream.summarise_parts(spill)
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False)
    report = ensemble_stream.calibration([ensemble_stream.light(m) for m in members])
    assert report == ensemble.calibration(members)


def test_the_example_sweep_is_valid():
    from cli_helpers import REPO

    s = load_sweep(REPO / "sweeps" / "five-to-seven.yaml")
    plan = design.plan(s)
    assert len(plan) == s.sweep.design.points * (len(s.sweep.parameters) + 2) * s.sweep.seeds_per_point == 512
    assert s.scenario.time.end.isoformat() == "1942-08-31" and s.sweep.design.method == "sobol"


def test_the_readme_sweep_is_the_shipped_file_shortened(tmp_path):
    """The README shows sweeps/five-to-seven.yaml with some of its parameters: it loads, and each key it shows
    has the shipped file's range, design and dates (they had drifted apart)."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("### Sweeps, sensitivity and scenario discovery")[1].split("```yaml\n")[1].split("```")[0]
    shown = load_sweep(sweep_file(tmp_path, block.replace("../scenarios/baseline.yaml", str(BASELINE)), "r.yaml"))
    shipped = load_sweep(REPO / "sweeps" / "five-to-seven.yaml")
    assert shown.sweep.parameters and set(shown.sweep.parameters) <= set(shipped.sweep.parameters)
    for key, spec in shown.sweep.parameters.items():
        assert spec == shipped.sweep.parameters[key], key
    assert (shown.sweep.design, shown.sweep.region_dates, shown.sweep.seeds_per_point, shown.sweep.set) == (
        shipped.sweep.design, shipped.sweep.region_dates, shipped.sweep.seeds_per_point, shipped.sweep.set)
    assert f"scenario: {shipped.sweep.scenario} " in block  # the same scenario, as the shipped file names it
