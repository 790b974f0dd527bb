"""The benchmark harness: exponent fit, bandwidth probe, a rung in its own process, the report."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from indusco_sim.bench import ladder as bench
from indusco_sim.bench.rung import movement_bytes


def test_fit_exponent_recovers_power_laws():
    workers = [1e4, 1e5, 1e6, 4e6]
    assert bench.fit_exponent(workers, [w * 2e-8 for w in workers]) == pytest.approx(1.0)
    assert bench.fit_exponent(workers, [(w ** 1.5) * 1e-9 for w in workers]) == pytest.approx(1.5)


def test_movement_bytes_counts_each_worker():
    assert movement_bytes([0, 0, 10, 0], 1, 1, 0.5) == 10 * 2 + 8
    assert movement_bytes([2, 3, 0, 0], 1, 1, 0.0) == 5 * 2 + 2 * 20 + 8
    assert movement_bytes([2, 40, 0, 0], 2, 3, 0.25) == 42 * 2 + 10 * 5 + 2 * 20 + 4 * 3 * 8


def test_bandwidth_probe_counts_read_and_write_bytes_over_the_best_copy(monkeypatch):
    """Bytes read plus bytes written, over the fastest of the repeats (a clock that gives each copy a known
    time: 0.5, 0.25 and 1 s)."""
    ticks = iter([10.0, 10.5, 20.0, 20.25, 30.0, 31.0])
    monkeypatch.setattr(bench, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    assert bench.probe_bandwidth(megabytes=1, repeats=3) == 2 * 2**20 / 0.25
    assert next(ticks, None) is None  # one timing per repeat


@pytest.mark.slow
def test_smallest_rung_runs_identically_in_both_backends(tmp_path):
    scenario = bench.SCENARIOS / "rung_10k.yaml"
    ref = tmp_path / "ref.parquet"
    numba = bench.run_rung(scenario, 3, "numba", compare_with=ref, repeats=2)
    mesa = bench.run_rung(scenario, 3, "mesa", compare_with=ref)
    assert mesa["identical"] is True
    assert len(numba["seconds_per_tick_all"]) == 2  # the fastest of two timings is reported
    assert numba["seconds_per_tick"] == pytest.approx(min(numba["seconds_per_tick_all"]), rel=1e-3)
    assert numba["workers"] == mesa["workers"] == 10_000
    assert numba["depots"] == 50 and numba["coops"] == 1_000
    assert set(numba["phase_ms"]) == {"events", "arrivals", "movement", "allocation", "production", "lifecycle",
                                      "administration", "collection"}
    assert mesa["seconds_per_tick"] > numba["seconds_per_tick"]
    report = {"date": "2026-01-01T00:00:00+00:00", "git_revision": "abc", "quick": True, "cold_jit_s": 1.0,
              "exponent": 1.0, "machine": {"cpus": 2, "bandwidth_gb_s": 5.0},
              "rungs": {"rung_10k": {"numba": numba, "numba_same_ticks": numba, "mesa": mesa, "ratio": 10.0,
                                     "identical": True,
                                     "movement_bandwidth_fraction": 0.5}}}
    table = bench.markdown(report)
    assert "| rung_10k | 10,000 | 1,000 | 50 |" in table and "10x" in table
    path = bench.write_report(report, tmp_path / "r.json")
    assert path == tmp_path / "r.json" and json.loads(path.read_text(encoding="utf-8")) == report


def test_a_report_is_named_by_its_date_revision_and_kind(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    report = {"date": "2026-12-03T10:00:00+00:00", "git_revision": "0123456789abcdef+dirty", "quick": True}
    path = bench.write_report(report)
    assert path == tmp_path / "benchmarks" / "results" / "2026-12-03-0123456789-quick.json"
    assert json.loads(path.read_text(encoding="utf-8")) == report
    full = bench.write_report({**report, "git_revision": "abc+dirty", "quick": False})
    assert full.name == "2026-12-03-abc-dirty.json"
    again = [bench.write_report({**report, "quick": False, "git_revision": "abc+dirty", "n": k}) for k in (2, 3)]
    assert [p.name for p in again] == ["2026-12-03-abc-dirty-2.json", "2026-12-03-abc-dirty-3.json"]
    assert "n" not in json.loads(full.read_text(encoding="utf-8"))  # the first ladder's report is kept


def rung_row(**numba) -> dict:
    return {"numba": {"ticks_per_s": 1.0, "peak_bytes_per_worker": 1.0, "warm_start_s": 0.5, **numba},
            "movement_bandwidth_fraction": 0.5}


def test_the_targets_table_says_which_are_met_and_which_were_not_measured():
    """A made-up quick report: a 10k ratio of 120x with identical tables, the 100k rung, the empty tick, the whole
    runs; the 1M, 4M and full-population rungs were not run."""
    from indusco_sim.bench import targets

    report = {"rungs": {"rung_10k": {**rung_row(warm_start_s=2.5), "ratio": 120.0, "identical": True},
                        "rung_100k": rung_row(warm_start_s=0.4)},
              "empty_tick_us": 51.0, "exponent": 0.7, "cold_jit_s": 12.0, "run_warm_s": 2.5, "run_cold_s": 31.0}
    got = targets.measured(report)
    assert got["ratio_10k"] == 120.0 and got["empty_tick_us"] == 51.0 and got["ticks_per_s_1m"] is None
    assert got["warm_start_s"] == 2.5  # the slowest rung's
    assert got["bandwidth_fraction"] == 0.5  # rung_100k's: rung_10k is left out
    rows = {line.split(" | ")[0][2:]: line for line in targets.markdown_rows(report)[2:]}
    assert len(rows) == len(targets.TARGETS)
    verdict = {name: rows[what].rsplit(" | ", 1)[1].rstrip(" |") for name, (what, _, _) in targets.TARGETS.items()}
    assert verdict["ratio_10k"] == "yes" and verdict["exponent"] == "yes" and verdict["cold_jit_s"] == "yes"
    assert verdict["run_warm_s"] == "yes"  # at the bound
    assert verdict["empty_tick_us"] == verdict["run_cold_s"] == verdict["warm_start_s"] == "**no**"
    assert verdict["ticks_per_s_1m"] == verdict["ticks_per_s_full"] == "not measured"
    report["rungs"]["rung_10k"]["identical"] = False  # a ratio without identical tables does not count
    assert targets.measured(report)["ratio_10k"] is None
    assert targets.met(float("nan"), 1.0, "min") is None and targets.met(0.9, 1.0, "max") is True
