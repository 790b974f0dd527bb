"""The results writer in process, function by function (results/folder.py): where a folder may be written, the
temporary folder and its rename, and the manifest. The lock and the cleanup of killed runs (results/claim.py)
are tests/test_results_claim.py's. Fast: the mutation run of the writer (docs/reliability.md, "Mutation
testing") runs both files for each mutant; the same rules through `indusco run` are
tests/test_results_folder.py's."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from indusco_sim.errors import OutputError
from indusco_sim.results import folder as writer
from writer_helpers import names, ours, refused

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
