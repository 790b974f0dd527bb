"""The region maps, the region timeline and the recorder's log of the map's state, on a hand-built history."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from indusco_sim.results import region_maps as maps
from indusco_sim.results.recorder import Recorder, TownState
from indusco_sim.results.region_history import RegionHistory
from indusco_sim.results.region_timeline import draw_timeline, region_counts

# 4 x 3 towns one degree apart in Guangxi/Guangdong; the eastern column is occupied from the start
LON = np.array([0, 1, 2, 3] * 3, dtype=float) + 108
LAT = np.repeat([23.0, 24.0, 25.0], 4)
COLOURS = {"A": "#1f77b4", "B": "#ff7f0e", "C": "#2ca02c"}
SPLIT = {"tick": 31, "date": "1941-03-31", "parent": "B", "region": "C", "hq": "T9", "cooperatives": 12}


def history(end: str = "1942-12-31") -> tuple[RegionHistory, pd.DataFrame]:
    """Regions A (1938-09) and B (1939-01); C splits from B in March 1941. Monthly ticks."""
    dates = pd.date_range("1938-08-31", end, freq="ME")
    n = len(LON)
    tick = {d: int(dates.searchsorted(pd.Timestamp(d))) for d in ("1938-09-30", "1939-01-31", "1941-03-31")}
    occupied = np.array([False, False, False, True] * 3)
    a = np.array([0, 0, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1], dtype=np.int16)
    b = np.where(np.isin(np.arange(n), [2, 5, 6, 8, 9, 10]), 1, a).astype(np.int16)
    c = np.where(np.isin(np.arange(n), [8, 9]), 2, b).astype(np.int16)
    states = [TownState(0, np.full(n, -1, np.int16), occupied, np.array([], np.int32)),
              TownState(tick["1938-09-30"], a, occupied, np.array([0])),
              TownState(tick["1939-01-31"], b, occupied, np.array([0, 6])),
              TownState(tick["1941-03-31"], c, occupied, np.array([0, 6, 9]))]
    states = [s for s in states if s.tick < len(dates)]
    coops = np.tile(np.arange(n, dtype=np.int64) * 3, (len(dates), 1))
    hist = RegionHistory(
        towns=pd.DataFrame({"town": [f"T{i}" for i in range(n)], "lon": LON, "lat": LAT}),
        names=["A", "B", "C"],
        founded=[pd.Timestamp("1938-09-30"), pd.Timestamp("1939-01-31"), pd.Timestamp("1941-03-31")],
        parent=[None, None, "B"], splits=[SPLIT], dates=pd.DatetimeIndex(dates), states=states, coops=coops)
    rows = []
    for k, day in enumerate(dates):
        for name in hist.regions_at(day):
            rows.append({"tick": k, "date": day, "region": name, "cooperatives": 30 + k,
                         "coops_textiles": 20 + k, "coops_chemicals": 7, "coops_mining": 3, "coops_food": 0})
    return hist, pd.DataFrame(rows)


def test_recorder_keeps_only_changes_of_the_map():
    rec = Recorder()
    region, occ, hq = np.array([0, -1], np.int16), np.array([False, False]), np.array([0])
    for tick in range(5):
        if tick == 3:
            occ = np.array([False, True])
        rec.record_towns(tick, region, occ, hq)
    assert [s.tick for s in rec.town_states()] == [0, 3]
    assert not rec.towns_at(2).occupied[1] and rec.towns_at(4).occupied[1]
    assert rec.towns_at(-1) is None
    occ[1] = False  # the recorder kept a copy
    assert rec.towns_at(4).occupied[1]


def test_history_gives_the_state_at_a_date():
    hist, _ = history()
    assert hist.regions_at("1940-05-31") == ["A", "B"]
    assert hist.regions_at("1942-08-31") == ["A", "B", "C"]
    may = hist.towns_at("1940-05-31")
    assert may["date"].iloc[0] == pd.Timestamp("1940-05-31")
    assert list(may.loc[may["region"] == "B", "town"]) == ["T2", "T5", "T6", "T8", "T9", "T10"]
    assert list(may.loc[may["hq"], "town"]) == ["T0", "T6"]
    assert hist.towns_at("1943-06-30") is None and hist.towns_at("1930-01-31") is None
    assert list(region_counts(hist).loc[["1939-01-31", "1941-03-31"]]) == [2, 3]


def test_regions_map_one_area_per_region_and_a_legend():
    hist, _ = history()
    state = hist.towns_at("1942-08-31")
    fig, ax, bbox = maps.map_axes(state)
    maps.draw_regions_map(ax, bbox, state, COLOURS)
    areas = [a for a in ax.get_children() if str(a.get_gid()).startswith("region:")]
    assert sorted(a.get_gid() for a in areas) == ["region:A", "region:B", "region:C"]
    for a in areas:  # each area holds its towns
        name = a.get_gid().removeprefix("region:")
        inside = a.get_path().contains_points(state.loc[state["region"] == name, ["lon", "lat"]].to_numpy())
        assert inside.all(), name
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"A", "B", "C", "occupied (model)", "front", "regional HQ"} <= set(legend)
    plt.close(fig)


def test_facilities_map_labels_each_region_with_its_largest_industries():
    hist, ts = history()
    labels = maps.facility_labels(ts, "1940-05-31")
    k = int(hist.dates.searchsorted(pd.Timestamp("1940-05-31")))
    assert labels["A"] == f"A: {30 + k} co-ops\ntextiles {20 + k}, chemicals 7, mining 3"  # food (0) left out
    state = hist.towns_at("1940-05-31")
    fig, ax, bbox = maps.map_axes(state)
    maps.draw_facilities_map(ax, bbox, state, ts, COLOURS)
    texts = {t.get_gid(): t.get_text() for t in ax.texts if str(t.get_gid()).startswith("label:")}
    assert texts == {"label:A": labels["A"], "label:B": labels["B"]}
    plt.close(fig)


def test_write_region_maps_draws_three_non_blank_maps(tmp_path):
    hist, ts = history()
    written, skipped = maps.write_region_maps(hist, ts, COLOURS, tmp_path)
    assert [p.name for p in written] == ["regions_1940.png", "facilities_1940.png", "regions_1942.png"]
    assert skipped == {}
    for path in written:
        img = imread(path)[..., :3]
        assert img.std() > 0.1, path.name
        assert (np.abs(img - 1.0).sum(axis=2) > 0.05).mean() > 0.3, path.name  # most pixels are not white
    a, c = imread(written[0]), imread(written[2])
    assert np.abs(a - c).max() > 0  # region C appears in 1942 only


def test_maps_after_the_end_of_the_run_are_skipped(tmp_path):
    hist, ts = history(end="1941-12-31")
    written, skipped = maps.write_region_maps(hist, ts, COLOURS, tmp_path)
    assert [p.name for p in written] == ["regions_1940.png", "facilities_1940.png"]
    assert list(skipped) == ["regions_1942.png"] and "1942-08-31" in skipped["regions_1942.png"]
    assert maps.unreached(hist) == skipped
    assert not (tmp_path / "regions_1942.png").exists()


def test_timeline_labels_the_split_and_the_record():
    hist, _ = history()
    fig = plt.figure()
    top, bars = draw_timeline(fig, hist, COLOURS)
    texts = [t.get_text() for t in bars.texts]
    assert "B → C, 1941-03-31" in texts
    assert {"archive: 5 (May 1940)", "archive: 7 (Aug 1942)"} <= {t.get_text() for t in top.texts}
    assert [t.get_text() for t in bars.get_yticklabels()] == ["A", "B", "C"]
    assert len(bars.patches) == 3  # one bar per region
    plt.close(fig)


@pytest.mark.slow
def test_a_run_records_the_map_and_plots_it(tmp_path):
    """A real run to September 1942: the history's last state is the model's towns, and write_plots draws
    the three maps and the timeline."""
    from indusco_sim.experiments.single import tabulate
    from indusco_sim.model import IndusModel
    from indusco_sim.results import plots, tables
    from indusco_sim.results.region_history import region_history

    model = IndusModel("scenarios/baseline.yaml", rng=2, overrides=("time.end=1942-09-15",), mesa_agents=False)
    model.run()
    hist = region_history(model)
    last = hist.towns_at(hist.dates[-1])
    towns = tables.towns(model)
    assert list(last["region"]) == list(towns["region"])
    assert list(last["occupied"]) == list(towns["occupied"]) and list(last["hq"]) == list(towns["hq"])
    assert len(hist.states) < model.tick / 4  # a log of changes, not a copy per tick
    run = tabulate(model)
    paths = plots.write_plots(run["timeseries"], towns, model.network.routes, run["comparison"], tmp_path,
                              "t", history=hist)
    names = {p.name for p in paths}
    assert {"regions_1940.png", "facilities_1940.png", "regions_1942.png", "region_timeline.png"} <= names
    assert sorted(paths) == sorted(tmp_path.iterdir())
    # drawn on two processes by default (results/figure_pool.py): the same bytes as in one
    serial = plots.write_plots(run["timeseries"], towns, model.network.routes, run["comparison"],
                               tmp_path / "serial", "t", history=hist, parallel=False)
    assert [p.name for p in serial] == [p.name for p in paths]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(paths, serial, strict=True))
