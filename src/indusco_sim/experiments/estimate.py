"""What a run will cost before it starts: worker agents, memory and time, from the scenario alone; a run (or
ensemble) that would need more memory than the machine has free is refused with the amount it needs.

The constants were measured on the baseline (116,000 worker agents, 230 weekly ticks): about 330 MB for the
interpreter, numba and pandas, 30 bytes of state per worker agent (with the tables' growth slack), and
20 ns per worker agent per tick.
"""

from __future__ import annotations

from dataclasses import dataclass

import psutil

from indusco_sim.errors import InputError
from indusco_sim.scenario.schema import Scenario
from indusco_sim.world.calendar import Calendar

BASE_BYTES = 450_000_000  # a process with the model loaded, before any agent [bytes]
BYTES_PER_AGENT = 64  # worker state, its growth slack and the tick's temporary arrays [bytes / agent]
SECONDS_PER_AGENT_TICK = 2.5e-8  # [s / (agent * tick)]
SECONDS_PER_RUN = 1.0  # set-up and tables of one run [s]
# An ensemble streams (experiments/ensemble_stream.py): the parent keeps each member's summary and buffers the
# long-form metrics of at most SPILL_EVERY members before writing them out. Measured on the baseline
# (2026-12-03, 230 ticks): long metrics 1.28 MB a member (5.6 kB a tick); a member's tables on disk 172 kB.
SPILL_EVERY = 50  # members whose long metrics the parent buffers at most (ensemble_stream.run_and_write)
LONG_BYTES_PER_MEMBER_TICK = 6_000  # one buffered member's long metrics [bytes / tick]
KEPT_BYTES_PER_MEMBER = 20_000  # a member's summary and archive comparison, kept to the end [bytes]
DISK_BYTES_PER_MEMBER_TICK = 1_000  # a member's tables and spilled metrics on disk [bytes / tick]


@dataclass(frozen=True)
class Estimate:
    agents: int  # worker agents at most
    ticks: int
    run_bytes: int  # one run's process [bytes]
    run_seconds: float  # one run, after compilation [s]
    buffer_bytes: int  # one ensemble member's long metrics, buffered by the parent until it spills [bytes]
    disk_bytes: int  # one ensemble member's files [bytes]


def parent_bytes(est: Estimate, runs: int) -> int:
    """What an ensemble's parent holds beyond its base: the spill buffer and every member's summary [bytes]."""
    return est.buffer_bytes * min(runs, SPILL_EVERY) + KEPT_BYTES_PER_MEMBER * runs


def estimate(s: Scenario) -> Estimate:
    """Upper estimates for one run of `s` (every refugee wave in full, no worker leaving)."""
    agents = sum(n for _, n, _ in drivers(s))
    ticks = Calendar.build(s.time.start, s.time.end, s.time.tick).n_ticks  # as the run's own calendar counts
    return Estimate(agents, ticks, BASE_BYTES + BYTES_PER_AGENT * agents,
                    SECONDS_PER_RUN + SECONDS_PER_AGENT_TICK * agents * ticks, LONG_BYTES_PER_MEMBER_TICK * ticks,
                    DISK_BYTES_PER_MEMBER_TICK * ticks)


def available_bytes() -> int:
    return int(psutil.virtual_memory().available)


def drivers(s: Scenario) -> list[tuple[tuple, int, str]]:
    """The scenario keys behind the worker agents of estimate(s), largest first: (key path, agents, what)."""
    per_agent = s.population.job_seeker_share / s.population.persons_per_agent
    arrivals = sum(e.persons * s.population.arrivals_scale * per_agent for e in s.events
                   if e.enabled and e.type == "refugee_wave")
    sizes = [i.target_members for i in s.industries.values()] or [1]
    members = s.cooperatives.initial * (s.cooperatives.initial_size or max(sizes))
    found = [(("population", "arrivals_scale"), int(arrivals), "the refugee waves' job-seekers"),
             (("population", "initial_workers"), s.population.initial_workers, "the job-seekers waiting at the start"),
             (("cooperatives", "initial"), int(members), "the members of the co-ops working at the start")]
    return sorted(found, key=lambda d: -d[1])


def check_memory(s: Scenario, runs: int = 1, workers: int = 1, available: int | None = None,
                 sources: dict | None = None, path=None) -> Estimate:
    """InputError (exit 2) when `runs` runs, `workers` at a time, would need more memory than is free.

    When one run alone does not fit, the error names the scenario key that brings most of its worker agents,
    with the file and line that set it (sources: the loaded scenario's key -> (file, line); path: its file,
    for a key left at its default) and the most that would fit; otherwise (an ensemble) it names --seeds."""
    est = estimate(s)
    need = est.run_bytes * max(1, min(runs, workers)) + (parent_bytes(est, runs) if runs > 1 else 0)
    free = available_bytes() if available is None else available
    if need <= free:
        return est
    what = "the run" if runs == 1 else f"{runs} runs ({min(runs, workers)} at a time)"
    if est.run_bytes <= free:  # one run fits: fewer at a time, or fewer seeds
        raise InputError(f"{what} would need about {gb(need)} of memory ({est.agents:,} worker agents a run), but "
                         f"{gb(free)} is free", key="--seeds",
                         valid=f"fewer seeds or fewer at a time (--workers), so that it fits in {gb(free)}")
    key, agents, origin = drivers(s)[0]
    file, line = (sources or {}).get(key, (str(path) if path else None, None))
    room = max(0, (free - BASE_BYTES) // BYTES_PER_AGENT - (est.agents - agents))  # agents this key may bring
    if key == ("population", "arrivals_scale"):
        fits = s.population.arrivals_scale * room / max(agents, 1)
        valid = (f"population.arrivals_scale of at most {fits:.3g} (or more population.persons_per_agent), so that "
                 f"it fits in {gb(free)}")
    elif key == ("population", "initial_workers"):
        valid = f"population.initial_workers of at most {room:,}, so that it fits in {gb(free)}"
    else:
        size = s.cooperatives.initial_size or max([i.target_members for i in s.industries.values()] or [1])
        valid = f"cooperatives.initial of at most {room // size:,}, so that it fits in {gb(free)}"
    raise InputError(f"{what} would need about {gb(need)} of memory for {est.agents:,} worker agents, {agents:,} of "
                     f"them {origin}, but {gb(free)} is free", file=file, line=line, key=".".join(key), valid=valid)


def describe(est: Estimate, runs: int, workers: int) -> str:
    """One line: the ensemble's estimated time and memory."""
    waves = -(-runs // max(1, workers))
    seconds = waves * est.run_seconds
    return (f"estimate: {runs:,} runs of {est.ticks:,} ticks and up to {est.agents:,} worker agents each, "
            f"{workers} at a time: about {duration(seconds)} and {gb(est.run_bytes * min(runs, workers))} "
            f"in the workers, {gb(parent_bytes(est, runs))} here, {gb(est.disk_bytes * runs)} on disk")


def gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.0f} MB"


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
