"""Solara components of the page: the date banner, the map, the town inspector, the charts and the parameters.

Components that show the model read `update_counter` (Mesa's signal that a step or reset happened) so they
redraw after every step; they read the model under its lock, as play steps it from another thread.
"""

from __future__ import annotations

import html
import math
import time
from pathlib import Path

import solara
from mesa.visualization.utils import force_update, update_counter

from indusco_sim.viz import charts, map_chart, timeline
from indusco_sim.viz.controls import Frame, pending_changes
from indusco_sim.viz.inspect import coop_table, depot_table, describe_town, html_table, worker_table
from indusco_sim.viz.model import VizModel
from indusco_sim.viz.precompiled import HtmlBlock
from indusco_sim.viz.settings import PARAMS, Settings, describe_scenario, list_scenarios
from indusco_sim.viz.timeline import recent_event, region_events
from indusco_sim.viz.vega_view import VegaView

CHART_INTERVAL_S = 0.5  # while playing, the charts under the map and the region timeline redraw at most this often
SMALL = {"font-size": "0.8rem", "color": "#666666", "margin-top": "-6px", "margin-bottom": "10px"}


@solara.component
def StatusBanner(model: VizModel, settings: Settings, values: solara.Reactive):
    """The simulated date, large; the scenario and progress; a notice of a new region; the settings applied and
    those waiting for Reset; the end of the run; any input error."""
    update_counter.get()
    with model.lock:
        date, tick, coops = str(model.date), model.tick, int(model.national("cooperatives"))
        notice = recent_event(model)
        regions = len(model.region_names)
    with solara.Row(style={"align-items": "baseline", "gap": "24px", "flex-wrap": "wrap"}):
        solara.Text(date, classes=["indusco-date"], style={"font-size": "2.4rem", "font-weight": "700"})
        solara.Text(f"{model.spec.name}: {model.tick_label(tick)}, {coops:,} cooperatives in {regions} regions",
                    classes=["indusco-progress"], style={"font-size": "1.1rem"})
    if notice is not None:
        solara.Info(f"New region: {notice['text']}", classes=["indusco-notice"], dense=True)
    if tick >= model.n_ticks:
        solara.Success(f"The run has finished: {date} is the end of the scenario. Press Reset to run it again, "
                       "or choose another scenario.", classes=["indusco-finished"], dense=True)
    pending = pending_changes(model, values.value)
    if pending:
        solara.Warning(f"Not applied yet: {', '.join(pending)}. Press Reset to apply.",
                       classes=["indusco-pending"], dense=True)
    applied = ", ".join(model.overrides) or "none (the scenario as written)"
    solara.Text(f"Settings applied: {applied}", classes=["indusco-applied"], style=SMALL)
    if settings.error:
        solara.Error(settings.error, classes=["indusco-error"])


@solara.component
def RegionStory(model: VizModel):
    """Regions over time against the archive's counts, each region's life as a bar, and the list of
    foundings and splits so far."""
    update_counter.get()
    with model.lock:
        events = region_events(model)

    last = solara.use_memo(lambda: [-math.inf], [model])

    def make_parts() -> tuple[dict, dict] | None:
        if not now_and_then(model, last):
            return None
        with model.lock:
            return timeline.timeline_layers(model), timeline.timeline_data(model)

    VegaChart(make_parts, "indusco-timeline")
    items = "".join(f"<li>{html.escape(e['text'])}</li>" for e in reversed(events)) or "<li>none yet</li>"
    HtmlBlock.element(html=f"<b>Regions founded and split</b><ul class='indusco-events' "
                      f"style='margin:4px 0 8px 18px;font-size:0.9rem;max-height:9em;overflow-y:auto'>{items}</ul>")


def VegaChart(make_parts, css_class: str, on_click=None, on_drawn=None, on_pushed=None) -> None:
    """A VegaView made once per component; after each render `make_parts()` gives (spec, datasets), or None
    to skip this render (charts that need not follow every step while playing). Each push is numbered:
    `on_pushed(n)` is called when push n is sent, `on_drawn(n)` when the browser shows it (or a later one).

    They are built in an effect, after the render has sent the new date to the browser. The spec is sent
    only when it changes (a new region), with every dataset; otherwise only the datasets that changed (by
    identity: cached rows are sent once), with a counter so that every push reaches the browser and is drawn
    (traitlets drops a value equal to the last; the play loop waits for the map's). Passing them as element
    arguments would make reacton walk every row on each render: ~40 ms a step."""
    widget = solara.use_memo(lambda: VegaView(listen_to_click=on_click is not None), [])
    sent = solara.use_memo(dict, [])
    widget.on_click = on_click
    widget.on_drawn = on_drawn

    def push() -> None:
        parts = make_parts()
        if parts is None:
            return
        spec, datasets = parts
        new_spec = spec is not widget.spec
        changed = datasets if new_spec else {k: v for k, v in datasets.items() if sent.get(k) is not v}
        sent.update(datasets)
        sent["_push"] = sent.get("_push", 0) + 1
        with widget.hold_sync():
            widget.datasets = {**changed, "_push": sent["_push"]}  # equal rows would not be sent otherwise
            if new_spec:
                widget.spec = spec
        if on_pushed is not None:
            on_pushed(sent["_push"])

    solara.use_effect(push)
    solara.Div(classes=[css_class], children=[widget])


def now_and_then(model: VizModel, last: list[float], seconds: float = CHART_INTERVAL_S, clock=time.monotonic) -> bool:
    """While playing, True at most once every `seconds` (and at the end); always True when paused. `last`
    holds the clock's time of the last True.

    The charts under the map, and the region timeline, redraw their whole history (a row per region and week so
    far), which late in baseline_1945 took the browser 50-100 ms against ~25 ms for a week of the map. When they
    redrew every 4th week, those weeks held back the play loop (baseline_1945 at the fastest speed, 2026-12-03:
    the loop's wait for the browser was 0-2 ms a week at the median and 50-100 ms at the 90th percentile)."""
    now = clock()
    if getattr(model, "playing", False) and now - last[0] < seconds and model.tick < model.n_ticks:
        return False
    last[0] = now
    return True


@solara.component
def MapView(model: VizModel, selected: solara.Reactive, frame: Frame | None = None):
    """The map; clicking a town selects it; its pushes and draws are reported to `frame` (the play loop waits
    for them)."""
    update_counter.get()
    town = selected.value

    def make_parts() -> tuple[dict, dict]:
        with model.lock:
            return map_chart.map_layers(model), map_chart.map_data(model, town)

    def on_click(datum) -> None:
        if isinstance(datum, dict) and datum.get("town"):
            selected.set(datum["town"])

    VegaChart(make_parts, "indusco-map", on_click, *((frame.drawn, frame.pushed) if frame is not None else ()))


@solara.component
def TownInspector(model: VizModel, selected: solara.Reactive):
    """Pick a town (or click it on the map): its depot stocks, cooperatives by industry and workers. The
    picker does not follow the steps: re-rendering it every week re-validated its list of every town
    (~6% of the play loop's samples under py-spy)."""
    names = solara.use_memo(lambda: sorted(model.town_names), [model])
    solara.Select("Town", values=names, value=selected, classes=["indusco-town"])
    TownTables(model, selected)


@solara.component
def TownTables(model: VizModel, selected: solara.Reactive):
    """The selected town's description and tables, redrawn after every step."""
    update_counter.get()
    town = selected.value
    if not town or town not in model.network.index:
        solara.Text("Click a town on the map or choose it here.", style=SMALL)
        return
    with model.lock:
        about = describe_town(model, town)
        tables = [("Cooperatives by industry", coop_table(model, town)), ("Workers", worker_table(model, town)),
                  ("Depot stocks", depot_table(model, town))]
    parts = [f"<p class='indusco-town-about'><b>{html.escape(town)}</b>: {html.escape(about)}</p>"]
    parts += [f"<p style='margin:6px 0 2px'><b>{title}</b></p>{html_table(frame)}" for title, frame in tables]
    HtmlBlock.element(html="".join(parts), css_class="indusco-town-tables")


@solara.component
def HistoryCharts(model: VizModel):
    """Cooperatives and members by region with the archive, real output, unemployed refugees."""
    update_counter.get()

    last = solara.use_memo(lambda: [-math.inf], [model])

    def make_parts() -> tuple[dict, dict] | None:
        if not now_and_then(model, last):
            return None
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
def ParameterSidebar(settings: Settings, model: solara.Reactive, values: solara.Reactive, folder: Path):
    """The parameters card in the sidebar, under the controls."""
    with solara.Card("Scenario and parameters"):
        ParameterPanel(settings, model, values, folder)


@solara.component
def ParameterPanel(settings: Settings, model: solara.Reactive, values: solara.Reactive, folder: Path):
    """Scenario picker with each scenario's description (loads at once), and the sliders (applied by Reset)."""
    files = list_scenarios(folder)
    about = solara.use_memo(lambda: {f.name: describe_scenario(f) for f in files}, [folder])

    def pick(name: str) -> None:
        if settings.choose_scenario(folder / name):
            values.set(dict(settings.values))
            model.value = VizModel(settings)
        force_update()

    def setter(name: str):
        def on_value(value) -> None:
            settings.values[name] = value
            values.set(dict(settings.values))
        return on_value

    items = [{"text": f.name, "value": f.name, "props": {"subtitle": about[f.name]}} for f in files]
    solara.v.Select(label="Scenario", items=items, v_model=settings.scenario.name, on_v_model=pick,
                    item_title="text", item_value="value", item_props="props", class_="indusco-scenario",
                    hide_details=True)
    solara.Text(about.get(settings.scenario.name, ""), classes=["indusco-scenario-about"],
                style={**SMALL, "margin-top": "4px"})
    solara.Text("Choosing a scenario loads it at once. The values below are applied when you press Reset.",
                style={"font-weight": "600", "font-size": "0.85rem", "margin-bottom": "8px"})
    current = values.value
    for param in PARAMS:
        ParameterInput(param, current.get(param.name), setter(param.name))
