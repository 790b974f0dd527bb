"""The page's controls: Reset, play and pause, one step, a speed in weeks per second and "run to a date".

They replace Mesa's SolaraViz Controls card ("Play Interval (ms)", "Render Interval (steps)", "Use Threads"),
whose play loop changes state faster than the page renders at short intervals and then fails with reacton's
"Too many renders triggered". Here the play thread steps the model and signals Mesa's `update_counter`
(force_update), one render pass a week, and never runs more than one week ahead of the map the browser has
drawn (`Frame`): while the browser draws week k the server steps and renders week k + 1, then waits for the
drawing of week k before week k + 2. So renders never pile up, every week is drawn, and the banner is at most
one week ahead of the map, for the time of one draw (tens of milliseconds); when play stops they agree.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import reacton.core
import solara
import solara.lab
from mesa.visualization.utils import force_update

from indusco_sim.viz.model import VizModel
from indusco_sim.viz.settings import Settings

SPEEDS = (1, 2, 5, 10, 20, 30, 60)  # ticks per second offered; the last is "as fast as the page draws"
DEFAULT_SPEED = 10
DRAW_WAIT_S = 2.0  # longest wait for the browser to draw a step (a hidden tab may never draw)
HINT = {"font-size": "0.8rem", "color": "#555555"}


class Frame:
    """A per-session handshake between the play thread and the map: the map's pushes are numbered (VegaChart),
    the browser says which one it shows, and the play thread waits for the push of the week before the one it
    has just rendered. The server's step and render of a week so overlap the browser's drawing of the last one
    (the two take about the same time: ~25-35 ms each a week on baseline_1945, a 2-core machine, 2026-12-03).
    Numbers, not a count of draws: a draw that shows two pushes at once must not leave the loop a week behind."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.pushed_last = 0  # the number of the map's last push sent
        self.drawn_last = 0   # the newest push the browser has drawn
        self.timings: list[tuple[float, float, float]] = []  # last played steps: seconds to step, render, wait

    def record(self, step: float, render: float, wait: float) -> None:
        self.timings = [*self.timings[-199:], (step, render, wait)]

    def pushed(self, push: int) -> None:
        with self.changed:
            if push < self.pushed_last:  # a new map widget numbers its pushes from 1 again
                self.drawn_last = 0
            self.pushed_last = push

    def drawn(self, push: int | None) -> None:
        with self.changed:
            self.drawn_last = max(self.drawn_last, push or 0)
            self.changed.notify_all()

    def wait_for(self, push: int, timeout: float = DRAW_WAIT_S) -> bool:
        """Wait until the browser shows the map's push `push` or a later one (False if `timeout` s passed)."""
        with self.changed:
            return self.changed.wait_for(lambda: self.drawn_last >= push, timeout)


def redraw(render_context) -> None:
    """force_update() in one render pass. Unbatched, each component that reads `update_counter` gets a pass
    of its own (4 passes a week, each walking the whole tree): measured in-process on baseline_1945, 130
    weeks, the render passes' own cost fell from ~66 to ~18 ms a week (cProfile), the widget updates from
    89 to 22 a week."""
    with render_context:
        force_update()


def parse_date(text: str) -> dt.date | None:
    """A date typed as 1942-06-30, 1942-06 or 1942 (the end of that month or year); None if unreadable."""
    text = (text or "").strip()
    try:
        if len(text) == 4:
            return dt.date(int(text), 12, 31)
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:])
            return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def speed_label(speed: int, unit: str) -> str:
    if speed == SPEEDS[-1]:
        return f"as fast as the page can draw (up to {speed} {unit}s per second)"
    return f"{speed} {unit}{'s' if speed != 1 else ''} per second"


def pending_changes(model: VizModel, values: dict) -> list[str]:
    """The settings moved since the model was built, as 'label value unit' (Reset applies them)."""
    from indusco_sim.viz.settings import PARAMS

    out = []
    for p in PARAMS:
        new, old = values.get(p.name), model.applied_values.get(p.name)
        if new != old:
            shown = f"{new:g}" if isinstance(new, float) else str(new)
            out.append(f"{p.label} {shown} {p.unit if p.kind != 'select' else ''}".strip())
    return out


@solara.component
def Controls(model_ref: solara.Reactive, settings: Settings, values: solara.Reactive, frame: Frame):
    """Reset (naming pending changes), play/pause, step, speed and run-to-date, in the sidebar."""
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    target_text = solara.use_reactive("")
    target = solara.use_reactive(None)
    model = model_ref.value
    unit = model.spec.time.tick
    render_context = reacton.core.get_render_context()

    def play_loop() -> None:
        last_week = None  # the map's push of the week rendered before this one
        while playing.value:
            m = model_ref.value
            m.playing = True
            goal = target.value
            if not m.running or m.tick >= m.n_ticks or (goal is not None and m.date_labels[m.tick] > str(goal)):
                m.playing = False
                playing.set(False)
                target.set(None)
                force_update()
                return
            start = time.perf_counter()
            m.step()
            stepped = time.perf_counter()
            redraw(render_context)
            sent = time.perf_counter()
            if last_week is not None:
                frame.wait_for(last_week)  # the week before this one is on the map (or DRAW_WAIT_S passed)
            last_week = frame.pushed_last
            frame.record(stepped - start, sent - stepped, time.perf_counter() - sent)
            rest = 1.0 / speed.value - (time.perf_counter() - start)
            if rest > 0:
                time.sleep(rest)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def reset() -> None:
        model_ref.value.playing = False
        playing.set(False)
        target.set(None)
        model_ref.value = VizModel(settings)
        force_update()

    def play_pause() -> None:
        if playing.value:
            model_ref.value.playing = False
            playing.set(False)
            force_update()  # the charts that skip steps while playing catch up
        else:
            playing.set(True)

    def step() -> None:
        model_ref.value.step()
        force_update()

    def run_to() -> None:
        goal = parse_date(target_text.value)
        target.set(goal)
        m = model_ref.value
        if goal is not None and m.tick < m.n_ticks and m.date_labels[m.tick] <= str(goal):
            playing.set(True)

    pending = pending_changes(model, values.value)
    finished = model.tick >= model.n_ticks
    with solara.Card("Controls"):
        with solara.Row(justify="space-between"):
            solara.Button("Reset" if not pending else f"Reset to apply {len(pending)} change"
                          f"{'s' if len(pending) > 1 else ''}", color="warning" if pending else "primary",
                          on_click=reset, classes=["indusco-reset"])
            solara.Button("❚❚" if playing.value else "▶", color="primary", disabled=finished, on_click=play_pause)
            solara.Button("Step", color="primary", disabled=playing.value or finished, on_click=step)
        solara.Text(f"Speed: {speed_label(speed.value, unit)}", classes=["indusco-speed-label"],
                    style={"font-weight": "500"})
        with solara.Div(classes=["indusco-speed"]):
            solara.SliderValue("", value=speed, values=list(SPEEDS))
        with solara.Row(style={"align-items": "center"}):
            solara.InputText("Run to a date", value=target_text, classes=["indusco-target"],
                             continuous_update=True)
            solara.Button("Run", color="primary", disabled=finished, on_click=run_to, classes=["indusco-run-to"])
        goal = parse_date(target_text.value)
        if target_text.value and goal is None:
            solara.Text("Type a date as 1942-06-30, 1942-06 or 1942.", style={**HINT, "color": "#b00020"})
        elif target.value is not None:
            solara.Text(f"Playing until {target.value}.", style=HINT)
        else:
            solara.Text(f"The run covers {model.spec.time.start} to {model.spec.time.end}.", style=HINT)
