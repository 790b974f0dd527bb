"""Run one scenario and write its results folder (tables, summary, manifest, resolved scenario, plots)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indusco_sim.core.kernels import warm_up
from indusco_sim.core.state import STATUS_NAMES
from indusco_sim.model import IndusModel
from indusco_sim.results import folder as outputs
from indusco_sim.results import history, plots, tables
from indusco_sim.results.animation import MonthlySnapshots, write_gif
from indusco_sim.results.industry_mix import compare_mix
from indusco_sim.results.region_history import region_history
from indusco_sim.results.region_maps import unreached
from indusco_sim.scenario.load import LoadedScenario, dump_yaml


@dataclass
class RunResult:
    folder: Path
    comparison: list[dict]
    summary: dict
    timing: dict


def simulate(loaded: LoadedScenario, seed: int | None = None, backend: str = "numba",
             progress: Callable[[IndusModel], None] | None = None, mesa_agents: bool = False,
             snapshots: MonthlySnapshots | None = None):
    """Build and run the model; returns (model, timing). Timing splits JIT (compile or cache load),
    set-up and the time spent inside ticks alone. `snapshots` (for --animate) records each month's towns."""
    t0 = time.perf_counter()
    if backend == "numba":
        warm_up()
    jit_s = time.perf_counter() - t0
    model = IndusModel(loaded.scenario, rng=seed, backend=backend, mesa_agents=mesa_agents)
    model.run(progress=with_snapshots(progress, snapshots))
    timing = {"ticks": model.tick, "jit_s": round(jit_s, 4), "setup_s": round(model.setup_seconds, 4),
              "ticks_s": round(sum(model.phase_seconds.values()), 4),
              "phases_s": {k: round(v, 4) for k, v in model.phase_seconds.items()}}
    return model, timing


def with_snapshots(progress: Callable[[IndusModel], None] | None, snapshots: MonthlySnapshots | None):
    """The progress hook, also recording the month's snapshot after every tick when `snapshots` is given."""
    if snapshots is None:
        return progress

    def hook(model: IndusModel) -> None:
        snapshots.record(model)
        if progress is not None:
            progress(model)

    return hook


def summarise(model: IndusModel, ts, comparison: list[dict]) -> dict:
    nat = tables.national(ts)
    last = nat.iloc[-1] if not nat.empty else None
    counts = model.engine.worker_counts()
    reg = model.regions
    return {
        "scenario": model.spec.name,
        "seed": model.seed,
        "start": str(model.spec.time.start),
        "end": str(model.date),
        "ticks": model.tick,
        "history": comparison,
        "final": None if last is None else {
            "date": str(last["date"].date()), "regions": int(last["regions"]),
            **{k: float(last[k]) for k in ("cooperatives", "members", "unemployed", "output_nominal", "output_real")}},
        "regions": [{"name": model.region_names[r], "hq": model.town_names[reg.hq[r]],
                     "founded": str(model.p.calendar.date_of(int(reg.founded[r]))),
                     "parent": model.region_names[reg.parent[r]] if reg.parent[r] >= 0 else None,
                     "staff": round(float(reg.staff[r]), 3), "load": round(float(reg.load[r]), 3)}
                    for r in range(reg.n)],
        "splits": model.splits,
        "cooperatives_ever": int(model.engine.n_coops()),
        "workers": {name: int(n) * model.spec.population.persons_per_agent
                    for name, n in zip(STATUS_NAMES, counts, strict=True)},
        "loan_fund_cn_dollars": float(model.fund),
    }


def tabulate(model: IndusModel) -> dict:
    """The run's tables (timeseries, towns_timeseries, cooperatives), its comparison with the archive and its
    summary: what a results folder and an ensemble member both hold."""
    ts = tables.timeseries(model)
    town_ts = tables.town_timeseries(model)
    coops = tables.cooperatives(model)
    comparison = history.compare(ts, town_ts, coops)
    return {"timeseries": ts, "towns_timeseries": town_ts, "cooperatives": coops, "comparison": comparison,
            "summary": summarise(model, ts, comparison)}


def write_results(model: IndusModel, loaded: LoadedScenario, out: Path, timing: dict, force: bool,
                  started: float, plots_on: bool = True, snapshots: MonthlySnapshots | None = None) -> RunResult:
    """Tables, summary, manifest, resolved scenario and plots (and the GIF, given snapshots), written
    atomically into `out`."""
    run = tabulate(model)
    ts, town_ts, coops, comparison, summary = (run[k] for k in ("timeseries", "towns_timeseries", "cooperatives",
                                                                  "comparison", "summary"))
    resolved = dump_yaml(model.spec.model_copy(update={"seed": summary["seed"]}))
    regions = region_history(model)
    if plots_on and unreached(regions):
        summary = {**summary, "maps_not_drawn": unreached(regions)}
    with outputs.atomic_folder(out, force=force) as tmp:
        outputs.write_table(ts, tmp, "timeseries", csv=True)
        outputs.write_table(coops, tmp, "cooperatives")
        outputs.write_table(town_ts, tmp, "towns_timeseries")
        towns = tables.towns(model)
        towns.to_csv(tmp / "towns.csv", index=False)
        compare_mix(ts).to_csv(tmp / "industry_mix.csv", index=False)
        outputs.write_json(tmp / "summary.json", summary)
        (tmp / "scenario.resolved.yaml").write_text(resolved, encoding="utf-8")
        if plots_on:
            plots.write_plots(ts, towns, model.network.routes, comparison, tmp / "plots",
                              f"{model.spec.name}: {model.date}", history=regions)
        if snapshots is not None:
            write_gif(snapshots, tmp / "plots" / "network_growth.gif", model.spec.name)
        timing = {**timing, "wall_s": round(time.perf_counter() - started, 4)}
        outputs.write_json(tmp / "manifest.json", outputs.manifest(
            seed=summary["seed"], scenario_hash=loaded.hash, timing=timing, backend=model.engine.name,
            extra={"scenario": model.spec.name, "scenario_file": str(loaded.path) if loaded.path else None,
                   "memory_bytes": int(model.engine.memory_bytes())}))
    return RunResult(out, comparison, summary, timing)
