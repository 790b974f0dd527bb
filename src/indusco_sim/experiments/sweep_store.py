"""A sweep's folder on disk, safe to kill at any moment:

    manifest.json        the sweep (resolved), its hash, versions, git revision, seeds
    sweep.yaml           the sweep as given (after --set)
    scenario.resolved.yaml
    design.parquet       every planned run: run_id, point, seed_index, seed, parameters, unit coordinates
    results/batch-*.parquet      one row per finished run, written whole (temporary file, then rename)
    timeseries/batch-*.parquet   with --timeseries: each run's time series in long form

The folder is made atomically (manifest and design first, in a temporary folder renamed when whole); batches
are added as runs complete. A run whose row is on disk is done; anything else is run again by --resume.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from indusco_sim.errors import InputError
from indusco_sim.results import folder as outputs

RESULTS, SERIES = "results", "timeseries"


def write_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Parquet written to a temporary name in the same folder, fsynced, then renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    frame.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def check_folder(out: Path, sweep_hash: str, resume: bool, retry_failed: bool) -> bool:
    """True when `out` already holds this sweep (and --resume or --retry-failed says to go on); an
    InputError when it holds something else, or this sweep without --resume."""
    out = Path(out)
    if not out.exists():
        outputs.check_target(out)
        return False
    manifest = out / "manifest.json"
    if not out.is_dir() or not manifest.is_file():
        raise InputError(f"{out} exists and is not a sweep folder", key="--out",
                         valid="a new folder, or the folder of this same sweep with --resume")
    try:
        held = json.loads(manifest.read_text(encoding="utf-8")).get("sweep_hash")
    except (OSError, ValueError):
        held = None
    if held != sweep_hash:
        raise InputError(f"{out} holds a different sweep (hash {held}, this sweep is {sweep_hash})", key="--out",
                         valid="a new folder for a changed sweep, or the same sweep file and --set options")
    if not (resume or retry_failed):
        raise InputError(f"{out} already holds this sweep", key="--out",
                         valid="--resume to run what is missing, --retry-failed to rerun failures, or a new folder")
    return True


def create(out: Path, manifest: dict, design: pd.DataFrame, files: dict[str, str]) -> None:
    """Make the sweep folder whole or not at all."""
    with outputs.atomic_folder(out) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        design.to_parquet(tmp / "design.parquet", index=False, engine="pyarrow", compression="zstd")
        (tmp / RESULTS).mkdir()  # timeseries/ is made by the first batch that has time series (--timeseries)
        outputs.write_json(tmp / "manifest.json", manifest)


def batch_files(out: Path, kind: str = RESULTS) -> list[Path]:
    return sorted((Path(out) / kind).glob("batch-*.parquet"))


def read_results(out: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Every finished run's row (batches in order; a run_id kept once)."""
    files = batch_files(out)
    if not files:
        return pd.DataFrame(columns=["run_id", "status"])
    frame = pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)
    return frame.drop_duplicates("run_id", keep="first").reset_index(drop=True)


def done_ids(out: Path) -> dict[str, str]:
    """run_id -> status of every run on disk (reads two columns only)."""
    out_ids: dict[str, str] = {}
    for f in batch_files(out):
        t = pq.read_table(f, columns=["run_id", "status"])
        for rid, status in zip(t.column("run_id").to_pylist(), t.column("status").to_pylist(), strict=True):
            out_ids.setdefault(rid, status)
    return out_ids


def drop_failed(out: Path) -> int:
    """Remove failed rows from the batches (each rewritten atomically), so that --retry-failed reruns them
    and each run_id still appears once. Returns how many were dropped."""
    failed = {rid for rid, status in done_ids(out).items() if status == "failed"}
    if not failed:
        return 0
    for kind in (SERIES, RESULTS):  # series first: a row on disk always has its series
        for f in batch_files(out, kind):
            frame = pd.read_parquet(f)
            keep = frame[~frame["run_id"].isin(failed)]
            if len(keep) == len(frame):
                continue
            if keep.empty:
                f.unlink()
            else:
                write_atomic(keep, f)
    return len(failed)


class BatchWriter:
    """Collects finished runs and writes them in whole batches of `size` rows (and whatever is left at the end)."""

    def __init__(self, out: Path, size: int):
        self.out, self.size = Path(out), max(1, size)
        for kind in (RESULTS, SERIES):  # half-written files of a killed sweep: never read, now removed
            for stale in (self.out / kind).glob(".batch-*.tmp-*"):
                stale.unlink(missing_ok=True)
        existing = [int(p.stem.split("-")[1]) for p in batch_files(out) + batch_files(out, SERIES)]
        self.next = max(existing, default=0) + 1
        self.rows: list[dict] = []
        self.series: list[pd.DataFrame] = []

    def add(self, result: dict) -> None:
        self.rows.append(result["row"])
        if result.get("timeseries") is not None:
            self.series.append(result["timeseries"])
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        name = f"batch-{self.next:06d}.parquet"
        if self.series:  # the time series first: a row on disk means the run is complete
            (self.out / SERIES).mkdir(exist_ok=True)
            write_atomic(pd.concat(self.series, ignore_index=True), self.out / SERIES / name)
        write_atomic(pd.DataFrame(self.rows), self.out / RESULTS / name)
        self.next += 1
        self.rows, self.series = [], []
