"""Sweep efficiency against the ideal, and the parent's peak memory, for sweeps of different sizes.

    .venv/bin/python benchmarks/sweep_efficiency.py --runs 100 --runs 1000 --workers 2

For each size: a Latin-hypercube sweep of the baseline (two administration parameters, one seed per point,
runs to --end) is run with `indusco sweep` in a fresh process on a LocalCluster of --workers processes.
Measured: the wall time of the whole command (cluster start and numba cache loads included), the compute
time of the runs (the sum of each row's `seconds`), efficiency = compute / (wall x workers) (1.0 is ideal),
and the sweep process's own peak resident memory (polled every 0.1 s; its workers are not counted). A
parent that streams stays flat from 100 to 1000 runs. Writes benchmarks/results/sweep-<date>-<rev>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
SWEEP = """name: bench-{runs}
scenario: {scenario}
set: {{time.end: {end}}}
parameters:
  administration.split_threshold: {{low: 0.6, high: 1.6}}
  administration.founding_cost: {{low: 0.08, high: 0.4, log: true}}
design: {{method: lhs, points: {runs}, seed: 1}}
seeds_per_point: 1
"""


def measure(runs: int, workers: int, end: str, batch: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        path = Path(tmp) / "sweep.yaml"
        path.write_text(SWEEP.format(runs=runs, scenario=ROOT / "scenarios" / "baseline.yaml", end=end))
        out = Path(tmp) / "out"
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "indusco_sim", "sweep", str(path), "--out", str(out),
                                 "--workers", str(workers), "--batch-size", str(batch), "--quiet"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        parent = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                peak = max(peak, parent.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.1)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"sweep of {runs} runs failed: {proc.stderr.read()}")
        rows = pd.read_parquet(out / "results")
        compute = float(rows["seconds"].sum())
        return {"runs": runs, "rows": len(rows), "failed": int((rows["status"] != "ok").sum()), "workers": workers,
                "end": end, "wall_s": round(wall, 2), "compute_s": round(compute, 2),
                "median_run_s": round(float(rows["seconds"].median()), 3),
                "ideal_wall_s": round(compute / workers, 2), "efficiency": round(compute / (wall * workers), 3),
                "parent_peak_rss_mb": round(peak / 2**20, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, action="append", help="sweep size; repeat [default: 100 and 1000]")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--end", default="1938-12-31", help="time.end of every run (short runs stress the parent)")
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--json", type=Path, help="write the report here")
    args = ap.parse_args()
    sizes = args.runs or [100, 1000]
    results = [measure(n, args.workers, args.end, args.batch_size) for n in sizes]
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=10", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "unknown"
    report = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "git_revision": rev,
              "cpus": psutil.cpu_count(), "results": results}
    path = args.json or ROOT / "benchmarks" / "results" / f"sweep-{dt.date.today()}-{rev}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    print("| runs | workers | wall s | compute s | ideal wall s | efficiency | parent peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['runs']} | {r['workers']} | {r['wall_s']} | {r['compute_s']} | {r['ideal_wall_s']} | "
              f"{r['efficiency']} | {r['parent_peak_rss_mb']} |")
    print(f"report: {path}")


if __name__ == "__main__":
    main()
