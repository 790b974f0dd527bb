"""Fitting scenario parameters to the archive figures up to Dec 1940 (optuna's TPE sampler).

Every trial runs the same seeds (common random numbers) in dask worker processes, up to just past the last
calibration date. The objective is the weighted root-mean-square of log(ensemble median / archive) over the
calibration figures, plus a penalty for each region too many or too few at the end of 1940 (five regions).
Later figures are never looked at.

With `regions=True` the runs go on to the record's 1942 date and the objective also counts the region targets
(regions.csv): REGION_PENALTY times the share of runs that do not have five regions on 1940-05-31, seven on
1942-08-31, and the record's splits (results/region_report.py). National figures after Dec 1940 are simulated
then but stay held out: `hold_out` figures never enter the objective.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from indusco_sim.errors import InputError
from indusco_sim.experiments import ensemble
from indusco_sim.results.history import CALIBRATION_END
from indusco_sim.results.region_history import RECORD_DATES
from indusco_sim.results.region_report import region_report
from indusco_sim.scenario.schema import Scenario
from indusco_sim.scenario.values import range_problem, value_at, with_values

REGIONS_1940 = 5  # five regions by 1940 (regions.csv, the 1940 map)
REGION_PENALTY = 1.0  # per share of runs missing the region targets: a run that misses costs as a 1/e error
REGIONAL_WEIGHT = 0.5  # regional snapshots are partial scopes: they count half as much as national figures
NATIONAL_BAND = math.log(1.15)  # national co-ops and members should be within 15% of the archive ...
BAND_PENALTY = 2.0  # ... and each log-error beyond that band costs this much more


@dataclass(frozen=True)
class ParamRange:
    path: str
    low: float
    high: float
    integer: bool = False
    log: bool = False

    def suggest(self, trial):
        if self.integer:
            return trial.suggest_int(self.path, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(self.path, self.low, self.high, log=self.log)


def parse_param(text: str, scenario: Scenario) -> ParamRange:
    """'a.b=LOW:HIGH' or 'a.b=LOW:HIGH:log' -> ParamRange, checked against the scenario's schema."""
    label = f"--param {text}"
    key, sep, bounds = text.partition("=")
    parts = bounds.split(":")
    if not sep or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "log"):
        raise InputError("a parameter range needs the form key.path=LOW:HIGH (or LOW:HIGH:log)", file=label,
                         valid="e.g. --param administration.founding_cost=0.05:0.5")
    problem = range_problem(scenario, key)  # the key first, then its bounds below
    if problem is not None:
        raise InputError(problem.message, file=label, key=key, valid=problem.valid)
    try:
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(f"bounds '{bounds}' are not numbers", file=label, key=key, valid="LOW:HIGH") from None
    if not low < high:
        raise InputError(f"bounds {low:g}:{high:g} are not an increasing range", file=label, key=key,
                         valid="LOW < HIGH")
    if len(parts) == 3 and low <= 0:
        raise InputError(f"a log range needs LOW > 0 (got {low:g})", file=label, key=key,
                         valid="LOW > 0, e.g. 0.01:1:log")
    problem = range_problem(scenario, key, (low, high))  # whole bounds for a whole-number key: optuna's
    if problem is not None:                               # suggest_int takes them as they are
        raise InputError(problem.message, file=label, key=key, valid=problem.valid)
    return ParamRange(key, low, high, integer=isinstance(value_at(scenario, key), int), log=len(parts) == 3)


def objective(report: dict, summaries: list[dict] | None = None) -> float:
    """Weighted RMS of log(median / archive) over calibration figures, plus BAND_PENALTY times each national
    co-op or member log-error beyond 15%, plus |regions(1940) - 5|; given the runs' summaries, plus
    REGION_PENALTY times the share of runs that miss the region targets."""
    errs, weights, beyond = [], [], 0.0
    for f in report["figures"]:
        if f["hold_out"]:
            continue
        err = math.log(max(f["median"], 1e-9) / f["archive"])
        errs.append(err)
        national = f["region"] == "China"
        weights.append(1.0 if national else REGIONAL_WEIGHT)
        if national and f["metric"] in ("cooperatives", "members"):
            beyond += max(0.0, abs(err) - NATIONAL_BAND)
    value = math.sqrt(np.average(np.square(errs), weights=weights)) if errs else 0.0
    value += BAND_PENALTY * beyond
    regions = report["regions"].get(str(CALIBRATION_END))
    value += abs(regions["median"] - REGIONS_1940) if regions else 0.0
    if summaries is not None:
        value += REGION_PENALTY * (1.0 - (region_report(summaries)["share_matching"]["all"] or 0.0))
    return value


def calibration_horizon(scenario: Scenario, regions: bool = False) -> Scenario:
    """The scenario cut to just past the last calibration date (nothing later is simulated), or with `regions`
    to the record's last region date."""
    last = dt.date.fromisoformat(max(RECORD_DATES)) if regions else CALIBRATION_END + dt.timedelta(days=31)
    end = min(scenario.time.end, last)
    return scenario.model_copy(update={"time": scenario.time.model_copy(update={"end": end})})


def fit(scenario: Scenario, ranges: list[ParamRange], n_seeds: int, trials: int, client,
        progress: Callable[[int, float], None] | None = None, regions: bool = False) -> tuple[object, list[int]]:
    """Run `trials` optuna trials (with `regions`, against the region targets too); returns (study, seeds)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    seeds = ensemble.derive_seeds(scenario.seed, n_seeds)
    short = calibration_horizon(scenario, regions)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=scenario.seed))
    study.enqueue_trial({r.path: value_at(scenario, r.path) for r in ranges if r.low <= value_at(scenario, r.path)
                         <= r.high})
    for k in range(trials):
        trial = study.ask()
        values = {r.path: r.suggest(trial) for r in ranges}
        members = ensemble.run_members(with_values(short, values), seeds, client)
        report = ensemble.calibration(members)
        value = objective(report, [m["summary"] for m in members] if regions else None)
        trial.set_user_attr("figures", [{k2: f[k2] for k2 in ("date", "region", "metric", "archive", "median")}
                                        for f in report["figures"] if not f["hold_out"]])
        study.tell(trial, value)
        if progress is not None:
            progress(k + 1, study.best_value)
    return study, seeds


def plural(n: int, noun: str) -> str:
    """'1 seed', '4 seeds'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def fitted_yaml(source: Path, out: Path, name: str, values: dict[str, float], n_seeds: int, trials: int,
                best: float) -> str:
    """A scenario that extends `source` and sets the fitted values."""
    nested: dict = {}
    for key, value in values.items():
        node = nested
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = round(float(value), 6) if isinstance(value, float) else value
    header = (f"# Fitted by `indusco calibrate` against the archive figures to {CALIBRATION_END}\n"
              f"# ({plural(n_seeds, 'seed')} x {plural(trials, 'trial')}; objective {best:.4f}: weighted RMS of "
              "log(model/archive)).\n")
    body = {"extends": os.path.relpath(source.resolve(), out.resolve()), "name": f"{name}-fitted", **nested}
    return header + yaml.safe_dump(body, sort_keys=False)
