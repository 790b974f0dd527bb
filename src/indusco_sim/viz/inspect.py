"""What the page shows about one town: depot stocks, cooperatives by industry and workers, as small tables.

The counts come from the engine's vectorised per-town views; this module only picks the town's row and
names the columns. Worker agents are turned into persons (population.persons_per_agent).
"""

from __future__ import annotations

import html
from numbers import Real

import pandas as pd

from indusco_sim.core.state import STATUS_NAMES


def town_index(model, town: str) -> int:
    return model.network.index[town]


def depot_table(model, town: str) -> pd.DataFrame:
    """Depot stock in the town by resource (resource units) and equipment (units); empty without a depot."""
    if not model.is_depot_town[town_index(model, town)]:
        return pd.DataFrame(columns=["stock", "amount", "unit"])
    row = model.engine.depot_stock_by_town()[town_index(model, town)]
    resources = model.spec.resources
    names = [*model.p.resources, "equipment"]
    units = [resources[r].unit for r in model.p.resources] + ["units"]
    return pd.DataFrame({"stock": names, "amount": row.round(1), "unit": units})


def coop_table(model, town: str) -> pd.DataFrame:
    """Live cooperatives in the town and their members (persons), by industry; industries with none left out."""
    coops, members = model.engine.coops_by_town_industry()
    i = town_index(model, town)
    ppa = model.spec.population.persons_per_agent
    frame = pd.DataFrame({"industry": list(model.p.industries), "co-ops": coops[i], "members": members[i] * ppa})
    return frame[frame["co-ops"] > 0].reset_index(drop=True)


def worker_table(model, town: str) -> pd.DataFrame:
    """Workers at (or heading to) the town by status, in persons; those who left the pool are not shown."""
    counts = model.engine.workers_by_town_status()[town_index(model, town)]
    ppa = model.spec.population.persons_per_agent
    return pd.DataFrame({"status": list(STATUS_NAMES[:3]), "persons": counts[:3] * ppa})


def describe_town(model, town: str) -> str:
    """One line: region, HQ, depot, occupied."""
    i = town_index(model, town)
    region = model.town_region[i]
    hq = region >= 0 and model.regions.alive[region] and model.regions.hq[region] == i
    parts = [f"region {model.region_names[region]}" if region >= 0 else "no region yet"]
    if hq:
        parts.append("regional headquarters")
    if model.is_depot_town[i]:
        parts.append("depot")
    if model.occupied[i]:
        parts.append("OCCUPIED")
    return ", ".join(parts)


def html_table(frame: pd.DataFrame) -> str:
    """A small HTML table (numbers with thousands separators); solara.Markdown would fetch mermaid from a CDN."""
    if frame.empty:
        return "<i>none</i>"
    cell = "padding:1px 10px 1px 0;text-align:{}"
    head = "".join(f"<th style='{cell.format('left')}'>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = [f"<td style='{cell.format('right')}'>{v:,.0f}</td>" if isinstance(v, Real) and not isinstance(v, bool)
                 else f"<td style='{cell.format('left')}'>{html.escape(str(v))}</td>" for v in row]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table style='font-size:0.85rem'><tr>{head}</tr>{''.join(rows)}</table>"
