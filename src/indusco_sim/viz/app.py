"""The browser page: a Mesa SolaraViz for IndusModel. Served by `indusco serve [SCENARIO]`; also runs as
`solara run src/indusco_sim/viz/app.py` (scenario from $INDUSCO_SCENARIO, default the bundled baseline).

Mesa's SolaraViz gives the app bar and the Controls card (play, step, reset; Reset rebuilds the model as
`VizModel(settings=...)`). The main area is laid out here rather than through SolaraViz's `components`:
those go into a draggable grid whose JavaScript (vue-grid-layout 2) fails under the Vue 3 build of Solara
installed with Mesa 3.5 ("GlobalVue.use is not a function"), leaving the area blank.
"""

from __future__ import annotations

import os
from pathlib import Path

import solara
from mesa.visualization import SolaraViz

from indusco_sim.data import scenarios_dir
from indusco_sim.viz.components import HistoryCharts, MapView, ParameterSidebar, StatusBanner, TownInspector
from indusco_sim.viz.model import VizModel
from indusco_sim.viz.settings import Settings

SCENARIO_ENV = "INDUSCO_SCENARIO"
# Mesa's "Model Parameters" card stays empty (every choice travels in the one `settings` argument and the
# sliders live in our own card, with units and help): hide a card whose content is empty
HIDE_EMPTY_CARD = ".v-card:has(> .v-card-text > .v-sheet:empty) { display: none; }"
PLAY_INTERVAL_MS = 150  # pause between steps while playing (Vega redraws a chart 100 ms after its last change)


def startup_scenario() -> Path:
    """The scenario the page opens with: $INDUSCO_SCENARIO, or the bundled baseline."""
    return Path(os.environ.get(SCENARIO_ENV) or scenarios_dir() / "baseline.yaml")


@solara.component
def MainView(model_ref: solara.Reactive, settings: Settings, selected: solara.Reactive):
    """Date, map and town inspector side by side, charts below; the parameters go to the sidebar."""
    model = model_ref.value
    ParameterSidebar(settings, model_ref, settings.scenario.parent)
    with solara.Column(style={"padding": "8px 16px"}):
        StatusBanner(model, settings)
        with solara.Row(style={"align-items": "flex-start", "flex-wrap": "wrap", "gap": "16px"}):
            MapView(model, selected)
            with solara.Column(style={"min-width": "300px", "max-width": "380px"}):
                TownInspector(model, selected)
        HistoryCharts(model)


@solara.component
def Page():
    """One browser session: its own settings, model and selected town."""
    settings = solara.use_memo(lambda: Settings.for_file(startup_scenario()), [])
    first = solara.use_memo(lambda: VizModel(settings), [])
    model = solara.use_reactive(first)
    selected = solara.use_reactive(None)
    solara.Title("Indusco: the Chinese Industrial Cooperatives")
    solara.Style(HIDE_EMPTY_CARD)
    SolaraViz(model, components=[], model_params={"settings": settings}, play_interval=PLAY_INTERVAL_MS,
              name="Indusco: the Chinese Industrial Cooperatives, 1938-1952")
    MainView(model, settings, selected)
