"""Ticks and dates, and the price index at each tick.

Tick k covers the days [boundaries[k], boundaries[k+1]); its row in the tables carries the last day it
covers, boundaries[k+1] - 1 day. A week tick is 7 days; a month tick is a calendar month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DAYS_PER_MONTH = 365.2425 / 12


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Calendar:
    boundaries: tuple[dt.date, ...]

    @classmethod
    def build(cls, start: dt.date, end: dt.date, tick: str) -> Calendar:
        """Tick boundaries from start until the first boundary past `end`."""
        out = [start]
        k = 0
        while out[-1] <= end:
            k += 1
            out.append(start + dt.timedelta(days=7 * k) if tick == "week" else add_months(start, k))
        return cls(tuple(out))

    @property
    def n_ticks(self) -> int:
        return len(self.boundaries) - 1

    def tick_of(self, day: dt.date) -> int:
        """The tick whose days include `day` (0 for days before the start, n_ticks for days after)."""
        if day < self.boundaries[0]:
            return 0
        lo, hi = 0, len(self.boundaries) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.boundaries[mid] <= day:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def date_of(self, tick: int) -> dt.date:
        """Last day covered by tick `tick`."""
        return self.boundaries[tick + 1] - dt.timedelta(days=1)

    def days_in(self, tick: int) -> int:
        return (self.boundaries[tick + 1] - self.boundaries[tick]).days

    def months_in(self, tick: int) -> float:
        return self.days_in(tick) / DAYS_PER_MONTH

    def overlap_days(self, tick: int, first: dt.date, last: dt.date) -> int:
        """Days of tick `tick` that fall within [first, last] inclusive."""
        a = max(self.boundaries[tick], first)
        b = min(self.boundaries[tick + 1] - dt.timedelta(days=1), last)
        return max(0, (b - a).days + 1)


def price_levels(calendar: Calendar, points: list[tuple[dt.date, float]], scale: float = 1.0) -> np.ndarray:
    """Price level P (1 = Jan-Jun 1937) at the end of each tick: log-linear between index points, held
    flat outside them, then raised to `scale` (0 = no inflation, 1 = history)."""
    if not points:
        return np.ones(calendar.n_ticks)
    points = sorted(points)
    x = np.array([p[0].toordinal() for p in points], dtype=float)
    y = np.log(np.array([p[1] for p in points], dtype=float) / 100.0)
    t = np.array([calendar.date_of(k).toordinal() for k in range(calendar.n_ticks)], dtype=float)
    return np.exp(scale * np.interp(t, x, y))
