"""Vega-Lite specs (built with Altair) of the page's charts: co-ops and members by region, output and
unemployed refugees, each against the archive where it has figures. (The map is in viz/map_chart.py.)

Building a chart with Altair costs ~0.2 s, far more than a step, so each spec is built once as a template
over named datasets (cached per list of regions) and every step only fills its `datasets` with the new rows.
"""

from __future__ import annotations

from functools import cache

import altair as alt
import pandas as pd

from indusco_sim.data import load_history
from indusco_sim.results.plots import region_colours
from indusco_sim.viz.map_chart import records
from indusco_sim.viz.spec_patch import recolour
from indusco_sim.viz.timeline import strip_schema

CHART_WIDTH, CHART_HEIGHT = 150, 140  # px
ARCHIVE_COLUMNS = {"cooperatives": "cooperatives", "members": "members", "output_nominal": "monthly_output_cn_dollars"}
OUTPUT_SERIES = {"output_nominal": "nominal (as the archive)", "output_real": "real (1937 prices)"}


def archive(column: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The archive's national figures of `column` (the page's name) between start and end, with a label
    (value and source) for each point."""
    hist, _ = load_history()
    source = ARCHIVE_COLUMNS[column]
    pts = hist.dropna(subset=[source])
    pts = pts[(pts["date"] >= start) & (pts["date"] <= end)]
    values = pts[source].astype(float)
    short = [f"{v / 1e6:.1f}M" if v >= 1e6 else f"{v:,.0f}" for v in values]
    return pd.DataFrame({"date": pts["date"], "value": values, "source": pts["source"].astype(str),
                         "label": [f"{v} ({s})" for v, s in zip(short, pts["source"], strict=True)]})


@cache
def history_template(start: str, end: str) -> dict:
    """Four charts, two by two, over the datasets hist (per region), national and archive_<column>; legends
    to the right of the plots."""
    x = alt.X("date:T", scale=alt.Scale(domain=[start, end]), title=None, axis=alt.Axis(format="%Y", tickCount=5))
    region = alt.Color("region:N", scale=alt.Scale(domain=[], range=[]),
                       legend=alt.Legend(title="region", orient="right"))

    def y(column: str, unit: str) -> alt.Y:
        return alt.Y(f"{column}:Q", title=unit, axis=alt.Axis(format="~s", titlePadding=6))

    def points(column: str) -> list:
        """The archive's points and their labels; none when the archive has no figure in the period (Vega
        warns of an infinite extent on an empty dataset)."""
        if archive(column, pd.Timestamp(start), pd.Timestamp(end)).empty:
            return []
        data = alt.Data(name=f"archive_{column}")
        tip = ["date:T", alt.Tooltip("value:Q", title="archive", format=",.0f"), "source:N"]
        dots = alt.Chart(data).mark_point(shape="diamond", filled=True, color="black", size=60).encode(
            x=x, y="value:Q", tooltip=tip)
        text = alt.Chart(data).mark_text(align="right", dx=-5, dy=-7, fontSize=9).encode(x=x, y="value:Q",
                                                                                         text="label:N")
        return [dots, text]

    def stacked(column: str, title: str, unit: str) -> alt.LayerChart:
        area = alt.Chart(alt.Data(name="hist")).mark_area(opacity=0.85).encode(
            x=x, y=alt.Y(f"{column}:Q", stack="zero", title=unit, axis=alt.Axis(format="~s", titlePadding=6)),
            color=region)
        return alt.layer(area, *points(column)).properties(title=title, width=CHART_WIDTH, height=CHART_HEIGHT)

    output = alt.Chart(alt.Data(name="national")).transform_fold(list(OUTPUT_SERIES), as_=["series", "value"]
        ).transform_calculate(output=alt.expr.if_(alt.datum.series == "output_real", OUTPUT_SERIES["output_real"],
                                                  OUTPUT_SERIES["output_nominal"])).mark_line().encode(
        x=x, y=alt.Y("value:Q", title="CN$ / month", axis=alt.Axis(format="~s", titlePadding=6)),
        strokeDash=alt.StrokeDash("output:N", legend=alt.Legend(title="output", orient="right")),
        color=alt.value("#2ca02c"))
    output = alt.layer(output, *points("output_nominal")).properties(
        title="Output (◆ archive, nominal)", width=CHART_WIDTH, height=CHART_HEIGHT)
    unemployed = alt.Chart(alt.Data(name="national")).mark_line(color="#d62728").encode(
        x=x, y=y("unemployed", "persons")).properties(title="Unemployed refugees", width=CHART_WIDTH,
                                                      height=CHART_HEIGHT)
    charts = alt.vconcat(alt.hconcat(stacked("cooperatives", "Co-ops by region (◆ archive)", "co-ops"),
                                     stacked("members", "Members by region (◆ archive)", "persons"), spacing=14),
                         alt.hconcat(output, unemployed, spacing=14), spacing=8).resolve_legend(color="shared")
    return strip_schema(charts.to_dict(validate=False))


@cache
def _history_layers(start: str, end: str, regions: tuple[str, ...]) -> dict:
    colours = region_colours(regions)
    template = recolour(history_template(start, end), "region", list(colours), list(colours.values()))
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    return {**template, "datasets": {f"archive_{c}": records(archive(c, first, last)) for c in ARCHIVE_COLUMNS}}


def history_layers(model) -> dict:
    """The charts' spec with the archive points; the same object while the regions stay the same."""
    start, end = model.span
    return _history_layers(start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"), tuple(model.region_names))


def history_data(model) -> dict:
    """The charts' changing datasets: rows per (tick, region) and per tick."""
    rows = list(model.history_rows)
    if not rows:  # before the first region: one empty row at the start (Vega warns on empty data)
        rows = [{**model.national_rows[0], "region": ""}]
    return {"hist": rows, "national": list(model.national_rows)}


def history_spec(model) -> dict:
    """Co-ops and members by region and output (with the archive's national figures) and unemployed refugees
    (national), over the whole scenario period."""
    layers = history_layers(model)
    return {**layers, "datasets": {**layers["datasets"], **history_data(model)}}
