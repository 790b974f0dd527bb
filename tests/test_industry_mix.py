"""The industry mix against the archive: hand-made tables, S1's order and Yunnan's types of Dec 1939."""

from __future__ import annotations

import pandas as pd
import pytest

from indusco_sim.results.industry_mix import compare_mix, counts_at, lumped, s1_order_holds

INDUSTRIES = ["textiles", "chemicals", "tailoring", "metal_machine", "mining", "carpentry", "food"]


def table(rows: list[tuple[str, str, list[int]]]) -> pd.DataFrame:
    """A timeseries with the columns industry_mix reads: (date, region, co-ops by industry) per row."""
    dates = sorted({d for d, _, _ in rows})
    return pd.DataFrame([{"tick": dates.index(d), "date": pd.Timestamp(d), "region": r,
                          **{f"coops_{i}": n for i, n in zip(INDUSTRIES, counts, strict=True)}}
                         for d, r, counts in rows])


TS = table([("1939-12-28", "Yunnan", [20, 6, 3, 2, 1, 4, 4]), ("1939-12-28", "Southwest", [50, 20, 15, 8, 8, 9, 8]),
            ("1940-06-27", "Yunnan", [25, 7, 3, 2, 1, 4, 4])])


def test_counts_and_lumping():
    national = counts_at(TS, "1939-12-31")
    assert national["textiles"] == 70 and national["food"] == 12
    assert counts_at(TS, "1939-12-31", "Yunnan")["chemicals"] == 6
    assert counts_at(TS, "1937-01-01") is None  # the run does not reach it
    other = lumped(counts_at(TS, "1939-12-31", "Yunnan"), ["textiles", "chemicals", "food", "metal_machine"])
    assert other["other"] == 3 + 1 + 4 and other.sum() == 40


def test_yunnan_is_compared_with_the_archives_types():
    mix = compare_mix(TS)
    yunnan = mix[mix["region"] == "Yunnan"].set_index("industry")
    assert yunnan.loc["textiles", "archive"] == 11 and yunnan.loc["other", "archive"] == 12  # S10, of 35
    assert yunnan.loc["textiles", "model_share"] == pytest.approx(20 / 40)
    assert yunnan.loc["textiles", "archive_share"] == pytest.approx(11 / 35)
    assert yunnan["archive"].sum() == 35 and yunnan["model"].sum() == 40
    national = mix[(mix["region"] == "China") & (mix["date"] == "1939-12-31")]
    assert national["model"].sum() == 40 + 118 and national["archive"].isna().all()
    assert set(mix[mix["region"] == "China"]["date"]) == {"1939-12-31", "1940-05-31"}  # the run ends in 1940-06


def test_s1_order():
    counts = pd.Series(dict(zip(INDUSTRIES, [70, 26, 18, 10, 9, 13, 12], strict=True)))
    assert s1_order_holds(counts)
    assert not s1_order_holds(counts.rename({"textiles": "x", "chemicals": "textiles"}).rename({"x": "chemicals"}))
    assert not s1_order_holds(counts.replace({13: 19}))  # carpentry larger than tailoring
    assert not s1_order_holds(counts.replace({10: 2}))  # the rest not about equal
