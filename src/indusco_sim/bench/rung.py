"""One benchmark rung in its own process: python -m indusco_sim.bench.rung SCENARIO TICKS BACKEND [TABLE|-] [REPEATS].

Prints one JSON line: warm start (model built and first tick done, numba cache present), ticks per second
over TICKS further ticks (0: every tick to the end of the run), time per phase, peak resident memory per worker
agent, and the bytes the movement phase touches. With TABLE (not -): writes the run's time series there, or, if
it exists, compares with it. With REPEATS > 1 the model is built again and the same ticks are timed REPEATS
times; the fastest repetition is reported (as timeit does: on a shared machine the others measure the
neighbours), and `seconds_per_tick_all` lists every repetition.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def peak_rss_bytes() -> int:
    """This process's peak resident memory: VmHWM of /proc/self/status on Linux, else getrusage's ru_maxrss.

    Not ru_maxrss on Linux: it keeps the parent's peak across fork and exec, and the ladder's parent has just
    copied 512 MB to measure bandwidth, so every rung it started reported at least ~656 MB (the 10k rung's
    "65,636 bytes a worker"). VmHWM belongs to the program the process runs now."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def movement_bytes(status_counts, n_towns: int, n_skills: int, p_seek: float) -> int:
    """Bytes the movement phase reads and writes in one tick (a lower bound used for the bandwidth fraction).

    bytes = 2 W + 5 U p_seek + 20 A + 8 T^2 S, with W workers, U unemployed, A arriving (travelling), T towns,
    S skills, p_seek the chance per tick that an unemployed worker seeks: the dense pass reads and writes
    every worker's status (1 + 1; uniforms are computed, not read); the expected U p_seek seekers read their
    town (4) and skill (1); each traveller reads its town, destination and days left (10) and writes them back
    (10); the goal table is built from the town-by-town distances (8 bytes each, per skill). Not counted: the
    sparse pass reading the status bytes again (from cache: each chunk of workers is marked, then settled),
    the bytes next to the used ones in each cache line, and the rarer ticks when a blocked town holds unemployed
    workers and every unemployed worker's town is read."""
    arriving, unemployed, member, left = (int(x) for x in status_counts)
    workers = arriving + unemployed + member + left
    return round(workers * 2 + unemployed * p_seek * 5 + arriving * 20 + n_towns * n_towns * n_skills * 8)


def main() -> None:
    scenario, ticks, backend = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    table = Path(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] != "-" else None
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    t_import = time.perf_counter()
    from indusco_sim.core.kernels import warm_up
    from indusco_sim.model import IndusModel
    from indusco_sim.results import tables

    imports_s = time.perf_counter() - t_import
    runs = []  # (seconds for the timed ticks, their time per phase)
    for repeat in range(repeats):
        model = None  # the previous repetition's model is freed before the next is built
        t0 = time.perf_counter()
        if backend == "numba":
            warm_up()
        model = IndusModel(scenario, backend=backend, mesa_agents=False)
        model.step()
        if repeat == 0:
            first_tick_end = time.time()
            warm_start = time.perf_counter() - t0
        model.phase_seconds.clear()
        if ticks == 0:
            ticks = model.n_ticks - model.tick
        t1 = time.perf_counter()
        for _ in range(ticks):
            model.step()
        runs.append((time.perf_counter() - t1, dict(model.phase_seconds)))
    elapsed, phases = min(runs, key=lambda run: run[0])
    counts = model.engine.worker_counts()
    workers = int(counts.sum())
    p_seek = model.p_seek[model.tick - 1]
    out = {
        "scenario": Path(scenario).name, "backend": backend, "ticks": ticks, "workers": workers,
        "coops": int(model.spec.cooperatives.initial), "alive_coops": model.engine.n_alive(),
        "depots": model.engine.n_depots(), "imports_s": round(imports_s, 4), "warm_start_s": round(warm_start, 4),
        "first_tick_end_epoch": first_tick_end, "seconds_per_tick": elapsed / ticks,
        "ticks_per_s": ticks / elapsed, "worker_updates_per_s": workers * ticks / elapsed,
        "seconds_per_tick_all": [round(run[0] / ticks, 7) for run in runs],
        "phase_ms": {k: round(1000 * v / ticks, 4) for k, v in phases.items()},
        "peak_rss_bytes": peak_rss_bytes(), "peak_bytes_per_worker": peak_rss_bytes() / max(workers, 1),
        "state_bytes_per_worker": model.engine.memory_bytes() / max(workers, 1),
        "movement_bytes": movement_bytes(counts, model.network.n_towns, len(model.p.industries), p_seek),
        "status_counts": counts.tolist(),
    }
    if table is not None:  # the first run writes the table; a later run compares its own, byte for byte
        mine = table if not table.exists() else table.with_suffix(f".{backend}.parquet")
        tables.timeseries(model).to_parquet(mine, index=False)
        if mine != table:
            out["identical"] = mine.read_bytes() == table.read_bytes()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
