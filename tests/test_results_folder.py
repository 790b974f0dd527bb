"""The results folder is claimed, replaced and written safely: --force replaces only a folder this program
wrote, never the working folder or the root or a link; a failing write (a full disk) leaves an old folder as it
was; a second run on the same folder is refused at once; what killed runs left behind is cleaned up."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import BASELINE, SHORT_RUN, assert_input_error, indusco_in_process, leftovers, write

QUICK = ("--set", SHORT_RUN, "--no-plots", "-q")


def ours(folder: Path, *files: str) -> Path:
    """A folder as an earlier run of this program left it (its manifest.json names the program)."""
    folder.mkdir(parents=True)
    write(folder, "manifest.json", json.dumps({"program": "indusco-sim", "seed": 1}))
    for name in files:
        write(folder, name, "earlier results")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_force_refuses_a_folder_this_program_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    write(out, "thesis.tex", "years of work")
    outcome = indusco_in_process("run", BASELINE, "--out", out, "--force", *QUICK)
    assert_input_error(outcome, file=None, key="--out", says=("not written by indusco-sim", "--force"))
    assert leftovers(out) == ["thesis.tex"]
    assert leftovers(tmp_path) == ["precious"]


@pytest.mark.parametrize("where", [".", "/", ".."])
def test_force_refuses_the_working_folder_and_the_root(where: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    ours(work)  # even a folder of ours is refused while it is the working folder
    monkeypatch.chdir(work)
    outcome = indusco_in_process("run", BASELINE, "--out", where, "--force", *QUICK)
    assert_input_error(outcome, file=None, key="--out", says=("folder you are working in",))
    assert leftovers(work) == ["manifest.json"]
    assert leftovers(tmp_path) == ["work"]


def test_a_dangling_link_as_out_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    outcome = indusco_in_process("run", BASELINE, "--out", link, "--force", *QUICK)
    assert_input_error(outcome, file=None, key="--out", says=("symbolic link",))
    assert leftovers(tmp_path) == ["link"]


def test_a_full_disk_keeps_the_old_folder_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC while writing: one paragraph, exit 1; the old folder is whole and never half-replaced."""
    from indusco_sim.results import folder as outputs

    out = ours(tmp_path / "res", "keep.txt")
    before = snapshot(out)
    seen_during_write: list[dict] = []
    write_table = outputs.write_table

    def full_disk(frame, folder: Path, name: str, csv: bool = False) -> None:
        seen_during_write.append(snapshot(out))  # the target as a reader would see it mid-write
        if name == "cooperatives":
            raise OSError(errno.ENOSPC, "No space left on device", str(folder / f"{name}.parquet"))
        write_table(frame, folder, name, csv)

    monkeypatch.setattr(outputs, "write_table", full_disk)
    outcome = indusco_in_process("run", BASELINE, "--out", out, "--force", *QUICK)
    assert outcome.code == 1, outcome.stderr
    message = outcome.stderr.strip()
    assert "Traceback" not in message and "\n" not in message
    assert "the disk is full" in message and "unchanged" in message
    assert snapshot(out) == before
    assert seen_during_write and all(s == before for s in seen_during_write)
    assert leftovers(tmp_path) == ["res"]


def test_a_failing_force_run_keeps_the_old_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from indusco_sim.results import folder as outputs

    out = ours(tmp_path / "res", "keep.txt")
    before = snapshot(out)
    write_json = outputs.write_json

    def failing(path: Path, data: dict) -> None:
        assert snapshot(out) == before
        if path.name == "summary.json":
            raise RuntimeError("simulated failure while writing")
        write_json(path, data)

    monkeypatch.setattr(outputs, "write_json", failing)
    with pytest.raises(RuntimeError, match="simulated failure"):
        indusco_in_process("run", BASELINE, "--out", out, "--force", *QUICK)
    assert snapshot(out) == before
    assert leftovers(tmp_path) == ["res"]


def test_leftovers_of_killed_runs_are_removed_by_the_next_run(tmp_path: Path) -> None:
    pid = dead_pid()
    (tmp_path / f".res.tmp-{pid}-abc123").mkdir()
    (tmp_path / f".res.tmp-{pid}-abc123" / "timeseries.csv").write_text("half")
    (tmp_path / ".res.tmp-k2j4l5m6").mkdir()  # the naming of versions before the pid was in the name
    (tmp_path / f".res.old-{pid}").mkdir()
    (tmp_path / ".res.lock").write_text(f"{pid} 12345.0\n")
    (tmp_path / ".other.tmp-1-x").mkdir()  # another folder's: not touched
    outcome = indusco_in_process("run", BASELINE, "--out", tmp_path / "res", *QUICK)
    assert outcome.code == 0, outcome.stderr
    assert leftovers(tmp_path) == [".other.tmp-1-x", "res"]


def test_a_folder_claimed_by_a_live_run_is_refused_at_once(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        import psutil

        started = psutil.Process(holder.pid).create_time()
        (tmp_path / ".res.lock").write_text(f"{holder.pid} {started}\n")
        t0 = time.perf_counter()
        outcome = indusco_in_process("run", BASELINE, "--out", tmp_path / "res", *QUICK)
        assert time.perf_counter() - t0 < 10
        assert_input_error(outcome, file=None, key="--out", says=(f"pid {holder.pid}", "another --out"))
        assert leftovers(tmp_path) == [".res.lock"]
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_two_runs_on_one_folder_a_moment_apart(tmp_path: Path) -> None:
    """The second of two runs started together is refused with exit 2; the first writes the folder."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, "-m", "indusco_sim", "run", str(BASELINE), "--out", str(tmp_path / "res"),
            "--set", "time.end=1946-12-31", "--no-plots", "-q"]
    first = subprocess.Popen(args, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (tmp_path / ".res.lock").exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    second = indusco_in_process(*args[3:])
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert_input_error(second, file=None, key="--out", says=("another indusco run",))
    assert leftovers(tmp_path) == ["res"]
    assert json.loads((tmp_path / "res" / "manifest.json").read_text())["program"] == "indusco-sim"


def test_a_name_with_a_line_break_is_refused(tmp_path: Path) -> None:
    scenario = write(tmp_path, "s.yaml", f'extends: {BASELINE}\nname: "two\\nlines"\n')
    outcome = indusco_in_process("validate", scenario)
    assert_input_error(outcome, file=str(scenario), line=2, key="name", says=("results folder", "line break"))
