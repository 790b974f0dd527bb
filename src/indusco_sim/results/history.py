"""The model against the archive: figures at each history date (data/history/*.csv).

Calibration uses figures dated up to CALIBRATION_END only; later figures are held out to test predictions.
A regional figure covers either a whole region (empty `towns`) or the towns its scope names; `measure` says
whether it counts cooperatives alive at the date or founded up to it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indusco_sim.data import load_history
from indusco_sim.results.tables import national

CALIBRATION_END = dt.date(1940, 12, 31)

# archive column -> model column of the national table
NATIONAL_METRICS = {"cooperatives": "cooperatives", "members": "members",
                    "monthly_output_cn_dollars": "output_nominal"}


def row_at(table: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Rows of the last tick ending on or before `day`; empty unless the run reaches within one tick of it."""
    if table.empty:
        return table
    dates = table["date"].drop_duplicates().sort_values()
    margin = dates.diff().max() if len(dates) > 1 else pd.Timedelta(days=31)
    if not dates.iloc[0] - margin <= day <= dates.iloc[-1] + margin:
        return table.iloc[0:0]
    before = table[table["date"] <= day]
    tick = before["tick"].max() if not before.empty else table["tick"].min()
    return table[table["tick"] == tick]


def measure(ts: pd.DataFrame, town_ts: pd.DataFrame, coops: pd.DataFrame, date, region: str, towns: str | float,
            how: str, metric: str) -> tuple[float, str] | None:
    """The model's value of one archive figure and the date it was read at, or None if not covered."""
    day = pd.Timestamp(date)
    if how == "founded":
        if metric != "cooperatives" or ts.empty or day > ts["date"].max() + pd.Timedelta(days=31):
            return None
        names = set(str(towns).split(";"))
        founded = coops[coops["town"].isin(names) & (coops["founded_date"] <= day)]
        return float(len(founded)), str(min(day, ts["date"].max()).date())
    if isinstance(towns, str) and towns:
        rows = row_at(town_ts, day)
        rows = rows[rows["town"].isin(towns.split(";"))]
    else:
        rows = row_at(ts, day)
        rows = rows[rows["region"] == region]
    if rows.empty:
        return None
    return float(rows[metric].sum()), str(pd.Timestamp(rows["date"].iloc[0]).date())


def compare(ts: pd.DataFrame, town_ts: pd.DataFrame | None = None, coops: pd.DataFrame | None = None) -> list[dict]:
    """One entry per archive figure the run covers: date, scope, metric, archive and model values, relative
    error (model / archive - 1), and whether the figure is held out of calibration."""
    nat_hist, reg_hist = load_history()
    nat = national(ts) if not ts.empty else ts
    out = []
    for rec in nat_hist.itertuples(index=False):
        rows = row_at(nat, rec.date)
        if rows.empty:
            continue
        for metric, column in NATIONAL_METRICS.items():
            archive = getattr(rec, metric)
            if not pd.isna(archive):
                when = str(pd.Timestamp(rows["date"].iloc[0]).date())
                out.append(_entry(rec.date, "national", "China", metric, archive, float(rows[column].sum()), when,
                                  rec.source))
    for rec in reg_hist.itertuples(index=False):
        if (town_ts is None or coops is None) and (isinstance(rec.towns, str) or rec.measure == "founded"):
            continue
        for metric in ("cooperatives", "members"):
            archive = getattr(rec, metric)
            if pd.isna(archive):
                continue
            got = measure(ts, town_ts, coops, rec.date, rec.region, rec.towns, rec.measure, metric)
            if got is not None:
                out.append(_entry(rec.date, rec.scope, rec.region, metric, archive, got[0], got[1], rec.source))
    return out


def _entry(date, scope, region, metric, archive, model, model_date, source) -> dict:
    day = pd.Timestamp(date).date()
    return {
        "date": str(day),
        "model_date": model_date,
        "region": region,
        "scope": scope,
        "metric": metric,
        "archive": float(archive),
        "model": model,
        "error": model / float(archive) - 1.0,
        "hold_out": day > CALIBRATION_END,
        "source": source,
    }
