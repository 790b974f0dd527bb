"""`indusco run S --animate`: the map over time as plots/network_growth.gif, one frame per simulated month.

`MonthlySnapshots` is a progress hook for the runner: after every tick it overwrites the current month's
snapshot (cooperatives per town, regions, occupation, HQs: a few small arrays), so each month keeps its
last tick. `write_gif` draws each snapshot with plots.draw_map over the coast outline and saves an animated
GIF with matplotlib's Pillow writer (no ffmpeg).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.animation import FuncAnimation, PillowWriter

from indusco_sim.results.plots import draw_map, region_colours
from indusco_sim.world.outline import bbox_around, draw_outline

FRAME_MS = 250  # display time of one month


@dataclass
class Snapshot:
    date: str
    coops: np.ndarray      # live cooperatives per town
    region: np.ndarray     # region index per town, -1 for none
    occupied: np.ndarray   # bool per town
    hq: np.ndarray         # towns that are a live region's HQ


class MonthlySnapshots:
    """Per-month state of the towns, recorded while the model runs (call it after every tick)."""

    def __init__(self):
        self.months: dict[tuple[int, int], Snapshot] = {}
        self.region_names: list[str] = []
        self.towns: pd.DataFrame | None = None
        self.routes: pd.DataFrame | None = None

    def record(self, model) -> None:
        """Overwrite this month's snapshot with the model's state now."""
        if self.towns is None:
            self.towns = model.network.towns[["town", "lat", "lon"]].copy()
            self.routes = model.network.routes
        date = model.date
        self.months[(date.year, date.month)] = Snapshot(
            date=str(date), coops=model.recorder.latest().by_town[0].copy(),
            region=model.town_region.copy(), occupied=model.occupied.copy(),
            hq=model.regions.hq[model.regions.alive].copy())
        self.region_names = list(model.region_names)

    def frames(self) -> list[Snapshot]:
        return [self.months[k] for k in sorted(self.months)]

    def towns_at(self, snap: Snapshot) -> pd.DataFrame:
        """The towns table draw_map expects, for one snapshot."""
        frame = self.towns.copy()
        frame["region"] = [self.region_names[r] if r >= 0 else "" for r in snap.region]
        frame["cooperatives"] = snap.coops
        frame["occupied"] = snap.occupied
        frame["hq"] = np.isin(np.arange(len(frame)), snap.hq)
        return frame


def write_gif(snapshots: MonthlySnapshots, path: Path, title: str = "", dpi: int = 80) -> Path:
    """Draw every month and save the animated GIF at `path`; returns the path."""
    frames = snapshots.frames()
    if not frames:
        raise ValueError("no snapshots recorded")
    towns = snapshots.towns
    bbox = bbox_around(towns["lon"].to_numpy(), towns["lat"].to_numpy())
    colours = region_colours(snapshots.region_names)
    fig, ax = plt.subplots(figsize=(8, 7))

    def draw(i: int) -> None:
        ax.clear()
        snap = frames[i]
        draw_outline(ax, bbox)
        draw_map(ax, snapshots.towns_at(snap), snapshots.routes, colours, title)
        ax.set_aspect(1 / np.cos(np.radians(sum(bbox[2:]) / 2)), adjustable="box")
        ax.set_xlim(*bbox[:2])
        ax.set_ylim(*bbox[2:])
        ax.text(0.02, 0.97, snap.date, transform=ax.transAxes, fontsize=20, fontweight="bold", va="top",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
        ax.text(0.02, 0.90, f"{int(snap.coops.sum()):,} cooperatives", transform=ax.transAxes, fontsize=11,
                va="top")

    fig.tight_layout()
    animation = FuncAnimation(fig, draw, frames=len(frames), interval=FRAME_MS)
    path.parent.mkdir(parents=True, exist_ok=True)
    animation.save(path, writer=PillowWriter(fps=1000 / FRAME_MS), dpi=dpi)
    plt.close(fig)
    return path
