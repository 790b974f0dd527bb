"""Solara components of the page: the date banner, the map, the town inspector, the charts and the parameters.

Components that show the model read `update_counter` (Mesa's signal that a step or reset happened) so they
redraw after every step; they read the model under its lock, as play steps it from another thread.
"""

from __future__ import annotations

from pathlib import Path

import solara
from mesa.visualization.utils import force_update, update_counter

from indusco_sim.viz import charts
from indusco_sim.viz.inspect import coop_table, depot_table, describe_town, markdown_table, worker_table
from indusco_sim.viz.model import VizModel
from indusco_sim.viz.settings import PARAMS, Settings, list_scenarios
from indusco_sim.viz.vega_view import VegaView

SMALL = {"font-size": "0.8rem", "color": "#666666", "margin-top": "-6px", "margin-bottom": "10px"}


@solara.component
def StatusBanner(model: VizModel, settings: Settings):
    """The simulated date, large; the scenario and progress; the settings applied; any input error."""
    update_counter.get()
    with model.lock:
        date, tick, coops = str(model.date), model.tick, int(model.national("cooperatives"))
    with solara.Row(style={"align-items": "baseline", "gap": "24px"}):
        solara.Text(date, classes=["indusco-date"], style={"font-size": "2.6rem", "font-weight": "700"})
        solara.Text(f"{model.spec.name}: {model.tick_label(tick)}, {coops:,} cooperatives",
                    classes=["indusco-progress"], style={"font-size": "1.1rem"})
    applied = ", ".join(model.overrides) or "none (the scenario as written)"
    solara.Text(f"Changed settings: {applied}", classes=["indusco-applied"], style=SMALL)
    if settings.error:
        solara.Error(settings.error, classes=["indusco-error"])


def VegaChart(make_parts, css_class: str, on_click=None) -> None:
    """A VegaView made once per component; after each render `make_parts()` gives (spec, datasets).

    They are built in an effect, after the render has sent the new date to the browser. The spec is sent
    only when it changes (a new region); otherwise only the datasets. (Passing them as element arguments
    would make reacton walk every row on each render: ~40 ms a step.)"""
    widget = solara.use_memo(lambda: VegaView(listen_to_click=on_click is not None), [])
    widget.on_click = on_click

    def push() -> None:
        spec, datasets = make_parts()
        with widget.hold_sync():
            widget.datasets = datasets
            if spec is not widget.spec:
                widget.spec = spec

    solara.use_effect(push)
    solara.Div(classes=[css_class], children=[widget])


@solara.component
def MapView(model: VizModel, selected: solara.Reactive):
    """The map; clicking a town selects it."""
    update_counter.get()
    town = selected.value

    def make_parts() -> tuple[dict, dict]:
        with model.lock:
            return charts.map_layers(model), charts.map_data(model, town)

    def on_click(datum) -> None:
        if isinstance(datum, dict) and datum.get("town"):
            selected.set(datum["town"])

    VegaChart(make_parts, "indusco-map", on_click)


@solara.component
def TownInspector(model: VizModel, selected: solara.Reactive):
    """Pick a town (or click it on the map): its depot stocks, cooperatives by industry and workers."""
    update_counter.get()
    solara.Select("Town", values=sorted(model.town_names), value=selected, classes=["indusco-town"])
    town = selected.value
    if not town or town not in model.network.index:
        solara.Text("Click a town on the map or choose it here.", style=SMALL)
        return
    with model.lock:
        about = describe_town(model, town)
        tables = [("Cooperatives by industry", coop_table(model, town)), ("Workers", worker_table(model, town)),
                  ("Depot stocks", depot_table(model, town))]
    solara.Markdown(f"**{town}**: {about}")
    for title, frame in tables:
        solara.Markdown(f"**{title}**\n\n{markdown_table(frame)}")


@solara.component
def HistoryCharts(model: VizModel):
    """Cooperatives and members by region with the archive, real output, unemployed refugees."""
    update_counter.get()

    def make_parts() -> tuple[dict, dict]:
        with model.lock:
            return charts.history_layers(model), charts.history_data(model)

    VegaChart(make_parts, "indusco-charts")


@solara.component
def ParameterInput(param, value, on_value):
    """One control with its unit in the label and its help text under it."""
    classes = [f"indusco-{param.name.replace('_', '-')}"]
    if param.kind == "select":
        solara.Select(f"{param.label} ({param.unit})", values=list(param.choices), value=value, on_value=on_value,
                      classes=classes)
    elif param.kind == "int":
        solara.InputInt(f"{param.label} ({param.unit})", value=value, on_value=on_value, classes=classes)
    else:
        solara.Text(f"{param.label}: {value:g} {param.unit}", style={"font-weight": "500"})
        with solara.Div(classes=classes):
            solara.SliderFloat("", value=value, min=param.lo, max=param.hi, step=param.step, on_value=on_value)
    solara.Text(param.help, style=SMALL)


@solara.component
def ParameterSidebar(settings: Settings, model: solara.Reactive, folder: Path):
    """The parameters card in the sidebar, under Mesa's Controls (a portal placed from deeper in the tree
    comes later in the sidebar)."""
    with solara.Sidebar(), solara.Card("Parameters"):
        ParameterPanel(settings, model, folder)


@solara.component
def ParameterPanel(settings: Settings, model: solara.Reactive, folder: Path):
    """Scenario picker (loads at once) and the sliders (applied by Reset)."""
    values, set_values = solara.use_state(dict(settings.values))
    files = [f.name for f in list_scenarios(folder)]

    def pick(name: str) -> None:
        if settings.choose_scenario(folder / name):
            set_values(dict(settings.values))
            model.value = VizModel(settings)
        force_update()

    def setter(name: str):
        def on_value(value) -> None:
            settings.values[name] = value
            set_values(dict(settings.values))
        return on_value

    solara.Select("Scenario", values=files, value=settings.scenario.name, on_value=pick,
                  classes=["indusco-scenario"])
    solara.Text(f"scenario files in {folder}; choosing one loads it", style=SMALL)
    for param in PARAMS:
        ParameterInput(param, values.get(param.name), setter(param.name))
    solara.Text("Press Reset to rebuild the model with these values.", style={"font-weight": "600"})
