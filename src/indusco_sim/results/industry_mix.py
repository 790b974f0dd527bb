"""The industry mix against the archive: co-ops by industry, nationally and by region.

The archive gives two things up to 1940: Yunnan's co-ops by type at the end of 1939 (S10;
data/history/industry_mix.csv, where the archive's types are mapped to the model's industries, the rest as
"other") and S1's national order: textiles the largest, then chemicals, then tailoring, the rest about equal.
"""

from __future__ import annotations

import pandas as pd

from indusco_sim.data import data_dir
from indusco_sim.results.history import row_at

S1_ORDER = ("textiles", "chemicals", "tailoring")  # S1: the three largest industries, in order
NATIONAL_DATES = ("1939-12-31", "1940-05-31", "1940-12-31")
OTHER = "other"


def load_mix() -> pd.DataFrame:
    """The archive's co-ops by industry (data/history/industry_mix.csv)."""
    return pd.read_csv(data_dir() / "history" / "industry_mix.csv")


def counts_at(ts: pd.DataFrame, day: str, region: str | None = None) -> pd.Series | None:
    """Live co-ops by industry at `day` (a region, or the nation); None when the run does not reach it."""
    rows = row_at(ts, pd.Timestamp(day))
    if region is not None:
        rows = rows[rows["region"] == region]
    if rows.empty:
        return None
    columns = [c for c in ts.columns if c.startswith("coops_")]
    return rows[columns].sum().rename(lambda c: c.removeprefix("coops_")).astype(int)


def lumped(counts: pd.Series, named: list[str]) -> pd.Series:
    """`counts` with every industry not in `named` summed as OTHER."""
    keep = counts[counts.index.isin(named)]
    return pd.concat([keep, pd.Series({OTHER: int(counts[~counts.index.isin(named)].sum())})])


def compare_mix(ts: pd.DataFrame) -> pd.DataFrame:
    """One row per (date, region, industry): the model's co-ops and share, and the archive's where it has them.
    National rows at NATIONAL_DATES (no archive counts: S1 gives the order only), then each archive snapshot."""
    rows = []
    for day in NATIONAL_DATES:
        counts = counts_at(ts, day)
        if counts is not None:
            rows += _rows(day, "China", counts, None)
    archive = load_mix()
    for (day, region), group in archive.groupby(["date", "region"], sort=False):
        counts = counts_at(ts, day, region)
        if counts is not None:
            named = [i for i in group["industry"] if i != OTHER]
            rows += _rows(day, region, lumped(counts, named), group.set_index("industry")["cooperatives"])
    return pd.DataFrame(rows, columns=["date", "region", "industry", "model", "model_share", "archive",
                                       "archive_share"])


def _rows(day: str, region: str, counts: pd.Series, archive: pd.Series | None) -> list[dict]:
    total = counts.sum()
    out = []
    for industry, n in counts.items():
        a = None if archive is None else int(archive.get(industry, 0))
        out.append({"date": day, "region": region, "industry": industry, "model": int(n),
                    "model_share": n / total if total else float("nan"), "archive": a,
                    "archive_share": None if archive is None else a / archive.sum()})
    return out


def s1_order_holds(counts: pd.Series, tolerance: float = 0.5) -> bool:
    """S1's order: textiles > chemicals > tailoring > every other industry, and the others 'about equal' (each
    within `tolerance` of their mean)."""
    first = [counts[i] for i in S1_ORDER]
    rest = counts[~counts.index.isin(S1_ORDER)]
    if not (first[0] > first[1] > first[2] > rest.max()):
        return False
    mean = rest.mean()
    return bool(mean > 0 and ((rest - mean).abs() <= tolerance * mean).all())
