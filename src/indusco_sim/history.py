"""The model against the archive: figures at each history date (data/history/*.csv)."""

from __future__ import annotations

import pandas as pd

from indusco_sim.data import load_history
from indusco_sim.tables import national

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


def compare(ts: pd.DataFrame) -> list[dict]:
    """One entry per archive figure the run covers: date, scope, metric, archive and model values, and the
    relative error (model / archive - 1)."""
    nat_hist, reg_hist = load_history()
    nat = national(ts)
    out = []
    for rec in nat_hist.itertuples(index=False):
        rows = row_at(nat, rec.date)
        if rows.empty:
            continue
        for metric, column in NATIONAL_METRICS.items():
            archive = getattr(rec, metric)
            if pd.isna(archive):
                continue
            model = float(rows[column].sum())
            out.append(_entry(rec.date, "national", "China", metric, archive, model, rows, rec.source))
    for rec in reg_hist.itertuples(index=False):
        rows = row_at(ts, rec.date)
        rows = rows[rows["region"] == rec.region]
        if rows.empty:
            continue
        for metric in ("cooperatives", "members"):
            archive = getattr(rec, metric)
            if pd.isna(archive):
                continue
            out.append(_entry(rec.date, rec.scope, rec.region, metric, archive, float(rows[metric].sum()), rows,
                              rec.source))
    return out


def _entry(date, scope, region, metric, archive, model, rows, source) -> dict:
    return {
        "date": str(pd.Timestamp(date).date()),
        "model_date": str(pd.Timestamp(rows["date"].iloc[0]).date()),
        "region": region,
        "scope": scope,
        "metric": metric,
        "archive": float(archive),
        "model": model,
        "error": model / float(archive) - 1.0,
        "source": source,
    }
