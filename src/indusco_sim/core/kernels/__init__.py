"""The numba kernels, one module per phase, and `warm_up` (warming.py), which compiles (or loads from the on-disk
cache) every kernel with the argument types the model uses, so that JIT time is measured apart from tick time."""

from __future__ import annotations

from indusco_sim.core.kernels import (
    administration,
    allocation,
    arrivals,
    collection,
    labour,
    lifecycle,
    loops,
    movement,
    paths,
    production,
    war,
)
from indusco_sim.core.kernels.warming import warm_up

__all__ = ["MODULES", "all_kernels", "warm_up"]
MODULES = (paths, arrivals, movement, allocation, labour, production, lifecycle, administration, collection, war,
           loops)


def all_kernels() -> list:
    """Every compiled dispatcher of the package."""
    out = []
    for mod in MODULES:
        for name in dir(mod):
            obj = getattr(mod, name)
            if hasattr(obj, "signatures") and hasattr(obj, "py_func") and obj.__module__ == mod.__name__:
                out.append(obj)
    return out
