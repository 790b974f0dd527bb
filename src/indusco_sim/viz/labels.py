"""Town labels that do not overlap: each label takes the first free place around its town (right, left,
above, below, then the diagonals) in map pixels, the largest towns first; a label with no free place is left
out (the town's tooltip still names it)."""

from __future__ import annotations

import numpy as np

CHAR_PX = 5.6   # width of one character at font size 10 (an estimate)
HEIGHT_PX = 11  # height of a label
GAP_PX = 3


def _overlaps(box, boxes) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


def _candidates(x: float, y: float, r: float, w: float):
    """Boxes (x0, y0, x1, y1) in px where a label of width w may go around a dot of radius r at (x, y)."""
    h = HEIGHT_PX
    d = r + GAP_PX
    for dx, dy in ((d, -h / 2), (-d - w, -h / 2), (-w / 2, -d - h), (-w / 2, d),
                   (d * 0.7, -d * 0.7 - h), (d * 0.7, d * 0.7), (-d * 0.7 - w, -d * 0.7 - h), (-d * 0.7 - w, d * 0.7)):
        yield (x + dx, y + dy, x + dx + w, y + dy + h)


def label_columns(names: np.ndarray, lon: np.ndarray, lat: np.ndarray, cooperatives: np.ndarray, hq: np.ndarray,
                  wanted: np.ndarray, bbox, width: int, height: int, size_domain, size_range,
                  obstacles: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each town's label ('' if none), label_lon and label_lat: the label's left end, vertically centred, in
    degrees. Labels avoid each other and the marks of the towns in `wanted` and `obstacles`."""
    lon0, lon1, lat0, lat1 = bbox
    px = (lon - lon0) / (lon1 - lon0) * width
    py = (lat1 - lat) / (lat1 - lat0) * height
    coops = np.clip(cooperatives, 0, size_domain[1])
    area = size_range[0] + (size_range[1] - size_range[0]) * np.sqrt(coops / size_domain[1])
    radius = np.sqrt(area / np.pi) + 1
    dots = [(px[i] - radius[i], py[i] - radius[i], px[i] + radius[i], py[i] + radius[i])
            for i in np.flatnonzero(wanted if obstacles is None else wanted | obstacles)]
    order = sorted(np.flatnonzero(wanted), key=lambda i: (not hq[i], -coops[i]))
    placed: list[tuple] = []
    label = np.full(len(names), "", dtype=object)
    lab_x, lab_y = np.zeros(len(names)), np.zeros(len(names))
    for i in order:
        w = CHAR_PX * len(names[i])
        own = dots_without(dots, px[i], py[i])
        for box in _candidates(px[i], py[i], radius[i], w):
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and not _overlaps(box, placed) and not _overlaps(box, own):
                placed.append(box)
                label[i], lab_x[i], lab_y[i] = names[i], box[0], (box[1] + box[3]) / 2
                break
    return (label, np.round(lon0 + lab_x / width * (lon1 - lon0), 4),
            np.round(lat1 - lab_y / height * (lat1 - lat0), 4))


def dots_without(dots: list[tuple], x: float, y: float) -> list[tuple]:
    """The other towns' dots (a label may touch its own town's dot box but not cover another dot)."""
    return [d for d in dots if not (d[0] < x < d[2] and d[1] < y < d[3])]
