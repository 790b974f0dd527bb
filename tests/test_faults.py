"""Fault injection: runs (and a small ensemble) killed with SIGKILL, SIGTERM or SIGINT at random moments leave
nothing but whole results folders (SIGTERM and SIGINT: nothing at all unless the run had finished; SIGKILL: at
most a temporary folder and a lock, which the next run removes), a rerun succeeds, and no process is left.

Bounded: a handful of kills at moments drawn from a fixed seed, about a minute in all.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from cli_helpers import BASELINE, indusco, leftovers

SINGLE = ("timeseries.parquet", "cooperatives.parquet", "summary.json", "manifest.json", "scenario.resolved.yaml")
ENSEMBLE = ("ensemble.parquet", "calibration.json", "manifest.json", "scenario.resolved.yaml")
# a signal in the first moments, while Python loads the program, gets the default action (killed by the signal,
# which a shell reports as the same 128 + N); nothing has been written by then
EXIT = {signal.SIGTERM: (143, -signal.SIGTERM), signal.SIGINT: (130, -signal.SIGINT),
        signal.SIGKILL: (-signal.SIGKILL,)}


def start(out: Path, *options: str) -> subprocess.Popen:
    """`indusco run` in a session of its own (so that its workers can be found), replacing `out`."""
    args = [sys.executable, "-m", "indusco_sim", "run", str(BASELINE), "--out", str(out), "--force", "--no-plots",
            "-q", *options]
    return subprocess.Popen(args, cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def session_processes(sid: int) -> list[psutil.Process]:
    """Live (not zombie) processes of session `sid`."""
    found = []
    for proc in psutil.process_iter(["status"]):
        try:
            if os.getsid(proc.pid) == sid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def assert_no_process_left(sid: int, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while session_processes(sid) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = session_processes(sid)
    for proc in left:  # do not leave them running for the next test, but fail
        proc.kill()
    assert not left, [p.cmdline() for p in left]


def workers_started(sid: int) -> bool:
    """Two worker processes of the local cluster are up in session `sid`."""
    spawned = 0
    for proc in session_processes(sid):
        with contextlib.suppress(psutil.Error):
            spawned += any("spawn_main" in part for part in proc.cmdline())
    return spawned >= 2


def catches_sigint(pid: int) -> bool:
    """Process `pid` has a handler for SIGINT (Linux: the SigCgt mask in /proc/PID/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    caught = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught, 16) & (1 << (signal.SIGINT - 1)))


def assert_whole(folder: Path, files: tuple[str, ...]) -> None:
    assert set(files) <= set(leftovers(folder)), leftovers(folder)
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["program"] == "indusco-sim"


def kill_at_random(out: Path, sig: signal.Signals, delay: float, *options: str) -> tuple[int, str]:
    proc = start(out, *options)
    time.sleep(delay)
    proc.send_signal(sig)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"the run did not stop within 60 s of {sig.name}")
    assert_no_process_left(proc.pid)
    return proc.returncode, stderr


def check_after(out: Path, sig: signal.Signals, code: int, stderr: str, files: tuple[str, ...],
                before: list[str] = ()) -> None:
    """After SIGTERM or SIGINT nothing new is left beside `out` (a run stopped before it claimed the folder
    may not yet have removed what an earlier SIGKILL left); after SIGKILL at most a temporary folder and a lock."""
    assert "Traceback" not in stderr, stderr
    assert code in (0, *EXIT[sig]), (code, stderr)
    if sig != signal.SIGKILL:
        if code > 0:
            assert stderr.strip().count("\n") == 0 and "stopped" in stderr, stderr
        assert set(leftovers(out.parent)) - {out.name} <= set(before), leftovers(out.parent)
    else:
        extra = [n for n in leftovers(out.parent) if n != out.name]
        assert all(n.startswith((f".{out.name}.tmp-", f".{out.name}.lock", f".{out.name}.old-")) for n in extra)
    if out.exists():
        assert_whole(out, files)


@pytest.mark.slow
def test_killed_runs_leave_only_whole_folders_and_a_rerun_succeeds(tmp_path: Path) -> None:
    rng = random.Random(13)
    out = tmp_path / "res"
    trials = [signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGKILL, signal.SIGTERM]
    for sig in trials:
        before = leftovers(tmp_path)
        code, stderr = kill_at_random(out, sig, rng.uniform(1.0, 7.0), "--set", "time.end=1941-12-31")
        check_after(out, sig, code, stderr, SINGLE, before)
    rerun = indusco("run", BASELINE, "--out", out, "--force", "--no-plots", "-q", "--set", "time.end=1939-03-31",
                    cwd=tmp_path)
    assert rerun.code == 0, rerun.stderr
    assert leftovers(tmp_path) == ["res"]
    assert_whole(out, SINGLE)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_killed_ensemble_stops_its_workers(sig: signal.Signals, tmp_path: Path) -> None:
    out = tmp_path / "ens"
    options = ("--seeds", "4", "--workers", "2", "--set", "time.end=1946-12-31")
    proc = start(out, *options)
    deadline = time.monotonic() + 120
    while not (workers_started(proc.pid) and catches_sigint(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.2)  # the parent ignores SIGINT while its workers start (experiments/ensemble.py)
    time.sleep(1.0)
    t0 = time.monotonic()
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # as Ctrl-C in a terminal: the whole foreground group
    else:
        proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert time.monotonic() - t0 < 5.0
        assert proc.returncode in (0, 130), stderr
        assert "Traceback" not in stderr, stderr
    assert_no_process_left(proc.pid)
    check_after(out, sig, proc.returncode, stderr, ENSEMBLE)
    rerun = indusco("run", BASELINE, "--out", out, "--force", "--no-plots", "-q", "--set", "time.end=1938-10-31",
                    cwd=tmp_path)
    assert rerun.code == 0, rerun.stderr
    assert leftovers(tmp_path) == ["ens"]


DROPPED_SIGNAL = """
import ctypes, os, signal
from indusco_sim import signals
from indusco_sim.errors import Stopped
signals.install()

@ctypes.CFUNCTYPE(None)
def callback():  # Python called from C, as numba's compiler calls llvmlite's object cache
    os.kill(os.getpid(), signal.SIGTERM)
    for _ in range(100_000):  # the handler runs here; its Stopped cannot leave the callback
        pass

callback()
print("went on", flush=True)
try:
    signals.check()
except Stopped as stop:
    print("stopped", stop.signum, flush=True)
"""


def test_a_signal_whose_exception_is_dropped_still_stops_the_run_without_a_traceback() -> None:
    """CI, a fresh checkout: SIGTERM arrived while numba compiled, inside a ctypes callback. Python printed
    "Exception ignored ... Traceback ... Stopped: 15" and the run went on to exit 0 with its results."""
    out = subprocess.run([sys.executable, "-c", DROPPED_SIGNAL], capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == ["went on", f"stopped {int(signal.SIGTERM)}"], (out.stdout, out.stderr)
    assert out.stderr == ""


def test_no_results_folder_is_put_in_place_after_a_dropped_signal(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from indusco_sim import signals
    from indusco_sim.errors import Stopped
    from indusco_sim.results.folder import atomic_folder

    monkeypatch.setattr(signals, "received", int(signal.SIGTERM))
    with pytest.raises(Stopped), atomic_folder(tmp_path / "res") as tmp:
        (tmp / "table.csv").write_text("a\n1\n")
    assert leftovers(tmp_path) == []
