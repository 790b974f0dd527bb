"""VizModel: IndusModel as the page runs it, built from a session's Settings and keeping a running history.

Mesa's controller rebuilds the model on Reset as `VizModel(settings=...)`, so every choice the page offers
travels in the one `settings` argument. The history grows by a few JSON-ready rows at each step, so the
charts never rebuild the whole time series (tables.timeseries takes ~0.3 s at the end of a baseline run).
"""

from __future__ import annotations

import threading

import pandas as pd

from indusco_sim.core.state import NATIONAL as COLUMNS
from indusco_sim.core.state import OUT_NOMINAL
from indusco_sim.model import IndusModel
from indusco_sim.viz.settings import Settings


class VizModel(IndusModel):
    """The model behind the page. `settings` (default: the baseline) picks the scenario and slider values;
    bad input falls back to the last good settings and leaves its message in `input_error`."""

    def __init__(self, settings: Settings | None = None):
        settings = settings if settings is not None else Settings.for_file()
        loaded, self.overrides = settings.resolve()
        super().__init__(loaded.scenario)
        self.loaded = loaded
        self.use_settings(settings)
        self.lock = threading.RLock()  # held while stepping; the page reads under it (play steps in a thread)
        self.history_rows: list[dict] = []   # per (tick, region); persons, and 1937 CN$ / month for output
        self.national_rows: list[dict] = []  # per tick, summed over regions (and output_nominal, CN$ / month)
        self.region_counts: list[dict] = []  # per tick: date, regions
        start = str(self.spec.time.start)  # a first row at the start: charts never draw empty data
        self.national_rows.append({"date": start, **dict.fromkeys(COLUMNS, 0), "output_nominal": 0})
        self.region_counts.append({"date": start, "regions": 0})
        self.playing = False  # set by the page's play loop: charts other than the map may skip steps

    def use_settings(self, settings: Settings) -> None:
        """Take `settings` as the session's choices: a model is built from them, or a spare built from the same
        resolved scenario is handed to the session (new_model)."""
        self.settings = settings
        self.applied_values = dict(settings.values)  # the slider values this model was built with
        self.input_error = settings.error
        self.scenario_file = settings.scenario

    def step(self) -> None:
        """One tick, then its history rows."""
        with self.lock:
            before = self.tick
            super().step()
            if self.tick > before:
                self.record_history()

    def record_history(self) -> None:
        tick, ids, table, _, _ = self.recorder.latest()
        date = str(self.p.calendar.date_of(tick))
        total = dict.fromkeys(COLUMNS, 0)
        for r, row in zip(ids, table, strict=True):
            values = {name: round(float(row[col])) for name, col in COLUMNS.items()}
            self.history_rows.append({"date": date, "region": self.region_names[r], **values})
            total = {k: total[k] + v for k, v in values.items()}
        nominal = round(float(table[:, OUT_NOMINAL].sum())) if len(table) else 0
        self.national_rows.append({"date": date, **total, "output_nominal": nominal})
        self.region_counts.append({"date": date, "regions": len(ids)})

    def history(self) -> pd.DataFrame:
        """One row per (tick, region): cooperatives, members and unemployed (persons), output_real
        (1937 CN$ per month)."""
        return pd.DataFrame(self.history_rows, columns=["date", "region", *COLUMNS])

    def tick_label(self, tick: int) -> str:
        """'week 12 of 230' (or month)."""
        return f"{self.spec.time.tick} {tick} of {self.n_ticks}"

    @property
    def span(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last simulated day, for fixed chart axes."""
        return pd.Timestamp(self.spec.time.start), pd.Timestamp(self.spec.time.end)


_spares: list[VizModel] = []  # built by prepare() before the server says it is ready
_spares_lock = threading.Lock()


def keep_spare(settings: Settings) -> None:
    """Build a model for `settings` now, for the first session that opens with the same scenario and values:
    building one takes 0.1-0.3 s (2-core machine), a fifth of that session's server time after prepare()
    warmed the rest."""
    _spares.append(VizModel(settings))


def new_model(settings: Settings) -> VizModel:
    """VizModel(settings), or a spare built from the same resolved scenario (each spare is used once)."""
    loaded, overrides = settings.resolve()
    with _spares_lock:
        match = next((m for m in _spares if m.loaded is loaded and m.overrides == overrides), None)
        if match is not None:
            _spares.remove(match)
    if match is None or settings.error is not None:
        return VizModel(settings)
    match.use_settings(settings)
    return match
