"""The benchmark ladder: the compiled core against the Mesa way, from ten thousand to millions of agents.

Each rung (benchmarks/scenarios/rung_*.yaml) runs in a fresh process (bench_rung.py), so that peak memory
and start-up are its own. The same run also measures the machine's memory bandwidth, cold JIT time (an empty
numba cache), and the Mesa backend on the rungs it can finish, on identical work and seed, checking that its
tables are identical. Results: a JSON report and a markdown table.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from indusco_sim.bench.targets import TARGETS, markdown_rows
from indusco_sim.results.folder import git_revision, versions

ROOT = Path(__file__).resolve().parents[3]
SCENARIOS = ROOT / "benchmarks" / "scenarios"
# rung: (numba ticks timed (0: to the end of the run), mesa ticks timed or 0 to skip the Mesa backend, repetitions
# of the Mesa timing). rung_full: the baseline with every displaced person an agent (issue 14), the whole run;
# its population grows from none to some 14 million, so it is left out of the exponent fit.
FULL = {"rung_10k": (52, 20, 3), "rung_100k": (26, 3, 1), "rung_1m": (26, 0, 0), "rung_4m": (10, 0, 0),
        "rung_full": (0, 0, 0)}
GROWING = ("rung_full",)
QUICK = {"rung_10k": (52, 20, 3), "rung_100k": (10, 0, 0)}
NUMBA_REPEATS = 5  # repetitions of the numba timing over the Mesa backend's ticks (each takes milliseconds)
EMPTY = "rung_empty"  # the 10k rung's network, depots and regions with no agents: the fixed cost of a tick
EMPTY_REPEATS = 5
RUN_WARM_REPEATS = 2  # `indusco run` of the baseline with a warm cache: the fastest of these


def run_rung(scenario: Path, ticks: int, backend: str = "numba", compare_with: Path | None = None,
             repeats: int = 1) -> dict:
    """Run one rung in a fresh process and return its measurements (the fastest of `repeats` timings)."""
    args = [sys.executable, "-m", "indusco_sim.bench.rung", str(scenario), str(ticks), backend]
    args += [str(compare_with) if compare_with is not None else "-", str(repeats)]
    started = time.time()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark rung {scenario.name} ({backend}) failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_to_first_tick_s"] = round(result.pop("first_tick_end_epoch") - started, 4)
    return result


def probe_bandwidth(megabytes: int = 256, repeats: int = 5) -> float:
    """Memory bandwidth in bytes/s: best of `repeats` copies of a large array (read + write bytes counted)."""
    src = np.ones(megabytes * 2**20 // 8)
    dst = np.empty_like(src)
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t0)
    return 2 * src.nbytes / best


def cold_jit_seconds() -> float:
    """Compile every kernel from an empty numba cache, in a fresh process.

    The cache's base is $INDUSCO_CACHE_DIR before $NUMBA_CACHE_DIR (core/jit_cache.py), and this process has
    set INDUSCO_CACHE_DIR to its own, warm cache: both are pointed at the empty folder, and the child reports the
    folder it compiled into (a run on 2026-12-03 that set only NUMBA_CACHE_DIR reported 0.98 s "cold")."""
    with tempfile.TemporaryDirectory() as cache:
        code = ("import time; from numba import config; from indusco_sim.core.kernels import warm_up; "
                "t=time.perf_counter(); warm_up(); print(time.perf_counter()-t); print(config.CACHE_DIR)")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "INDUSCO_CACHE_DIR": cache, "NUMBA_CACHE_DIR": cache})
        seconds, folder = done.stdout.strip().splitlines()[-2:]
        if not Path(folder).resolve().is_relative_to(Path(cache).resolve()):
            raise RuntimeError(f"the cold-JIT measurement compiled into {folder}, not the empty {cache}")
    return float(seconds)


def indusco_command() -> list[str]:
    """The `indusco` command of this interpreter's environment (python -m indusco_sim.cli if not installed)."""
    script = Path(sys.executable).with_name("indusco")
    return [str(script)] if script.exists() else [sys.executable, "-m", "indusco_sim.cli"]


def whole_run_seconds(cold: bool) -> float:
    """Wall time of `indusco run scenarios/baseline.yaml` (tables and plots) in a fresh process, from start to
    exit; cold: with an empty numba cache (INDUSCO_CACHE_DIR and NUMBA_CACHE_DIR pointed at an empty folder, as
    in cold_jit_seconds), else the cache this process uses, which the rungs have filled."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        if cold:
            env["INDUSCO_CACHE_DIR"] = env["NUMBA_CACHE_DIR"] = str(Path(tmp) / "cache")
        baseline, out = ROOT / "scenarios" / "baseline.yaml", Path(tmp) / "out"
        command = [*indusco_command(), "run", str(baseline), "--out", str(out)]
        t0 = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
        seconds = time.perf_counter() - t0
        if done.returncode != 0:
            raise RuntimeError(f"indusco run failed:\n{done.stderr[-3000:]}")
    return seconds


def fit_exponent(workers: list[int], seconds_per_tick: list[float]) -> float:
    """Slope of log(time per tick) against log(workers): 1 is linear."""
    if len(workers) < 2:
        return float("nan")
    return float(np.polyfit(np.log(workers), np.log(seconds_per_tick), 1)[0])


def run_ladder(quick: bool = False, progress: Callable[[str], None] | None = None) -> dict:
    """Every rung with numba, the Mesa backend where it can finish, bandwidth and JIT probes, ratios."""
    plan = QUICK if quick else FULL
    say = progress or (lambda _: None)
    say("memory bandwidth")
    bandwidth = probe_bandwidth()
    say("cold JIT")
    cold = cold_jit_seconds()
    rungs = {}
    for name, (ticks, mesa_ticks, mesa_repeats) in plan.items():
        scenario = SCENARIOS / f"{name}.yaml"
        say(f"{name}: numba")
        with tempfile.TemporaryDirectory() as tmp:
            numba_result = run_rung(scenario, ticks, "numba")
            row = {"numba": numba_result}
            if mesa_ticks:
                # the ratio compares the same ticks, each backend's fastest of several timings
                say(f"{name}: mesa")
                ref = Path(tmp) / "ref.parquet"
                same = run_rung(scenario, mesa_ticks, "numba", compare_with=ref, repeats=NUMBA_REPEATS)
                mesa = run_rung(scenario, mesa_ticks, "mesa", compare_with=ref, repeats=mesa_repeats)
                row["numba_same_ticks"] = same
                row["mesa"] = mesa
                row["ratio"] = round(mesa["seconds_per_tick"] / same["seconds_per_tick"], 1)
                row["identical"] = mesa["identical"]
        move_s = numba_result["phase_ms"]["movement"] / 1000
        row["movement_bandwidth_fraction"] = round(numba_result["movement_bytes"] / bandwidth / move_s, 4)
        rungs[name] = row
    say("empty tick")
    empty = run_rung(SCENARIOS / f"{EMPTY}.yaml", 0, "numba", repeats=EMPTY_REPEATS)
    say("whole baseline run, warm")
    run_warm = min(whole_run_seconds(cold=False) for _ in range(RUN_WARM_REPEATS))
    say("whole baseline run, cold")
    run_cold = whole_run_seconds(cold=True)
    fixed = [r for name, r in rungs.items() if name not in GROWING]
    workers = [r["numba"]["workers"] for r in fixed]
    per_tick = [r["numba"]["seconds_per_tick"] for r in fixed]
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_revision": git_revision(),
        "quick": quick,
        "machine": {"cpus": os.cpu_count(), "platform": sys.platform, "bandwidth_gb_s": round(bandwidth / 1e9, 2)},
        "versions": versions(),
        "cold_jit_s": round(cold, 3),
        "empty_tick_us": round(1e6 * empty["seconds_per_tick"], 1),
        "empty": {"seconds_per_tick_all": empty["seconds_per_tick_all"], "phase_ms": empty["phase_ms"]},
        "run_warm_s": round(run_warm, 3),
        "run_cold_s": round(run_cold, 3),
        "exponent": round(fit_exponent(workers, per_tick), 3),
        "rungs": rungs,
        "targets": TARGETS,
    }


def markdown(report: dict) -> str:
    """The report as a markdown table, one line per rung."""
    lines = [f"Benchmarks {report['date']} at {report['git_revision'][:12]} "
             f"({report['machine']['cpus']} CPUs, {report['machine']['bandwidth_gb_s']} GB/s copy bandwidth; "
             f"cold JIT {report['cold_jit_s']} s; time-per-tick exponent {report['exponent']})", "",
             "| rung | workers | co-ops | depots | ticks/s | worker-updates/s | bytes/worker | warm start s | "
             "movement % of bandwidth bound | mesa ms/tick | numba ms/tick, same ticks | numba/mesa | identical |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in report["rungs"].items():
        n, mesa, same = r["numba"], r.get("mesa"), r.get("numba_same_ticks")
        against = (f"{1000 * mesa['seconds_per_tick']:.2f} | {1000 * same['seconds_per_tick']:.3f} | "
                   f"{r['ratio']:.0f}x | {r['identical']}") if mesa else "- | - | - | -"
        lines.append(
            f"| {name} | {n['workers']:,} | {n['coops']:,} | {n['depots']:,} | {n['ticks_per_s']:.1f} | "
            f"{n['worker_updates_per_s']:.3g} | {n['peak_bytes_per_worker']:.0f} | {n['warm_start_s']:.2f} | "
            f"{100 * r['movement_bandwidth_fraction']:.0f}% | {against} |")
    lines.append("")
    lines.append("Time per phase (ms per tick, numba):")
    lines.append("")
    phases = list(next(iter(report["rungs"].values()))["numba"]["phase_ms"])
    lines.append("| rung | " + " | ".join(phases) + " |")
    lines.append("|---|" + "---|" * len(phases))
    for name, r in report["rungs"].items():
        lines.append(f"| {name} | " + " | ".join(f"{r['numba']['phase_ms'][p]:.2f}" for p in phases) + " |")
    if "empty" in report:
        lines.append(f"| {EMPTY} | " + " | ".join(f"{report['empty']['phase_ms'][p]:.3f}" for p in phases) + " |")
    lines += ["", "Against the targets:", "", *markdown_rows(report)]
    return "\n".join(lines)


def write_report(report: dict, path: Path | None = None) -> Path:
    """benchmarks/results/<date>-<git rev>.json unless `path` is given; a second ladder of the same day and
    revision writes <date>-<git rev>-2.json, and so on (on a shared machine one ladder is one sample)."""
    if path is None:
        rev = report["git_revision"][:10].replace("+", "-")
        kind = "-quick" if report["quick"] else ""
        stem = ROOT / "benchmarks" / "results" / f"{report['date'][:10]}-{rev}{kind}"
        path, k = stem.with_name(stem.name + ".json"), 1
        while path.exists():
            k += 1
            path = stem.with_name(f"{stem.name}-{k}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return path
