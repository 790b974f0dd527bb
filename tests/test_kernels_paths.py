"""Shortest paths, refuges and serving depots on hand-made networks, with exact expected values: paths against a
plain Dijkstra with blocked towns anywhere, ties, and refuges and depots at their edges (found by mutation
testing, docs/reliability.md "Mutation testing"; the kernels-paths session)."""

from __future__ import annotations

import heapq

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indusco_sim.core.kernels import paths


def csr(n: int, edges: list[tuple[int, int, float]]):
    """CSR arrays of directed edges (u, v, days), in the given order within each u."""
    order = sorted(range(len(edges)), key=lambda e: edges[e][0])  # stable: keeps the order within a town
    indptr = np.zeros(n + 1, np.int64)
    for u, _, _ in edges:
        indptr[u + 1] += 1
    return (np.cumsum(indptr), np.array([edges[e][1] for e in order], np.int64),
            np.array([edges[e][2] for e in order], np.float64))


def dijkstra(n: int, edges, blocked, source: int) -> list[float]:
    """Travel times from `source` over open towns only (a blocked source may still be left)."""
    dist = [np.inf] * n
    dist[source] = 0.0
    queue = [(0.0, source)]
    while queue:
        d, u = heapq.heappop(queue)
        if d > dist[u] or (blocked[u] and u != source):
            continue
        for a, v, w in edges:
            if a == u and not blocked[v] and d + w < dist[v]:
                dist[v] = d + w
                heapq.heappush(queue, (d + w, v))
    return dist


@st.composite
def networks(draw):
    n = draw(st.integers(1, 7))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from([1.0, 2.0, 3.0, 5.0])), max_size=16))
    edges = []
    for u, v, w in pairs:
        if u != v:
            edges += [(u, v, w), (v, u, w)]
    blocked = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return n, edges, blocked


@settings(max_examples=150, deadline=None)
@given(networks())
def test_shortest_paths_match_dijkstra_and_the_hops_walk_them(net):
    n, edges, blocked = net
    dist, hop = paths.shortest_paths(*csr(n, edges), np.array(blocked, np.bool_))
    weight = {}
    for u, v, w in edges:
        weight[u, v] = min(w, weight.get((u, v), np.inf))
    for u in range(n):
        assert dist[u].tolist() == dijkstra(n, edges, blocked, u)
        for j in range(n):
            if dist[u, j] == np.inf:
                assert hop[u, j] == -1
                continue
            total, here, steps = 0.0, u, 0
            while here != j:  # following the first hops covers exactly dist[u, j]
                nxt = int(hop[here, j])
                total += weight[here, nxt]
                here, steps = nxt, steps + 1
                assert steps <= n
            assert total == dist[u, j]


def test_ties_keep_the_first_route_found():
    # town 0 is blocked and has two open neighbours (1 then 2) with equal routes to 3
    edges = [(0, 1, 1.0), (0, 2, 1.0), (1, 3, 1.0), (2, 3, 1.0), (1, 0, 1.0), (2, 0, 1.0), (3, 1, 1.0), (3, 2, 1.0)]
    dist, hop = paths.shortest_paths(*csr(4, edges), np.array([True, False, False, False]))
    assert dist[0, 3] == 2.0 and hop[0, 3] == 1
    dist, hop = paths.shortest_paths(*csr(4, edges), np.zeros(4, np.bool_))
    assert dist[0, 3] == 2.0 and hop[0, 3] == 1 and hop[3, 0] == 1


def test_the_refuge_is_the_nearest_open_town_lowest_id_on_ties():
    inf = np.inf
    dist = np.array([[0.0, 2.0, 2.0, 1.0], [2.0, 0.0, 1.0, 3.0], [2.0, 1.0, 0.0, inf], [1.0, 3.0, inf, 0.0]])
    assert paths.nearest_open(dist, np.array([False, False, False, True])).tolist() == [1, 2, 1, 0]
    assert paths.nearest_open(dist, np.array([False, True, True, True])).tolist() == [-1, 0, 0, 0]
    assert paths.nearest_open(np.array([[0.0, inf], [inf, 0.0]]), np.zeros(2, np.bool_)).tolist() == [-1, -1]


def test_a_depot_serves_up_to_its_radius_and_skips_closed_depots_and_blocked_towns():
    dist = np.array([[0.0, 3.0, 1.0], [3.0, 0.0, 2.0], [1.0, 2.0, 0.0]])
    depot_town = np.array([2, 1, 0], np.int32)
    blocked = np.array([True, False, False])
    out = paths.serving_depots(dist, depot_town, np.array([False, True, True]), blocked, 2.0)
    assert out.tolist() == [-1, 1, 2]  # town 2: depot 2 (1 day), the closed depot 0 there skipped
    out = paths.serving_depots(dist, depot_town, np.array([True, True, True]), np.zeros(3, np.bool_), 2.0)
    assert out.tolist() == [2, 1, 0]
    out = paths.serving_depots(dist, np.array([1, 1], np.int32), np.ones(2, np.bool_), np.zeros(3, np.bool_), 2.0)
    assert out.tolist() == [-1, 0, 0]  # two depots in town 1: the lower id; town 2 is exactly 2 days away
