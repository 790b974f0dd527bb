"""The archive comparison (results/history.py) on hand-made tables and a hand-made archive: which tick is read
for each archive date, how a regional figure is measured (a region, named towns, or co-ops founded), and
each entry's fields. Fast: the mutation run of the archive comparison (docs/reliability.md, "Mutation
testing") runs this file for each mutant."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indusco_sim.results import history

WEEKS = pd.to_datetime(["1940-01-07", "1940-01-14", "1940-01-21"])


def weekly() -> pd.DataFrame:
    """Three weekly ticks of two regions."""
    return pd.DataFrame({"tick": [0, 0, 1, 1, 2, 2], "date": WEEKS.repeat(2), "region": ["A", "B"] * 3,
                         "cooperatives": [1, 10, 2, 20, 3, 30], "members": [5, 50, 6, 60, 7, 70],
                         "output_nominal": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})


def tick_at(table: pd.DataFrame, day: str) -> int | None:
    rows = history.row_at(table, pd.Timestamp(day))
    if rows.empty:
        return None
    assert rows["tick"].nunique() == 1
    return int(rows["tick"].iloc[0])


def test_row_at_reads_the_last_tick_on_or_before_the_day_within_one_tick_of_the_run():
    ts = weekly()
    assert tick_at(ts, "1940-01-14") == 1  # on the day
    assert tick_at(ts, "1940-01-20") == 1
    assert tick_at(ts, "1940-01-21") == 2
    assert tick_at(ts, "1940-01-05") == 0  # before the first tick, within a tick of it
    assert tick_at(ts, "1939-12-31") == 0  # exactly a tick before
    assert tick_at(ts, "1939-12-30") is None
    assert tick_at(ts, "1940-01-28") == 2  # exactly a tick after the last
    assert tick_at(ts, "1940-01-29") is None
    assert len(history.row_at(ts, pd.Timestamp("1940-01-14"))) == 2  # every region of that tick
    assert history.row_at(ts.iloc[0:0], pd.Timestamp("1940-01-14")).empty


def test_row_at_takes_the_longest_gap_as_the_margin_and_a_month_for_a_single_tick():
    ts = pd.DataFrame({"tick": [0, 1, 2], "date": pd.to_datetime(["1940-01-01", "1940-01-08", "1940-01-29"]),
                       "region": ["A"] * 3})
    assert tick_at(ts, "1940-02-19") == 2 and tick_at(ts, "1940-02-20") is None  # 21 days, the longest gap
    assert tick_at(ts, "1939-12-11") == 0 and tick_at(ts, "1939-12-10") is None
    two = ts.iloc[:2]  # two ticks: the gap between them (7 days), not a month
    assert tick_at(two, "1940-01-15") == 1 and tick_at(two, "1940-01-16") is None
    one = ts.iloc[:1]
    assert tick_at(one, "1940-02-01") == 0 and tick_at(one, "1940-02-02") is None  # 31 days
    assert tick_at(one, "1939-12-01") == 0 and tick_at(one, "1939-11-30") is None


def test_a_region_figure_sums_the_regions_rows_at_the_date():
    ts = weekly()
    assert history.measure(ts, None, None, "1940-01-15", "B", math.nan, "alive", "members") == (60.0, "1940-01-14")
    assert history.measure(ts, None, None, "1940-01-15", "B", "", "alive", "members") == (60.0, "1940-01-14")
    assert history.measure(ts, None, None, "1940-01-15", "C", math.nan, "alive", "members") is None
    assert history.measure(ts, None, None, "1941-01-01", "B", math.nan, "alive", "members") is None


def test_a_town_figure_sums_the_named_towns_at_the_date():
    town_ts = pd.DataFrame({"tick": [0, 0, 0, 1, 1, 1], "date": WEEKS[:2].repeat(3), "town": ["x", "y", "z"] * 2,
                            "cooperatives": [1, 2, 4, 8, 16, 32], "members": [0] * 6})
    got = history.measure(weekly(), town_ts, None, "1940-01-14", "A", "x;z", "alive", "cooperatives")
    assert got == (40.0, "1940-01-14")
    assert history.measure(weekly(), town_ts, None, "1940-01-14", "A", "w", "alive", "cooperatives") is None


def test_a_founded_figure_counts_cooperatives_founded_in_the_towns_up_to_the_date():
    coops = pd.DataFrame({"town": ["x", "x", "y", "z", "x"],
                          "founded_date": pd.to_datetime(["1939-01-01", "1940-01-10", "1940-01-10", "1940-01-10",
                                                          "1940-01-11"])})
    ts = weekly()
    assert history.measure(ts, None, coops, "1940-01-10", "A", "x;y", "founded", "cooperatives") == (
        3.0, "1940-01-10")
    assert history.measure(ts, None, coops, "1940-02-21", "A", "x", "founded", "cooperatives") == (3.0, "1940-01-21")
    assert history.measure(ts, None, coops, "1940-02-22", "A", "x", "founded", "cooperatives") is None  # > 31 days
    assert history.measure(ts, None, coops, "1940-01-10", "A", "x", "founded", "members") is None
    assert history.measure(ts.iloc[0:0], None, coops, "1940-01-10", "A", "x", "founded", "cooperatives") is None


def archive(monkeypatch, national: list[dict], regional: list[dict]) -> None:
    nat = pd.DataFrame(national, columns=["date", "cooperatives", "members", "monthly_output_cn_dollars", "source"])
    reg = pd.DataFrame(regional, columns=["date", "region", "scope", "cooperatives", "members", "source", "towns",
                                          "measure"])
    for frame in (nat, reg):
        frame["date"] = pd.to_datetime(frame["date"])
    monkeypatch.setattr(history, "load_history", lambda: (nat, reg))


def test_compare_lists_every_covered_figure_with_its_error(monkeypatch):
    archive(monkeypatch, [
        {"date": "1940-01-14", "cooperatives": 22, "members": math.nan, "monthly_output_cn_dollars": 14.0,
         "source": "S1"},
        {"date": "1938-01-01", "cooperatives": 1, "members": 1, "monthly_output_cn_dollars": 1.0, "source": "S2"},
    ], [
        {"date": "1940-01-20", "region": "B", "scope": "some towns", "cooperatives": 1, "members": 1, "source": "S4",
         "towns": "x", "measure": "alive"},  # skipped without the town table; the next figure is still read
        {"date": "1941-01-20", "region": "B", "scope": "whole region", "cooperatives": 40, "members": math.nan,
         "source": "S3", "towns": math.nan, "measure": "alive"},
        {"date": "1940-01-20", "region": "B", "scope": "founded", "cooperatives": 1, "members": math.nan,
         "source": "S5", "towns": math.nan, "measure": "founded"},
        {"date": "1940-01-14", "region": "A", "scope": "members only", "cooperatives": math.nan, "members": 10,
         "source": "S6", "towns": math.nan, "measure": "alive"},
    ])
    ts = weekly()
    ts.loc[ts["tick"] == 2, "date"] = pd.Timestamp("1941-01-14")  # a long last tick: 1941 is within reach
    got = history.compare(ts)
    assert got == [
        {"date": "1940-01-14", "model_date": "1940-01-14", "region": "China", "scope": "national",
         "metric": "cooperatives", "archive": 22.0, "model": 22.0, "error": 0.0, "hold_out": False, "source": "S1"},
        {"date": "1940-01-14", "model_date": "1940-01-14", "region": "China", "scope": "national",
         "metric": "monthly_output_cn_dollars", "archive": 14.0, "model": 7.0, "error": -0.5, "hold_out": False,
         "source": "S1"},
        {"date": "1941-01-20", "model_date": "1941-01-14", "region": "B", "scope": "whole region",
         "metric": "cooperatives", "archive": 40.0, "model": 30.0, "error": -0.25, "hold_out": True,
         "source": "S3"},
        {"date": "1940-01-14", "model_date": "1940-01-14", "region": "A", "scope": "members only",
         "metric": "members", "archive": 10.0, "model": 6.0, "error": -0.4, "hold_out": False, "source": "S6"},
    ]  # town and founded figures need the town table and the co-ops; members of 1940-01-14 are not in the archive
    assert history.compare(ts.iloc[0:0]) == []


def test_compare_measures_town_and_founded_figures_given_the_tables(monkeypatch):
    archive(monkeypatch, [], [
        {"date": "1940-01-14", "region": "B", "scope": "two towns", "cooperatives": 4, "members": 8, "source": "S4",
         "towns": "x;y", "measure": "alive"},
        {"date": "1940-01-14", "region": "B", "scope": "founded in x", "cooperatives": 2, "members": math.nan,
         "source": "S5", "towns": "x", "measure": "founded"},
    ])
    town_ts = pd.DataFrame({"tick": [1, 1], "date": [WEEKS[1]] * 2, "town": ["x", "y"], "cooperatives": [3, 3],
                            "members": [4, 6]})
    coops = pd.DataFrame({"town": ["x", "x", "x"], "founded_date": pd.to_datetime(["1939-01-01", "1940-01-14",
                                                                                   "1940-01-15"])})
    got = [(r["scope"], r["metric"], r["model"], r["error"]) for r in history.compare(weekly(), town_ts, coops)]
    assert got == [("two towns", "cooperatives", 6.0, 0.5), ("two towns", "members", 10.0, 0.25),
                   ("founded in x", "cooperatives", 2.0, 0.0)]
    # both tables or neither: with one missing, no town or founded figure is read
    assert history.compare(weekly(), town_ts, None) == [] and history.compare(weekly(), None, coops) == []


def test_an_entry_holds_out_figures_after_1940():
    assert history.CALIBRATION_END.isoformat() == "1940-12-31"
    entry = history._entry(pd.Timestamp("1940-12-31"), "s", "R", "members", 4, 5.0, "1940-12-29", "S9")
    assert entry == {"date": "1940-12-31", "model_date": "1940-12-29", "region": "R", "scope": "s",
                     "metric": "members", "archive": 4.0, "model": 5.0, "error": 0.25, "hold_out": False,
                     "source": "S9"}
    assert history._entry("1941-01-01", "s", "R", "members", 4, 2.0, "", "S9")["hold_out"] is True
    assert history._entry("1941-01-01", "s", "R", "members", 4, 2.0, "", "S9")["error"] == pytest.approx(-0.5)
