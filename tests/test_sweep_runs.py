"""Sweeps that run the model (short runs, to the end of 1938): rows equal fresh single runs, failures are rows,
--resume and --retry-failed, a sweep killed with SIGKILL and resumed, and a real `dask scheduler` with two
`dask worker` processes, one of them killed mid-sweep, giving the same rows as the LocalCluster."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import BASELINE, indusco, write
from indusco_sim.experiments import outcomes, sweep_store
from indusco_sim.results import history

pytestmark = pytest.mark.slow

SWEEP = f"""name: runs
scenario: {BASELINE}
set: {{time.end: 1938-12-31}}
parameters:
  cooperatives.founding_members: {{low: 4, high: 14}}   # below min_members (7) the scenario is invalid: a failure
  administration.founding_cost: {{low: 0.1, high: 0.5}}
design: {{method: lhs, points: 4, seed: 3}}
seeds_per_point: 2
region_dates: [1938-10-31, 1938-12-31]
"""
KEYS = ["cooperatives.founding_members", "administration.founding_cost"]
BIN = Path(sys.executable).parent


def sweep_cmd(path: Path, out: Path, *extra: object) -> list[str]:
    return [sys.executable, "-m", "indusco_sim", "sweep", str(path), "--out", str(out), "--quiet", *map(str, extra)]


def rows(out: Path) -> pd.DataFrame:
    frame = sweep_store.read_results(out)
    assert frame["run_id"].is_unique
    return frame.set_index("run_id").sort_index()


def outcome_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in ("seconds", "error")]


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The sweep on a LocalCluster of two workers, with time series."""
    folder = tmp_path_factory.mktemp("sweep")
    path = write(folder, "s.yaml", SWEEP)
    out = folder / "local"
    done = subprocess.run(sweep_cmd(path, out, "--workers", 2, "--batch-size", 3, "--timeseries"), cwd=folder,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return folder, path, out


def test_every_planned_run_has_one_row_and_failures_are_rows(local):
    _folder, _path, out = local
    plan = pd.read_parquet(out / "design.parquet")
    got = rows(out)
    assert set(got.index) == set(plan["run_id"]) and len(plan) == 8
    failed = got[got["status"] == "failed"]
    assert len(failed) >= 2 and (failed["cooperatives.founding_members"] < 7).all()
    assert failed["error"].str.contains("founding_members").all()
    ok = got[got["status"] == "ok"]
    assert (ok["cooperatives.founding_members"] >= 7).all() and (ok["final_cooperatives"] > 0).all()
    assert (ok["regions_1938_12"] >= 2).all() and ok["cooperatives_china_1938_12"].notna().all()
    assert (got["seconds"] > 0).all()
    series = pd.concat([pd.read_parquet(f) for f in sweep_store.batch_files(out, "timeseries")])
    assert set(series["run_id"]) == set(ok.index) and {"date", "region", "metric", "value"} <= set(series.columns)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"] == 8 and len(manifest["seeds"]) == 2 and manifest["git_revision"]


def test_a_row_equals_a_fresh_single_run_and_evaluate(local):
    from indusco_sim import evaluate

    folder, _path, out = local
    row = rows(out).query("status == 'ok'").iloc[0]
    sets = [f"--set={k}={float(row[k])!r}" for k in KEYS]
    done = indusco("run", BASELINE, "--out", folder / "single", "--set", "time.end=1938-12-31", *sets,
                   "--set", f"seed={int(row['seed'])}", "--no-plots", "--quiet", cwd=folder)
    assert done.code == 0, done.stderr
    single = folder / "single"
    ts = pd.read_parquet(single / "timeseries.parquet")
    run = {"timeseries": ts, "summary": json.loads((single / "summary.json").read_text()),
           "comparison": history.compare(ts, pd.read_parquet(single / "towns_timeseries.parquet"),
                                         pd.read_parquet(single / "cooperatives.parquet"))}
    fresh = outcomes.from_run(run, [pd.Timestamp("1938-10-31").date(), pd.Timestamp("1938-12-31").date()])
    names = [n for n in fresh if n in row.index]
    assert len(names) > 10
    for name in names:
        assert row[name] == fresh[name] or (pd.isna(row[name]) and pd.isna(fresh[name])), name
    params = {k: row[k] for k in KEYS}
    api = evaluate(_resolved(out), params, int(row["seed"]), region_dates=[pd.Timestamp("1938-12-31").date()])
    assert api["final_cooperatives"] == row["final_cooperatives"]
    assert api["regions_1938_12"] == row["regions_1938_12"]


def _resolved(out: Path) -> dict:
    import yaml

    return yaml.safe_load((out / "scenario.resolved.yaml").read_text())


def test_resume_runs_nothing_and_retry_failed_reruns_only_failures(local):
    folder, path, out = local
    before = rows(out)
    done = subprocess.run(sweep_cmd(path, out, "--resume", "--workers", 1), cwd=folder, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(rows(out), before)
    done = subprocess.run(sweep_cmd(path, out, "--retry-failed", "--workers", 1), cwd=folder, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = rows(out)
    assert set(after.index) == set(before.index)
    cols = [c for c in outcome_columns(before) if c != "status"]
    pd.testing.assert_frame_equal(after.loc[before.index, cols], before[cols])
    retried = before.index[before["status"] == "failed"]
    assert (after.loc[retried, "status"] == "failed").all()  # still invalid, but run again, still once


def _wait_for(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_sigkill_mid_sweep_then_resume_gives_the_same_rows(local, tmp_path):
    _folder, path, out = local
    target = tmp_path / "killed"
    proc = subprocess.Popen(sweep_cmd(path, target, "--workers", 1, "--batch-size", 1), cwd=tmp_path,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: target.exists() and len(sweep_store.batch_files(target)) >= 2, 240, "two batches")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    partial = sweep_store.read_results(target)
    assert 2 <= len(partial) < 8, "the kill should land mid-sweep"
    done = subprocess.run(sweep_cmd(path, target, "--workers", 2, "--resume"), cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not (target / "timeseries").exists()  # no --timeseries, no (empty) folder for them
    got, want = rows(target), rows(out)
    assert list(got.index) == list(want.index)
    cols = [c for c in outcome_columns(want) if c in got.columns]
    ok = want.index[want["status"] == "ok"]
    pd.testing.assert_frame_equal(got.loc[ok, cols], want.loc[ok, cols])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_dask_cluster_with_a_worker_killed_gives_the_local_rows(local, tmp_path):
    _folder, path, out = local
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], cwd=tmp_path, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for k in range(2):
            procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                           "--no-dashboard", "--name", f"w{k}"], cwd=tmp_path,
                                          start_new_session=True, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        from dask.distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        target = tmp_path / "cluster"
        sweep = subprocess.Popen(sweep_cmd(path, target, "--scheduler", address, "--batch-size", 1), cwd=tmp_path,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        _wait_for(lambda: target.exists() and len(sweep_store.batch_files(target)) >= 1, 240, "a first batch")
        os.killpg(procs[1].pid, signal.SIGKILL)  # a worker (nanny and all) dies mid-sweep
        _, err = sweep.communicate(timeout=300)
        assert sweep.returncode == 0, err
        got, want = rows(target), rows(out)
        assert list(got.index) == list(want.index)
        cols = [c for c in outcome_columns(want) if c in got.columns]
        ok = want.index[want["status"] == "ok"]
        pd.testing.assert_frame_equal(got.loc[ok, cols], want.loc[ok, cols])
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def test_an_unreachable_scheduler_is_bad_input_and_leaves_no_folder(tmp_path):
    path = write(tmp_path, "s.yaml", SWEEP)
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}
    done = subprocess.run(sweep_cmd(path, tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{_free_port()}"),
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "key '--scheduler'" in done.stderr and sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
