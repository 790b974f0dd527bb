"""Ensembles: one run per seed (seeds derived with numpy's SeedSequence), in dask worker processes.

By default a LocalCluster is started in this process (nothing needs to be running first); given a scheduler
address the same code runs on a real cluster. Each run returns its tables; the parent writes them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from indusco_sim.errors import InputError
from indusco_sim.experiments.single import simulate, tabulate
from indusco_sim.results import history, tables
from indusco_sim.scenario.load import LoadedScenario
from indusco_sim.scenario.schema import Scenario

METRICS = ("cooperatives", "members", "unemployed", "output_nominal", "output_real", "capital", "loans_outstanding")
QUANTILES = {"q10": 0.1, "median": 0.5, "q90": 0.9}


def derive_seeds(seed: int, n: int) -> list[int]:
    """n independent seeds spawned from the scenario's seed (numpy SeedSequence)."""
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in np.random.SeedSequence(seed).spawn(n)]


def simulate_member(scenario: dict, seed: int) -> dict:
    """Run one member of an ensemble (in a worker process). Returns its tables, comparison and summary."""
    loaded = LoadedScenario(Scenario.model_validate(scenario), None)
    model, timing = simulate(loaded, seed=seed)
    return {"seed": seed, **tabulate(model), "timing": timing}


SCHEDULER_VALID = "an address such as tcp://10.0.0.5:8786, or leave it out for a local cluster"


def check_scheduler(address: str | None) -> None:
    """InputError unless `address` is None or a dask address with a host and port (tcp://host:port)."""
    if address is None:
        return
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address, strict=False)
        ok = scheme in ("tcp", "tls", "ws", "wss", "ucx") and not any(c.isspace() for c in address)
        if ok:
            host, port = parse_host_port(location)
            ok = bool(host) and 0 < int(port) < 65536
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise InputError(f"'{address}' is not a dask scheduler address", key="--scheduler", valid=SCHEDULER_VALID)


# The in-process scheduler's debugging logs, kept short: at dask's defaults (100,000 transitions, events and
# computations) the parent of a 1,000-run sweep grew from 305 to 373 MB (+22%) over a 100-run one; with these
# 290 and 296 MB (+2%) (benchmarks/sweep_efficiency.py --runs 100 --runs 1000, runs to 1938-12-31, 2026-12-03).
# (distributed.admin.low-level-log-length replaces the deprecated scheduler.transition-log-length and
# events-log-length, whose FutureWarning would print under a run's one-line messages.)
SCHEDULER_LOGS = {
    "distributed.admin.low-level-log-length": 100,
    "distributed.diagnostics.computations.max-history": 10,
    "distributed.admin.log-length": 100,
}


@contextlib.contextmanager
def dask_client(address: str | None = None, workers: int | None = None) -> Iterator:
    """A dask Client: connected to `address`, or to a LocalCluster of worker processes started here."""
    from dask.distributed import Client, LocalCluster

    if address:
        with Client(address) as client:
            yield client
        return
    import dask

    n = workers or max(1, os.cpu_count() or 1)
    _start_quiet_resource_tracker()
    with dask.config.set(SCHEDULER_LOGS):  # for the cluster's whole life: its scheduler runs in this process
        with _sigint_ignored():  # the workers inherit it: Ctrl-C stops the parent, which stops them
            # the scheduler's HTTP endpoints on a free loopback port: never 8787 taken by another cluster (a
            # warning), never reachable from the network
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address="127.0.0.1:0", silence_logs=40)
        client = None
        try:
            client = Client(cluster)
            yield client
        except BaseException:
            _quiet_dask_logs()
            _kill_workers()  # stopped or failed: the runs in progress are not waited for
            raise
        finally:
            for closing in (client, cluster):
                with contextlib.suppress(Exception):
                    if closing is not None:
                        closing.close(timeout=2)


def _quiet_dask_logs() -> None:
    """Silence dask's loggers in this process for the rest of its life. Killing the workers of a stopped run
    closes their connections under the scheduler, which runs here and may log each with its traceback at INFO
    ("Batched Comm Closed ... CommClosedError": CI, 2026-12-03, once in several Ctrl-C stops)."""
    import logging

    names = [name for name in logging.root.manager.loggerDict if name.split(".")[0] in ("distributed", "tornado")]
    for name in ("distributed", "tornado", *names):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _start_quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its stderr on /dev/null: after a stop it still removes the
    workers' semaphores, without printing a warning under the one-line message."""
    from multiprocessing import resource_tracker

    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def _kill_workers() -> None:
    """SIGKILL this process's child processes (the local cluster's nannies and workers; not multiprocessing's
    resource tracker, which exits by itself once they are gone)."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if not any("resource_tracker" in part for part in child.cmdline()):
                child.kill()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while the worker processes start: they inherit the ignored disposition (Python then
    installs no KeyboardInterrupt handler), so Ctrl-C in a terminal never gives a worker traceback and the
    parent alone stops them. A Ctrl-C in these seconds is lost; the next one stops the run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_members(scenario: Scenario, seeds: list[int], client, progress: Callable[[int], None] | None = None,
                member: Callable = simulate_member) -> list[dict]:
    """Submit one run per seed to `client`; results come back in seed order."""
    from dask.distributed import as_completed

    payload = scenario.model_dump(mode="json")
    futures = [client.submit(member, payload, s, pure=False) for s in seeds]
    for done, _ in enumerate(as_completed(futures), start=1):
        if progress is not None:
            progress(done)
    return [f.result() for f in futures]


def long_metrics(ts: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A run's time series in long form, with the national total as region 'China'."""
    coop_cols = [c for c in ts.columns if c.startswith("coops_")]
    cols = [*METRICS, *coop_cols]
    nat = tables.national(ts)
    nat["region"] = "China"
    both = pd.concat([ts[["date", "region", *cols]], nat[["date", "region", *cols, "regions"]]], ignore_index=True)
    out = both.melt(id_vars=["date", "region"], var_name="metric", value_name="value").dropna(subset=["value"])
    out["seed"] = seed
    return out


def summarise_members(members: list[dict]) -> pd.DataFrame:
    """Median and 10/90% quantiles per (date, region, metric) across runs; `runs` counts the runs that had
    that region at that date."""
    long = pd.concat([long_metrics(m["timeseries"], m["seed"]) for m in members], ignore_index=True)
    grouped = long.groupby(["date", "region", "metric"], sort=True)["value"]
    out = grouped.quantile(list(QUANTILES.values())).unstack()
    out.columns = list(QUANTILES)
    out["runs"] = grouped.count()
    return out.reset_index()


def calibration(members: list[dict]) -> dict:
    """For each archive figure: the ensemble median and 10-90% band, the error, and whether the archive
    point falls inside the band; plus the regions and splits the runs produced."""
    figures: dict[tuple, dict] = {}
    for m in members:
        for c in m["comparison"]:
            key = (c["date"], c["region"], c["scope"], c["metric"])
            figures.setdefault(key, {**{k: c[k] for k in ("date", "region", "scope", "metric", "archive",
                                                          "hold_out", "source")}, "values": []})
            figures[key]["values"].append(c["model"])
    rows = []
    for fig in figures.values():
        values = np.array(fig.pop("values"))
        q10, med, q90 = np.quantile(values, [0.1, 0.5, 0.9])
        rows.append({**fig, "median": float(med), "q10": float(q10), "q90": float(q90), "runs": len(values),
                     "error": float(med / fig["archive"] - 1.0), "inside": bool(q10 <= fig["archive"] <= q90)})
    fitted = [r for r in rows if not r["hold_out"]]
    return {
        "figures": rows,
        "calibration_figures": len(fitted),
        "inside_band": sum(r["inside"] for r in fitted),
        "rms_log_error": rms_log_error(fitted),
        "regions": region_counts(members),
        "splits": [{**s, "seed": m["seed"]} for m in members for s in m["summary"]["splits"]],
    }


def rms_log_error(rows: list[dict], key: str = "median") -> float:
    """Root mean square of log(model / archive) over figures (a symmetric relative error)."""
    errs = [np.log(max(r[key], 1e-9) / r["archive"]) for r in rows]
    return float(np.sqrt(np.mean(np.square(errs)))) if errs else float("nan")


def region_counts(members: list[dict], dates: tuple[str, ...] = ("1940-12-31", "1942-06-30")) -> dict:
    """Number of regions in each run at each date (runs that reach the date)."""
    out = {}
    for day in dates:
        counts = []
        for m in members:
            ts = m["timeseries"]
            rows = history.row_at(ts, pd.Timestamp(day))
            if not rows.empty:
                counts.append(int(rows["region"].nunique()))
        if counts:
            out[day] = {"median": float(np.median(counts)), "min": min(counts), "max": max(counts), "runs": counts}
    return out
