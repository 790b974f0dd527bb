"""Helpers of the results writer's tests (test_results_writer.py, test_results_claim.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from indusco_sim.errors import InputError


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
