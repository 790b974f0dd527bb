"""Browser assets of the Solara page, taken from the npm registry so that the page never needs a CDN.

Solara's page loads its JavaScript and CSS (the Vuetify app, require.js, Font Awesome, vue-grid-layout and,
for Altair charts, Vega) from a CDN through a caching proxy in the server. Where the CDN cannot be reached
the page stays blank. `ensure_assets()` fills that proxy's cache from the npm registry with `npm pack`,
once (`make venv` runs `python -m indusco_sim.viz.assets`); `missing_assets()` tells `indusco serve` what
is not cached yet.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from importlib.util import find_spec
from pathlib import Path

# packages the page loads whose CDN path Solara writes in its templates and widgets
NEEDED = ("requirejs", "@widgetti/vue-grid-layout", "vega", "vega-lite", "vega-embed")
_CDN_PATH = re.compile(r"(?:getCdn\(\)\}|\{\{cdn\}\})/((?:@[\w.-]+/)?[\w.-]+)@([\w.^~-]+)/")


def solara_root() -> Path:
    spec = find_spec("solara")
    if spec is None or spec.origin is None:
        raise RuntimeError("solara is not installed")
    return Path(spec.origin).parent


def cache_dir() -> Path:
    """Solara's CDN proxy cache (SOLARA_ASSETS_PROXY_CACHE_DIR, default <venv>/share/solara/cdn)."""
    from solara.server.settings import assets

    return Path(assets.proxy_cache_dir)


def required_packages() -> list[str]:
    """npm specs ('name@version') the page loads, read from the installed Solara's own files."""
    import ipyvue

    root = solara_root()
    template = (root / "server" / "templates" / "solara.html.j2").read_text(encoding="utf-8")
    app = "@widgetti/solara-vuetify3-app" if ipyvue.__version__.startswith("3") else "@widgetti/solara-vuetify-app"
    specs = {f"{name}@{version}" for name, version in _CDN_PATH.findall(template) if name == app}
    for vue in root.rglob("*.vue"):
        specs |= {f"{n}@{v}" for n, v in _CDN_PATH.findall(vue.read_text(encoding="utf-8")) if n in NEEDED}
    from solara.server.settings import assets

    if assets.fontawesome_enabled:
        specs.add(assets.fontawesome_path.strip("/").split("/")[0])
    return sorted(specs)


def missing_assets() -> list[str]:
    """The required packages not yet in the cache."""
    cache = cache_dir()
    return [spec for spec in required_packages() if not (cache / spec / "package.json").is_file()]


def fetch_package(spec: str, cache: Path) -> None:
    """`npm pack spec` and unpack the tarball into cache/spec (the layout of the CDN's /npm/ paths)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "--silent", spec], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        tarball = next(Path(tmp).glob("*.tgz"))
        staging = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as tar:
            tar.extractall(staging, filter="data")
        target = cache / spec
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(staging / "package", target)


def ensure_assets() -> list[str]:
    """Fetch every missing package; returns the specs fetched."""
    missing = missing_assets()
    if missing and shutil.which("npm") is None:
        raise RuntimeError("npm is needed once to fetch the page's browser assets: " + ", ".join(missing))
    for spec in missing:
        fetch_package(spec, cache_dir())
    return missing


if __name__ == "__main__":
    fetched = ensure_assets()
    print(f"solara assets: fetched {', '.join(fetched)}" if fetched else "solara assets: all cached", file=sys.stderr)
