"""The browser page: IndusModel (a mesa.Model) stepped in a Solara app. Served by `indusco serve [SCENARIO]`;
also runs as `solara run src/indusco_sim/viz/app.py` (scenario from $INDUSCO_SCENARIO, default the baseline),
then without the style and early Vega loading of viz/static (custom.css, custom.js), which `indusco serve` adds.

The page keeps Mesa's visualization signal (`update_counter` / `force_update`: a step or reset happened) but
lays out its own app bar, controls and main area rather than calling SolaraViz: SolaraViz's Controls card
cannot be relabelled ("Play Interval (ms)", "Render Interval (steps)", "Use Threads", "Information: Time"),
its play loop crashes the page at short intervals (viz/controls.py), and its `components` grid fails under
the Vue 3 build of Solara installed with Mesa 3.5 ("GlobalVue.use is not a function").
"""

from __future__ import annotations

import os
from pathlib import Path

import solara

from indusco_sim.data import scenarios_dir
from indusco_sim.viz.components import (
    HistoryCharts,
    MapView,
    ParameterSidebar,
    RegionStory,
    StatusBanner,
    TownInspector,
)
from indusco_sim.viz.controls import Controls, Frame
from indusco_sim.viz.model import new_model
from indusco_sim.viz.precompiled import install
from indusco_sim.viz.server import TAB_TITLE
from indusco_sim.viz.settings import Settings

SCENARIO_ENV = "INDUSCO_SCENARIO"
TITLE = "Indusco: the Chinese Industrial Cooperatives, 1938-1952"
install()  # Solara's Navigator and Title without .vue templates: the browser never loads the template compiler


def startup_scenario() -> Path:
    """The scenario the page opens with: $INDUSCO_SCENARIO, or the bundled baseline."""
    return Path(os.environ.get(SCENARIO_ENV) or scenarios_dir() / "baseline.yaml")


@solara.component
def MainView(model_ref: solara.Reactive, settings: Settings, values: solara.Reactive, selected: solara.Reactive,
             frame: Frame):
    """Date and notices on top; the map with the charts under it, beside the region story and the town
    inspector."""
    model = model_ref.value
    with solara.Column(classes=["indusco-main"], gap="4px"):
        StatusBanner(model, settings, values)
        with solara.Row(style={"align-items": "flex-start", "flex-wrap": "wrap", "gap": "16px"}):
            with solara.Column(gap="4px"):
                MapView(model, selected, frame)
                HistoryCharts(model)
            with solara.Column(style={"min-width": "360px", "max-width": "420px"}, gap="4px"):
                RegionStory(model)
                TownInspector(model, selected)


@solara.component
def Page():
    """One browser session: its own settings, model, slider values, selected town and play handshake."""
    settings = solara.use_memo(lambda: Settings.for_file(startup_scenario()), [])
    first = solara.use_memo(lambda: new_model(settings), [])
    model = solara.use_reactive(first)
    values = solara.use_reactive(dict(settings.values))
    selected = solara.use_reactive(None)
    frame = solara.use_memo(Frame, [])
    solara.Title(TAB_TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        Controls(model, settings, values, frame)
        ParameterSidebar(settings, model, values, settings.scenario.parent)
    MainView(model, settings, values, selected, frame)
