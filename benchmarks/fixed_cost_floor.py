"""The least a tick with no agents could cost if the model's bookkeeping were one compiled call per tick.

    .venv/bin/python benchmarks/fixed_cost_floor.py [--ticks 50] [--rounds 7]

Issue 14 asks for at most 50 µs a tick with no agents. What a design with one compiled call per tick would
still pay, each timed here per tick in this process (µs, the fastest of --rounds timings of --ticks ticks):

- mesa_step: stepping a mesa.Model whose step does nothing (Mesa's event list and step wrapper);
- datacollector: one collect of a DataCollector with IndusModel's six model reporters;
- draws: the random draws of a tick of rung_empty with numpy's Generator, as the model makes them (a key for
  movement, the two lifecycle draws, a Poisson count for each of five raids);
- one_call: one call of a compiled function that takes every array of the engine's state and the model's
  tables as IndusModel hands them to its kernels (bundled in tuples, core/bundles.py) and does nothing.

Their sum is a floor for such a design that keeps Mesa's Model, its DataCollector and numpy's Generator. The
script also times rung_empty's tick as the model runs it now, in the same process, for comparison.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import mesa
import numpy as np
from numba import njit

ROOT = Path(__file__).resolve().parents[1]
EMPTY = ROOT / "benchmarks" / "scenarios" / "rung_empty.yaml"


class Idle(mesa.Model):
    def step(self) -> None:
        pass


@njit(cache=False)
def touch(arrays):
    """Nothing, given the arrays (a tuple of tuples of arrays)."""
    return len(arrays)


def best_per_tick(run_ticks, ticks: int, rounds: int) -> float:
    """Fastest of `rounds` timings of run_ticks(ticks), in µs per tick."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        run_ticks(ticks)
        best = min(best, time.perf_counter() - t0)
    return 1e6 * best / ticks


def state_arrays(model) -> tuple:
    """Every array IndusModel hands its numba kernels in a tick, bundled as the engine bundles them."""
    e = model.engine
    w, d = e.workers, e.depots
    workers = (w.status, w.town, w.dest, w.wait, w.skill, w.employer)
    depots = (d.stock, d.equipment, d.shipped, model.is_open, d.scale, d.town)
    tables = (model.dist, model.next_hop, model.network.hop_days, model.refuge, model.occupied, model.town_region,
              model.town_depot, model.goals, model.vacancies, model.regions.hq, model.regions.alive,
              model.regions.staff, model.regions.load, model.regions.slots)
    return (workers, e._coop_bundle(), depots, e._tally(), tables, tuple(e.industries), tuple(e.economy))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from indusco_sim.core.kernels import warm_up
    from indusco_sim.model import IndusModel

    warm_up()
    model = IndusModel(EMPTY, backend="numba", mesa_agents=False)
    model.step()
    idle = Idle(rng=1)
    rng = np.random.default_rng(1)
    means = [0.3, 0.1, 0.05, 0.2, 0.4]
    arrays = state_arrays(model)
    touch(arrays)
    n_arrays = sum(len(group) for group in arrays)

    def mesa_steps(n):
        for _ in range(n):
            idle.step()

    def collects(n):
        for _ in range(n):
            model.datacollector.collect(model)

    def draws(n):
        for _ in range(n):
            int(rng.integers(0, 2**63))
            rng.random(0)
            rng.random(0)
            [rng.poisson(m) for m in means]

    def calls(n):
        for _ in range(n):
            touch(arrays)

    def empty_ticks(n):
        fresh = IndusModel(EMPTY, backend="numba", mesa_agents=False)
        fresh.step()
        t0 = time.perf_counter()
        for _ in range(n):
            fresh.step()
        return time.perf_counter() - t0

    parts = {"mesa_step": best_per_tick(mesa_steps, args.ticks, args.rounds),
             "datacollector": best_per_tick(collects, args.ticks, args.rounds),
             "draws": best_per_tick(draws, args.ticks, args.rounds),
             f"one_call ({n_arrays} arrays)": best_per_tick(calls, args.ticks, args.rounds)}
    ticks = min(args.ticks, model.n_ticks - 1)
    now = 1e6 * min(empty_ticks(ticks) for _ in range(args.rounds)) / ticks
    for name, us in parts.items():
        print(f"{name:28s} {us:7.1f} µs")
    print(f"{'floor (the sum)':28s} {sum(parts.values()):7.1f} µs")
    print(f"{'rung_empty tick now':28s} {now:7.1f} µs")


if __name__ == "__main__":
    main()
