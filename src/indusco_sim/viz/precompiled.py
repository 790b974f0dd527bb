"""Widgets whose browser side is a precompiled ES module (viz/esm/*.js) instead of a .vue template.

A .vue template is compiled in the browser: the first one on a page makes it fetch and run ipyvue's template
compiler (a 0.8 MB script), and the page waits for it. Solara puts two on every page (its router's Navigator
and the tab's Title), solara.HTML and solara.Style are two more, and the page's charts were a fifth. With all
of them as ES modules the compiler is never loaded: the map's first paint came 0.43 s sooner (median of 10
loads each, two servers interleaved, 2026-12-03: 3.02 s -> 2.59 s from navigation to the map's canvas).

ipyvue imports each module as it is (render functions written out, `vue` its only import); Solara's server
sends the modules to every session (`ipyvue.define_module`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import ipyvue
import ipyvuetify as v
import reacton.core
import solara
import solara.components.title
import solara.widgets
import traitlets

ESM_DIR = Path(__file__).with_name("esm")


@functools.cache
def module_code(name: str) -> str:
    """The source of viz/esm/<name>.js."""
    return (ESM_DIR / f"{name}.js").read_text(encoding="utf-8")


def esm_template(name: str) -> ipyvue.Template:
    """A template whose component is the default export of viz/esm/<name>.js (defined once per session)."""
    module = f"indusco-{name}"
    ipyvue.define_module(module, code=module_code(name), dependencies=[])  # its only import is `vue`
    return ipyvue.Template(esm_module=module)


class HtmlBlock(v.VuetifyTemplate):
    """`html` (made by the page, escaped where it holds names) inside a `tag`: solara.HTML without .vue."""

    tag = traitlets.Unicode("div").tag(sync=True)
    html = traitlets.Unicode("").tag(sync=True)
    css_class = traitlets.Unicode("").tag(sync=True)

    @traitlets.default("template")
    def _template(self):
        return esm_template("html_block")


class Navigator(solara.widgets.Navigator):
    """Solara's router widget (on every Solara page) with esm/navigator.js for its navigator.vue."""

    template_file = None

    @traitlets.default("template")
    def _template(self):
        return esm_template("navigator")


class TitleWidget(solara.components.title.TitleWidget):
    """solara.Title's widget (on every Solara page) with esm/title.js for its title.vue."""

    template_file = None

    @traitlets.default("template")
    def _template(self):
        return esm_template("title")


def install() -> None:
    """Make Solara's Navigator and Title use the precompiled widgets above (for every session from now on)."""
    solara.Navigator = reacton.core.ComponentWidget(Navigator)
    solara.components.title.TitleWidget = TitleWidget
