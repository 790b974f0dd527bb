"""The results writer in process, function by function (results/folder.py, results/claim.py): where a folder may
be written, the temporary folder and its rename, the manifest, the lock and the cleanup of killed runs. Fast:
the mutation run of the writer (docs/reliability.md, "Mutation testing") runs this file for each mutant; the
same rules through `indusco run` are tests/test_results_folder.py's."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from indusco_sim.errors import InputError, OutputError
from indusco_sim.results import claim as claims
from indusco_sim.results import folder as writer


def ours(path: Path, **manifest) -> Path:
    path.mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps({"program": "indusco-sim", **manifest}), encoding="utf-8")
    return path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def refused(call, *args, says: str, exc=InputError) -> None:
    with pytest.raises(exc) as info:
        call(*args)
    assert says in str(info.value)


# ---- check_target ----------------------------------------------------------------------------------------------


def test_a_new_folder_may_be_written_and_its_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert writer.check_target(Path("a/b/new")) == tmp_path / "a" / "b" / "new"
    assert writer.check_target(Path("new"), force=True) == tmp_path / "new"


def test_the_root_the_working_folder_and_folders_above_it_are_refused(tmp_path, monkeypatch):
    work = ours(tmp_path / "work")
    monkeypatch.chdir(work)
    for target in (Path("/"), Path("."), Path(".."), tmp_path.parent):
        refused(writer.check_target, target, True, says="holds the folder you are working in")
    assert writer.check_target(work / "inner") == work / "inner"  # below the working folder is fine
    assert writer.check_target(tmp_path / "sibling") == tmp_path / "sibling"


def test_a_link_is_refused_even_dangling_and_even_to_a_folder_of_ours(tmp_path):
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "link").symlink_to(ours(tmp_path / "real"))
    for name in ("dangling", "link"):
        refused(writer.check_target, tmp_path / name, True, says="symbolic link")


def test_an_existing_folder_needs_force_and_must_be_ours(tmp_path):
    mine = ours(tmp_path / "mine")
    refused(writer.check_target, mine, says="already exists")  # force is off unless asked for
    refused(lambda: writer.atomic_folder(mine).__enter__(), says="already exists")
    refused(writer.check_target, mine, False, says="already exists")
    assert writer.check_target(mine, force=True) == mine
    (tmp_path / "file").write_text("x")
    for force in (True, False):  # without --force too: it is a file, not a folder that exists
        refused(writer.check_target, tmp_path / "file", force, says="is a file, not a results folder")
    (tmp_path / "theirs").mkdir()
    refused(writer.check_target, tmp_path / "theirs", True, says="was not written by indusco-sim")
    refused(writer.check_target, tmp_path / "file" / "below", True, says=f"inside {tmp_path / 'file'}: it is a file")


def test_a_results_folder_is_one_whose_manifest_names_this_program(tmp_path):
    assert writer.is_results_folder(ours(tmp_path / "a"))
    assert not writer.is_results_folder(tmp_path / "missing")
    for text in ('{"program": "other"}', "not json", '["indusco-sim"]', "\xff"):
        folder = tmp_path / f"f{len(names(tmp_path))}"
        folder.mkdir()
        (folder / "manifest.json").write_bytes(text.encode("latin-1"))
        assert not writer.is_results_folder(folder), text


# ---- atomic_folder ---------------------------------------------------------------------------------------------


def test_a_folder_is_written_beside_the_target_then_renamed_whole(tmp_path):
    target = tmp_path / "out"
    with writer.atomic_folder(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(f".out.tmp-{os.getpid()}-")
        assert names(tmp_path) == sorted([".out.lock", tmp.name])
        (tmp / "table.csv").write_text("a\n1\n")
        assert not target.exists()
    assert names(tmp_path) == ["out"]
    assert names(target) == ["manifest.json", "table.csv"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["program"] == "indusco-sim" and manifest["versions"]["python"]


def test_a_manifest_the_run_wrote_is_kept(tmp_path):
    with writer.atomic_folder(tmp_path / "out") as tmp:
        writer.write_json(tmp / "manifest.json", {"program": "indusco-sim", "seed": 3})
    assert json.loads((tmp_path / "out" / "manifest.json").read_text()) == {"program": "indusco-sim", "seed": 3}


@pytest.mark.parametrize(("umask", "mode"), [(0o027, 0o750), (0o002, 0o775), (0o000, 0o777)])
def test_the_folder_is_as_readable_as_the_umask_makes_any_other(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        with writer.atomic_folder(tmp_path / "out"):
            pass
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o7777 == mode


def test_force_replaces_a_folder_of_ours_whole(tmp_path):
    target = ours(tmp_path / "out")
    (target / "old.txt").write_text("old")
    with writer.atomic_folder(target, force=True) as tmp:
        (tmp / "new.txt").write_text("new")
        assert (target / "old.txt").exists()  # untouched until the new folder is complete
    assert names(target) == ["manifest.json", "new.txt"]
    assert names(tmp_path) == ["out"]  # no .out.old-PID, no temporary folder, no lock


def test_an_old_folder_that_will_not_go_away_leaves_the_new_one_in_place(tmp_path, monkeypatch):
    target = ours(tmp_path / "out")
    real = writer.shutil.rmtree

    def vanished_first(path, **kwargs):
        if ".old-" in Path(path).name:
            real(path)  # gone already (or not removable): the new folder is complete all the same
        real(path, **kwargs)

    monkeypatch.setattr(writer.shutil, "rmtree", vanished_first)
    with writer.atomic_folder(target, force=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert names(target) == ["manifest.json", "new.txt"] and names(tmp_path) == ["out"]


def test_a_failing_run_leaves_nothing_and_an_old_folder_as_it_was(tmp_path):
    with pytest.raises(RuntimeError), writer.atomic_folder(tmp_path / "new"):
        raise RuntimeError("the model failed")
    assert names(tmp_path) == []
    target = ours(tmp_path / "out", seed=1)
    before = (target / "manifest.json").read_bytes()
    with pytest.raises(OutputError) as info, writer.atomic_folder(target, force=True) as tmp:
        (tmp / "half").write_text("x")
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp / "table.parquet"))
    assert "the disk is full (table.parquet)" in str(info.value) and info.value.exit_code == 1
    assert names(tmp_path) == ["out"] and names(target) == ["manifest.json"]
    assert (target / "manifest.json").read_bytes() == before


def test_a_temporary_folder_that_cannot_be_made_is_bad_input(tmp_path, monkeypatch):
    def no_room(**kwargs):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(writer.tempfile, "mkdtemp", no_room)
    refused(lambda: writer.atomic_folder(tmp_path / "out").__enter__(),
            says=f"cannot make the results folder {tmp_path / 'out'}: Permission denied.")  # the reason alone
    assert names(tmp_path) == []  # the lock is released


def test_a_rename_that_fails_puts_the_old_folder_back(tmp_path):
    target = ours(tmp_path / "out")
    with pytest.raises(FileNotFoundError):
        writer._replace(tmp_path / "missing-tmp", target)
    assert names(tmp_path) == ["out"] and names(target) == ["manifest.json"]
    new = tmp_path / "tmp"
    new.mkdir()
    writer._replace(new, tmp_path / "fresh")
    assert names(tmp_path) == ["fresh", "out"]


def test_write_failures_name_the_reason_and_the_file(tmp_path):
    target = tmp_path / "out"
    for code, reason in ((errno.ENOSPC, "the disk is full"), (errno.EDQUOT, "the disk quota is exceeded"),
                         (errno.EACCES, "permission denied"), (errno.EROFS, "the file system is read-only"),
                         (errno.EIO, "Input/output error")):
        err = writer.write_failed(target, OSError(code, os.strerror(code), "/x/y/towns.csv"))
        assert err.message.startswith(f"cannot write the results folder {target}: {reason} (towns.csv); nothing was")
        assert err.key == "--out"
    assert f"{target}: odd; nothing" in writer.write_failed(target, OSError("odd")).message


def test_tables_are_written_as_parquet_and_optionally_csv(tmp_path):
    frame = pd.DataFrame({"x": [1 / 3, 2.0], "day": pd.to_datetime(["1940-05-01", "1940-06-01"])})
    writer.write_table(frame, tmp_path, "plain")
    assert names(tmp_path) == ["plain.parquet"]
    writer.write_table(frame, tmp_path, "both", csv=True)
    assert (tmp_path / "both.csv").read_text() == "x,day\n0.3333333333,1940-05-01\n2,1940-06-01\n"
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "both.parquet"), frame)
    writer.write_table(frame.iloc[[1, 0]], tmp_path, "picked", csv=True)  # the frame's own index is not written
    back = pd.read_parquet(tmp_path / "picked.parquet")
    assert list(back.columns) == ["x", "day"] and back.index.tolist() == [0, 1] and back["x"].tolist() == [2.0, 1 / 3]
    assert (tmp_path / "picked.csv").read_text().splitlines()[0] == "x,day"


def test_json_is_indented_in_key_order_with_a_final_newline(tmp_path):
    writer.write_json(tmp_path / "m.json", {"b": 1, "a": tmp_path})
    assert (tmp_path / "m.json").read_text() == f'{{\n  "b": 1,\n  "a": "{tmp_path}"\n}}\n'


# ---- manifest --------------------------------------------------------------------------------------------------


def test_the_manifest_records_the_command_versions_and_run(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/opt/venv/bin/indusco", "run", "/x/baseline.yaml", "--seeds", "3"])
    m = writer.manifest(seed=5, scenario_hash="abc", timing={"s": 1.0}, backend="numba", extra={"members": 3})
    assert m["program"] == "indusco-sim" and m["command"] == "indusco run /x/baseline.yaml --seeds 3"
    assert (m["seed"], m["scenario_hash"], m["timing"], m["backend"], m["members"]) == (5, "abc", {"s": 1.0},
                                                                                         "numba", 3)
    assert m["git_revision"] == writer.git_revision() and m["versions"] == writer.versions()
    assert "extra" not in writer.manifest(seed=5, scenario_hash="abc", timing={}, backend="mesa")


def test_versions_name_every_dependency_or_say_it_is_missing(monkeypatch):
    monkeypatch.setattr(writer, "DEPENDENCIES", ("indusco-sim", "no-such-package-here"))
    assert writer.versions() == {"python": sys.version.split()[0], "indusco-sim": "0.1.0",
                                 "no-such-package-here": "not installed"}


def test_the_git_revision_is_the_checkout_the_package_runs_from(monkeypatch):
    root = Path(writer.__file__).resolve().parents[3]
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    got = writer.git_revision()
    if head:  # a git checkout (else, an installed copy: "unknown")
        assert re.fullmatch(r"[0-9a-f]{40}(\+dirty)?", got) and got.split("+")[0] == head
    else:
        assert got == "unknown"

    def git(output: str, returncode: int = 0):
        def run(args, check=False, **kwargs):
            if check and returncode:
                raise subprocess.CalledProcessError(returncode, args)
            is_status = "status" in args
            return subprocess.CompletedProcess(args, returncode, output if is_status else "f" * 40 + "\n", "")
        return run

    monkeypatch.setattr(writer.subprocess, "run", git(" M src/x.py\n"))
    assert writer.git_revision() == "f" * 40 + "+dirty"
    monkeypatch.setattr(writer.subprocess, "run", git(""))
    assert writer.git_revision() == "f" * 40
    monkeypatch.setattr(writer.subprocess, "run", git("", returncode=128))  # not a git checkout
    assert writer.git_revision() == "unknown"


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
