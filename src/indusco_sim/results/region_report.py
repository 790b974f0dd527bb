"""The ensemble's report of regions against the record: for each seed the number of regions at the archive's
dates (five on 1940-05-31, seven on 1942-08-31) and its splits (the record's: the Southeast toward Zhejiang or
Anhui and the Northwest toward Henan or Shanxi, no other), and the share of seeds that match.

Works on per-seed summaries alone (summary.json's `seed`, `end`, `regions` with their `founded` dates, and
`splits`), so any ensemble runner that keeps the summaries can write it: `write_region_report(summaries, dir)`
gives regions_report.csv (one row per seed) and regions_report.json (the rows and the shares).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indusco_sim.results.folder import write_json
from indusco_sim.results.region_history import RECORD_DATES, RECORD_SPLITS, RECORD_SPLITS_BY

REACH_DAYS = 31  # a run ending at most this many days before a date still counts it (one tick of a monthly run)


def count_at(summary: dict, day: str) -> int | None:
    """Regions founded on or before `day` (regions are never dissolved); None when the run ends before it."""
    when = pd.Timestamp(day)
    if pd.Timestamp(summary["end"]) < when - pd.Timedelta(days=REACH_DAYS):
        return None
    return sum(pd.Timestamp(r["founded"]) <= when for r in summary.get("regions", []))


def seed_row(summary: dict, record: dict[str, int] = RECORD_DATES) -> dict:
    """One seed: regions at each record date, whether they match the record, its splits as text."""
    row: dict = {"seed": summary.get("seed"), "end": summary.get("end")}
    matches = []
    for day, n in record.items():
        count = count_at(summary, day)
        row[f"regions_{day}"] = count
        row[f"matches_{day}"] = None if count is None else count == n
        matches.append(row[f"matches_{day}"])
    splits = summary.get("splits", [])
    row["matches_splits"] = splits_match(summary)
    matches.append(row["matches_splits"])
    row["matches_all"] = None if None in matches else all(matches)
    row["n_splits"] = len(splits)
    row["splits"] = "; ".join(f"{s['parent']} -> {s['region']} ({s['date']})" for s in splits)
    return row


def splits_match(summary: dict, record: dict[str, tuple[str, ...]] = RECORD_SPLITS,
                 by: str = RECORD_SPLITS_BY) -> bool | None:
    """Whether the splits up to `by` are the record's: one from each parent in `record`, its new HQ in one of
    the provinces named, and no other. None when the run ends before `by`."""
    if pd.Timestamp(summary["end"]) < pd.Timestamp(by) - pd.Timedelta(days=REACH_DAYS):
        return None
    made = [s for s in summary.get("splits", []) if pd.Timestamp(s["date"]) <= pd.Timestamp(by)]
    parents = sorted(s["parent"] for s in made)
    return parents == sorted(record) and all(s.get("province") in record[s["parent"]] for s in made)


def region_report(summaries: list[dict], record: dict[str, int] = RECORD_DATES) -> dict:
    """{'record': {date: regions}, 'seeds': [seed_row], 'share_matching': {date or 'all': share or None},
    'runs_reaching': {date or 'all': runs}}: shares are over the seeds whose run reaches the date(s)."""
    rows = [seed_row(s, record) for s in summaries]
    share, reaching = {}, {}
    for key in [*record, "splits", "all"]:
        column = f"matches_{key}"
        known = [r[column] for r in rows if r[column] is not None]
        reaching[key] = len(known)
        share[key] = sum(known) / len(known) if known else None
    return {"record": dict(record), "seeds": rows, "share_matching": share, "runs_reaching": reaching}


def write_region_report(summaries: list[dict], folder: Path, record: dict[str, int] = RECORD_DATES) -> dict:
    """regions_report.csv and regions_report.json in `folder`; returns the report."""
    report = region_report(summaries, record)
    pd.DataFrame(report["seeds"]).to_csv(folder / "regions_report.csv", index=False)
    write_json(folder / "regions_report.json", report)
    return report
