"""Wall time of `indusco run scenarios/baseline.yaml`, cold (empty numba cache) and warm (cache present).

    .venv/bin/python benchmarks/baseline_speed.py [--repeat 3]

Each run is a fresh process, as a user would start it. The numba cache is redirected to a temporary folder
(NUMBA_CACHE_DIR) so that "cold" really compiles every kernel. Prints a JSON report: wall seconds of each run
and the manifest's own split (jit_s, setup_s, ticks_s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(cache: Path, out: Path) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "indusco_sim", "run", str(ROOT / "scenarios" / "baseline.yaml"), "--out",
                    str(out), "--force", "--quiet"], check=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    timing = json.loads((out / "manifest.json").read_text())["timing"]
    return {"wall_s": round(wall, 3), **{k: timing[k] for k in ("jit_s", "setup_s", "ticks_s", "ticks")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "numba-cache", Path(tmp) / "results"
        cold = run_once(cache, out)
        warm = [run_once(cache, out) for _ in range(args.repeat)]
    report = {"cold": cold, "warm": warm, "warm_best_wall_s": min(w["wall_s"] for w in warm),
              "targets": {"warm_wall_s": 10.0, "cold_wall_s": 60.0}, "cpu_count": os.cpu_count()}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
