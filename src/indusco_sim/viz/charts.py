"""Vega-Lite specs (built with Altair) for the page: the map and the four time-series charts.

Building a chart with Altair costs ~0.2 s, far more than a step, so each spec is built once as a template
over named datasets (cached per network and per list of regions) and every step only fills its `datasets`
with the new rows.
"""

from __future__ import annotations

from functools import cache

import altair as alt
import numpy as np
import pandas as pd

from indusco_sim.data import load_history
from indusco_sim.results import tables
from indusco_sim.results.plots import region_colours
from indusco_sim.viz.timeline import strip_schema
from indusco_sim.world.outline import bbox_around, outline

MAP_WIDTH = 640  # px
MODE_COLOURS = {"rail": "#444444", "road": "#9a9a9a", "river": "#4a90c2"}
MODE_DASH = {"rail": [1, 0], "road": [4, 3], "river": [2, 2]}
OCCUPIED_COLOUR = "#6b6b6b"
TOOLTIP = ["town:N", "region:N", "cooperatives:Q", "members:Q", "occupied:N", "hq:N", "depot:N"]


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
    """(towns as (name, lon, lat), routes as (from, to, mode)): hashable, to cache what depends on them."""
    towns, routes = model.network.towns, model.network.routes
    return (tuple(zip(towns["town"], towns["lon"].astype(float), towns["lat"].astype(float), strict=True)),
            tuple(zip(routes["from"], routes["to"], routes["mode"], strict=True)))


@cache
def static_data(key: tuple[tuple, tuple]) -> dict:
    """bbox, size and the rows of the outline and the routes, for one network."""
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
    return {"bbox": bbox, "width": width, "height": height, "outline": lines, "routes": legs}


def _xy(bbox) -> tuple[alt.X, alt.Y]:
    return (alt.X("lon:Q", scale=alt.Scale(domain=list(bbox[:2]), nice=False, zero=False), axis=None),
            alt.Y("lat:Q", scale=alt.Scale(domain=list(bbox[2:]), nice=False, zero=False), axis=None))


def recolour(spec, field: str, domain: list[str], colours: list[str]):
    """A copy of `spec` whose colour scales on `field` have this domain and range (regions appear as the
    model runs; patching the dict costs far less than building the chart again)."""
    if isinstance(spec, list):
        return [recolour(item, field, domain, colours) for item in spec]
    if not isinstance(spec, dict):
        return spec
    out = {k: recolour(v, field, domain, colours) for k, v in spec.items()}
    if out.get("field") == field and "scale" in out and "domain" in out["scale"]:
        out["scale"] = {**out["scale"], "domain": domain, "range": colours}
    return out


def status_colours(regions) -> tuple[list[str], list[str]]:
    """Domain and range of the map's colour: one colour per region, then 'no region' and 'occupied'."""
    colours = region_colours(regions)
    return [*colours, "no region", "occupied"], [*colours.values(), "#d9d9d9", OCCUPIED_COLOUR]


@cache
def map_template(bbox: tuple, width: int, height: int) -> dict:
    """The map's layers over the datasets outline, routes, towns and date (colours set by recolour)."""
    x, y = _xy(bbox)
    domain, colour_range = status_colours(())
    coast, border = (alt.Chart(alt.Data(name="outline")).transform_filter(f"datum.kind == '{kind}'").mark_line(
        strokeWidth=0.8, clip=True, color=colour).encode(x=x, y=y, detail="line:N", order="order:Q")
        for kind, colour in (("coast", "#8fb0c8"), ("border", "#c4c4c4")))
    routes = alt.Chart(alt.Data(name="routes")).mark_line(strokeWidth=1.2, opacity=0.8).encode(
        x=x, y=y, detail="route:N", order="order:Q",
        stroke=alt.Stroke("mode:N", scale=alt.Scale(domain=list(MODE_COLOURS), range=list(MODE_COLOURS.values())),
                          legend=alt.Legend(title="route", orient="bottom-right")),
        strokeDash=alt.StrokeDash("mode:N", scale=alt.Scale(domain=list(MODE_DASH), range=list(MODE_DASH.values())),
                                  legend=None))
    base = alt.Chart(alt.Data(name="towns")).encode(x=x, y=y)
    shade = base.transform_filter("datum.occupied").mark_circle(size=1400, color=OCCUPIED_COLOUR, opacity=0.25)
    dots = base.mark_circle(stroke="black", strokeWidth=0.6, opacity=0.9, cursor="pointer").encode(
        size=alt.Size("cooperatives:Q", scale=alt.Scale(type="sqrt", domain=[0, 150], range=[25, 900]),
                      legend=alt.Legend(title="co-ops", orient="bottom-left", values=[1, 20, 60, 150])),
        color=alt.Color("status:N", scale=alt.Scale(domain=domain, range=colour_range),
                        legend=alt.Legend(title="region", orient="top-right")),
        tooltip=TOOLTIP)
    hq = base.transform_filter("datum.hq && !datum.occupied").mark_point(
        shape="diamond", size=260, filled=False, stroke="black", strokeWidth=1.6).encode(tooltip=TOOLTIP)
    labels = base.mark_text(align="left", dx=7, dy=-6, fontSize=10, color="#333333").encode(text="label:N")
    ring = base.transform_filter("datum.selected").mark_circle(size=700, filled=False, stroke="#d62728",
                                                                strokeWidth=2.5)
    date = alt.Chart(alt.Data(name="date")).mark_text(
        align="left", baseline="top", fontSize=26, fontWeight="bold", color="#222222").encode(
        x=alt.value(8), y=alt.value(8), text="date:N")
    chart = alt.layer(coast, border, routes, shade, dots, hq, labels, ring, date).properties(width=width, height=height)
    return strip_schema(chart.configure_view(stroke=None).to_dict(validate=False))


def town_frame(model, selected: str | None = None) -> pd.DataFrame:
    """tables.towns plus what the map encodes: status (region, 'occupied' or 'no region'), label, selected."""
    frame = tables.towns(model)
    frame["status"] = np.where(frame["occupied"], "occupied",
                               np.where(frame["region"] == "", "no region", frame["region"]))
    frame["label"] = np.where((frame["cooperatives"] > 0) | frame["hq"], frame["town"], "")
    frame["selected"] = frame["town"] == selected
    return frame


@cache
def _map_layers(key: tuple[tuple, tuple], regions: tuple[str, ...]) -> dict:
    static = static_data(key)
    template = recolour(map_template(static["bbox"], static["width"], static["height"]), "status",
                        *status_colours(regions))
    return {**template, "datasets": {"outline": static["outline"], "routes": static["routes"]}}


def map_layers(model) -> dict:
    """The map's spec with the data that never change (coast, routes); the same object while the regions
    stay the same."""
    return _map_layers(network_key(model), tuple(model.region_names))


def map_data(model, selected: str | None = None) -> dict:
    """The map's changing datasets: the towns now (with the selected one) and the date."""
    return {"towns": records(town_frame(model, selected)), "date": [{"date": str(model.date)}]}


def map_spec(model, selected: str | None = None) -> dict:
    """The map now: coast, routes, towns sized by cooperatives and coloured by region, HQs as diamonds,
    occupied towns shaded, the selected town ringed, and the date."""
    layers = map_layers(model)
    return {**layers, "datasets": {**layers["datasets"], **map_data(model, selected)}}


def archive(column: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The archive's national figures of `column` between start and end."""
    hist, _ = load_history()
    pts = hist.dropna(subset=[column])
    pts = pts[(pts["date"] >= start) & (pts["date"] <= end)]
    return pd.DataFrame({"date": pts["date"], "value": pts[column].astype(float)})


@cache
def history_template(start: str, end: str) -> dict:
    """Four charts over the datasets hist (per region), national, archive_cooperatives, archive_members."""
    x = alt.X("date:T", scale=alt.Scale(domain=[start, end]), title=None)
    region = alt.Color("region:N", scale=alt.Scale(domain=[], range=[]),
                       legend=alt.Legend(title="region", orient="top-left"))

    def stacked(column: str, title: str, unit: str) -> alt.LayerChart:
        area = alt.Chart(alt.Data(name="hist")).mark_area(opacity=0.85).encode(
            x=x, y=alt.Y(f"{column}:Q", stack="zero", title=unit), color=region)
        points = alt.Chart(alt.Data(name=f"archive_{column}")).mark_point(
            shape="diamond", filled=True, color="black", size=60).encode(
            x=x, y="value:Q", tooltip=["date:T", alt.Tooltip("value:Q", title=f"archive {column}")])
        return alt.layer(area, points).properties(title=title, width=300, height=170)

    def national(column: str, title: str, unit: str, colour: str) -> alt.Chart:
        return alt.Chart(alt.Data(name="national")).mark_line(color=colour).encode(
            x=x, y=alt.Y(f"{column}:Q", title=unit)).properties(title=title, width=300, height=170)

    top = alt.hconcat(stacked("cooperatives", "Cooperatives by region (◆ archive)", "co-ops"),
                      stacked("members", "Members by region (◆ archive)", "persons"))
    bottom = alt.hconcat(national("output_real", "Real output", "1937 CN$ / month", "#2ca02c"),
                         national("unemployed", "Unemployed refugees", "persons", "#d62728"))
    return strip_schema(alt.vconcat(top, bottom).to_dict(validate=False))


@cache
def _history_layers(start: str, end: str, regions: tuple[str, ...]) -> dict:
    colours = region_colours(regions)
    template = recolour(history_template(start, end), "region", list(colours), list(colours.values()))
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    return {**template, "datasets": {"archive_cooperatives": records(archive("cooperatives", first, last)),
                                     "archive_members": records(archive("members", first, last))}}


def history_layers(model) -> dict:
    """The charts' spec with the archive points; the same object while the regions stay the same."""
    start, end = model.span
    return _history_layers(start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"), tuple(model.region_names))


def history_data(model) -> dict:
    """The charts' changing datasets: rows per (tick, region) and per tick."""
    return {"hist": list(model.history_rows), "national": list(model.national_rows)}


def history_spec(model) -> dict:
    """Cooperatives and members by region (with the archive's national figures), real output and unemployed
    refugees (national), over the whole scenario period."""
    layers = history_layers(model)
    return {**layers, "datasets": {**layers["datasets"], **history_data(model)}}
