"""VegaView: a Vega-Lite widget that updates its data in place (see esm/vega_view.js).

Solara's own VegaLite widget embeds the whole spec again 100 ms after every change (compile, then draw),
which is most of a step's time in the browser. Here the spec (layers and data that never change) is sent
once and each step sends only the rows of the datasets that changed.
"""

from __future__ import annotations

import json

import ipyvuetify as v
import numpy as np
import traitlets

from indusco_sim.viz.precompiled import esm_template


def plain(value):
    """A numpy scalar as the Python number it holds (as Solara's own message encoder does); else TypeError."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{value!r} cannot be sent to the browser as JSON")


class VegaView(v.VuetifyTemplate):
    spec = traitlets.Dict().tag(sync=True)          # Vega-Lite spec, with the datasets that never change
    datasets = traitlets.Dict()                     # name -> rows, replaced in the live view; sent as:
    datasets_json = traitlets.Unicode("{}").tag(sync=True)  # the same as one JSON text (see _encode)
    listen_to_click = traitlets.Bool(False).tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    on_click = traitlets.Callable(None, allow_none=True)
    on_drawn = traitlets.Callable(None, allow_none=True)  # on_drawn(push): the browser shows push `push`

    @traitlets.default("template")
    def _template(self):
        return esm_template("vega_view")  # an ES module, not a .vue template (viz/precompiled.py)

    @traitlets.observe("datasets")
    def _encode(self, change) -> None:
        # ipywidgets walks a dict trait's every row for binary buffers before sending it, and ipyvue deep-copies
        # and deep-watches it in the browser: as text the rows are walked once, by json.dumps here and
        # JSON.parse there
        self.datasets_json = json.dumps(change["new"], separators=(",", ":"), allow_nan=False, default=plain)

    @traitlets.default("cdn")
    def _cdn(self):
        import solara.settings

        return None if solara.settings.assets.proxy else solara.settings.assets.cdn

    def vue_vega_click(self, datum=None) -> None:
        if self.on_click is not None:
            self.on_click(datum)

    def vue_vega_drawn(self, push=None) -> None:
        if self.on_drawn is not None:
            self.on_drawn(push)
