"""warm_up: compile (or load from numba's on-disk cache) every kernel with the argument types the model uses, so
that JIT time is measured apart from tick time and no tick compiles.

Each kernel is called once on a two-town, two-cooperative, three-worker toy with the model's dtypes, in two groups
of about equal compile time (13.5 and 13.8 s, one after the other, 2026-12-04): travel and regions (paths,
arrivals, movement, administration, collection) and the co-ops (allocation, labour exchange, production,
lifecycle, war damage). With an empty cache a second process compiles the co-ops' kernels while this one
compiles the rest, and this one then loads the co-ops' kernels from the cache.

Decision (issue 14, the cold run): numba compiles one kernel at a time, in one thread. On this 2-core machine two
processes compiling at once each took as long as one alone (19.0 and 22.1 s against 18.5-20.8 s, 2026-12-04),
so splitting the work in two halves the wall time of a cold start; the CPU time is the same. The helper is
only started when this interpreter and numba have not yet completed a warm-up into this cache folder (a
marker file, WARMED); otherwise every kernel loads from the cache in a fraction of a second. If the helper
fails or is slow, this process compiles what is missing itself: the helper only saves time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np

from indusco_sim.core.kernels import (
    administration,
    allocation,
    arrivals,
    collection,
    labour,
    lifecycle,
    movement,
    paths,
    production,
    war,
)

f8, i8, i4, i2, i1, b1 = np.float64, np.int64, np.int32, np.int16, np.int8, np.bool_
T, S, R, C, W, D, G = 2, 2, 2, 2, 3, 1, 1  # towns, skills, resources, co-ops, workers, depots, regions
HELPER_TIMEOUT_S = 600.0
HELPER = "from indusco_sim.core.kernels.warming import warm_coops; warm_coops()"


def _workers():
    """status, town, dest, wait, skill, employer: the dtypes of state.worker_table."""
    return (np.array([1, 0, 2], i1), np.zeros(W, i2), np.zeros(W, i2), np.zeros(W, i2), np.zeros(W, i1),
            np.array([-1, -1, 0], i4))


def _tally(unemployed):
    """core.bundles.Tally: unemployed [T, S], travelling [T], member lists [co-ops, width]."""
    member_ids = np.zeros((C, 4), i4)
    member_ids[0, 0] = 2
    return unemployed.copy(), np.ones(T, i8), member_ids


def _coops():
    """core.bundles.Coops (alive, town, industry, members, matched, founders, founded, equipment, capital, debt,
    stock, output, sales), as NumbaEngine._coop_bundle gives them."""
    members = np.ones(C, i4)
    return (np.ones(C, b1), np.zeros(C, i4), np.zeros(C, i1), members, np.ones(C, i4), members.copy(),
            np.zeros(C, i4), np.ones(C), np.ones(C), np.ones(C), np.zeros((C, R)), np.zeros(C), np.zeros(C))


def warm_coops() -> None:
    """The co-ops' kernels: allocation, the labour exchange, production, lifecycle and war damage (the toy
    network's tables are given, not computed by paths' kernels)."""
    status, town, _, _, skill, employer = _workers()
    unemployed = np.ones((T, S), i8)
    tally = _tally(unemployed)
    coops = _coops()
    alive, _, industry, members, matched, _, _, equipment, capital, _, stock, _, _ = coops
    d_town, d_open, town_depot = np.zeros(D, i4), np.ones(D, b1), np.zeros(T, i4)
    blocked, refuge = np.zeros(T, b1), np.zeros(T, i4)  # as paths' kernels return them
    depot_of, recipe, per_i = np.zeros(C, i8), np.ones((S, R)), np.ones(S)
    d_stock, d_equip, d_scale, d_shipped = np.ones((D, R)), np.ones(D), np.ones(D), np.zeros(D)
    allocation.resupply_depots(d_stock, d_equip, d_open, d_scale, np.ones(R), np.ones(R), 1.0, 1.0)
    target = np.full(S, 2, i8)
    industries = (recipe, per_i, per_i, per_i, np.zeros(S, b1), target, np.ones(R))  # bundles.Industries
    economy = (1, 0.5, 1.0, 0.3, 0.3, 0.5, 1.0, 0, 0.25, 1.0)  # bundles.Economy
    need, eq_need = allocation.plan_demand(coops, depot_of, industries, economy, f8(1.0), f8(0.25))
    shipped, eq_shipped = allocation.ration(need, eq_need, depot_of, np.zeros(C, b1), d_stock, d_equip, 0, 10.0)
    allocation.deliver(shipped, eq_shipped, depot_of, d_stock, d_equip, d_shipped, stock, equipment, capital,
                       np.ones(R), 1.0, f8(1.0))
    allocation.allocate_phase((d_stock, d_equip, d_shipped, d_open, d_scale), coops, (status, town, skill, employer),
                              town_depot, industries, economy, (np.ones(R), np.ones(R), 1.0, 1.0, 10.0), f8(1.0),
                              f8(0.25), 3, T, tally)
    vac = labour.plan_vacancies(alive, members, members.copy(), np.zeros(C, i4), 3, 0.25, 1.0, target, industry,
                                capital, f8(1.0), 1.0)
    labour.match_labour(status, town, skill, employer, np.zeros(C, i4), industry, members, matched, vac, T, S, True,
                        tally)
    labour.vacancies_by_town(vac, np.zeros(C, i4), industry, T, S)
    production.produce(coops, industries, economy, f8(1.0), f8(0.25))
    region, town_region = np.zeros(C, i2), np.zeros(T, i2)
    changed = lifecycle.fail_or_flee((alive, np.zeros(C, i4), region, members, capital, np.full(C, -1, i4),
                                      np.zeros(C, i1)), np.ones(C), np.ones(C), (blocked, refuge, town_region), 0.0,
                                     0.5, f8(1.0), 1, 0)
    lifecycle.release_members(status, town, skill, employer, changed, alive, np.zeros(C, i4), members, tally)
    towns, skills, sizes = lifecycle.founding_candidates(unemployed, town_region, np.ones(G, b1), town_depot, d_stock,
                                                         recipe, blocked, 1)
    lifecycle.choose_foundings(towns, skills, sizes, np.zeros(len(towns)), town_region, np.ones(T), np.zeros(G), 0.0,
                               target, 1.0)
    lifecycle.enrol_founders(status, town, skill, employer, 0, np.zeros(1, i8), np.zeros(1, i8), np.ones(1, i8), T, S,
                             tally)
    lifecycle.open_coops(0, (np.zeros(1, i8), np.zeros(1, i8), np.zeros(1, i2), np.ones(1, i8), np.ones(1)), 0,
                         (np.zeros(C, i4), industry, region, members, members.copy(), matched, capital, np.ones(C),
                          np.ones(C), np.zeros(C, i4), alive))
    war.damage(np.ones(T), d_town, d_stock, d_equip, np.zeros(C, i4), stock, equipment)


def warm_travel_and_regions() -> None:
    """Paths, arrivals, movement (its parallel kernel alone takes some 5 s to compile), administration and
    collection."""
    indptr, indices, weights = np.array([0, 1, 2], i8), np.array([1, 0], i8), np.array([1.0, 1.0])
    blocked = np.zeros(T, b1)
    dist, hop = paths.shortest_paths(indptr, indices, weights, blocked)
    refuge = paths.nearest_open(dist, blocked)
    paths.serving_depots(dist, np.zeros(D, i4), np.ones(D, b1), blocked, 5.0)
    status, town, dest, wait, skill, _ = _workers()
    unemployed = movement.count_unemployed(status, town, skill, T, S)
    tally = _tally(unemployed)
    goals = movement.choose_goals(unemployed, np.zeros((T, S), i8), np.ones(T), dist, blocked, 0.5, 5.0,
                                  *movement.towns_within(dist, 10.0))
    arrivals.place_arrivals(np.zeros(1, i4), np.ones(1, i8), np.zeros(1), np.ones(S), blocked, refuge, goals)
    movement.move_workers(status, town, dest, wait, skill, np.uint64(12345), goals, refuge, hop, np.ones((T, T), i2),
                          blocked, movement.holds_unemployed(unemployed, blocked), 7, 0.1, 0.1, tally[0], tally[1])
    alive, _, industry, members, _, _, _, _, capital, _, _, _, _ = _coops()
    region, town_region, hq = np.zeros(C, i2), np.zeros(T, i2), np.zeros(G, i4)
    _, _, per_town = administration.supervision_load(alive, region, np.zeros(C, i4), hq, dist, G, 0.01, 0.001)
    administration.far_part(0, town_region, hq, per_town, dist, np.ones(T, b1))
    administration.update_organisers(np.ones(G, b1), np.ones(G), np.ones(G), np.zeros(G), np.zeros(G), 5.0, 0.1, 0.01,
                                     1.0, 2.0, f8(0.25))
    collection.collect_regions((alive, region, np.zeros(C, i4), industry, members, np.zeros(C), capital, np.zeros(C)),
                               tally, town_region, G, S, 1, f8(1.0), 4.0)


def marker() -> Path | None:
    """The file that says this interpreter and numba completed a warm-up into the current cache folder; None
    when nothing is cached (no cache folder, or the JIT is off)."""
    folder = numba.config.CACHE_DIR
    if numba.config.DISABLE_JIT or not folder:
        return None
    return Path(folder) / f"WARMED-py{sys.version_info[0]}{sys.version_info[1]}-numba{numba.__version__}"


def start_helper() -> subprocess.Popen | None:
    """A second Python process compiling warm_coops into the same cache (it inherits INDUSCO_CACHE_DIR and
    NUMBA_CACHE_DIR from jit_cache.configure), or None if it cannot be started."""
    try:
        return subprocess.Popen([sys.executable, "-c", HELPER], env=os.environ.copy(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def finish_helper(helper: subprocess.Popen) -> None:
    """Wait for the helper; one that runs past HELPER_TIMEOUT_S is stopped (this process then compiles)."""
    try:
        helper.wait(timeout=HELPER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        helper.kill()
        helper.wait()


def warm_up() -> None:
    """Compile or load every kernel: with a cold cache, the co-ops' kernels in a helper process while this one
    does the rest; then mark the cache folder as warmed."""
    done = marker()
    helper = start_helper() if done is not None and not done.exists() else None
    try:
        warm_travel_and_regions()
    except BaseException:  # Ctrl-C, SIGTERM (signals.py), an error: the helper is not waited for
        if helper is not None:
            helper.kill()
            helper.wait()
        raise
    if helper is not None:
        finish_helper(helper)
    warm_coops()
    if done is not None and not done.exists():
        try:
            done.parent.mkdir(parents=True, exist_ok=True)
            done.touch()
        except OSError:  # a read-only cache: the next run starts a helper again, which only costs CPU time
            pass
