"""The archive's three region maps, drawn from a run: the five regions of 1940 amid the occupation, facilities
by region and industry in May 1940, and the regions of summer 1942.

Each map shows the model's state at the map's date (RegionHistory.towns_at): the regions as shaded areas
(results/territories.py: one PathPatch per region, gid "region:<name>"), the occupied area hatched, the front as
a red line, HQs as stars. Coordinates are degrees of lon/lat, drawn with 1/cos(mid-latitude) aspect.
A map whose date the run does not reach is not drawn (`write_region_maps` says which and why).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from indusco_sim.results import history
from indusco_sim.results.region_history import RegionHistory
from indusco_sim.results.territories import Territories, territories
from indusco_sim.world.outline import bbox_around, draw_outline, land
from indusco_sim.world.polygons import signed_area

LAND = "#f3efe4"
OCCUPIED = "#6b6b6b"
FRONT = "#b3121b"

# file name -> (date, title); {n} is the model's region count at the date
MAPS = {
    "regions_1940.png": ("1940-05-31", "The five regions and their headquarters amid Japanese occupation, 1940"
                                       "\n(model, {date}: {n} regions)"),
    "facilities_1940.png": ("1940-05-31", "Facilities by region and industry, May 1940\n(model, {date}: "
                                          "co-ops and the largest industries of each region)"),
    "regions_1942.png": ("1942-08-31", "Seven regions, summer 1942\n(model, {date}: {n} regions)"),
}


def compound_path(polygons: list[np.ndarray]) -> MplPath:
    """One path of all the polygons (each closed); filled with the nonzero rule it is their union."""
    verts, codes = [], []
    for p in polygons:
        verts.extend([*p.tolist(), p[0].tolist()])
        codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(p) - 1) + [MplPath.CLOSEPOLY])
    return MplPath(np.array(verts, dtype=float), codes)


def centroid(polygons: list[np.ndarray]) -> np.ndarray:
    """Area-weighted centre of the polygons' vertex means (degrees); good enough to place a label."""
    weights = np.array([abs(signed_area(p)) for p in polygons])
    centres = np.array([p.mean(axis=0) for p in polygons])
    return (centres * weights[:, None]).sum(axis=0) / max(weights.sum(), 1e-12)


def draw_territories(ax, terr: Territories, colours: dict, alpha: float = 0.55) -> None:
    """Region areas (one patch each, labelled for the legend), the occupied area, borders and the front."""
    for name, polys in terr.areas.items():
        ax.add_artist(PathPatch(compound_path(polys), facecolor=colours.get(name, "#bbbbbb"), edgecolor="none",
                                alpha=alpha, label=name, gid=f"region:{name}", zorder=1))
    if terr.occupied:
        ax.add_artist(PathPatch(compound_path(terr.occupied), facecolor=OCCUPIED, edgecolor="#444444",
                                linewidth=0, hatch="///", alpha=0.45, label="occupied (model)", gid="occupied",
                                zorder=1))
    if terr.borders:
        ax.add_collection(LineCollection(terr.borders, colors="white", linewidths=1.4, zorder=2), autolim=False)
    if terr.front:
        ax.add_collection(LineCollection(terr.front, colors=FRONT, linewidths=2.2, zorder=2, label="front",
                                         gid="front"), autolim=False)


def map_axes(towns: pd.DataFrame):
    """A figure and axes over the towns' box with land, coast and borders; returns (fig, ax, bbox)."""
    lon, lat = towns["lon"].to_numpy(), towns["lat"].to_numpy()
    bbox = bbox_around(lon, lat)
    fig, ax = plt.subplots(figsize=(8.5, 7.5))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.06, top=0.9)
    shore = land(bbox)
    if shore:
        ax.add_artist(PathPatch(compound_path(list(shore)), facecolor=LAND, edgecolor="none", zorder=0))
        ax.set_facecolor("#dce9f2")
    draw_outline(ax, bbox)
    ax.set_xlim(*bbox[:2])
    ax.set_ylim(*bbox[2:])
    ax.set_aspect(1 / np.cos(np.radians(sum(bbox[2:]) / 2)), adjustable="box")
    ax.set_xlabel("longitude (degrees E)")
    ax.set_ylabel("latitude (degrees N)")
    return fig, ax, bbox


def state_territories(state: pd.DataFrame, bbox) -> Territories:
    """The territories of one state of the towns (RegionHistory.towns_at)."""
    return territories(state["lon"].to_numpy(), state["lat"].to_numpy(), state["region"].to_numpy(),
                       state["occupied"].to_numpy(), bbox, land(bbox))


def draw_towns(ax, state: pd.DataFrame, colours: dict, routes: pd.DataFrame | None = None) -> None:
    """Routes faintly, towns as dots by region (occupied ones as crosses), HQs as labelled stars."""
    lon, lat = state["lon"].to_numpy(), state["lat"].to_numpy()
    occ, hq = state["occupied"].to_numpy(bool), state["hq"].to_numpy(bool)
    if routes is not None and len(routes):
        index = {name: i for i, name in enumerate(state["town"])}
        a = np.array([index[t] for t in routes.iloc[:, 0]])
        b = np.array([index[t] for t in routes.iloc[:, 1]])
        segments = np.stack([np.column_stack([lon[a], lat[a]]), np.column_stack([lon[b], lat[b]])], axis=1)
        ax.add_collection(LineCollection(segments, colors="#8a8a8a", linewidths=0.5, zorder=2), autolim=False)
    free = ~occ
    coops = state["cooperatives"].to_numpy()[free].clip(min=0)
    fill = [colours.get(r, "#ffffff") if r else "#ffffff" for r in state["region"].to_numpy()[free]]
    ax.scatter(lon[free], lat[free], s=10 + 3 * coops ** 0.7, c=fill, edgecolors="black", linewidths=0.4, zorder=3)
    ax.scatter(lon[occ], lat[occ], s=25, c="#333333", marker="X", zorder=3)
    star = hq & free
    ax.scatter(lon[star], lat[star], s=220, c="gold", edgecolors="black", linewidths=0.8, marker="*", zorder=4,
               label="regional HQ")
    for name, x, y in zip(state["town"].to_numpy()[star], lon[star], lat[star], strict=True):
        ax.annotate(name, (x, y), fontsize=8, fontweight="bold", xytext=(6, -10), textcoords="offset points",
                    zorder=5)


def legend(ax) -> None:
    """The legend of the region patches, the occupied area, the front and the HQ marker."""
    ax.legend(fontsize=8, loc="upper right", framealpha=0.9)


def draw_regions_map(ax, bbox, state: pd.DataFrame, colours: dict, routes: pd.DataFrame | None = None) -> None:
    """Regions as shaded areas with their HQs, the occupied area and the front at one date."""
    draw_territories(ax, state_territories(state, bbox), colours)
    draw_towns(ax, state, colours, routes)
    legend(ax)


def facility_labels(ts: pd.DataFrame, day, top: int = 3) -> dict[str, str]:
    """Region -> 'N co-ops' and its `top` largest industries (co-ops each) at the last tick on or before day."""
    rows = history.row_at(ts, pd.Timestamp(day))
    industries = [c for c in ts.columns if c.startswith("coops_")]
    out = {}
    for r in rows.itertuples(index=False):
        row = r._asdict()
        counts = sorted(((int(row[c]), c.removeprefix("coops_")) for c in industries), reverse=True)
        largest = ", ".join(f"{name} {n}" for n, name in counts[:top] if n > 0)
        out[row["region"]] = f"{row['region']}: {int(row['cooperatives'])} co-ops" + (
            f"\n{largest}" if largest else "")
    return out


def draw_facilities_map(ax, bbox, state: pd.DataFrame, ts: pd.DataFrame, colours: dict) -> None:
    """Regions shaded lightly, each labelled with its co-op count and largest industries at the date."""
    terr = state_territories(state, bbox)
    draw_territories(ax, terr, colours, alpha=0.35)
    draw_towns(ax, state, colours)
    hq_at = {t.region: (t.lon, t.lat) for t in state[state["hq"]].itertuples()}
    placed = [(x + 1.0, y - 0.3, 3.0, 1.0) for x, y in hq_at.values()]  # keep the HQ stars and names clear
    for name, text in facility_labels(ts, state["date"].iloc[0]).items():
        where = centroid(terr.areas[name]) if name in terr.areas else hq_at.get(name)
        if where is None:
            continue
        x, y = apart(placed, float(where[0]), float(where[1]), text, bbox)
        ax.annotate(text, (x, y), fontsize=7.5, ha="center", va="center", zorder=6, gid=f"label:{name}",
                    bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "alpha": 0.85,
                          "edgecolor": colours.get(name, "black"), "linewidth": 1.5})
    legend(ax)


def apart(placed: list, x: float, y: float, text: str, bbox) -> tuple[float, float]:
    """(x, y) moved down (or up) until the label's estimated box (degrees) overlaps no placed one; the box is
    then added to `placed`. Estimates for 7.5 pt text on the maps' scale: 0.16 degrees a character wide,
    0.75 degrees a line high."""
    lines = text.split("\n")
    w, h = 0.16 * max(map(len, lines)) + 0.6, 0.75 * len(lines) + 0.4
    step = h / 2
    for k in range(40):
        dy = (k + 1) // 2 * step * (1 if k % 2 else -1)
        cy = min(max(y + dy, bbox[2] + h / 2), bbox[3] - h / 2)
        if all(abs(x - px) >= (w + pw) / 2 or abs(cy - py) >= (h + ph) / 2 for px, py, pw, ph in placed):
            y = cy
            break
    placed.append((x, y, w, h))
    return x, y


def unreached(hist: RegionHistory) -> dict[str, str]:
    """{map file: why it is not drawn} for the maps whose date the run does not reach."""
    out = {}
    for name, (day, _) in MAPS.items():
        if hist.tick_at(day) is None:
            span = f"{hist.dates[0].date()} to {hist.dates[-1].date()}" if len(hist.dates) else "no tick"
            out[name] = f"not drawn: the run covers {span}, not {day}"
    return out


def write_region_maps(hist: RegionHistory, ts: pd.DataFrame, colours: dict, folder: Path,
                      routes: pd.DataFrame | None = None) -> tuple[list[Path], dict[str, str]]:
    """The three maps into `folder`; returns (paths written, {file: why it was skipped}). The maps share one
    figure: its axes, land and coast are drawn once, each map's own artists are removed after saving it."""
    written, skipped, fig = [], unreached(hist), None
    for name, (day, title) in MAPS.items():
        state = hist.towns_at(day)
        if state is None:
            continue
        if fig is None:
            fig, ax, bbox = map_axes(state)
            base = set(ax.get_children())
        if name.startswith("facilities"):
            draw_facilities_map(ax, bbox, state, ts, colours)
        else:
            draw_regions_map(ax, bbox, state, colours, routes)
        ax.set_title(title.format(date=state["date"].iloc[0].date(), n=len(hist.regions_at(day))), fontsize=11)
        fig.savefig(folder / name, dpi=100, pil_kwargs={"compress_level": 1})
        written.append(folder / name)
        for artist in set(ax.get_children()) - base:
            artist.remove()
    if fig is not None:
        plt.close(fig)
    return written, skipped
