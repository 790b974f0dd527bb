"""Big ensembles without holding every run in the parent: the sweep's bounded dask window, each member's
tables written into the (temporary) ensemble folder as it arrives, its long-form metrics spilled to Parquet
parts, and only what the calibration report needs (comparison, splits, region counts) kept in memory.

The folder holds runs/seed-N/ (each member's tables and summary.json), ensemble.parquet (median and 10/90%
quantiles per date, region and metric; the bands are computed one metric at a time from the spilled parts),
calibration.json, regions_report.csv/.json (each seed's regions against the record), plots/, manifest.json
and scenario.resolved.yaml.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from indusco_sim.experiments import ensemble
from indusco_sim.experiments.estimate import SPILL_EVERY
from indusco_sim.experiments.sweep_runner import bounded
from indusco_sim.results import folder as outputs
from indusco_sim.results import history
from indusco_sim.results.bands import plot_history_comparison
from indusco_sim.results.region_report import write_region_report
from indusco_sim.scenario.load import LoadedScenario, dump_yaml

SPILL = ".long"


def light(member: dict) -> dict:
    """What the reports need of a member, with the region counts worked out now: its summary (a few kB:
    the archive comparison, regions and splits), not its tables."""
    counts = {}
    for day in ("1940-12-31", "1942-06-30"):
        rows = history.row_at(member["timeseries"], pd.Timestamp(day))
        if not rows.empty:
            counts[day] = int(rows["region"].nunique())
    return {"seed": member["seed"], "comparison": member["comparison"],
            "summary": member["summary"], "region_counts": counts,
            "ticks_s": member["timing"]["ticks_s"]}


def calibration(members: list[dict]) -> dict:
    """ensemble.calibration() over light members (region counts precomputed)."""
    report = ensemble.calibration([{**m, "timeseries": pd.DataFrame()} for m in members])
    regions = {}
    for day in ("1940-12-31", "1942-06-30"):
        counts = [m["region_counts"][day] for m in members if day in m["region_counts"]]
        if counts:
            regions[day] = {"median": float(pd.Series(counts).median()), "min": min(counts), "max": max(counts),
                            "runs": counts}
    report["regions"] = regions
    return report


def summarise_parts(folder: Path) -> pd.DataFrame:
    """summarise_members() from spilled long-form parts, one metric at a time."""
    data = ds.dataset(str(folder), format="parquet")
    metrics = sorted(set(data.to_table(columns=["metric"]).column("metric").to_pylist()))
    parts = []
    for metric in metrics:
        long = data.to_table(filter=ds.field("metric") == metric).to_pandas()
        grouped = long.groupby(["date", "region", "metric"], sort=True)["value"]
        out = grouped.quantile(list(ensemble.QUANTILES.values())).unstack()
        out.columns = list(ensemble.QUANTILES)
        out["runs"] = grouped.count()
        parts.append(out)
    return pd.concat(parts).sort_index().reset_index()


def run_and_write(loaded: LoadedScenario, out: Path, seeds: list[int], force: bool, started: float,
                  scheduler: str | None, client, progress: Callable[[int], None] | None = None,
                  spill_every: int = SPILL_EVERY) -> tuple[dict, dict]:
    """Run the seeds on `client` in a bounded window and write the ensemble folder as they finish."""
    payload = loaded.scenario.model_dump(mode="json")
    window = 4 * max(1, len(client.scheduler_info().get("workers", {})))
    members: list[dict] = []
    with outputs.atomic_folder(out, force=force) as tmp:
        spill = tmp / SPILL
        spill.mkdir()
        buffer: list[pd.DataFrame] = []

        def flush() -> None:
            if buffer:
                frame = pd.concat(buffer, ignore_index=True)
                frame["date"] = frame["date"].astype("datetime64[s]")
                frame.to_parquet(spill / f"part-{len(list(spill.iterdir())):05d}.parquet", index=False)
                buffer.clear()

        for done, (_, fut) in enumerate(bounded(client, ensemble.simulate_member, iter(seeds), window, payload),
                                        start=1):
            m = fut.result()
            fut.release()
            run_dir = tmp / "runs" / f"seed-{m['seed']}"
            run_dir.mkdir(parents=True)
            outputs.write_table(m["timeseries"], run_dir, "timeseries")
            outputs.write_table(m["cooperatives"], run_dir, "cooperatives")
            outputs.write_table(m["towns_timeseries"], run_dir, "towns_timeseries")
            outputs.write_json(run_dir / "summary.json", m["summary"])
            buffer.append(ensemble.long_metrics(m["timeseries"], m["seed"]))
            members.append(light(m))
            if len(buffer) >= spill_every:
                flush()
            if progress is not None:
                progress(done)
        flush()
        order = {s: i for i, s in enumerate(seeds)}
        members.sort(key=lambda m: order[m["seed"]])
        ens = summarise_parts(spill)
        shutil.rmtree(spill)
        report = calibration(members)
        outputs.write_table(ens, tmp, "ensemble", csv=True)
        outputs.write_json(tmp / "calibration.json", report)
        write_region_report([m["summary"] for m in members], tmp)
        (tmp / "scenario.resolved.yaml").write_text(dump_yaml(loaded.scenario), encoding="utf-8")
        (tmp / "plots").mkdir()
        plot_history_comparison(ens, report["figures"], tmp / "plots" / "history_comparison.png",
                                f"{loaded.scenario.name}: {len(members)} runs")
        timing = {"runs": len(members), "wall_s": round(time.perf_counter() - started, 4),
                  "ticks_s_per_run": [m["ticks_s"] for m in members]}
        outputs.write_json(tmp / "manifest.json", outputs.manifest(
            seed=loaded.scenario.seed, scenario_hash=loaded.hash, timing=timing, backend="numba",
            extra={"scenario": loaded.scenario.name, "seeds": seeds, "scheduler": scheduler or "LocalCluster"}))
    return report, timing
