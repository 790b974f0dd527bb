"""The page's map as a Vega-Lite spec (built with Altair): region territories, coast, routes, towns sized by
co-ops and coloured by region, HQs and occupied towns as marked shapes (both in the legend), and labels placed
so that they do not overlap.

The spec is a template over named datasets (cached per network and per list of regions); each step fills
only `towns` and, when the regions or the front moved, `areas` (results/territories.py, the run's geometry).
"""

from __future__ import annotations

from functools import cache

import altair as alt
import numpy as np
import pandas as pd

from indusco_sim.results import tables
from indusco_sim.results.plots import region_colours
from indusco_sim.results.territories import territories
from indusco_sim.viz.labels import label_columns
from indusco_sim.viz.spec_patch import recolour
from indusco_sim.viz.timeline import strip_schema
from indusco_sim.world.outline import bbox_around, land, outline

MAP_WIDTH = 460  # px
MODE_COLOURS = {"rail": "#444444", "road": "#9a9a9a", "river": "#4a90c2"}
MODE_DASH = {"rail": [1, 0], "road": [4, 3], "river": [2, 2]}
NO_REGION = "no region yet"
OCCUPIED_AREA = "occupied area"
STATUS_EXTRA = {NO_REGION: "#ffffff", OCCUPIED_AREA: "#8c8c8c"}  # after the regions' colours (no grey in those)
MARKERS = {"regional HQ": "diamond", "occupied town": "cross"}
TOOLTIP = ["town:N", "region:N", "cooperatives:Q", "members:Q", "occupied:N", "hq:N", "depot:N"]
SIZE = alt.Scale(type="sqrt", domain=[0, 150], range=[25, 900])


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (dates as ISO strings)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out.to_dict("records")


def map_size(bbox) -> tuple[int, int]:
    """Width and height in px that keep a degree of latitude and of longitude (at the mid-latitude) equal."""
    lon0, lon1, lat0, lat1 = bbox
    ratio = (lat1 - lat0) / ((lon1 - lon0) * np.cos(np.radians((lat0 + lat1) / 2)))
    return MAP_WIDTH, int(MAP_WIDTH * ratio)


def network_key(model) -> tuple[tuple, tuple]:
    """(towns as (name, lon, lat), routes as (from, to, mode)): hashable, to cache what depends on them
    (kept on the model: the network never changes during a run)."""
    key = model.__dict__.get("map_network_key")
    if key is None:
        towns, routes = model.network.towns, model.network.routes
        key = (tuple(zip(towns["town"], towns["lon"].astype(float), towns["lat"].astype(float), strict=True)),
               tuple(zip(routes["from"], routes["to"], routes["mode"], strict=True)))
        model.__dict__["map_network_key"] = key
    return key


@cache
def static_data(key: tuple[tuple, tuple]) -> dict:
    """bbox, size, land and the rows of the outline and the routes, for one network."""
    towns, routes = key
    bbox = bbox_around(np.array([t[1] for t in towns]), np.array([t[2] for t in towns]))
    shapes = outline(bbox)
    lines = [{"line": f"{kind}{i}", "kind": kind, "order": j, "lon": round(float(x), 2), "lat": round(float(y), 2)}
             for kind, name in (("coast", "coast"), ("border", "borders"))
             for i, xy in enumerate(shapes[name]) for j, (x, y) in enumerate(xy)]
    pos = {name: (x, y) for name, x, y in towns}
    legs = [{"route": i, "mode": mode, "order": k, "lon": pos[end][0], "lat": pos[end][1]}
            for i, (a, b, mode) in enumerate(routes) for k, end in enumerate((a, b))]
    width, height = map_size(bbox)
    return {"bbox": bbox, "width": width, "height": height, "outline": lines, "routes": legs, "land": land(bbox)}


def _xy(bbox) -> tuple[alt.X, alt.Y]:
    return (alt.X("lon:Q", scale=alt.Scale(domain=list(bbox[:2]), nice=False, zero=False), axis=None),
            alt.Y("lat:Q", scale=alt.Scale(domain=list(bbox[2:]), nice=False, zero=False), axis=None))


def status_colours(regions) -> tuple[list[str], list[str]]:
    """Domain and range of the map's colour: one colour per region, then 'no region yet' and 'occupied area'."""
    colours = region_colours(regions)
    return [*colours, *STATUS_EXTRA], [*colours.values(), *STATUS_EXTRA.values()]


def map_template(bbox: tuple, width: int, height: int, regions: tuple[str, ...]) -> dict:
    """The map's layers over the datasets outline, routes, areas and towns: the template built once per
    map, its colour scale patched for these regions (viz/spec_patch.py)."""
    domain, colour_range = status_colours(regions)
    return recolour(map_base(bbox, width, height), "status", domain, colour_range)


@cache
def map_base(bbox: tuple, width: int, height: int, regions: tuple[str, ...] = ()) -> dict:
    """The map's layers built with Altair (for `regions`; map_template patches those of no region)."""
    x, y = _xy(bbox)
    domain, colour_range = status_colours(regions)
    colour = alt.Color("status:N", scale=alt.Scale(domain=domain, range=colour_range),
                       legend=alt.Legend(title="region", orient="right", symbolStrokeColor="#555555"))
    areas = alt.Chart(alt.Data(name="areas")).mark_line(filled=True, strokeWidth=0, clip=True).encode(
        x=x, y=y, detail="piece:N", order="order:Q", color=colour,
        opacity=alt.condition("datum.status == 'occupied area'", alt.value(0.35), alt.value(0.2)))
    coast, border = (alt.Chart(alt.Data(name="outline")).transform_filter(f"datum.kind == '{kind}'").mark_line(
        strokeWidth=0.8, clip=True, color=line_colour).encode(x=x, y=y, detail="line:N", order="order:Q")
        for kind, line_colour in (("coast", "#8fb0c8"), ("border", "#c4c4c4")))
    routes = alt.Chart(alt.Data(name="routes")).mark_line(strokeWidth=1.2, opacity=0.8).encode(
        x=x, y=y, detail="route:N", order="order:Q",
        stroke=alt.Stroke("mode:N", scale=alt.Scale(domain=list(MODE_COLOURS), range=list(MODE_COLOURS.values())),
                          legend=alt.Legend(title="route", orient="right")),
        strokeDash=alt.StrokeDash("mode:N", scale=alt.Scale(domain=list(MODE_DASH), range=list(MODE_DASH.values())),
                                  legend=alt.Legend(title="route", orient="right")))
    base = alt.Chart(alt.Data(name="towns")).encode(x=x, y=y)
    dots = base.transform_filter("!datum.occupied").mark_circle(
        stroke="black", strokeWidth=0.6, opacity=0.95, cursor="pointer").encode(
        size=alt.Size("cooperatives:Q", scale=SIZE,
                      legend=alt.Legend(title="co-ops in a town", orient="right", values=[1, 20, 60, 150])),
        color=colour, tooltip=TOOLTIP)
    shape = alt.Shape("marker:N", scale=alt.Scale(domain=list(MARKERS), range=list(MARKERS.values())),
                      legend=alt.Legend(title="marks", orient="right"))
    marks = base.transform_filter("datum.marker != ''").mark_point(
        filled=False, size=200, stroke="black", strokeWidth=1.6, cursor="pointer").encode(
        shape=shape, tooltip=TOOLTIP)
    labels = alt.Chart(alt.Data(name="towns")).transform_filter("datum.label != ''").mark_text(
        align="left", baseline="middle", fontSize=10, color="#222222").encode(
        x=alt.X("label_lon:Q", scale=alt.Scale(domain=list(bbox[:2]), nice=False, zero=False), axis=None),
        y=alt.Y("label_lat:Q", scale=alt.Scale(domain=list(bbox[2:]), nice=False, zero=False), axis=None),
        text="label:N")
    ring = base.transform_filter("datum.selected").mark_circle(size=700, filled=False, stroke="#d62728",
                                                                strokeWidth=2.5)
    chart = alt.layer(areas, coast, border, routes, dots, marks, labels, ring).properties(width=width,
                                                                                           height=height)
    return strip_schema(chart.configure_view(stroke=None).to_dict(validate=False))


def town_rows(model, selected: str | None = None) -> list[dict]:
    """tables.towns as rows, plus what the map encodes: status (region or 'no region yet'), marker (HQ,
    occupied), label and its place, selected. Built from columns: a DataFrame's column inserts and to_dict
    took ~20 of the ~30 ms a week that map_data cost (cProfile, baseline_1945, 130 weeks); the DataFrame way
    stays in tests/test_viz.py as the reference."""
    towns = tables.towns(model)
    cols = {name: towns[name].to_numpy() for name in towns.columns}
    region, occupied, hq = cols["region"], cols["occupied"].astype(bool), cols["hq"].astype(bool)
    cols["status"] = np.where(region == "", NO_REGION, region)
    cols["marker"] = np.where(occupied, "occupied town", np.where(hq, "regional HQ", ""))
    cols["selected"] = cols["town"] == selected
    static = static_data(network_key(model))
    wanted = ((cols["cooperatives"] > 0) | hq) & ~occupied
    cols["label"], cols["label_lon"], cols["label_lat"] = label_columns(
        cols["town"], cols["lon"].astype(float), cols["lat"].astype(float), cols["cooperatives"].astype(float), hq,
        wanted, static["bbox"], static["width"], static["height"], SIZE.domain, SIZE.range, occupied)
    names = list(cols)
    return [dict(zip(names, row, strict=True)) for row in zip(*(cols[n].tolist() for n in names), strict=True)]


@cache
def _areas(key: tuple[tuple, tuple], regions: tuple[str, ...], occupied: tuple[bool, ...]) -> list[dict]:
    """The territories' polygons as rows (piece, order, lon, lat, status), for one map state."""
    towns, _ = key
    static = static_data(key)
    lon, lat = np.array([t[1] for t in towns]), np.array([t[2] for t in towns])
    terr = territories(lon, lat, list(regions), np.array(occupied), static["bbox"], static["land"])
    rows = []
    groups = [(name, polys) for name, polys in terr.areas.items()] + [(OCCUPIED_AREA, terr.occupied)]
    for name, polys in groups:
        for p in polys:
            piece = len(rows)
            rows += [{"piece": piece, "order": j, "lon": round(float(a), 3), "lat": round(float(b), 3),
                      "status": name} for j, (a, b) in enumerate(p)]
    return rows


def area_rows(model) -> list[dict]:
    """The region territories and the occupied area now (cached per state of regions and front)."""
    names = model.region_names
    regions = tuple(names[r] if r >= 0 else "" for r in model.town_region)
    return _areas(network_key(model), regions, tuple(bool(o) for o in model.occupied))


@cache
def _map_layers(key: tuple[tuple, tuple], regions: tuple[str, ...]) -> dict:
    static = static_data(key)
    template = map_template(static["bbox"], static["width"], static["height"], regions)
    return {**template, "datasets": {"outline": static["outline"], "routes": static["routes"]}}


def map_layers(model) -> dict:
    """The map's spec with the data that never change (coast, routes); the same object while the regions
    stay the same."""
    return _map_layers(network_key(model), tuple(model.region_names))


def map_data(model, selected: str | None = None) -> dict:
    """The map's changing datasets: the territories and the towns now (with the selected one)."""
    return {"areas": area_rows(model), "towns": town_rows(model, selected)}


def map_spec(model, selected: str | None = None) -> dict:
    """The whole map now (spec and every dataset)."""
    layers = map_layers(model)
    return {**layers, "datasets": {**layers["datasets"], **map_data(model, selected)}}
