"""Running `indusco` from tests: as a real subprocess (`python -m indusco_sim`) or in-process with typer's CliRunner,
and checking the one-paragraph error the standard asks for."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline.yaml"
SHORT_RUN = "time.end=1938-10-31"  # keeps a run that does start to a few weeks


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def indusco(*args: object, cwd: Path, timeout: float = 600) -> Outcome:
    """`python -m indusco_sim ARGS` in `cwd`, as a user would run it."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([sys.executable, "-m", "indusco_sim", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def indusco_in_process(*args: object) -> Outcome:
    """The same command through typer's CliRunner (no interpreter start-up); an uncaught exception re-raises."""
    from indusco_sim.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def write(folder: Path, name: str, text: str) -> Path:
    """Write a scenario (or data file) into `folder`; returns its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def extending_baseline(body: str) -> str:
    """A scenario that extends the repository's baseline (by absolute path) and adds `body` from line 2 on."""
    return f"extends: {BASELINE}\n{body}"


def assert_input_error(outcome: Outcome, *, file: str | None, line: int | None = None, key: str | None = None,
                       says: tuple[str, ...] = ()) -> str:
    """Exit status 2, no traceback, and one paragraph that begins 'error: FILE, line N, key 'K': ' and says
    what is valid. Returns the message."""
    assert "Traceback" not in outcome.stderr + outcome.stdout, outcome.stderr
    assert outcome.code == 2, f"exit status {outcome.code}: {outcome.stderr}"
    message = outcome.stderr.strip()
    assert message.count("\n") == 0, f"not one paragraph: {message!r}"
    where = [str(file)] if file else []
    if line is not None:
        where.append(f"line {line}")
    if key is not None:
        where.append(f"key '{key}'")
    prefix = "error: " + ", ".join(where) + ": "
    assert message.startswith(prefix), f"expected the message to begin {prefix!r}: {message!r}"
    assert " Valid: " in message, f"does not say what is valid: {message!r}"
    for text in says:
        assert text in message, f"expected {text!r} in {message!r}"
    return message


def leftovers(folder: Path) -> list[str]:
    """Everything in `folder` (hidden temporary folders included); [] when it does not exist."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_drawn(path: Path, min_size: tuple[int, int] = (800, 450)) -> None:
    """A PNG that decodes, at least min_size pixels (the figures are 9 x 5 in or more at 110 dpi), with a
    drawing on it: many colours and most of its pixels away from the background."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as img:
        assert img.format == "PNG" and img.size >= min_size, (path.name, img.size)
        pixels = np.asarray(img.convert("RGB"), dtype=np.int16)
    colours = len(np.unique(pixels.reshape(-1, 3), axis=0))
    background = np.abs(pixels - pixels[0, 0]).sum(axis=2) > 30
    assert colours > 50 and background.mean() > 0.02, (path.name, colours, background.mean())
