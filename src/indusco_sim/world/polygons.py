"""Plane geometry on (lon, lat) vertex arrays, in degrees, with numpy only (no shapely).

A polygon is a float64 [n, 2] array of (lon, lat) vertices, not closed (the last vertex joins the first).
A polyline is a float64 [n, 2] array of points. Clipping by a convex window is Sutherland-Hodgman: exact for
any subject polygon; when the part inside is in several pieces they are joined by zero-area bridges along the
window's edge (harmless for filling and for point-in-polygon tests).
"""

from __future__ import annotations

import numpy as np
from matplotlib.path import Path


def signed_area(poly: np.ndarray) -> float:
    """Shoelace area in square degrees: positive when the vertices run anticlockwise."""
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def ccw(poly: np.ndarray) -> np.ndarray:
    """The polygon with its vertices anticlockwise."""
    return poly[::-1].copy() if signed_area(poly) < 0 else poly


def box(bbox: tuple[float, float, float, float]) -> np.ndarray:
    """The rectangle (lon_min, lon_max, lat_min, lat_max) as an anticlockwise polygon."""
    x0, x1, y0, y1 = bbox
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def disk(centre: np.ndarray, radius: float, sides: int = 32) -> np.ndarray:
    """A regular polygon of `sides` vertices on a circle of `radius` degrees around `centre` (anticlockwise)."""
    a = np.linspace(0.0, 2 * np.pi, sides, endpoint=False)
    return np.column_stack([centre[0] + radius * np.cos(a), centre[1] + radius * np.sin(a)])


def clip_convex(subject: np.ndarray, window: np.ndarray) -> np.ndarray:
    """The part of polygon `subject` inside the convex, anticlockwise polygon `window` ([0, 2] when none)."""
    out = np.asarray(subject, dtype=np.float64)
    for k in range(len(window)):
        if len(out) == 0:
            break
        a, d = window[k], window[(k + 1) % len(window)] - window[k]
        side = d[0] * (out[:, 1] - a[1]) - d[1] * (out[:, 0] - a[0])  # >= 0: inside (left of the edge)
        if side.min() >= 0:
            continue  # wholly inside this edge
        inside = side >= 0
        back = np.arange(-1, len(out) - 1)
        prev, prev_side = out[back], side[back]
        cross = inside != inside[back]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(cross, prev_side / (prev_side - side), 0.0)
        meet = prev + t[:, None] * (out - prev)
        out = np.stack([meet, out], axis=1)[np.stack([cross, inside], axis=1)]
    return out.reshape(-1, 2)


def overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the bounding boxes of two vertex arrays overlap."""
    return bool((a[:, 0].min() <= b[:, 0].max()) & (b[:, 0].min() <= a[:, 0].max())
                & (a[:, 1].min() <= b[:, 1].max()) & (b[:, 1].min() <= a[:, 1].max()))


def polygon_pieces(poly: np.ndarray, min_area: float = 1e-9) -> list[np.ndarray]:
    """[poly] anticlockwise, or [] when it has fewer than 3 vertices or no area (square degrees)."""
    if len(poly) < 3 or abs(signed_area(poly)) <= min_area:
        return []
    return [ccw(poly)]


def contains(polygons: list[np.ndarray], points: np.ndarray) -> np.ndarray:
    """bool [n]: whether each (lon, lat) point lies inside any of the polygons."""
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    inside = np.zeros(len(points), dtype=bool)
    for poly in polygons:
        inside |= Path(poly).contains_points(points)
    return inside


def clip_segment(p: np.ndarray, q: np.ndarray, polygons: list[np.ndarray]) -> list[np.ndarray]:
    """The pieces ([2, 2] arrays) of segment p-q inside the union of `polygons` (any shape)."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    r = q - p
    ts = [0.0, 1.0]
    for poly in polygons:
        a = poly
        s = np.roll(poly, -1, axis=0) - a
        denom = r[0] * s[:, 1] - r[1] * s[:, 0]
        ap = a - p
        ok = denom != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (ap[:, 0] * s[:, 1] - ap[:, 1] * s[:, 0]) / denom
            u = (ap[:, 0] * r[1] - ap[:, 1] * r[0]) / denom
        ts.extend(t[ok & (t > 0) & (t < 1) & (u >= 0) & (u <= 1)].tolist())
    ts = np.unique(ts)
    mids = p + ((ts[:-1] + ts[1:]) / 2)[:, None] * r
    inside = contains(polygons, mids)
    pieces, start = [], None
    for k, keep in enumerate(inside):
        if keep and start is None:
            start = ts[k]
        if start is not None and (not keep or k == len(inside) - 1):
            end = ts[k + 1] if keep else ts[k]
            if end > start:
                pieces.append(np.array([p + start * r, p + end * r]))
            start = None
    return pieces
