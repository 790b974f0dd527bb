"""Time per phase, and per engine call, of source trees side by side: the before/after measurement of a speed change.

    .venv/bin/python benchmarks/profile_phases.py [--tree PATH ...] [--case full|rung_1m|rung_10k ...] [--rounds N]

Each (round, case, tree) runs in a fresh process with PYTHONPATH=<tree>/src, so the trees share nothing but the
scenario files of this checkout and the interpreter; the trees alternate within each round (the machine is
shared: interleaving puts the same neighbours on both). Cases:

- full: `IndusModel("scenarios/baseline.yaml", rng=1, overrides=("population.job_seeker_share=1",),
  mesa_agents=False).run()`, every displaced person an agent (issue 14), the whole run (230 ticks);
- rung_1m, rung_10k: the benchmark rungs, as `indusco bench` times them (the first tick not timed).

Prints one JSON line per process and, at the end, the best of the rounds per case and tree: ms per tick, per
phase, and per engine call (the engine's methods are wrapped with timers: a few hundred ns a call), peak RSS
and peak RSS per worker agent.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "full": ("scenarios/baseline.yaml", None, ("population.job_seeker_share=1",)),
    "rung_1m": ("benchmarks/scenarios/rung_1m.yaml", 26, ()),
    "rung_4m": ("benchmarks/scenarios/rung_4m.yaml", 10, ()),
    "rung_empty": ("benchmarks/scenarios/rung_empty.yaml", 50, ()),
    "rung_10k": ("benchmarks/scenarios/rung_10k.yaml", 52, ()),
}
CALLS = ("count_unemployed", "choose_goals", "move", "add_workers", "allocate", "produce", "close_and_flee",
         "founding_candidates", "choose_foundings", "found", "supervision", "collect", "n_alive")

CHILD = r"""
import json, sys, time
from collections import defaultdict
from indusco_sim.core.kernels import warm_up
from indusco_sim.model import IndusModel
scenario, ticks, overrides, calls = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
warm_up()
model = IndusModel(scenario, rng=1, overrides=tuple(overrides), mesa_agents=False)
spent = defaultdict(float)
def timed(name, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            spent[name] += time.perf_counter() - t
    return wrapper
for name in calls:
    if hasattr(model.engine, name):
        setattr(model.engine, name, timed(name, getattr(model.engine, name)))
if ticks != "all":
    model.step()
    model.phase_seconds.clear()
    spent.clear()
n0 = model.tick
t0 = time.perf_counter()
if ticks == "all":
    model.run()
else:
    for _ in range(int(ticks)):
        model.step()
elapsed = time.perf_counter() - t0
n = model.tick - n0
workers = int(model.engine.workers.n)
from indusco_sim.bench.rung import peak_rss_bytes
rss = peak_rss_bytes()
print(json.dumps({"ticks": n, "ms_per_tick": 1000 * elapsed / n, "workers": workers,
                  "status": model.engine.worker_counts().tolist(),
                  "phase_ms": {k: 1000 * v / n for k, v in model.phase_seconds.items()},
                  "call_ms": {k: 1000 * v / n for k, v in sorted(spent.items())},
                  "peak_rss_mb": rss / 2**20, "peak_bytes_per_worker": rss / max(workers, 1),
                  "state_bytes_per_worker": model.engine.memory_bytes() / max(workers, 1)}))
"""


def run_one(tree: Path, case: str) -> dict:
    scenario, ticks, overrides = CASES[case]
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    args = [sys.executable, "-c", CHILD, str(ROOT / scenario), "all" if ticks is None else str(ticks),
            json.dumps(list(overrides)), json.dumps(CALLS)]
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", action="append", type=Path, help="source tree (default: this checkout)")
    ap.add_argument("--case", action="append", choices=list(CASES))
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    trees = args.tree or [ROOT]
    cases = args.case or list(CASES)
    best: dict[tuple[str, str], dict] = {}
    for rnd in range(args.rounds):
        for case in cases:
            for tree in trees:
                out = run_one(tree, case)
                print(json.dumps({"round": rnd, "case": case, "tree": str(tree), **out}), flush=True)
                key = (case, str(tree))
                if key not in best or out["ms_per_tick"] < best[key]["ms_per_tick"]:
                    best[key] = out
    print("\nbest of rounds:")
    for (case, tree), out in best.items():
        phases = " ".join(f"{k}={v:.3f}" for k, v in out["phase_ms"].items())
        calls = " ".join(f"{k}={v:.3f}" for k, v in out["call_ms"].items())
        print(f"{case:9s} {tree}: {out['ms_per_tick']:.3f} ms/tick ({1000 / out['ms_per_tick']:.1f} ticks/s), "
              f"{out['workers']:,} workers, peak {out['peak_rss_mb']:.0f} MB = "
              f"{out['peak_bytes_per_worker']:.1f} B/worker, state {out['state_bytes_per_worker']:.1f} B/worker\n"
              f"    phases: {phases}\n    calls:  {calls}")


if __name__ == "__main__":
    main()
