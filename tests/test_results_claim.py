"""The lock on a results folder and the cleanup of what killed runs left (results/claim.py), in process, function
by function. Fast: the mutation run of the writer runs it with tests/test_results_writer.py for each mutant."""

from __future__ import annotations

import errno
import os
import subprocess
import time

import psutil

from indusco_sim.results import claim as claims
from writer_helpers import dead_pid, names, refused

# ---- claim: the lock -------------------------------------------------------------------------------------------


def test_a_claim_holds_a_lock_with_pid_and_start_time_and_is_reentrant(tmp_path):
    target = tmp_path / "deep" / "er" / "out"
    lock = target.parent / ".out.lock"
    assert claims.lock_path(target) == lock
    assert claims.temp_prefix(target) == f".out.tmp-{os.getpid()}-"
    old = os.umask(0)
    try:
        with claims.claim(target):
            assert lock.stat().st_mode & 0o777 == 0o644  # readable by all, written by its run only
    finally:
        os.umask(old)
    with claims.claim(target):
        pid, started = lock.read_text().split()
        assert int(pid) == os.getpid() and float(started) == psutil.Process().create_time()
        with claims.claim(target):
            assert claims._held[target] == 2
        assert lock.exists() and claims._held[target] == 1
    assert not lock.exists() and target not in claims._held
    with claims.claim(target):  # the parent exists now
        assert lock.exists()


def test_a_lock_of_a_live_run_refuses_and_a_dead_ones_is_taken(tmp_path):
    target = tmp_path / "out"
    lock = claims.lock_path(target)
    lock.write_text(f"{os.getpid()} {psutil.Process().create_time()}\n")
    refused(lambda: claims.claim(target).__enter__(), says=f"another indusco run (pid {os.getpid()}) is writing")
    assert lock.exists()
    for text in (f"{dead_pid()} 0.0\n", f"{os.getpid()} 0.0\n", b"\xff\xfe"):  # dead, pid reused, unreadable
        lock.write_bytes(text if isinstance(text, bytes) else text.encode())
        with claims.claim(target):
            assert lock.read_text().split()[0] == str(os.getpid())


def test_a_lock_being_written_refuses_for_five_seconds(tmp_path):
    target = tmp_path / "out"
    lock = claims.lock_path(target)
    for age, taken in ((0.0, False), (4.5, False), (5.5, True)):
        lock.write_text("")
        os.utime(lock, (lock.stat().st_atime - age, lock.stat().st_mtime - age))
        if taken:
            with claims.claim(target):
                pass
        else:
            refused(lambda: claims.claim(target).__enter__(), says="another indusco run (pid -1)")


def test_an_empty_lock_exactly_five_seconds_old_is_left_over(tmp_path, monkeypatch):
    target = tmp_path / "out"
    lock = claims.lock_path(target)
    lock.write_text("")
    os.utime(lock, (1_000_000.0, 1_000_000.0))
    monkeypatch.setattr(claims.time, "time", lambda: 1_000_000.0 + claims.STALE_EMPTY_LOCK_S)
    assert claims.STALE_EMPTY_LOCK_S == 5.0 and claims._owner(lock) is None
    monkeypatch.setattr(claims.time, "time", lambda: 1_000_000.0 + 4.999)
    assert claims._owner(lock) == -1


def test_a_lock_that_cannot_be_made_or_taken_is_bad_input(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    refused(lambda: claims.claim(tmp_path / "file" / "out").__enter__(),
            says=f"cannot make the folder {tmp_path / 'file'}: File exists.")  # the reason, not the errno
    tries = []

    def taken(path, flags, mode=0o777):
        tries.append(path)
        raise FileExistsError(path)

    monkeypatch.setattr(claims, "_owner", lambda lock: None)
    monkeypatch.setattr(claims.os, "open", taken)
    refused(lambda: claims.claim(tmp_path / "out").__enter__(), says="cannot take the lock")
    assert len(tries) == 3

    def denied(path, flags, mode=0o777):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(claims.os, "open", denied)
    refused(lambda: claims.claim(tmp_path / "out").__enter__(),
            says=f"cannot write beside the results folder {tmp_path / 'out'}: Permission denied.")


def test_alive_knows_a_process_by_its_pid_and_start_time(monkeypatch):
    me = psutil.Process().create_time()
    assert claims.alive(os.getpid()) and claims.alive(os.getpid(), me) and claims.alive(os.getpid(), me + 0.9)
    assert claims.alive(os.getpid(), me - 0.9)
    if (me + 1.0) - me == 1.0:
        assert not claims.alive(os.getpid(), me + 1.0)
    assert not claims.alive(os.getpid(), me + 1.5) and not claims.alive(os.getpid(), me - 1.5)
    assert not claims.alive(dead_pid())
    zombie = subprocess.Popen(["true"])  # exited, not yet reaped
    try:
        deadline = time.monotonic() + 10
        while psutil.Process(zombie.pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not claims.alive(zombie.pid)
    finally:
        zombie.wait()

    class Denied:
        def __init__(self, pid):
            raise psutil.AccessDenied(pid)

    monkeypatch.setattr(claims.psutil, "Process", Denied)
    assert claims.alive(1, 0.0)
    assert claims._start_time(1) == 0.0


# ---- claim: what killed runs left ------------------------------------------------------------------------------


def test_leftovers_of_dead_runs_are_removed_and_others_kept(tmp_path):
    target = tmp_path / "out"
    dead, live, me = dead_pid(), os.getppid(), os.getpid()
    made = {name: tmp_path / name for name in (
        f".out.tmp-{dead}-abc", f".out.tmp-{live}-abc", f".out.tmp-{me}-abc", ".out.tmp-xyz",
        f".out.old-{dead}", f".out.old-{live}", f".other.tmp-{dead}-abc", "out", f".out.tmp-{dead}-file")}
    for name, path in made.items():
        if name.endswith("-file"):
            path.write_text("x")
        else:
            path.mkdir()
    (tmp_path / f".out.tmp-{dead}-link").symlink_to(made["out"])
    removed = claims.remove_stale(target)
    assert sorted(p.name for p in removed) == sorted([f".out.tmp-{dead}-abc", ".out.tmp-xyz", f".out.old-{dead}"])
    assert names(tmp_path) == sorted([f".out.tmp-{live}-abc", f".out.tmp-{me}-abc", f".out.old-{live}",
                                      f".other.tmp-{dead}-abc", "out", f".out.tmp-{dead}-file",
                                      f".out.tmp-{dead}-link"])
    assert claims.remove_stale(tmp_path / "missing" / "out") == []


def test_two_runs_removing_the_same_leftovers_at_once_do_not_fail(tmp_path, monkeypatch):
    stale = tmp_path / f".out.tmp-{dead_pid()}-abc"
    stale.mkdir()
    real = claims.shutil.rmtree

    def other_run_first(path, **kwargs):
        real(path)  # the other run removes it between our listing and our removal
        real(path, **kwargs)

    monkeypatch.setattr(claims.shutil, "rmtree", other_run_first)
    assert claims.remove_stale(tmp_path / "out") == [stale]
    assert names(tmp_path) == []


def test_claiming_a_folder_removes_what_killed_runs_left(tmp_path):
    (tmp_path / f".out.tmp-{dead_pid()}-abc").mkdir()
    with claims.claim(tmp_path / "out"):
        assert names(tmp_path) == [".out.lock"]
