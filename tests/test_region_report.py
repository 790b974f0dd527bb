"""The ensemble's report of regions against the record, on hand-made per-seed summaries."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from indusco_sim.results.region_report import count_at, region_report, splits_match, write_region_report

FOUNDINGS_1940 = ["1938-09-30", "1938-10-31", "1939-01-31", "1939-02-28", "1939-02-28"]


def summary(seed: int, end: str, founded: list[str], splits: list[dict] | None = None) -> dict:
    return {"seed": seed, "end": end, "regions": [{"name": f"R{i}", "founded": f} for i, f in enumerate(founded)],
            "splits": splits or []}


SPLIT_A = {"date": "1941-05-10", "parent": "Southeast", "region": "Jinhua", "province": "Zhejiang"}
SPLIT_B = {"date": "1942-02-01", "parent": "Northwest", "region": "Luoyang", "province": "Henan"}
SEEDS = [
    # like the record: five in 1940, seven by August 1942
    summary(1, "1945-12-31", [*FOUNDINGS_1940, "1941-05-10", "1942-02-01"], [SPLIT_A, SPLIT_B]),
    # four in 1940 (the fifth comes too late), six in 1942
    summary(2, "1945-12-31", [*FOUNDINGS_1940[:4], "1940-07-31", "1941-05-10"], [SPLIT_A]),
    # five in 1940, then the run ends in 1941: no count for 1942
    summary(3, "1941-06-30", FOUNDINGS_1940),
]


def test_count_at_a_date():
    assert count_at(SEEDS[0], "1940-05-31") == 5
    assert count_at(SEEDS[0], "1942-08-31") == 7
    assert count_at(SEEDS[1], "1940-05-31") == 4
    assert count_at(SEEDS[2], "1942-08-31") is None
    assert count_at(summary(4, "1942-08-20", FOUNDINGS_1940), "1942-08-31") == 5  # within a tick of the date


def test_shares_of_seeds_matching_the_record():
    report = region_report(SEEDS)
    assert report["record"] == {"1940-05-31": 5, "1942-08-31": 7}
    assert report["share_matching"]["1940-05-31"] == pytest.approx(2 / 3)
    assert report["share_matching"]["1942-08-31"] == pytest.approx(1 / 2)
    assert report["share_matching"]["all"] == pytest.approx(1 / 2)  # seed 3 does not reach 1942
    assert report["share_matching"]["splits"] == pytest.approx(1 / 2)  # seed 2 lacks the Northwest's split
    assert report["runs_reaching"] == {"1940-05-31": 3, "1942-08-31": 2, "splits": 2, "all": 2}
    rows = {r["seed"]: r for r in report["seeds"]}
    assert rows[1]["splits"] == "Southeast -> Jinhua (1941-05-10); Northwest -> Luoyang (1942-02-01)"
    assert rows[1]["matches_splits"] is True and rows[2]["matches_splits"] is False
    assert rows[2]["regions_1942-08-31"] == 6 and rows[2]["matches_all"] is False
    assert rows[3]["matches_all"] is None and rows[3]["n_splits"] == 0


def test_no_seeds_no_share():
    assert region_report([])["share_matching"] == {"1940-05-31": None, "1942-08-31": None, "splits": None,
                                                   "all": None}


def test_splits_match_only_the_records_parents_and_provinces():
    def splits(*made):
        return splits_match(summary(9, "1942-12-31", FOUNDINGS_1940, list(made)))

    assert splits(SPLIT_A, SPLIT_B) is True
    assert splits(SPLIT_A) is False  # the Northwest did not split
    assert splits(SPLIT_A, {**SPLIT_B, "province": "Gansu"}) is False  # the Northwest split toward Lanzhou
    assert splits(SPLIT_A, SPLIT_B, {"date": "1941-04-03", "parent": "Southwest", "province": "Hunan"}) is False
    assert splits(SPLIT_A, SPLIT_B, {"date": "1942-10-01", "parent": "Southwest", "province": "Hunan"}) is True
    assert splits_match(summary(9, "1941-06-30", FOUNDINGS_1940, [SPLIT_A])) is None  # ends before Aug 1942


def test_report_files(tmp_path):
    write_region_report(SEEDS, tmp_path)
    table = pd.read_csv(tmp_path / "regions_report.csv")
    assert list(table["seed"]) == [1, 2, 3]
    assert list(table["regions_1940-05-31"]) == [5, 4, 5]
    saved = json.loads((tmp_path / "regions_report.json").read_text())
    assert saved["share_matching"]["all"] == pytest.approx(0.5)


def test_sweeps_record_whether_the_splits_are_the_records():
    """A sweep's `record_splits` outcome: 1 for the record's splits, 0 for others, NaN for a run ending earlier."""
    from indusco_sim.experiments import outcomes

    def record_splits(end: str, splits: list[dict]) -> float:
        run = {"comparison": [], "timeseries": pd.DataFrame(), "summary": {"end": end, "splits": splits}}
        return outcomes.from_run(run, [])["record_splits"]

    assert record_splits("1942-12-31", [SPLIT_A, SPLIT_B]) == 1.0
    assert record_splits("1942-12-31", [SPLIT_A]) == 0.0
    assert np.isnan(record_splits("1941-06-30", [SPLIT_A]))
