"""The page in a real browser: Playwright drives Debian's Chromium (/usr/bin/chromium; never a downloaded
browser) against `indusco serve`, started on a free port for each test and stopped after it.

The server serves a copy of scenarios/ plus a broken scenario (the picker shows its error) and a short one
(a run that finishes). Every tab aborts any request not to 127.0.0.1 and the tests assert none was tried: the
page works offline. Timings (first paint, step, weeks per second at the fastest speed) are printed and written
to test-output/browser_timings.json.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from browser_page import Page

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT_S = 240  # the first start in a fresh checkout compiles the numba kernels
# A hang bound, not the speed target: tests assert behaviour and benchmarks report speed. First paint (the
# page's clock: navigation start to the map's canvas) is written to test-output/browser_timings.json, with the
# wall time from the server's "ready" beside it. Target 3 s (issue 12). 2026-12-04, this test, 8 runs each,
# interleaved with the code before every widget was precompiled (viz/precompiled.py), on a 2-core machine:
# quiet, median 2.17 s (2.04-2.25; wall 2.46-2.68) against 2.46 s (2.21-2.61); an hour earlier, with the
# machine loaded, 3.09 s (2.41-3.50) against 3.47 s (2.88-4.07). What remains is the browser's: Solara's 3.9
# MB bundle (~1 s to run), Vue building 113 widgets, and Vega-Lite compiling and Vega drawing three charts.
FIRST_PAINT_LIMIT_S = 30.0
STEP_HANG_MS = 10_000  # a step whose map is not drawn within this has hung
TIMINGS: dict[str, object] = {}
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
    (folder / "short.yaml").write_text("name: short\nextends: baseline.yaml\ndescription: The first ten weeks.\n"
                                       "time:\n  end: 1938-10-14\n")
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


@pytest.fixture(scope="module")
def server(scenario_folder):
    """`indusco serve` on a free port, one for the module (each Page is a new browser context, so a new
    session): yields (url, seconds when it said it was ready); stopped afterwards."""
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


def map_position(town: str) -> dict[str, float]:
    """Where a town is drawn on the map's canvas (Vega pads the plot by 5 px)."""
    from indusco_sim.data import load_towns
    from indusco_sim.viz.map_chart import map_size
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


def test_page_loads_offline_without_console_messages_and_steps(browser, server):
    url, ready_at = server
    page = Page(browser, url)
    wall = time.perf_counter() - ready_at
    first_paint = page.tab.evaluate("() => window.__mapShownAt") / 1000
    record("first_paint_s", round(first_paint, 3))  # the page's own clock: navigation start to the map
    record("first_paint_wall_s", round(wall, 3))    # the test's: from the server's "ready", a new tab included
    assert page.date() == "1938-08-05"
    assert page.tab.title() == "Indusco: the Chinese Industrial Cooperatives"  # solara.Title, precompiled
    page.tab.locator(".indusco-timeline canvas").wait_for(timeout=15_000)  # drawn 0.1-0.4 s after the map
    assert page.tab.locator(".indusco-timeline canvas").count() == 1  # the region story is there from the start
    assert "Play Interval" not in page.tab.content() and "Use Threads" not in page.tab.content()
    steps = [page.step() for _ in range(8)]
    date_ms = [round(d) for d, _ in steps]
    map_ms = [round(m) for _, m in steps]
    record("step_to_date_ms", date_ms)
    record("step_to_map_ms", map_ms)
    assert page.date() == "1938-09-29"  # the first week ends 1938-08-11, then 7 more
    assert wall <= FIRST_PAINT_LIMIT_S
    assert max(map_ms) <= STEP_HANG_MS  # a hang bound: step times are recorded, not asserted
    layout = page.tab.evaluate("""() => Object.fromEntries(['.indusco-map', '.indusco-timeline', '.indusco-charts',
        '.v-toolbar-title'].map(s => { const e = document.querySelector(s); const r = e.getBoundingClientRect();
        return [s, {left: r.left, right: r.right, bottom: r.bottom, clipped: e.scrollWidth > e.clientWidth}]; }))""")
    assert layout[".indusco-timeline"]["left"] >= layout[".indusco-map"]["right"]  # the story beside the map
    assert layout[".indusco-charts"]["bottom"] <= 1100  # the charts under the map, in the first screen
    assert not layout[".v-toolbar-title"]["clipped"]  # the whole title
    page.wait_for_text(".indusco-notice", "The Northwest region was founded, September 1938")
    page.wait_for_text(".indusco-events li", "The Northwest region was founded")
    page.check_clean()
    page.close()


def test_fastest_play_for_30_s_keeps_the_page_and_the_map_in_step(browser, server):
    """At the top speed on baseline_1945 (where Mesa's controls crashed the page) play 30 s, from the start again
    each time the run ends: no traceback, the map drawn for every week played, and the weeks per second
    recorded."""
    page = Page(browser, server[0])
    page.choose("indusco-scenario", "baseline_1945.yaml")
    page.wait_for_text(".indusco-progress", "baseline_1945: week 0")
    page.fastest()
    draws, weeks, seconds = page.draws(), 0, 0.0
    finished = page.tab.locator(".indusco-finished")
    while seconds < 30:
        page.button("▶").click()
        start = time.perf_counter()
        # the scenario runs 369 weeks: a machine playing more than 12 a second reaches its end within the 30 s
        # (CI did, 2026-12-03); then the Pause button is gone, the end-of-run message shows, and Reset plays on
        try:
            finished.wait_for(timeout=(30 - seconds) * 1000)
        except PlaywrightTimeout:
            # unless the run ends at this very moment (then the button is gone, and the end is checked below)
            with contextlib.suppress(PlaywrightTimeout):
                page.button("❚❚").click(timeout=3_000)
        seconds += time.perf_counter() - start
        page.tab.wait_for_timeout(500)
        weeks += (dt.date.fromisoformat(page.date()) - dt.date(1938, 8, 5)).days // 7
        if finished.count():
            assert f"{page.date()} is the end of the scenario" in finished.inner_text()
            assert page.button("▶").is_disabled()
            page.button("Reset").click()
            page.wait_for_text(".indusco-progress", "baseline_1945: week 0")
    drawn = page.draws() - draws
    record("fastest_weeks_per_s", round(weeks / seconds, 1))
    record("fastest_map_draws_per_week", round(drawn / max(weeks, 1), 2))
    text = page.tab.locator("body").inner_text()
    assert "Traceback" not in text and "Too many renders" not in text
    assert weeks >= 30
    assert drawn >= 0.9 * weeks  # the play loop waits for the map: (almost) every week is drawn
    page.check_clean()
    page.close()


def test_slider_shows_pending_change_and_reset_applies_it(browser, server):
    page = Page(browser, server[0])
    page.step()
    slider = page.tab.locator(".indusco-split-threshold [role=slider]")
    start = float(slider.get_attribute("aria-valuenow"))  # the scenario's own threshold
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    moved = round(start + 3 * 0.05, 2)  # three steps of 0.05
    page.wait_for_text("span", f"Region split threshold: {moved:g} load per organiser")
    page.wait_for_text(".indusco-pending", f"Not applied yet: Region split threshold {moved:g}")
    page.button("Reset to apply 1 change").click()
    page.wait_for_text(".indusco-applied", f"administration.split_threshold={moved!r}")
    assert page.tab.locator(".indusco-pending").count() == 0
    assert page.date() == "1938-08-05"
    page.check_clean()
    page.close()


def test_scenario_picker_describes_and_loads_a_counterfactual(browser, server):
    page = Page(browser, server[0])
    page.tab.locator(".indusco-scenario").click()
    option = page.tab.locator("[role=option]", has_text="no_inflation.yaml").first
    # the scenario's description is in the list (waited for: the menu's items can be in the page before their
    # text, which once read as '' under load)
    expect(option).to_contain_text(re.compile("price", re.IGNORECASE), timeout=15_000)
    option.click()
    page.wait_for_text(".indusco-progress", "no_inflation: week 0")
    expect(page.tab.locator(".indusco-scenario-about")).to_contain_text(re.compile("price", re.IGNORECASE))
    page.step()
    page.check_clean()
    page.close()


def test_short_run_to_a_date_then_to_the_end_says_it_has_finished(browser, server):
    page = Page(browser, server[0])
    page.choose("indusco-scenario", "short.yaml")
    page.wait_for_text(".indusco-progress", "short: week 0")
    target = page.tab.locator(".indusco-target input")
    target.fill("1938-09")
    page.button("Run").click()
    page.wait_for_text(".indusco-progress", "short: week 8 of 11", timeout=30_000)  # 1938-09-29, then stops
    page.tab.wait_for_timeout(600)
    assert page.date() == "1938-09-29"
    target.fill("1939")
    page.button("Run").click()
    page.wait_for_text(".indusco-finished", "The run has finished", timeout=30_000)
    assert page.button("▶").is_disabled() and page.button("Step").is_disabled()
    page.check_clean()
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
    page.button("Reset to apply 1 change").click()
    page.wait_for_text(".indusco-error", "seed")
    page.step()
    page.close()
    Page(browser, server[0]).close()  # a new session still gets the page


def test_town_inspector_territories_and_map_screenshot(browser, server):
    page = Page(browser, server[0])
    page.tab.locator(".indusco-target input").fill("1939-03")
    page.button("Run").click()
    page.wait_for_text(".indusco-progress", "week 34 of", timeout=60_000)  # 1939-03-30
    page.tab.wait_for_timeout(600)
    page.tab.locator(".indusco-map canvas").click(position=map_position("Baoji"))  # a click on the map
    page.wait_for_text(".indusco-town", "Baoji")
    page.wait_for_text("b", "Cooperatives by industry")
    page.wait_for_text("td", "unemployed")
    page.choose("indusco-town", "Chengdu")  # or the list
    page.wait_for_text(".indusco-town-about", "Chengdu: region Sichuan-Xikang, regional headquarters, depot")
    page.tab.wait_for_timeout(400)
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "map.png"
    page.tab.locator(".indusco-map").screenshot(path=str(shot))
    page.tab.screenshot(path=str(OUTPUT / "page.png"), full_page=True)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    record("map_screenshot_pixel_std", round(float(pixels.std()), 1))
    assert pixels.shape[0] > 300 and pixels.std() > 10
    # the territories: a wide patch of the Northwest's pale blue around Lanzhou (not only the town's dot)
    lanzhou = map_position("Lanzhou")
    patch = pixels[int(lanzhou["y"]) + 12:int(lanzhou["y"]) + 30, int(lanzhou["x"]) - 30:int(lanzhou["x"]) - 12]
    r, g, b = patch.reshape(-1, 3).mean(axis=0)
    assert b > r + 15 and b > 200, (r, g, b)
    page.tab.locator(".indusco-timeline canvas").wait_for()
    assert page.tab.locator(".indusco-events li").count() == 5
    page.check_clean()
    page.close()
