"""Extra plot time of the region maps and the region timeline for a baseline run.

    .venv/bin/python benchmarks/region_plots_time.py [--repeat 2]

Each measurement is a fresh process: run the baseline, then time `plots.write_plots` once, in that process
alone (parallel=False), without and with the run's region history (the three maps and the timeline). Prints
CPU seconds (process time, steadier than wall time on a shared machine) and wall seconds of each, and the
medians' difference.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = """
import json, sys, tempfile, time
from pathlib import Path
from indusco_sim.experiments.single import simulate, tabulate
from indusco_sim.results import plots, tables
from indusco_sim.results.region_history import region_history
from indusco_sim.scenario.load import load_scenario
model, _ = simulate(load_scenario("scenarios/baseline.yaml"))
run, towns = tabulate(model), tables.towns(model)
with tempfile.TemporaryDirectory() as d:
    cpu, wall = time.process_time(), time.perf_counter()
    hist = region_history(model) if sys.argv[1] == "with" else None
    plots.write_plots(run["timeseries"], towns, model.network.routes, run["comparison"], Path(d), "t",
                      history=hist, parallel=False)  # one process: its CPU time is every figure's
    print(json.dumps({"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    out: dict[str, list[dict]] = {"without": [], "with": []}
    for _ in range(args.repeat):
        for mode in out:
            done = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True)
            out[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
    report = {mode: [{k: round(v, 3) for k, v in r.items()} for r in runs] for mode, runs in out.items()}
    for key in ("cpu_s", "wall_s"):
        report[f"extra_{key}"] = round(statistics.median(r[key] for r in out["with"])
                                       - statistics.median(r[key] for r in out["without"]), 3)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
