"""A browser tab on the page for tests/test_browser.py: what it logs, what it would fetch, and the clicks and
readings the tests make, timed in the page itself."""

from __future__ import annotations

MAP_CLOCK = """(() => {
    /* first paint: when the map's canvas is first in the page, in ms from the start of the navigation */
    const watch = new MutationObserver(() => {
        if (document.querySelector('.indusco-map canvas')) {
            window.__mapShownAt = performance.now();
            watch.disconnect();
        }
    });
    watch.observe(document, {subtree: true, childList: true});
})()"""
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


class Page:
    """A browser tab on the page, collecting console errors and warnings, uncaught exceptions and any request
    that would leave the machine (aborted)."""

    def __init__(self, browser, url: str):
        self.tab = browser.new_page(viewport={"width": 1500, "height": 1100})  # a new context: a new session
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.outside: list[str] = []
        self.compiler: list[str] = []  # requests for ipyvue's in-browser .vue compiler
        self.tab.on("console", self.console)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.route("**/*", self.route)
        self.tab.add_init_script(MAP_CLOCK)
        self.tab.goto(url)
        self.tab.locator(".indusco-date").wait_for(timeout=30_000)
        self.tab.locator(".indusco-map canvas").first.wait_for(timeout=30_000)

    def console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)
        elif message.type == "warning":
            self.warnings.append(message.text)

    def route(self, route) -> None:
        if "vue-sfc" in route.request.url:
            self.compiler.append(route.request.url)
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def check_clean(self) -> None:
        """No console error or warning, no uncaught exception, no request that leaves the machine, and no
        template compiler: every widget on the page is precompiled (viz/precompiled.py), for the first paint."""
        assert not self.errors, self.errors
        assert not self.warnings, self.warnings
        assert not self.outside, self.outside
        assert not self.compiler, self.compiler

    def draws(self) -> int:
        return int(self.tab.locator(".indusco-map [data-draws]").first.get_attribute("data-draws") or 0)

    def fastest(self) -> None:
        """Move the speed slider to its end: as fast as the page can draw."""
        slider = self.tab.locator(".indusco-speed [role=slider]")
        slider.focus()
        slider.press("End")
        self.wait_for_text(".indusco-speed-label", "as fast as the page can draw")

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
        self.tab.locator("[role=option]", has_text=option).first.click()

    def wait_for_text(self, selector: str, text: str, timeout: float = 15_000) -> None:
        self.tab.locator(selector, has_text=text).first.wait_for(timeout=timeout)

    def close(self) -> None:
        self.tab.close()
