"""Writing a results folder: atomically (a temporary folder, then a rename), whole or not at all.

Contents: timeseries.parquet/.csv, cooperatives.parquet, towns.csv, summary.json, manifest.json,
scenario.resolved.yaml and plots/.
"""

from __future__ import annotations

import contextlib
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

from indusco_sim.errors import InputError

DEPENDENCIES = ("indusco-sim", "mesa", "numba", "numpy", "pandas", "pyarrow", "networkx", "pydantic", "matplotlib",
                "PyYAML", "llvmlite")


def check_target(target: Path, force: bool = False) -> None:
    """A results folder can be written at `target`: it is new (or `force`) and its parent is, or can be, a folder.

    Called before a run starts, so that a bad --out costs no simulation time.
    """
    target = Path(target)
    if target.exists() and not force:
        raise InputError(f"results folder {target} already exists", key="--out",
                         valid="a new folder, or --force to replace it")
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} is a file, not a results folder", key="--out",
                         valid="a folder path; --force replaces only a folder")
    parent = next((p for p in (target.absolute(), *target.absolute().parents) if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise InputError(f"cannot make a folder inside {parent}: it is a file", key="--out",
                         valid="a folder path whose parents are folders")


@contextlib.contextmanager
def atomic_folder(target: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder next to `target`; on success rename it to `target`, else delete it.

    An existing `target` is an InputError unless `force`, in which case it is replaced only once the new
    folder is complete.
    """
    target = Path(target)
    check_target(target, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    except OSError as exc:
        raise InputError(f"cannot make the results folder {target}: {exc.strerror or exc}", key="--out",
                         valid="a folder path you may write to") from None
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; a results folder is as readable as any other
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
        "program": "indusco-sim",
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
