"""The page in a real browser: Playwright drives Debian's Chromium (/usr/bin/chromium; never a downloaded
browser) against `indusco serve`, started on a free port for each test and stopped after it.

The server serves a copy of scenarios/ plus a broken scenario, so the picker can show an error. Timings
(first paint, step) are printed and written to test-output/browser_timings.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT_S = 240  # the first start in a fresh checkout compiles the numba kernels
# A hang bound, not the speed target: tests assert behaviour and benchmarks report speed. First paint is
# measured here and written to test-output/browser_timings.json; the target (3 s, issue 12) is not met yet:
# 3.5-4.4 s on an idle 2-core machine, 5.1-5.2 s on a loaded one (CI, 2026-12-02), mostly the browser
# loading Solara's 4 MB bundle and drawing the first Vega charts (Python builds a session's model in 0.15 s).
FIRST_PAINT_LIMIT_S = 15.0
STEP_LIMIT_MS = 200
TIMINGS: dict[str, object] = {}
CLICK_CLOCK = """old => {
    window.__clicked = window.__dateChanged = window.__mapChanged = null;
    document.addEventListener('click', () => { window.__clicked = performance.now() }, {capture: true, once: true});
    const map = document.querySelector('.indusco-map');
    const watch = new MutationObserver(records => {
        const shown = document.querySelector('.indusco-date');
        if (window.__dateChanged === null && shown && shown.innerText !== old) {
            window.__dateChanged = performance.now();
        }
        const redrawn = records.some(r => r.type === 'attributes' && map.contains(r.target));
        if (window.__dateChanged !== null && window.__mapChanged === null && redrawn) {
            window.__mapChanged = performance.now();
        }
        if (window.__dateChanged !== null && window.__mapChanged !== null) watch.disconnect();
    });
    watch.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                                  attributeFilter: ['data-draws']});
}"""

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scenario_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scenarios")
    for f in (ROOT / "scenarios").glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    (folder / "broken.yaml").write_text("name: broken\nextends: baseline.yaml\nwar:\n  bombing_scale: lots\n")
    return folder


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed (.ci/run installs it)")
        pytest.skip("needs Debian's chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    from indusco_sim.viz.assets import ensure_assets

    ensure_assets()
    with sync_playwright() as p:
        # Playwright refuses --user-data-dir in `args`: launch() gives Chromium a new, empty one of its own
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(scenario_folder):
    """`indusco serve` on a free port: yields (url, seconds when it said it was ready); stopped afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "indusco_sim", "serve", str(scenario_folder / "baseline.yaml"), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    deadline = time.monotonic() + START_TIMEOUT_S
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "ready at" in line:
            break
        if time.monotonic() > deadline:
            break
    ready_at = time.perf_counter()
    try:
        assert proc.poll() is None and lines and "ready at" in lines[-1], "".join(lines)
        assert f"http://127.0.0.1:{port}/" in lines[-1]
        yield f"http://127.0.0.1:{port}/", ready_at
        assert proc.poll() is None, "the server stopped during the test"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


class Page:
    """A browser tab on the page, collecting console errors and uncaught exceptions."""

    def __init__(self, browser, url: str):
        self.tab = browser.new_page(viewport={"width": 1500, "height": 1100})  # a new context: a new session
        self.errors: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.goto(url)
        self.tab.locator(".indusco-date").wait_for(timeout=30_000)
        self.tab.locator(".indusco-map canvas").first.wait_for(timeout=30_000)

    def date(self) -> str:
        return self.tab.locator(".indusco-date").inner_text()

    def button(self, name: str):
        return self.tab.get_by_role("button", name=name, exact=True)

    def step(self) -> tuple[float, float]:
        """Press Step; seconds from the browser's click event until the new date is in the page, and until the
        map shows it (timed in the page, so Playwright's own overhead is left out)."""
        self.tab.evaluate(CLICK_CLOCK, self.date())
        self.button("Step").click()
        self.tab.wait_for_function("() => window.__dateChanged !== null && window.__mapChanged !== null",
                                   timeout=10_000)
        return tuple(self.tab.evaluate("() => [window.__dateChanged - window.__clicked, "
                                       "window.__mapChanged - window.__clicked]"))

    def choose(self, field: str, option: str) -> None:
        self.tab.locator(f".{field}").click()
        self.tab.get_by_role("option", name=option, exact=True).click()

    def wait_for_text(self, selector: str, text: str, timeout: float = 15_000) -> None:
        self.tab.locator(selector, has_text=text).first.wait_for(timeout=timeout)

    def close(self) -> None:
        self.tab.close()


def map_position(town: str) -> dict[str, float]:
    """Where a town is drawn on the map's canvas (Vega pads the plot by 5 px)."""
    from indusco_sim.data import load_towns
    from indusco_sim.viz.charts import map_size
    from indusco_sim.world.outline import bbox_around

    towns = load_towns()
    lon0, lon1, lat0, lat1 = bbox_around(towns["lon"].to_numpy(), towns["lat"].to_numpy())
    width, height = map_size((lon0, lon1, lat0, lat1))
    row = towns.set_index("town").loc[town]
    return {"x": 5 + (row["lon"] - lon0) / (lon1 - lon0) * width, "y": 5 + (lat1 - row["lat"]) / (lat1 - lat0) * height}


def record(name: str, value) -> None:
    TIMINGS[name] = value
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "browser_timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")
    print(f"{name}: {value}")


def test_page_loads_fast_without_console_errors_and_steps(browser, server):
    url, ready_at = server
    page = Page(browser, url)
    first_paint = time.perf_counter() - ready_at
    record("first_paint_s", round(first_paint, 3))
    assert page.date() == "1938-08-05"
    steps = [page.step() for _ in range(8)]
    date_ms = [round(d) for d, _ in steps]
    map_ms = [round(m) for _, m in steps]
    record("step_to_date_ms", date_ms)
    record("step_to_map_ms", map_ms)
    assert page.date() == "1938-09-29"  # the first week ends 1938-08-11, then 7 more
    assert first_paint <= FIRST_PAINT_LIMIT_S
    assert statistics.median(date_ms) <= STEP_LIMIT_MS and max(date_ms) <= 2.5 * STEP_LIMIT_MS
    assert statistics.median(map_ms) <= 2 * STEP_LIMIT_MS  # Solara's Vega widget redraws 100 ms after a change
    assert not page.errors, page.errors
    page.close()


def test_play_runs_several_steps(browser, server):
    page = Page(browser, server[0])
    page.button("▶").click()
    page.tab.wait_for_timeout(2500)
    page.button("❚❚").click()
    played = dt.date.fromisoformat(page.date()) - dt.date(1938, 8, 5)
    record("play_2.5s_weeks", played.days // 7)
    assert played.days >= 3 * 7
    assert not page.errors, page.errors
    page.close()


def test_split_threshold_slider_and_reset_rebuild_the_model(browser, server):
    page = Page(browser, server[0])
    page.step()
    slider = page.tab.locator(".indusco-split-threshold [role=slider]")
    start = float(slider.get_attribute("aria-valuenow"))  # the scenario's own threshold
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    moved = round(start + 3 * 0.05, 2)  # three steps of 0.05
    page.wait_for_text("span", f"Region split threshold: {moved:g} load per organiser")
    page.button("Reset").click()
    page.wait_for_text(".indusco-applied", f"administration.split_threshold={moved!r}")
    assert page.date() == "1938-08-05"
    assert not page.errors, page.errors
    page.close()


def test_counterfactual_scenario_loads(browser, server):
    page = Page(browser, server[0])
    page.choose("indusco-scenario", "no_inflation.yaml")
    page.wait_for_text(".indusco-progress", "no_inflation: week 0")
    page.step()
    assert not page.errors, page.errors
    page.close()


def test_bad_scenario_and_bad_value_show_errors_and_the_server_keeps_running(browser, server):
    page = Page(browser, server[0])
    page.choose("indusco-scenario", "broken.yaml")
    page.wait_for_text(".indusco-error", "broken.yaml")
    assert "war.bombing_scale" in page.tab.locator(".indusco-error").inner_text()
    page.step()  # still the baseline, still running
    seed = page.tab.locator(".indusco-seed input")
    seed.fill("-1")
    seed.press("Enter")
    page.button("Reset").click()
    page.wait_for_text(".indusco-error", "seed")
    page.step()
    page.close()
    Page(browser, server[0]).close()  # a new session still gets the page


def test_town_inspector_and_map_screenshot(browser, server):
    page = Page(browser, server[0])
    for _ in range(6):
        page.step()
    page.tab.locator(".indusco-map canvas").click(position=map_position("Baoji"))  # a click on the map
    page.wait_for_text(".indusco-town", "Baoji")
    page.wait_for_text("strong", "Cooperatives by industry")
    page.wait_for_text("td", "unemployed")
    page.choose("indusco-town", "Chengdu")  # or the list
    page.wait_for_text("p", "Chengdu: no region yet, depot")  # Sichuan-Xikang is founded in 1939
    page.tab.wait_for_timeout(400)  # the map redraws 100 ms after its spec changes
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "map.png"
    page.tab.locator(".indusco-map").screenshot(path=str(shot))
    page.tab.screenshot(path=str(OUTPUT / "page.png"), full_page=True)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    record("map_screenshot_pixel_std", round(float(pixels.std()), 1))
    assert pixels.shape[0] > 300 and pixels.std() > 10
    assert not page.errors, page.errors
    page.close()
