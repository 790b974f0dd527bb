"""Named scalar outcomes of one run, read from its tables: the model at every archive date (national and
regional co-ops, members, output), the number of regions at chosen dates, the splits and the final figures.

Names (a date is written YYYY_MM):
    cooperatives_china_1939_12, members_china_1939_12, output_china_1940_05   national archive figures
    cooperatives_yunnan_1939_12, members_sichuan_xikang_1940_05, ...          regional archive figures
    regions_1940_05, regions_1942_08, ...                                      regions at the sweep's dates
    splits_count, first_split_year                                             splits (the list is `splits`)
    final_cooperatives, final_members, final_unemployed, final_output_real, final_regions
An outcome the run does not reach (a date after its end) is NaN.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable

import pandas as pd

from indusco_sim.data import load_history
from indusco_sim.results import history, tables
from indusco_sim.results.region_report import splits_match

ARCHIVE_METRICS = {"cooperatives": "cooperatives", "members": "members", "monthly_output_cn_dollars": "output"}
FINAL = ("cooperatives", "members", "unemployed", "output_real", "regions")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def month(day: dt.date | str | pd.Timestamp) -> str:
    return pd.Timestamp(day).strftime("%Y_%m")


def archive_names() -> dict[tuple[str, str, str], str]:
    """(date, region, archive metric) -> outcome name, for every archive figure (China = national)."""
    nat, reg = load_history()
    out = {}
    for rec in nat.itertuples(index=False):
        for metric, short in ARCHIVE_METRICS.items():
            if not pd.isna(getattr(rec, metric)):
                out[(str(pd.Timestamp(rec.date).date()), "China", metric)] = f"{short}_china_{month(rec.date)}"
    for rec in reg.itertuples(index=False):
        for metric in ("cooperatives", "members"):
            if not pd.isna(getattr(rec, metric)):
                out[(str(pd.Timestamp(rec.date).date()), rec.region, metric)] = \
                    f"{metric}_{slug(rec.region)}_{month(rec.date)}"
    return out


def names(region_dates: Iterable[dt.date]) -> list[str]:
    """Every scalar outcome a sweep with these region dates records, in column order."""
    return [*archive_names().values(), *(f"regions_{month(d)}" for d in region_dates),
            "splits_count", "first_split_year", "record_splits", *(f"final_{k}" for k in FINAL)]


def from_run(run: dict, region_dates: Iterable[dt.date]) -> dict:
    """Scalar outcomes (and `splits`, a JSON list) from a run's tabulate() dict: timeseries, comparison, summary."""
    region_dates = list(region_dates)
    out: dict[str, float | str] = dict.fromkeys(names(region_dates), math.nan)
    lookup = archive_names()
    for c in run["comparison"]:
        name = lookup.get((c["date"], c["region"], c["metric"]))
        if name is not None:
            out[name] = float(c["model"])
    ts = run["timeseries"]
    nat = tables.national(ts) if not ts.empty else ts
    for day in region_dates:
        rows = history.row_at(nat, pd.Timestamp(day))
        if not rows.empty:
            out[f"regions_{month(day)}"] = float(rows["regions"].iloc[0])
    splits = run["summary"]["splits"]
    out["splits_count"] = float(len(splits))
    record = splits_match(run["summary"])  # 1: the record's splits by Aug 1942 (region_report.splits_match)
    out["record_splits"] = math.nan if record is None else float(record)
    if splits:
        first = min(pd.Timestamp(s["date"]) for s in splits)
        out["first_split_year"] = round(first.year + (first.day_of_year - 1) / 365.25, 4)
    if not nat.empty:
        last = nat.iloc[-1]
        for k in FINAL:
            out[f"final_{k}"] = float(last[k])
    out["splits"] = json.dumps([{"parent": s["parent"], "region": s["region"], "date": str(s["date"]),
                                 "province": s.get("province")} for s in splits])
    return out
