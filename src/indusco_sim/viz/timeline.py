"""The story of the regions for the page: when each region was founded or split off, as sentences a student
reads ("Jinhua split from the Southeast, April 1941"), and the number of regions against the archive's counts.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import altair as alt
import pandas as pd

from indusco_sim.results.plots import region_colours
from indusco_sim.viz.spec_patch import patch_dicts, set_scale

# the archive's counts of regions: (date, regions, label, source)
ARCHIVE_REGIONS = (
    ("1940-12-31", 5, "archive: 5 regions in 1940", "1940 map of the regions (overview.txt, regions.csv)"),
    ("1942-06-30", 7, "archive: 7 regions by June 1942", "S7, chinainww2.com/indusco (regions.csv)"),
)


def month_year(day) -> str:
    """'April 1941'."""
    day = dt.date.fromisoformat(str(day)) if not isinstance(day, dt.date) else day
    return day.strftime("%B %Y")


def region_events(model) -> list[dict]:
    """One row per region in order of founding: tick, date, region, parent ('' if founded from the archive's
    schedule) and the sentence that announces it."""
    reg = model.regions
    out = []
    for r, name in enumerate(model.region_names):
        tick = int(reg.founded[r])
        parent = model.region_names[reg.parent[r]] if reg.parent[r] >= 0 else ""
        day = model.date_labels[tick]
        if parent:
            text = f"{name} split from the {parent}, {month_year(day)}"
        else:
            text = f"The {name} region was founded, {month_year(day)}"
        out.append({"tick": tick, "date": day, "region": name, "parent": parent, "text": text})
    return sorted(out, key=lambda e: e["tick"])


def recent_event(model, weeks: int = 8) -> dict | None:
    """The newest region event if it happened within the last `weeks` ticks, else None."""
    events = region_events(model)
    if not events or model.tick - events[-1]["tick"] > weeks:
        return None
    return events[-1]


def archive_counts() -> list[dict]:
    """The archive's region counts as chart rows."""
    return [{"date": d, "regions": n, "label": label, "source": src} for d, n, label, src in ARCHIVE_REGIONS]


def strip_schema(spec: dict) -> dict:
    """The spec without Altair's `$schema` (Vega-Lite v6 for Altair 6): the page's vega-embed would warn that
    it draws a v6 spec with its Vega-Lite 5 (the specs here use nothing v6 added)."""
    return {k: v for k, v in spec.items() if k != "$schema"}


@cache
def timeline_template(start: str, end: str, regions: tuple[str, ...]) -> dict:
    """Number of regions over time with the archive's counts (labelled), and one bar per region from its
    founding to now, over the datasets counts, archive_regions and spans: the template built once per
    period, patched for these regions (their colours, order, the count axis and the bars' height)."""
    colours = region_colours(regions)

    def change(node: dict) -> dict:
        if node.get("field") == "region" and "sort" in node:
            node = {**node, "sort": list(regions)}
        node = set_scale("region", domain=list(colours), range=list(colours.values()))(node)
        return set_scale("regions", domain=[0, count_axis_top(regions)])(node)

    spec = patch_dicts(timeline_base(start, end), change)
    spec["vconcat"][1]["height"] = bars_height(regions)
    return spec


def count_axis_top(regions) -> int:
    return max(8, len(regions) + 1)


def bars_height(regions) -> int:
    return max(14 * len(regions), 14)


@cache
def timeline_base(start: str, end: str, regions: tuple[str, ...] = ()) -> dict:
    """The timeline built with Altair (for `regions`; timeline_template patches that of no region)."""
    colours = region_colours(regions)
    axis = alt.Axis(format="%Y", tickCount=5)
    x = alt.X("date:T", scale=alt.Scale(domain=[start, end]), title=None, axis=axis)
    line = alt.Chart(alt.Data(name="counts")).mark_line(interpolate="step-after", color="#333333").encode(
        x=x, y=alt.Y("regions:Q", scale=alt.Scale(domain=[0, count_axis_top(regions)]), title="regions"))
    marks = alt.Chart(alt.Data(name="archive_regions")).mark_point(
        shape="diamond", filled=True, color="black", size=70).encode(
        x=x, y="regions:Q", tooltip=[alt.Tooltip("label:N", title="archive"), alt.Tooltip("source:N")])
    labels = alt.Chart(alt.Data(name="archive_regions")).mark_text(
        align="right", dx=-6, dy=-8, fontSize=10).encode(x=x, y="regions:Q", text="label:N")
    counts = alt.layer(line, marks, labels).properties(title="Regions over time (◆ archive)", width=260,
                                                       height=90)
    # a date-string domain with x2 makes Vega-Lite 5 warn of conflicting domains; an expression does not
    first, last = (pd.Timestamp(d) for d in (start, end))
    domain = alt.ExprRef(f"[datetime({first.year}, {first.month - 1}, {first.day}), "
                         f"datetime({last.year}, {last.month - 1}, {last.day})]")
    bars = alt.Chart(alt.Data(name="spans")).mark_bar(height=10).encode(
        x=alt.X("start:T", scale=alt.Scale(domain=domain), title=None, axis=axis), x2="end:T",
        y=alt.Y("region:N", sort=list(regions), title=None, axis=alt.Axis(labelLimit=110)),
        color=alt.Color("region:N", scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                        legend=None),
        tooltip=["region:N", alt.Tooltip("start:T", title="founded"), "parent:N"])
    spans = bars.properties(width=260, height=bars_height(regions))
    spec = alt.vconcat(counts, spans, spacing=6).configure_view(stroke=None).to_dict(validate=False)
    return {**strip_schema(spec), "datasets": {"archive_regions": archive_counts()}}


def timeline_data(model) -> dict:
    """The timeline's changing datasets: regions alive per tick, and each region's span so far."""
    now = str(model.date)
    spans = [{"region": e["region"], "parent": e["parent"] or "(the association)", "start": e["date"], "end": now}
             for e in region_events(model)]
    return {"counts": list(model.region_counts), "spans": spans}


def timeline_layers(model) -> dict:
    start, end = model.span
    return timeline_template(start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"), tuple(model.region_names))
