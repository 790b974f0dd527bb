"""`indusco run --animate`: one GIF frame per simulated month, inside the results folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from indusco_sim.cli import app
from indusco_sim.world.calendar import Calendar

ROOT = Path(__file__).resolve().parents[1]


def months_simulated(start: dt.date, end: dt.date) -> set[tuple[int, int]]:
    """(year, month) of every week tick's last day (the last week may run past `end`)."""
    cal = Calendar.build(start, end, "week")
    return {(d.year, d.month) for d in map(cal.date_of, range(cal.n_ticks))}


def test_run_animate_writes_one_frame_per_month(tmp_path):
    out = tmp_path / "short"
    result = CliRunner().invoke(app, ["run", str(ROOT / "scenarios" / "baseline.yaml"), "--set",
                                      "time.end=1938-12-31", "--out", str(out), "--animate", "--quiet"])
    assert result.exit_code == 0, result.output
    gif = out / "plots" / "network_growth.gif"
    assert gif.is_file()
    with Image.open(gif) as image:
        assert image.n_frames == len(months_simulated(dt.date(1938, 8, 5), dt.date(1938, 12, 31)))
        image.seek(image.n_frames - 1)
        assert len(image.convert("L").getcolors(maxcolors=1 << 16)) > 10  # a drawing, not a blank frame
    assert not list(tmp_path.glob(".short.tmp-*")), "the temporary folder was left behind"


def test_run_without_animate_writes_no_gif(tmp_path):
    out = tmp_path / "plain"
    result = CliRunner().invoke(app, ["run", str(ROOT / "scenarios" / "baseline.yaml"), "--set",
                                      "time.end=1938-09-30", "--out", str(out), "--quiet", "--no-plots"])
    assert result.exit_code == 0, result.output
    assert not (out / "plots" / "network_growth.gif").exists()
