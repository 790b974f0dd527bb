"""One run at one parameter point: `evaluate(scenario, params, seed) -> {outcome: value}`.

    import indusco_sim
    out = indusco_sim.evaluate("scenarios/baseline.yaml", {"administration.split_threshold": 0.8}, seed=7)
    out["regions_1942_08"], out["final_cooperatives"]

The same function runs each point of a sweep in a dask worker (`run_point`), so a sweep's row equals a
fresh single run with the same values and seed: `indusco run S --set key=value ... --set seed=SEED`.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Iterable
from pathlib import Path

from indusco_sim.scenario.schema import Scenario
from indusco_sim.scenario.values import with_values

DEFAULT_REGION_DATES = (dt.date(1940, 5, 31), dt.date(1940, 12, 31), dt.date(1942, 8, 31))
_WARM = False


def with_params(scenario: Scenario, params: dict[str, float], seed: int) -> Scenario:
    """The scenario with dotted keys set (floats as floats, integers rounded) and `seed` as its seed."""
    return with_values(scenario, {key: float(value) for key, value in params.items()}, seed)


def _scenario(scenario) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, dict):
        return Scenario.model_validate(scenario)
    from indusco_sim.scenario.load import load_scenario

    return load_scenario(Path(scenario)).scenario


def simulate_point(scenario: Scenario, params: dict[str, float], seed: int) -> dict:
    """Run the model at the point; returns tabulate()'s dict (tables, comparison, summary) and timing."""
    global _WARM
    from indusco_sim.experiments.single import simulate, tabulate
    from indusco_sim.scenario.load import LoadedScenario

    if not _WARM:  # numba kernels load (or compile) once per process, not per run
        from indusco_sim.core.kernels import warm_up

        warm_up()
        _WARM = True
    model, timing = simulate(LoadedScenario(with_params(scenario, params, seed), None), seed=seed)
    return {**tabulate(model), "timing": timing}


def evaluate(scenario: str | Path | Scenario | dict, params: dict[str, float], seed: int,
             region_dates: Iterable[dt.date] = DEFAULT_REGION_DATES) -> dict[str, float]:
    """Run `scenario` with `params` (dotted key paths -> numbers) and `seed`; return named scalar outcomes
    (see experiments/outcomes.py: archive figures, regions at dates, splits, final figures; NaN when the run
    ends before a date)."""
    from indusco_sim.experiments import outcomes

    run = simulate_point(_scenario(scenario), params, seed)
    values = outcomes.from_run(run, region_dates)
    values.pop("splits")
    return values


def run_point(scenario: dict, run: dict, keys: list[str], region_dates: list[dt.date], keep: list[str] | None,
              timeseries: bool = False) -> dict:
    """A sweep's run in a worker: its row (run_id, parameters, seed, status, seconds, error, outcomes) and,
    with `timeseries`, its time series in long form. A run that raises is a row with status 'failed'."""
    from indusco_sim.experiments import outcomes

    started = time.perf_counter()
    row: dict = {"run_id": run["run_id"], **{k: float(run[k]) for k in keys}, "seed": int(run["seed"])}
    try:
        result = simulate_point(Scenario.model_validate(scenario), {k: run[k] for k in keys}, int(run["seed"]))
        values = outcomes.from_run(result, region_dates)
        if keep is not None:
            values = {k: values[k] for k in [*keep, "splits"]}
        row.update(status="ok", error="", **values)
        long = None
        if timeseries:
            from indusco_sim.experiments.ensemble import long_metrics

            long = long_metrics(result["timeseries"], int(run["seed"])).drop(columns="seed")
            long.insert(0, "run_id", run["run_id"])
    except Exception as exc:  # a failed run is a row, and the sweep goes on
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")
        long = None
    row["seconds"] = round(time.perf_counter() - started, 4)
    return {"row": row, "timeseries": long}
