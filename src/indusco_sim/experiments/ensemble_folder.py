"""Write an ensemble's results folder: each member's tables, the bands across seeds, the comparison with the
archive, the manifest and the resolved scenario."""

from __future__ import annotations

import time
from pathlib import Path

from indusco_sim.experiments import ensemble
from indusco_sim.results import folder as outputs
from indusco_sim.results.bands import plot_history_comparison
from indusco_sim.results.region_report import write_region_report
from indusco_sim.scenario.load import LoadedScenario, dump_yaml


def write_ensemble(members: list[dict], loaded: LoadedScenario, out: Path, seeds: list[int], force: bool,
                   started: float, scheduler: str | None) -> tuple[dict, dict]:
    """Each run's tables under runs/seed-N/, plus ensemble.parquet (median and 10/90% quantiles per date,
    region and metric), calibration.json, regions_report.csv/.json (regions against the record per seed),
    plots/history_comparison.png, the manifest and resolved scenario."""
    ens = ensemble.summarise_members(members)
    report = ensemble.calibration(members)
    with outputs.atomic_folder(out, force=force) as tmp:
        for m in members:
            run_dir = tmp / "runs" / f"seed-{m['seed']}"
            run_dir.mkdir(parents=True)
            outputs.write_table(m["timeseries"], run_dir, "timeseries")
            outputs.write_table(m["cooperatives"], run_dir, "cooperatives")
            outputs.write_table(m["towns_timeseries"], run_dir, "towns_timeseries")
            outputs.write_json(run_dir / "summary.json", m["summary"])
        outputs.write_table(ens, tmp, "ensemble", csv=True)
        outputs.write_json(tmp / "calibration.json", report)
        write_region_report([m["summary"] for m in members], tmp)
        (tmp / "scenario.resolved.yaml").write_text(dump_yaml(loaded.scenario), encoding="utf-8")
        (tmp / "plots").mkdir()
        plot_history_comparison(ens, report["figures"], tmp / "plots" / "history_comparison.png",
                                f"{loaded.scenario.name}: {len(members)} runs")
        timing = {"runs": len(members), "wall_s": round(time.perf_counter() - started, 4),
                  "ticks_s_per_run": [m["timing"]["ticks_s"] for m in members]}
        outputs.write_json(tmp / "manifest.json", outputs.manifest(
            seed=loaded.scenario.seed, scenario_hash=loaded.hash, timing=timing, backend="numba",
            extra={"scenario": loaded.scenario.name, "seeds": seeds, "scheduler": scheduler or "LocalCluster"}))
    return report, timing
