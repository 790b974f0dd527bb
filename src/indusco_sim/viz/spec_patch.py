"""Patching Vega-Lite specs (dicts) instead of building them again with Altair.

Building a chart with Altair costs 0.1-0.3 s, and the map and the region timeline depend on the list of
regions, which grows while the page plays (a new region used to rebuild both: ~0.7 s on a 2-core machine,
about a quarter of the server's time over a played run of baseline_1945). The templates are built once and
their colour scales, sort orders and sizes patched per list of regions.
"""

from __future__ import annotations

from collections.abc import Callable


def patch_dicts(spec, change: Callable[[dict], dict]):
    """A copy of `spec` in which every dict (innermost first) is replaced by `change(dict)`."""
    if isinstance(spec, list):
        return [patch_dicts(item, change) for item in spec]
    if not isinstance(spec, dict):
        return spec
    return change({k: patch_dicts(v, change) for k, v in spec.items()})


def set_scale(field: str, **scale) -> Callable[[dict], dict]:
    """A `change` for patch_dicts: the encodings of `field` that have a scale domain get these scale keys."""
    def change(node: dict) -> dict:
        if node.get("field") == field and "domain" in node.get("scale", {}):
            return {**node, "scale": {**node["scale"], **scale}}
        return node
    return change


def recolour(spec, field: str, domain: list[str], colours: list[str]):
    """A copy of `spec` whose colour scales on `field` have this domain and range."""
    return patch_dicts(spec, set_scale(field, domain=domain, range=colours))
