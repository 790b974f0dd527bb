"""Hashes of every table of a few fixed runs, so that a change which only moves code can be shown to change
no number. `python tests/table_hashes.py --write` records the current hashes in tests/table_hashes.json."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = Path(__file__).with_name("table_hashes.json")
# name -> (scenario, seed, backend, overrides)
RUNS = {
    "baseline": ("scenarios/baseline.yaml", 1, "numba", ()),
    "southeast_never_lost": ("scenarios/southeast_never_lost.yaml", 3, "numba", ()),
    "rung_10k_numba": ("benchmarks/scenarios/rung_10k.yaml", 1, "numba", ("time.end=1939-02-28",)),
    "rung_10k_mesa": ("benchmarks/scenarios/rung_10k.yaml", 1, "mesa", ("time.end=1939-02-28",)),
}


# Floats are hashed at this many significant digits. The same code gives floats that differ in the last bits
# on CPUs with and without AVX-512 (numpy's SIMD loops for exp, log and power, and reductions, differ), while
# every integer table is identical: measured on 2026-12-03, hashes recorded on an AVX-512 machine failed on
# an AVX2 one for the float tables only. Ten digits still catch any change a refactoring could make.
FLOAT_DIGITS = 10


def frame_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and values: integers, booleans and dates as exact bytes,
    floats at FLOAT_DIGITS significant digits, strings as UTF-8."""
    h = hashlib.sha256()
    for name in frame.columns:
        col = frame[name]
        h.update(f"{name}:{col.dtype}\n".encode())
        values = col.to_numpy()
        if values.dtype.kind == "f":
            h.update("\x00".join(f"{v:.{FLOAT_DIGITS}g}" for v in values.tolist()).encode())
        elif values.dtype.kind in "biucmM":  # integers, booleans and dates: their exact bytes
            h.update(np.ascontiguousarray(values).tobytes())
        else:  # strings (object or pandas' str dtype): the text
            h.update("\x00".join(map(str, values.tolist())).encode())
    return h.hexdigest()


def run_hashes(name: str) -> dict[str, str]:
    """Hashes of the time series, towns time series, cooperatives and towns tables of one fixed run."""
    from indusco_sim.model import IndusModel
    from indusco_sim.results import tables

    scenario, seed, backend, overrides = RUNS[name]
    model = IndusModel(ROOT / scenario, rng=seed, backend=backend, overrides=overrides, mesa_agents=False)
    model.run()
    return {"timeseries": frame_hash(tables.timeseries(model)),
            "towns_timeseries": frame_hash(tables.town_timeseries(model)),
            "cooperatives": frame_hash(tables.cooperatives(model)),
            "towns": frame_hash(tables.towns(model))}


if __name__ == "__main__":
    got = {name: run_hashes(name) for name in RUNS}
    if "--write" in sys.argv:
        EXPECTED.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(got, indent=2))
