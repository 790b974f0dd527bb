"""Writing a results folder: atomically (a temporary folder, then a rename), whole or not at all.

Contents: timeseries.parquet/.csv, cooperatives.parquet, towns.csv, summary.json, manifest.json,
scenario.resolved.yaml and plots/.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pandas as pd

from indusco_sim import signals
from indusco_sim.errors import InputError, OutputError
from indusco_sim.results.claim import claim, temp_prefix

DEPENDENCIES = ("indusco-sim", "mesa", "numba", "numpy", "pandas", "pyarrow", "networkx", "pydantic", "matplotlib",
                "PyYAML", "llvmlite")


PROGRAM = "indusco-sim"  # manifest.json's "program": how --force recognises a folder this program wrote


def check_target(target: Path, force: bool = False) -> Path:
    """A results folder can be written at `target`: it is new, or (with `force`) a folder this program wrote;
    it is not a symbolic link, nor the root or the working folder or one above it; its parents are folders.

    Called before a run starts, so that a bad --out costs no simulation time. Returns the absolute path.
    """
    target = Path(os.path.abspath(target))
    here = Path.cwd()
    if target.parent == target or target == here or target in here.parents:
        raise InputError(f"{target} holds the folder you are working in (or is the root)", key="--out",
                         valid="a new folder for the results, e.g. --out results/run1")
    if target.is_symlink():
        raise InputError(f"{target} is a symbolic link", key="--out",
                         valid="a folder path that is not a link (results are written beside it, then renamed)")
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} is a file, not a results folder", key="--out",
                         valid="a new folder path (--force replaces only a results folder)")
    if target.exists() and not force:
        raise InputError(f"results folder {target} already exists", key="--out",
                         valid="a new folder, or --force to replace it")
    if target.exists() and not is_results_folder(target):
        raise InputError(f"{target} was not written by {PROGRAM} (it has no manifest.json of ours), so --force "
                         "will not replace it", key="--out",
                         valid="a new folder, or a results folder this program wrote")
    parent = next((p for p in (target, *target.parents) if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise InputError(f"cannot make a folder inside {parent}: it is a file", key="--out",
                         valid="a folder path whose parents are folders")
    return target


def is_results_folder(folder: Path) -> bool:
    """`folder` holds a manifest.json whose "program" is this package."""
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("program") == PROGRAM


@contextlib.contextmanager
def atomic_folder(target: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder next to `target`; on success rename it to `target`, else delete it.

    An existing `target` is an InputError unless `force` and it is a folder this program wrote, which is
    replaced only once the new folder is complete. The folder is claimed (results/claim.py) meanwhile. A
    write that fails (a full disk) is an OutputError (exit 1) and leaves any old folder as it was.
    """
    target = check_target(target, force)
    with claim(target):
        try:
            tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(target), dir=target.parent))
        except OSError as exc:
            raise InputError(f"cannot make the results folder {target}: {exc.strerror or exc}", key="--out",
                             valid="a folder path you may write to") from None
        umask = os.umask(0)
        os.umask(umask)
        try:
            tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; a results folder is as readable as any other
            yield tmp
            if not (tmp / "manifest.json").exists():
                write_json(tmp / "manifest.json", {"program": PROGRAM, "versions": versions()})
            signals.check()  # a SIGINT or SIGTERM whose exception was dropped (signals.py) writes nothing either
            _replace(tmp, target)
        except OSError as exc:
            raise write_failed(target, exc) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _replace(tmp: Path, target: Path) -> None:
    """Rename `tmp` to `target`, moving an old `target` aside first and deleting it once the new one is there."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        target.rename(old)
    try:
        tmp.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_failed(target: Path, exc: OSError) -> OutputError:
    """A failed write as one paragraph: the disk full, no permission, or the system's own words."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
              errno.EACCES: "permission denied", errno.EROFS: "the file system is read-only"}.get(
        exc.errno, exc.strerror or str(exc))
    name = f" ({Path(exc.filename).name})" if getattr(exc, "filename", None) else ""
    return OutputError(f"cannot write the results folder {target}: {reason}{name}; nothing was written and any "
                       "earlier folder there is unchanged", key="--out",
                       valid="free some space (or choose another --out) and run again")


def write_table(frame: pd.DataFrame, folder: Path, name: str, csv: bool = False) -> None:
    """Parquet (and CSV) written byte-for-byte the same for the same frame."""
    frame.to_parquet(folder / f"{name}.parquet", index=False, engine="pyarrow", compression="zstd")
    if csv:
        frame.to_csv(folder / f"{name}.csv", index=False, float_format="%.10g", date_format="%Y-%m-%d")


def git_revision() -> str:
    """The commit of the working tree this package runs from ('+dirty' when it has changes), or 'unknown'."""
    root = Path(__file__).resolve().parents[3]
    try:
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(*, seed: int, scenario_hash: str, timing: dict, backend: str, extra: dict | None = None) -> dict:
    return {
        "program": PROGRAM,
        "command": " ".join(Path(sys.argv[0]).name if i == 0 else a for i, a in enumerate(sys.argv)),
        "versions": versions(),
        "platform": platform.platform(),
        "git_revision": git_revision(),
        "seed": seed,
        "backend": backend,
        "scenario_hash": scenario_hash,
        "timing": timing,
        **(extra or {}),
    }


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")
