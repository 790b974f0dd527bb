"""plots/region_timeline.png: the regions of a run over time against the archive.

Top: the number of regions as a step line, with the archive's five (1940) and seven (summer 1942) as black
diamonds. Bottom: one bar per region from its founding to the end of the run, in founding order; each split
is an arrow from the parent's bar to the new region's, labelled "parent -> new, date".
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from indusco_sim.results.region_history import RECORD_DATES, RegionHistory


def split_label(split: dict) -> str:
    """'Southeast → Jinhua, 1941-03-07': parent, new region and date of one split (model.splits row)."""
    return f"{split['parent']} → {split['region']}, {split['date']}"


def region_counts(hist: RegionHistory) -> pd.Series:
    """Regions in existence at the end of every tick, indexed by date."""
    founded = pd.DatetimeIndex(hist.founded).sort_values()
    return pd.Series(founded.searchsorted(hist.dates, side="right"), index=hist.dates)


def draw_timeline(fig, hist: RegionHistory, colours: dict) -> tuple:
    """Both panels on `fig`; returns (count axes, bars axes)."""
    top, bars = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 2]})
    counts = region_counts(hist)
    top.step(counts.index, counts.to_numpy(), where="post", color="#1f4e79", linewidth=2, label="model")
    start, end = hist.dates[0], hist.dates[-1]
    for day, n in RECORD_DATES.items():
        when = pd.Timestamp(day)
        top.scatter([when], [n], marker="D", color="black", zorder=5,
                    label="archive" if day == next(iter(RECORD_DATES)) else None)
        top.annotate(f"archive: {n} ({when:%b %Y})", (when, n), xytext=(-6, 4), textcoords="offset points",
                     fontsize=8, ha="right")
        for ax in (top, bars):
            ax.axvline(when, color="black", linewidth=0.6, linestyle=":", zorder=0)
    top.set_ylabel("regions")
    top.set_ylim(0, max(int(counts.max()) if len(counts) else 0, *RECORD_DATES.values()) + 1.5)
    top.legend(fontsize=8, loc="upper left")
    top.grid(alpha=0.3)
    top.set_title("Regions over time: founding, splits and the archive's five (1940) and seven (1942)")

    row = {name: i for i, name in enumerate(hist.names)}
    for name, founded in zip(hist.names, hist.founded, strict=True):
        i = row[name]
        bars.barh(i, (end - founded).days, left=founded, height=0.6, color=colours.get(name, "#999999"),
                  edgecolor="black", linewidth=0.4, label=name)
    for k, s in enumerate(hist.splits):
        when = pd.Timestamp(s["date"])
        a, b = row.get(s["parent"]), row.get(s["region"])
        if a is None or b is None:
            continue
        bars.annotate("", (when, b), xytext=(when, a), arrowprops={"arrowstyle": "->", "color": "#b3121b"})
        bars.annotate(split_label(s), (when, b), xytext=(-4, 10 + 8 * (k % 2)), textcoords="offset points",
                      ha="right", fontsize=7.5, color="#b3121b", gid=f"split:{k}")
    bars.set_yticks(range(len(hist.names)), hist.names, fontsize=8)
    bars.set_ylim(len(hist.names) - 0.4, -0.8)
    bars.set_xlim(min(start, pd.Timestamp(min(RECORD_DATES))) - pd.Timedelta(days=30),
                  max(end, pd.Timestamp(max(RECORD_DATES))) + pd.Timedelta(days=30))
    bars.xaxis.set_major_locator(mdates.YearLocator())
    bars.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    bars.set_xlabel(f"date (run ends {end.date()})")
    bars.grid(alpha=0.3, axis="x")
    return top, bars


def plot_region_timeline(hist: RegionHistory, colours: dict, path: Path) -> Path:
    """Draw the timeline into `path` (PNG); returns the path."""
    fig = plt.figure(figsize=(10, 6))
    draw_timeline(fig, hist, colours)
    fig.subplots_adjust(left=0.14, right=0.97, top=0.93, bottom=0.09, hspace=0.08)
    fig.savefig(path, dpi=100, pil_kwargs={"compress_level": 1})
    plt.close(fig)
    return path
