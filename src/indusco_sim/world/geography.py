"""Towns and routes from data/ -> a networkx graph -> compact CSR arrays for the kernels.

Route lengths come from the routes file where a source gives them; otherwise great-circle distance times
the scenario's per-mode detour factor. Travel time (days) = length / speed of the mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from indusco_sim.core.kernels.paths import nearest_open, shortest_paths
from indusco_sim.data import load_routes, load_towns
from indusco_sim.scenario.schema import Geography as GeographyParams

EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass
class Network:
    """The transport network: towns (rows of `towns`), a networkx graph, and CSR arrays (days)."""

    towns: pd.DataFrame
    routes: pd.DataFrame
    graph: nx.Graph
    indptr: np.ndarray
    indices: np.ndarray
    days: np.ndarray
    hop_days: np.ndarray  # int16[T, T]: whole days to cross an adjacent leg, 0 if not adjacent
    index: dict[str, int] = field(default_factory=dict)
    km: np.ndarray | None = None       # float64, CSR order: each leg's length (km)
    mode: np.ndarray | None = None     # str, CSR order: each leg's mode (rail, road, river)
    exposed: np.ndarray | None = None  # bool, CSR order: the leg runs under enemy fire (routes file `exposed`)

    @property
    def names(self) -> list[str]:
        return self.towns["town"].tolist()

    @property
    def n_towns(self) -> int:
        return len(self.towns)

    def paths(self, blocked: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dist days [T, T], next_hop [T, T], nearest open town [T]) avoiding blocked towns."""
        dist, hop = shortest_paths(self.indptr, self.indices, self.days, blocked)
        return dist, hop, nearest_open(dist, blocked)

    def organiser_days(self, speeds, exposed_km_per_day: float | None, goods_speeds) -> np.ndarray | None:
        """Days organisers take over each leg (CSR order) at `speeds` (ModeParams; None: `goods_speeds`) and
        `exposed_km_per_day` over exposed legs; None when both are None (they travel as people and goods)."""
        if speeds is None and exposed_km_per_day is None:
            return None
        return self.leg_days((speeds or goods_speeds).model_dump(), exposed_km_per_day)

    def leg_days(self, speed_km_per_day: dict[str, float], exposed_km_per_day: float | None) -> np.ndarray:
        """float64, CSR order: days to cross each leg at `speed_km_per_day` by mode; a leg marked exposed at
        `exposed_km_per_day` instead, when that is slower (None: exposure does not slow)."""
        speed = np.array([speed_km_per_day[m] for m in self.mode], dtype=np.float64)
        if exposed_km_per_day is not None:
            speed = np.where(self.exposed, np.minimum(speed, exposed_km_per_day), speed)
        return self.km / speed


def route_lengths(routes: pd.DataFrame, towns: pd.DataFrame, params: GeographyParams) -> pd.DataFrame:
    """Add `length_km` (sourced km, or great-circle x detour) and `days` (length / speed) to the routes."""
    pos = towns.set_index("town")[["lat", "lon"]]
    out = routes.copy()
    lengths, days = [], []
    for row in out.itertuples(index=False):
        frm, to, mode, km = row[0], row[1], row[2], row[3]
        if pd.isna(km):
            a, b = pos.loc[frm], pos.loc[to]
            km = great_circle_km(a.lat, a.lon, b.lat, b.lon) * getattr(params.detour_factor, mode)
        lengths.append(float(km))
        days.append(float(km) / getattr(params.speed_km_per_day, mode))
    out["length_km"] = lengths
    out["days"] = days
    return out


def build_network(params: GeographyParams, base_dir: Path | None = None) -> Network:
    """Read the towns and routes files named by the scenario (or the bundled ones) into a Network."""
    towns_path = Path(params.towns_file) if params.towns_file else None
    routes_path = Path(params.routes_file) if params.routes_file else None
    if base_dir is not None:
        towns_path = base_dir / towns_path if towns_path and not towns_path.is_absolute() else towns_path
        routes_path = base_dir / routes_path if routes_path and not routes_path.is_absolute() else routes_path
    towns = load_towns(towns_path)
    routes = route_lengths(load_routes(routes_path, towns), towns, params)
    index = {name: i for i, name in enumerate(towns["town"])}
    graph = nx.Graph()
    for i, row in towns.iterrows():
        graph.add_node(i, name=row["town"], pos=(row["lon"], row["lat"]))
    for row in routes.itertuples(index=False):
        u, v = index[row[0]], index[row[1]]
        if graph.has_edge(u, v) and graph[u][v]["days"] <= row.days:
            continue
        graph.add_edge(u, v, days=row.days, km=row.length_km, mode=row.mode, exposed=bool(row.exposed))
    n = len(towns)
    indptr = np.zeros(n + 1, dtype=np.int64)
    indices, days, legs = [], [], []
    for u in range(n):
        nbrs = sorted(graph[u])
        indices.extend(nbrs)
        days.extend(graph[u][v]["days"] for v in nbrs)
        legs.extend(graph[u][v] for v in nbrs)
        indptr[u + 1] = len(indices)
    hop_days = np.zeros((n, n), dtype=np.int16)
    for u, v, d in graph.edges(data="days"):
        hop_days[u, v] = hop_days[v, u] = max(1, math.ceil(d))
    return Network(towns, routes, graph, indptr, np.asarray(indices, dtype=np.int64),
                   np.asarray(days, dtype=np.float64), hop_days, index,
                   km=np.array([leg["km"] for leg in legs], dtype=np.float64),
                   mode=np.array([leg["mode"] for leg in legs], dtype=object),
                   exposed=np.array([leg["exposed"] for leg in legs], dtype=np.bool_))
