"""The planned runs of a sweep: points from a design (grid, Latin hypercube, Saltelli's Sobol scheme, Morris
trajectories, or a CSV), each run at every seed, each run named by a `run_id` hashed from its parameter
values, its seed and the model version.

Samplers work on the unit cube (SALib's); a point's values come from its unit coordinates: a range is
scaled (on a log scale when `log`), rounded when `integer`; a list of `values` is indexed. The unit
coordinates are kept (columns `u.<key>`) for the analysis.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math

import numpy as np
import pandas as pd

from indusco_sim.errors import InputError
from indusco_sim.experiments.ensemble import derive_seeds
from indusco_sim.experiments.sweep_spec import LoadedSweep, ParamSpec

UNIT = "u."


def problem(sweep: LoadedSweep) -> dict:
    """The SALib problem: every parameter on [0, 1] (values are mapped from unit coordinates)."""
    keys = list(sweep.sweep.parameters)
    return {"num_vars": len(keys), "names": keys, "bounds": [[0.0, 1.0]] * len(keys)}


def to_value(spec: ParamSpec, u: float) -> float:
    """A unit coordinate as the parameter's value."""
    if spec.values is not None:
        k = len(spec.values)
        return float(spec.values[min(int(u * k), k - 1)])
    lo, hi = float(spec.low), float(spec.high)
    x = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))) if spec.log else lo + u * (hi - lo)
    return float(min(max(round(x), lo), hi)) if spec.integer else float(x)


def unit_sample(sweep: LoadedSweep) -> np.ndarray:
    """Unit-cube points of a sampled design (lhs, sobol, morris); rows are points."""
    d = sweep.sweep.design
    prob = problem(sweep)
    if d.method == "lhs":
        from SALib.sample import latin

        return latin.sample(prob, d.points, seed=d.seed)
    if d.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(prob, d.points, calc_second_order=d.second_order, scramble=True, seed=d.seed)
    if d.method == "morris":
        from SALib.sample import morris

        return morris.sample(prob, d.points, num_levels=d.levels, seed=d.seed)
    raise ValueError(d.method)


def grid_values(spec: ParamSpec, levels: int) -> list[float]:
    if spec.values is not None:
        return [float(v) for v in spec.values]
    out = [to_value(spec, u) for u in np.linspace(0.0, 1.0, levels)]
    return list(dict.fromkeys(out))  # integer rounding can repeat a level


def points(sweep: LoadedSweep) -> pd.DataFrame:
    """One row per design point: `point`, each parameter's value and (sampled designs) its unit coordinate."""
    params = sweep.sweep.parameters
    keys = list(params)
    d = sweep.sweep.design
    if d.method == "grid":
        combos = list(itertools.product(*(grid_values(params[k], d.levels) for k in keys)))
        frame = pd.DataFrame(combos, columns=keys, dtype=float)
    elif d.method == "csv":
        frame = read_points_csv(sweep)
    else:
        units = unit_sample(sweep)
        frame = pd.DataFrame({k: [to_value(params[k], u) for u in units[:, j]] for j, k in enumerate(keys)})
        for j, k in enumerate(keys):
            frame[UNIT + k] = units[:, j]
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
    return frame


def read_points_csv(sweep: LoadedSweep) -> pd.DataFrame:
    """The CSV design: one column per parameter, one row per point; values inside the declared ranges."""
    file = (sweep.path.parent / sweep.sweep.design.file).resolve()
    where = ("design", "file")
    if not file.is_file():
        raise sweep.error(where, f"design file {file} not found", "a CSV path relative to the sweep file")
    try:
        frame = pd.read_csv(file)
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot read the CSV: {exc}", file=str(file), valid="a CSV with a header row") from None
    keys = list(sweep.sweep.parameters)
    missing = [k for k in keys if k not in frame.columns]
    extra = [c for c in frame.columns if c not in keys]
    if missing or extra:
        raise InputError(f"columns {missing} are missing" if missing else f"unknown columns {extra}", file=str(file),
                         line=1, valid="one column per parameter of the sweep: " + ", ".join(keys))
    for k in keys:
        values = pd.to_numeric(frame[k], errors="coerce")
        bad = values.isna() | ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"'{frame[k].iloc[row]}' is not a number", file=str(file), line=row + 2, key=k,
                             valid="numbers in every parameter column")
        spec = sweep.sweep.parameters[k]
        inside = values.isin(spec.values) if spec.values is not None else values.between(spec.low, spec.high)
        if not inside.all():
            row = int(np.flatnonzero(~inside.to_numpy())[0])
            allowed = f"one of {spec.values}" if spec.values is not None else f"{spec.low:g} to {spec.high:g}"
            raise InputError(f"{values.iloc[row]:g} is outside the parameter's range", file=str(file),
                             line=row + 2, key=k, valid=allowed)
        frame[k] = values.astype(float)
    return frame[keys].reset_index(drop=True)


def model_version() -> str:
    from indusco_sim import __version__

    return __version__


def run_id(params: dict[str, float], seed: int, scenario_hash: str, version: str) -> str:
    """16 hex digits of sha256 over the parameter values, the seed, the scenario and the model version."""
    text = json.dumps({"params": {k: repr(float(v)) for k, v in sorted(params.items())}, "seed": int(seed),
                       "scenario": scenario_hash, "version": version}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan(sweep: LoadedSweep) -> pd.DataFrame:
    """Every planned run: `run_id`, `point`, `seed_index`, `seed`, the parameters (and unit coordinates).

    Seeds are the same at every point (common random numbers), derived from the sweep's seed with numpy's
    SeedSequence. Two design rows with the same values and seed share a run_id (and run once)."""
    pts = points(sweep)
    seeds = derive_seeds(sweep.seed, sweep.sweep.seeds_per_point)
    keys = list(sweep.sweep.parameters)
    version, scen = model_version(), sweep.loaded.hash
    rows = pts.loc[pts.index.repeat(len(seeds))].reset_index(drop=True)
    rows.insert(1, "seed_index", np.tile(np.arange(len(seeds), dtype=np.int64), len(pts)))
    rows.insert(2, "seed", np.tile(np.asarray(seeds, dtype=np.int64), len(pts)))
    ids = [run_id({k: r[k] for k in keys}, r["seed"], scen, version) for r in rows[[*keys, "seed"]].to_dict("records")]
    rows.insert(0, "run_id", ids)
    return rows
