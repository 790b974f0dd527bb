"""Serving the page: check the scenario and the address, warm up, then run Solara's Starlette app in uvicorn.

`serve` binds the socket itself, so a port in use is an InputError (exit 2) before anything starts, and
prints the URL once the server accepts connections. Bad input in the page never stops the server: the
page shows the error (viz/settings.py).
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path

from indusco_sim.errors import InputError

APP_MODULE = "indusco_sim.viz.app"
TAB_TITLE = "Indusco: the Chinese Industrial Cooperatives"


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port; InputError if the port is taken or the host is not an address
    of this machine."""
    if not 0 < port < 65536:
        raise InputError(f"port {port} is out of range", key="--port", valid="1-65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise InputError(f"cannot resolve host '{host}' ({err.strerror})", key="--host",
                         valid="an address of this machine, e.g. 127.0.0.1 (the default) or 0.0.0.0") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is already in use (another `indusco serve`?)", key="--port",
                             valid="a free port, e.g. --port 8766, or stop the program using it") from None
        raise InputError(f"cannot listen on {host}:{port} ({err.strerror})", key="--host",
                         valid="an address of this machine, e.g. 127.0.0.1 (the default)") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def is_loopback(sock: socket.socket) -> bool:
    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


def exposure_warning(sock: socket.socket) -> str | None:
    """A warning when the page listens beyond this machine (anyone who can reach the port can use it)."""
    if is_loopback(sock):
        return None
    host, port = sock.getsockname()[:2]
    return (f"indusco serve: warning: listening on {host}:{port}, beyond this machine; anyone who can reach "
            "this port can use the page (it has no login). Use --host 127.0.0.1 to keep it local.")


def prepare(scenario: Path) -> None:
    """Check the scenario, compile the kernels and build the chart templates once, so the first page is fast."""
    from indusco_sim.core.kernels import warm_up
    from indusco_sim.viz import charts, map_chart, timeline
    from indusco_sim.viz.model import VizModel, keep_spare
    from indusco_sim.viz.settings import Settings, describe_scenario, list_scenarios

    settings = Settings.for_file(scenario)
    if settings.error:
        raise InputError(settings.error)
    warm_up()
    model = VizModel(settings)
    model.step()
    map_chart.map_spec(model)
    charts.history_spec(model)
    timeline.timeline_layers(model)
    for path in list_scenarios(scenario.parent):  # the picker's descriptions (1.3 s for 7 files, uncached)
        describe_scenario(path)
    keep_spare(settings)  # the first session's model


def local_url(sock: socket.socket) -> str:
    """The page's URL as this machine reaches it (loopback for a wildcard address such as 0.0.0.0)."""
    host, port = sock.getsockname()[:2]
    address = ipaddress.ip_address(host)
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    shown = f"[{address}]" if address.version == 6 else str(address)
    return f"http://{shown}:{port}/"


def fetch_page_once(url: str) -> None:
    """GET the page once, so that the first visitor does not pay for Solara's first HTML render (it hashes
    the nbextension folders: 0.3-0.7 s on a 2-core machine, then 12 ms). Failures are left to the visitor."""
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy
    try:
        with direct.open(url, timeout=30) as response:
            response.read()
    except OSError:
        pass


def announce_when_started(server, url: str, warm_url: str | None = None) -> None:
    """Print the URL once uvicorn has started and the page has been fetched once (from a watcher thread)."""
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    if server.started and warm_url is not None:
        fetch_page_once(warm_url)
    if server.started and not server.should_exit:
        print(f"indusco serve: the page is ready at {url}  (Ctrl-C stops the server)", flush=True)


def serve(scenario: Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the page for `scenario` on host:port until interrupted."""
    scenario = Path(scenario).resolve()
    if not scenario.is_file():
        raise InputError(f"scenario file not found: {scenario}", valid="the path of a scenario YAML file")
    sock = bind_socket(host, port)
    os.environ["SOLARA_APP"] = APP_MODULE
    os.environ["INDUSCO_SCENARIO"] = str(scenario)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    prepare(scenario)
    import uvicorn
    from solara.server import settings as solara_settings

    from indusco_sim.viz.assets import missing_assets

    solara_settings.main.mode = "production"
    solara_settings.telemetry.mixpanel_enable = False
    if is_loopback(sock):
        solara_settings.server.http_gzip = False  # compressing the 4 MB app bundle costs more than sending it
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    # custom.js, and custom.css for the page's style (solara.Style would be a .vue template: viz/precompiled.py);
    # the tab's title is the page's own from the first byte, before its solara.Title is drawn
    solara_settings.assets.extra_locations = [str(Path(__file__).with_name("static"))]
    solara_settings.theme.title = TAB_TITLE
    missing = missing_assets()
    if missing:
        print(f"indusco serve: browser assets not cached ({', '.join(missing)}); Solara will fetch them from its "
              "CDN. Offline, run `python -m indusco_sim.viz.assets` once (needs npm).", file=sys.stderr)
    warning = exposure_warning(sock)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    # open pages keep websockets open: Ctrl-C (or SIGTERM) closes them after 3 s instead of waiting for the tabs
    config = uvicorn.Config("solara.server.starlette:app", log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    threading.Thread(target=announce_when_started, args=(server, url, local_url(sock)), daemon=True).start()
    server.run(sockets=[sock])
