"""The regions of a run through time: which towns each region held, occupation and HQs at any date, with the
regions' founding and the splits. Built once from a finished model (`region_history(model)`); plain data after
that, read by the region maps and the timeline (results/region_maps.py)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from indusco_sim.results.recorder import TownState

if TYPE_CHECKING:
    from indusco_sim.model import IndusModel

# The archive's region counts: five regions in 1940 (the 1940 overview map; data/regions.csv), seven by
# summer 1942 (S7: seven regions in June 1942; the 1942 overview map). Dates are the maps' dates.
RECORD_DATES = {"1940-05-31": 5, "1942-08-31": 7}
# Which regions split by summer 1942, and the provinces of the new HQs (regions.csv): the Southeast gave
# Zhejiang-Anhui (Jinhua, later Lanxi; S9 S18); the seventh is probably Shanxi-Henan at Luoyang, out of the
# Northwest (S18, unconfirmed). The Southwest, Sichuan-Xikang and Yunnan were still whole.
RECORD_SPLITS = {"Southeast": ("Zhejiang", "Anhui"), "Northwest": ("Henan", "Shanxi")}
RECORD_SPLITS_BY = "1942-08-31"


@dataclass
class RegionHistory:
    """towns: town, lon, lat (degrees); names: region index -> name; founded: each region's founding date
    (the last day of its founding tick); parent: the region it split from (None for a founding region);
    splits: model.splits (tick, date, parent, region, hq, cooperatives); dates: the last day of every tick run;
    states: the change log of the map's state (recorder.TownState); coops: int64[ticks, T] live co-ops by town."""

    towns: pd.DataFrame
    names: list[str]
    founded: list[pd.Timestamp]
    parent: list[str | None]
    splits: list[dict]
    dates: pd.DatetimeIndex
    states: list[TownState]
    coops: np.ndarray

    def tick_at(self, day) -> int | None:
        """The last tick ending on or before `day`; None when the run does not reach within one tick of it
        (the rule of history.row_at)."""
        day = pd.Timestamp(day)
        if len(self.dates) == 0:
            return None
        margin = self.dates.to_series().diff().max() if len(self.dates) > 1 else pd.Timedelta(days=31)
        if not self.dates[0] - margin <= day <= self.dates[-1] + margin:
            return None
        return max(int(np.searchsorted(self.dates, day, side="right")) - 1, 0)

    def regions_at(self, day) -> list[str] | None:
        """Names of the regions founded by `day`, in founding order (None when the run does not reach it)."""
        tick = self.tick_at(day)
        if tick is None:
            return None
        return [n for n, f in zip(self.names, self.founded, strict=True) if f <= self.dates[tick]]

    def towns_at(self, day) -> pd.DataFrame | None:
        """Each town at `day`: town, lon, lat, region ('' for none), cooperatives, occupied, hq (None when the
        run does not reach it)."""
        tick = self.tick_at(day)
        if tick is None:
            return None
        k = bisect_right([s.tick for s in self.states], tick) - 1
        frame = self.towns.copy()
        n = len(frame)
        state = self.states[k] if k >= 0 else TownState(tick, np.full(n, -1), np.zeros(n, bool), np.array([]))
        frame["region"] = [self.names[r] if r >= 0 else "" for r in state.region]
        frame["cooperatives"] = self.coops[tick]
        frame["occupied"] = state.occupied
        frame["hq"] = np.isin(np.arange(n), state.hq)
        frame["date"] = self.dates[tick]
        return frame


def region_history(model: IndusModel) -> RegionHistory:
    """The history of a run's regions, from the model after (or during) its run."""
    cal = model.p.calendar
    reg = model.regions
    ticks = model.recorder.ticks()
    names = list(model.region_names)
    counts = model.recorder.town_counts()[:, 0, :] if ticks else np.zeros((0, model.network.n_towns), np.int64)
    return RegionHistory(
        towns=model.network.towns[["town", "lon", "lat"]].reset_index(drop=True).copy(),
        names=names,
        founded=[pd.Timestamp(cal.date_of(int(reg.founded[r]))) for r in range(reg.n)],
        parent=[names[p] if p >= 0 else None for p in reg.parent],
        splits=[dict(s) for s in model.splits],
        dates=pd.DatetimeIndex([pd.Timestamp(cal.date_of(t)) for t in ticks]),
        states=model.recorder.town_states(),
        coops=counts,
    )
