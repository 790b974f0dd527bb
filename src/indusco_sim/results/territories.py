"""Region territories: the land each region's towns hold, as shaded areas, from the towns alone.

Every town gets its Voronoi cell (scipy.spatial.Voronoi; far-away dummy points close the cells), cut to a
bounding box, to a disk of `reach` degrees around the town (a lone town does not claim a whole plateau) and to
the land polygon it stands on (so no cell crosses the sea to an island). A region's area is the set of its
towns' cells (they share edges, so filled as one path with the nonzero rule they show no inner edges); the
occupied area is the cells of occupied towns (no reach
limit: occupation is a continuous zone behind the front). Borders are the cell edges between two regions; the
front is the cell edges between an occupied town and a free one.

All coordinates are degrees (lon, lat), plain (not projected). The result is plain data: lists of [n, 2]
vertex arrays, and `Territories.to_json()` gives nested lists for the browser page (SVG or Vega-Lite).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import Voronoi

from indusco_sim.world.polygons import box, clip_convex, clip_segment, contains, disk, overlaps, polygon_pieces

Bbox = tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max (degrees)
REACH_DEG = 3.0  # how far a free town's area extends at most (degrees; an assumption for the look of the map)


@dataclass(frozen=True)
class Cells:
    """Label-free geometry of a set of towns.

    pieces: per town, its cell cut to the box and the land, as polygons (several where the sea cuts it).
    reach_pieces: the same, also cut to the town's reach disk.
    ridges: (town a, town b, polylines) for every pair of neighbouring cells: their shared edge, cut to the
        box, the land and a's reach disk (the edge is equidistant from a and b, so b's disk cuts it alike).
    """

    pieces: tuple[tuple[np.ndarray, ...], ...]
    reach_pieces: tuple[tuple[np.ndarray, ...], ...]
    ridges: tuple[tuple[int, int, tuple[np.ndarray, ...]], ...]


@dataclass
class Territories:
    """Shaded areas and lines of one state of the map; every array is [n, 2] (lon, lat) in degrees.

    areas: region name -> its polygons (anticlockwise); a region with no town on land has no entry.
    occupied: polygons of the occupied towns' cells.
    borders: polylines between the cells of two different regions (free towns).
    front: polylines between an occupied town's cell and a free town's cell.
    """

    areas: dict[str, list[np.ndarray]] = field(default_factory=dict)
    occupied: list[np.ndarray] = field(default_factory=list)
    borders: list[np.ndarray] = field(default_factory=list)
    front: list[np.ndarray] = field(default_factory=list)

    def to_json(self) -> dict:
        """Nested lists of [lon, lat] pairs (degrees), rounded to 4 decimals, for JSON."""
        def pts(arrays):
            return [np.round(a, 4).tolist() for a in arrays]

        return {"units": "degrees (lon, lat)", "areas": {k: pts(v) for k, v in self.areas.items()},
                "occupied": pts(self.occupied), "borders": pts(self.borders), "front": pts(self.front)}


def _clip_lines(lines: list[np.ndarray], polygons) -> list[np.ndarray]:
    out = []
    for seg in lines:
        out.extend(clip_segment(seg[0], seg[1], list(polygons)))
    return out


def town_cells(lon: np.ndarray, lat: np.ndarray, bbox: Bbox, land: tuple[np.ndarray, ...] = (),
               reach: float | None = REACH_DEG) -> Cells:
    """Each town's cell and the edges between neighbouring cells (see Cells). Towns at the same point share
    a cell. `land` () means no land clipping (the box only)."""
    xy = np.column_stack([lon, lat]).astype(np.float64)
    uniq, inverse = np.unique(xy, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    window = box(bbox)
    span = max(bbox[1] - bbox[0], bbox[3] - bbox[2], 1.0)
    centre = np.array([(bbox[0] + bbox[1]) / 2, (bbox[2] + bbox[3]) / 2])
    far = centre + 10 * span * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [0, 1.5], [0, -1.5], [1.5, 0],
                                         [-1.5, 0]])
    vor = Voronoi(np.vstack([uniq, far]))
    n = len(uniq)
    free_cells, full_cells = [], []
    for i in range(n):
        verts = vor.vertices[vor.regions[vor.point_region[i]]]
        angle = np.arctan2(verts[:, 1] - uniq[i, 1], verts[:, 0] - uniq[i, 0])
        cell = clip_convex(verts[np.argsort(angle)], window)
        pieces = _on_land(cell, _home(land, uniq[i]))
        full_cells.append(pieces)
        if reach:
            pieces = tuple(q for p in pieces for q in polygon_pieces(clip_convex(p, disk(uniq[i], reach))))
        free_cells.append(pieces)
    ridges = []
    for (a, b), rv in zip(vor.ridge_points, vor.ridge_vertices, strict=True):
        if a >= n or b >= n or -1 in rv:
            continue
        seg = _clip_lines([vor.vertices[rv]], [window])
        if reach:
            seg = _clip_lines(seg, [disk(uniq[a], reach)])
        ridges.append((int(a), int(b), tuple(_clip_lines(seg, land) if land else seg)))
    return Cells(pieces=tuple(full_cells[k] for k in inverse), reach_pieces=tuple(free_cells[k] for k in inverse),
                 ridges=_per_town(ridges, inverse))


def _home(land: tuple[np.ndarray, ...], point: np.ndarray) -> tuple[np.ndarray, ...]:
    """The land polygon(s) the town stands on (a town's cell does not cross the sea to an island); all of
    them for a town off every coast (coordinates to about 0.1 degree, the coast is crude)."""
    mine = tuple(p for p in land if contains([p], point).any())
    return mine or land


def _on_land(cell: np.ndarray, land: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    if not land:
        return tuple(polygon_pieces(cell))
    if len(cell) < 3:
        return ()
    out = []
    for poly in land:
        if not overlaps(poly, cell):
            continue
        if contains([poly], cell).all() and not contains([cell], poly).any():  # the coast does not enter it
            return tuple(polygon_pieces(cell))
        out.extend(polygon_pieces(clip_convex(poly, cell)))
    return tuple(out)


def _per_town(ridges, inverse):
    """Ridges between unique points, restated between towns (the first town at each point)."""
    first = {}
    for town, k in enumerate(inverse):
        first.setdefault(int(k), town)
    return tuple((first[a], first[b], lines) for a, b, lines in ridges)


_CACHE: dict[tuple, Cells] = {}


def cached_cells(lon, lat, bbox: Bbox, land: tuple[np.ndarray, ...] = (), reach: float | None = REACH_DEG) -> Cells:
    """town_cells, remembered for the last few sets of coordinates, box, land and reach."""
    xy = np.column_stack([lon, lat]).astype(np.float64)
    key = (xy.tobytes(), tuple(bbox), tuple(p.tobytes() for p in land), reach)
    if key not in _CACHE:
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = town_cells(xy[:, 0], xy[:, 1], bbox, tuple(land), reach)
    return _CACHE[key]


def territories(lon, lat, region, occupied, bbox: Bbox, land: tuple[np.ndarray, ...] = (),
                reach: float | None = REACH_DEG) -> Territories:
    """One shaded area per region, the occupied area, the borders and the front.

    lon, lat: [T] town coordinates (degrees). region: [T] region name per town ("" or None: in no region).
    occupied: [T] bool. bbox: the map's box (degrees). land: land polygons (world.outline.land(bbox)); ()
    clips to the box only. reach: the largest distance (degrees) a free town's area extends; None: no limit.
    The cells of the towns are cached (they depend on the coordinates only).
    """
    cells = cached_cells(lon, lat, bbox, land, reach)
    occ = np.asarray(occupied, dtype=bool)
    label = ["" if o or r is None else str(r) for r, o in zip(region, occ, strict=True)]
    out = Territories()
    for town, name in enumerate(label):
        if occ[town]:
            out.occupied.extend(cells.pieces[town])
        elif name:
            out.areas.setdefault(name, []).extend(cells.reach_pieces[town])
    for a, b, lines in cells.ridges:
        if occ[a] != occ[b]:
            out.front.extend(lines)
        elif not occ[a] and label[a] != label[b] and label[a] and label[b]:
            out.borders.extend(lines)
    out.areas = {k: v for k, v in out.areas.items() if v}
    return out
