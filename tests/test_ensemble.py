"""Ensembles and calibration: seeds, ensemble tables, the calibration report, the fitted scenario."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from cli_helpers import assert_drawn
from indusco_sim.errors import InputError
from indusco_sim.experiments import calibrate, ensemble
from indusco_sim.scenario.load import load_scenario


def test_seeds_are_derived_reproducibly_and_distinct():
    a = ensemble.derive_seeds(1938, 5)
    assert a == ensemble.derive_seeds(1938, 5) and len(set(a)) == 5
    assert a[:3] == ensemble.derive_seeds(1938, 3)  # the first runs do not depend on the ensemble size
    assert a != ensemble.derive_seeds(1939, 5)


@pytest.mark.slow
def test_two_seed_ensemble_writes_bands_and_calibration(tmp_path, baseline_path):
    out = tmp_path / "ens"
    done = subprocess.run([sys.executable, "-m", "indusco_sim", "run", str(baseline_path), "--seeds", "2",
                           "--workers", "2", "--out", str(out), "--set", "time.end=1939-12-31", "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ens = pd.read_parquet(out / "ensemble.parquet")
    assert {"date", "region", "metric", "q10", "median", "q90", "runs"} <= set(ens.columns)
    assert ((ens["q10"] <= ens["median"]) & (ens["median"] <= ens["q90"])).all()
    coops = ens[(ens["region"] == "China") & (ens["metric"] == "cooperatives")]
    assert (coops["runs"] == 2).all()
    report = json.loads((out / "calibration.json").read_text())
    figures = {(f["date"], f["region"], f["metric"]): f for f in report["figures"]}
    f = figures[("1939-12-31", "China", "cooperatives")]
    assert f["q10"] <= f["median"] <= f["q90"] and f["runs"] == 2
    assert f["inside"] == (f["q10"] <= f["archive"] <= f["q90"])
    assert f["error"] == pytest.approx(f["median"] / f["archive"] - 1)
    seeds = json.loads((out / "manifest.json").read_text())["seeds"]
    finals = []  # the band is the seeds' own national counts: with two runs the median is their mean
    for seed in seeds:
        run = pd.read_parquet(out / "runs" / f"seed-{seed}" / "timeseries.parquet")
        finals.append(run[run["tick"] == run["tick"].max()]["cooperatives"].sum())
    last = coops[coops["date"] == coops["date"].max()].iloc[0]
    assert min(finals) > 0 and last["median"] == pytest.approx(np.mean(finals))
    assert (last["q10"], last["q90"]) == pytest.approx(tuple(np.quantile(finals, [0.1, 0.9])))
    assert_drawn(out / "plots" / "history_comparison.png")
    regions = json.loads((out / "regions_report.json").read_text())
    assert sorted(r["seed"] for r in regions["seeds"]) == sorted(seeds)
    assert regions["runs_reaching"]["1940-05-31"] == 0  # these runs end in 1939
    assert len(pd.read_csv(out / "regions_report.csv")) == 2


def test_calibration_objective_and_parameter_parsing():
    s = load_scenario("scenarios/baseline.yaml").scenario
    r = calibrate.parse_param("administration.founding_cost=0.05:0.5:log", s)
    assert (r.low, r.high, r.log, r.integer) == (0.05, 0.5, True, False)
    assert calibrate.parse_param("administration.split_min_cooperatives=5:50", s).integer
    for bad in ("administration.founding_cots=0.1:1", "administration.founding_cost=1:0.1", "seed",
                "time.tick=1:2", "administration.founding_cost=a:b"):
        with pytest.raises(InputError):
            calibrate.parse_param(bad, s)
    # a range the schema refuses at an end is refused before any run (it used to fail in a trial, exit 1)
    for bad, says in (("administration.split_threshold=-1:1", "refuses administration.split_threshold = -1"),
                      ("population.job_seeker_share=0.5:2", "refuses population.job_seeker_share = 2"),
                      ("administration.founding_cost=0:1:log", "a log range needs LOW > 0"),
                      ("events.37.raids=-5:10", "refuses events.37.raids = -5"),  # an event's field too
                      ("cooperatives.min_members=0.6:10", "a whole number in the scenario"),
                      ("events.999.raids=1:2", "the scenario has no '999'"),
                      ("events.x.raids=1:2", "the scenario has no 'x'")):
        with pytest.raises(InputError, match=says):
            calibrate.parse_param(bad, s)
    fitted = calibrate.with_values(s, {"administration.founding_cost": 0.2})
    assert fitted.administration.founding_cost == 0.2
    perfect = {"figures": [{"hold_out": False, "median": 10.0, "archive": 10.0, "region": "China", "metric": "output"},
                           {"hold_out": True, "median": 1.0, "archive": 100.0, "region": "China",
                            "metric": "cooperatives"}],
               "regions": {"1940-12-31": {"median": 5}}}
    assert calibrate.objective(perfect) == 0.0  # the held-out figure is never looked at
    perfect["figures"][0]["median"] = 10.0 * np.e
    perfect["regions"]["1940-12-31"]["median"] = 6
    assert calibrate.objective(perfect) == pytest.approx(2.0)
    perfect["regions"]["1940-12-31"]["median"] = 5
    perfect["figures"][0]["metric"] = "members"  # a national member count 1 log unit off: beyond the 15% band
    assert calibrate.objective(perfect) == pytest.approx(1.0 + 2.0 * (1.0 - np.log(1.15)))


def test_calibration_counts_the_region_targets_when_asked():
    """With the runs' summaries, each run missing the region targets (five in May 1940, seven in Aug 1942, the
    record's splits) adds REGION_PENALTY / runs; the horizon then reaches Aug 1942."""
    founded = ["1938-09-01", "1938-10-01", "1939-01-01", "1939-02-01", "1939-02-01"]
    splits = [{"date": "1941-04-03", "parent": "Southeast", "region": "Jinhua", "province": "Zhejiang"},
              {"date": "1941-04-03", "parent": "Northwest", "region": "Luoyang", "province": "Henan"}]
    good = {"end": "1942-08-31", "regions": [{"founded": f} for f in [*founded, "1941-04-03", "1941-04-03"]],
            "splits": splits}
    lanzhou = {**good, "splits": [splits[0], {**splits[1], "region": "Lanzhou", "province": "Gansu"}]}
    report = {"figures": [], "regions": {"1940-12-31": {"median": 5}}}
    assert calibrate.objective(report, [good, good]) == 0.0
    assert calibrate.objective(report, [good, lanzhou]) == pytest.approx(calibrate.REGION_PENALTY / 2)
    assert calibrate.objective(report) == 0.0  # without summaries the regions of 1942 are not looked at
    s = load_scenario("scenarios/baseline.yaml").scenario
    assert str(calibrate.calibration_horizon(s).time.end) == "1941-01-31"
    assert str(calibrate.calibration_horizon(s, regions=True).time.end) == "1942-08-31"


def test_fitted_scenario_extends_the_source(tmp_path, baseline_path):
    text = calibrate.fitted_yaml(baseline_path, tmp_path / "cal", "baseline",
                                 {"administration.founding_cost": 0.123, "population.job_seeker_share": 0.01}, 2, 3,
                                 0.5)
    (tmp_path / "cal").mkdir()
    (tmp_path / "cal" / "fitted.yaml").write_text(text)
    data = yaml.safe_load(text)
    assert data["administration"]["founding_cost"] == 0.123
    loaded = load_scenario(tmp_path / "cal" / "fitted.yaml")
    assert loaded.scenario.administration.founding_cost == 0.123
    assert loaded.scenario.events == load_scenario(baseline_path).scenario.events


def test_local_cluster_keeps_the_scheduler_logs_short():
    """The in-process scheduler's transition log and computation history are bounded as SCHEDULER_LOGS says (at
    dask's defaults, 100,000 entries, the parent of a 1,000-run sweep grew 22% over a 100-run one), with keys
    dask does not warn about (a FutureWarning would print under a run's one-line messages)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        import dask

        with dask.config.set(ensemble.SCHEDULER_LOGS):
            pass
    with ensemble.dask_client(None, 1) as client:
        scheduler, logs = client.cluster.scheduler, ensemble.SCHEDULER_LOGS
        assert scheduler.transition_log.maxlen == logs["distributed.admin.low-level-log-length"]
        assert scheduler.computations.maxlen == logs["distributed.diagnostics.computations.max-history"]
