"""Running a sweep's planned runs on dask: a bounded window of futures (refilled as runs finish), rows
written in whole batches as they come back, and resumable: what is on disk is never run again.

The parent holds at most `window` futures and one unwritten batch of rows, so the memory it needs does
not grow with the number of runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd

from indusco_sim.experiments import sweep_store as store
from indusco_sim.experiments.evaluate import run_point
from indusco_sim.experiments.sweep_spec import LoadedSweep

Progress = Callable[[int, int], None]  # (done, failed) so far in this session


def todo(plan: pd.DataFrame, out: Path) -> pd.DataFrame:
    """Planned runs with no row on disk, each run_id once."""
    done = store.done_ids(out)
    rest = plan.drop_duplicates("run_id")
    return rest[~rest["run_id"].isin(done)].reset_index(drop=True)


def bounded(client, func: Callable, items: Iterable, window: int, *args) -> Iterator[tuple[object, object]]:
    """Yield (item, future) as futures finish, never holding more than `window` submitted at once."""
    from dask.distributed import as_completed

    items = iter(items)
    pending: dict = {}

    def submit_next() -> bool:
        item = next(items, None)
        if item is None:
            return False
        fut = client.submit(func, *args[:1], item, *args[1:], pure=False)
        pending[fut.key] = item
        ac.add(fut)
        return True

    ac = as_completed([])
    for _ in range(window):
        if not submit_next():
            break
    for fut in ac:
        item = pending.pop(fut.key)
        yield item, fut
        submit_next()


def run_sweep(sweep: LoadedSweep, plan: pd.DataFrame, out: Path, client, *, timeseries: bool = False,
              batch_size: int = 50, window: int | None = None, progress: Progress | None = None,
              task: Callable = run_point) -> dict:
    """Run every planned run without a row in `out`; returns counts and timing."""
    keys = list(sweep.sweep.parameters)
    runs = todo(plan, out)
    payload = sweep.scenario.model_dump(mode="json")
    dates = list(sweep.sweep.region_dates)
    keep = sweep.sweep.outcomes
    if window is None:
        window = 4 * max(1, len(client.scheduler_info().get("workers", {})))
    writer = store.BatchWriter(out, batch_size)
    done = failed = 0
    started = time.perf_counter()
    compute = 0.0
    records = (r for r in runs[["run_id", "seed", *keys]].to_dict("records"))
    try:
        for item, fut in bounded(client, task, records, window, payload, keys, dates, keep, timeseries):
            try:
                result = fut.result()
            except Exception as exc:  # e.g. KilledWorker: the run's workers died too often
                result = {"row": {"run_id": item["run_id"], **{k: float(item[k]) for k in keys},
                                  "seed": int(item["seed"]), "status": "failed",
                                  "error": f"{type(exc).__name__}: {exc}", "seconds": float("nan")},
                          "timeseries": None}
            finally:
                fut.release()
            writer.add(result)
            done += 1
            failed += result["row"]["status"] == "failed"
            compute += result["row"]["seconds"] if result["row"]["seconds"] == result["row"]["seconds"] else 0.0
            if progress is not None:
                progress(done, failed)
    finally:
        writer.flush()  # on Ctrl-C too: what finished is kept
    return {"runs": done, "failed": failed, "wall_s": round(time.perf_counter() - started, 3),
            "compute_s": round(compute, 3), "skipped": int(plan["run_id"].nunique() - len(runs))}


def table(out: Path) -> pd.DataFrame:
    """The sweep's design joined with its results: one row per planned run (design order), with point,
    seed_index, the parameters, status, seconds and outcomes (missing runs have no status)."""
    design = pd.read_parquet(Path(out) / "design.parquet")
    results = store.read_results(out)
    drop = [c for c in results.columns if c in design.columns and c != "run_id"]
    return design.merge(results.drop(columns=drop), on="run_id", how="left")
