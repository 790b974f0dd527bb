"""Matplotlib figures of a run: growth by region, members, output, the network map, model vs archive."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter, NullFormatter

from indusco_sim.data import load_history
from indusco_sim.results.figure_pool import Figure, draw_figures
from indusco_sim.results.region_history import RegionHistory
from indusco_sim.results.region_maps import MAPS, unreached, write_region_maps
from indusco_sim.results.region_timeline import plot_region_timeline
from indusco_sim.results.tables import national

# tab10 without its grey, then the light tab20 shades without theirs: 16 colours before one repeats
REGION_PALETTE = tuple(c for i, c in enumerate(plt.get_cmap("tab10").colors) if i != 7) + tuple(
    c for i, c in enumerate(plt.get_cmap("tab20").colors) if i % 2 and i != 15)
# zlib level 1, as the region maps already use: the same pixels, files 3-14% larger, ~35 ms less per figure
# (a 10x8 inch figure at 120 dpi: 0.066 -> 0.034 s to encode, measured 2026-12-03)
FAST_PNG = {"compress_level": 1}
MODE_STYLE = {"rail": ("#444444", "-"), "road": ("#999999", "--"), "river": ("#4a90c2", ":")}


def region_colours(names) -> dict[str, str]:
    """A stable colour per region, in order of first appearance. Greys are left out of the palette: grey
    means "no region" or "occupied" on the maps."""
    palette = REGION_PALETTE
    return {name: matplotlib.colors.to_hex(palette[i % len(palette)]) for i, name in enumerate(dict.fromkeys(names))}


def _by_region(ts: pd.DataFrame, column: str) -> pd.DataFrame:
    return ts.pivot_table(index="date", columns="region", values=column, aggfunc="sum", sort=False).fillna(0)


def plot_stacked(ts: pd.DataFrame, column: str, title: str, ylabel: str, path: Path, archive: str | None = None,
                 colours: dict | None = None) -> None:
    """Stacked area of `column` by region, with the national archive points for `archive`."""
    wide = _by_region(ts, column)
    colours = colours or region_colours(wide.columns)
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=wide.columns, colors=[colours[c] for c in wide.columns],
                 alpha=0.85)
    if archive:
        hist, _ = load_history()
        pts = hist.dropna(subset=[archive])
        pts = pts[(pts["date"] >= wide.index.min()) & (pts["date"] <= wide.index.max() + pd.Timedelta(days=31))]
        ax.scatter(pts["date"], pts[archive], color="black", zorder=5, marker="D", label="archive (national)")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110, pil_kwargs=FAST_PNG)
    plt.close(fig)


def plot_output(ts: pd.DataFrame, path: Path) -> None:
    """Monthly output, nominal (with archive points) and real (1937 prices)."""
    nat = national(ts)
    hist, _ = load_history()
    pts = hist.dropna(subset=["monthly_output_cn_dollars"])
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.5))
    a.plot(nat["date"], nat["output_nominal"] / 1e6, label="model")
    a.scatter(pts["date"], pts["monthly_output_cn_dollars"] / 1e6, color="black", marker="D", zorder=5,
              label="archive")
    a.set_title("Output, nominal")
    a.set_ylabel("CN$ million per month")
    wide = _by_region(ts, "output_real")
    colours = region_colours(wide.columns)
    b.stackplot(wide.index, wide.T.to_numpy() / 1e6, labels=wide.columns, colors=[colours[c] for c in wide.columns])
    b.set_title("Output, real (1937 prices) by region")
    b.set_ylabel("1937 CN$ million per month")
    for ax in (a, b):
        ax.legend(fontsize=8, loc="upper left")
        ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110, pil_kwargs=FAST_PNG)
    plt.close(fig)


def draw_map(ax, towns: pd.DataFrame, routes: pd.DataFrame, colours: dict, title: str = "") -> None:
    """Towns at their coordinates, routes by mode, towns sized by cooperatives and coloured by region;
    HQs as stars, occupied towns shaded grey with a cross."""
    pos = towns.set_index("town")[["lon", "lat"]]
    for r in routes.itertuples(index=False):
        colour, style = MODE_STYLE.get(r.mode, ("#999999", "-"))
        a, b = pos.loc[r[0]], pos.loc[r[1]]
        ax.plot([a.lon, b.lon], [a.lat, b.lat], color=colour, linestyle=style, linewidth=0.8, zorder=1)
    free = towns[~towns["occupied"]]
    sizes = 12 + 6 * free["cooperatives"].clip(lower=0) ** 0.75
    cols = [colours.get(r, "#bbbbbb") if r else "#bbbbbb" for r in free["region"]]
    ax.scatter(free["lon"], free["lat"], s=sizes, c=cols, edgecolors="black", linewidths=0.4, zorder=3, alpha=0.9)
    occ = towns[towns["occupied"]]
    ax.scatter(occ["lon"], occ["lat"], s=40, c="#555555", marker="X", zorder=3, label="occupied")
    hq = towns[towns["hq"] & ~towns["occupied"]]
    ax.scatter(hq["lon"], hq["lat"], s=160, facecolors="none", edgecolors="black", marker="*", zorder=4,
               label="regional HQ")
    for t in towns[(towns["cooperatives"] > 0) | towns["hq"]].itertuples():
        ax.annotate(t.town, (t.lon, t.lat), fontsize=6, xytext=(3, 3), textcoords="offset points")
    for name, colour in colours.items():
        ax.scatter([], [], c=colour, s=40, label=name)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_title(title)
    ax.grid(alpha=0.2)


def plot_map(towns: pd.DataFrame, routes: pd.DataFrame, colours: dict, path: Path, title: str) -> None:
    fig, ax = plt.subplots(figsize=(10, 8))
    draw_map(ax, towns, routes, colours, title)
    fig.tight_layout()
    fig.savefig(path, dpi=120, pil_kwargs=FAST_PNG)
    plt.close(fig)


def plot_vs_archive(comparison: list[dict], path: Path) -> None:
    """Each archive figure against the model's value at the same date (log scale), one marker per figure."""
    frame = pd.DataFrame(comparison)
    fig, ax = plt.subplots(figsize=(9, 5))
    if not frame.empty:
        labels = [f"{r.date} {r.region if r.scope == 'national' else r.region + ' (' + r.scope + ')'}\n{r.metric}"
                  for r in frame.itertuples()]
        y = range(len(frame))
        ax.scatter(frame["archive"], y, marker="D", color="black", label="archive")
        ax.scatter(frame["model"], y, marker="o", color="#d62728", label="model")
        for i, r in enumerate(frame.itertuples()):
            ax.plot([r.archive, r.model], [i, i], color="#d62728", alpha=0.4)
        ax.set_yticks(list(y), labels, fontsize=7)
        ax.set_xscale("log")
        # plain numbers ("10,000"), not matplotlib's 10^4: those are mathtext, whose parser costs 0.1-0.2 s to
        # build and run in each process (most of this figure's time, measured 2026-12-03)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}" if value >= 1 else f"{value:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.invert_yaxis()
        ax.legend()
    ax.set_title("Model against the archive")
    ax.grid(alpha=0.3, which="both", axis="x")
    fig.tight_layout()
    fig.savefig(path, dpi=110, pil_kwargs=FAST_PNG)
    plt.close(fig)


def write_plots(ts: pd.DataFrame, towns: pd.DataFrame, routes: pd.DataFrame, comparison: list[dict], folder: Path,
                title: str, history: RegionHistory | None = None, parallel: bool | None = None) -> list[Path]:
    """All standard figures into `folder`; returns their paths. Given the run's region history, also the
    archive's three region maps (those whose date the run reaches) and the region timeline. parallel: draw on
    two processes (figure_pool.draw_figures; default where it can)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [*ts["region"], *(history.names if history is not None else [])]
    colours = region_colours(names) if names else {}
    figures = {  # file: (cost in seconds, measured: figure_pool's docstring; the drawing)
        "cooperatives_by_region.png": (0.21, lambda p: plot_stacked(ts, "cooperatives", "Cooperatives by region",
                                                                    "cooperatives", p, "cooperatives", colours)),
        "members.png": (0.21, lambda p: plot_stacked(ts, "members", "Members by region", "persons", p, "members",
                                                     colours)),
        "output.png": (0.33, lambda p: plot_output(ts, p)),
        "network_map.png": (0.28, lambda p: plot_map(towns, routes, colours, p, title)),
        "model_vs_archive.png": (0.27, lambda p: plot_vs_archive(comparison, p)),
    }
    jobs, out = [], []
    for name, (cost, draw) in figures.items():
        if ts.empty and name != "network_map.png":
            continue
        jobs.append(Figure(cost, partial(draw, folder / name)))
        out.append(folder / name)
    if history is not None and len(history.dates):
        maps = [folder / name for name in MAPS if name not in unreached(history)]  # what write_region_maps draws
        jobs.append(Figure(0.5, partial(write_region_maps, history, ts, colours, folder, routes)))
        jobs.append(Figure(0.12, partial(plot_region_timeline, history, colours, folder / "region_timeline.png")))
        out += [*maps, folder / "region_timeline.png"]
    draw_figures(jobs, parallel)
    return out
