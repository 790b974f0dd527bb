"""The numba kernels, one module per phase, and `warm_up`, which compiles (or loads from the on-disk cache)
every kernel with the argument types the model uses, so that JIT time is measured apart from tick time."""

from __future__ import annotations

import numpy as np

from indusco_sim.core.kernels import (
    administration,
    allocation,
    collection,
    labour,
    lifecycle,
    loops,
    movement,
    paths,
    production,
    war,
)

MODULES = (paths, movement, allocation, labour, production, lifecycle, administration, collection, war, loops)


def all_kernels() -> list:
    """Every compiled dispatcher of the package."""
    out = []
    for mod in MODULES:
        for name in dir(mod):
            obj = getattr(mod, name)
            if hasattr(obj, "signatures") and hasattr(obj, "py_func") and obj.__module__ == mod.__name__:
                out.append(obj)
    return out


def warm_up() -> None:
    """Call every kernel once on a two-town, two-cooperative, three-worker toy with the model's dtypes."""
    f8, i8, i4, i2, i1, b1 = np.float64, np.int64, np.int32, np.int16, np.int8, np.bool_
    T, S, R, C, W, D, G = 2, 2, 2, 2, 3, 1, 1
    indptr, indices, weights = np.array([0, 1, 2], i8), np.array([1, 0], i8), np.array([1.0, 1.0])
    blocked = np.zeros(T, b1)
    dist, hop = paths.shortest_paths(indptr, indices, weights, blocked)
    refuge = paths.nearest_open(dist, blocked)
    d_town, d_open = np.zeros(D, i4), np.ones(D, b1)
    town_depot = paths.serving_depots(dist, d_town, d_open, blocked, 5.0)
    status, town, dest = np.array([1, 0, 2], i1), np.zeros(W, i2), np.zeros(W, i2)  # state.worker_table dtypes
    wait, skill, employer = np.zeros(W, i2), np.zeros(W, i1), np.array([-1, -1, 0], i4)
    unemployed = movement.count_unemployed(status, town, skill, T, S)
    tally = (unemployed.copy(), np.ones(T, i8), np.array([2, 0, 0, 0], i4), np.ones(1, i8))  # core.bundles.Tally
    vac_ts = np.zeros((T, S), i8)
    goals = movement.choose_goals(unemployed, vac_ts, np.ones(T), dist, blocked, 0.5, 5.0,
                                  *movement.towns_within(dist, 10.0))
    hop_days = np.ones((T, T), i2)
    movement.move_workers(status, town, dest, wait, skill, np.uint64(12345), goals, refuge, hop, hop_days, blocked,
                          movement.holds_unemployed(unemployed, blocked), 7, 0.1, 0.1, tally[0], tally[1])
    alive, industry, members = np.ones(C, b1), np.zeros(C, i1), np.ones(C, i4)
    matched, equipment, capital, stock = np.ones(C, i4), np.ones(C), np.ones(C), np.zeros((C, R))
    depot_of, recipe, per_i = np.zeros(C, i8), np.ones((S, R)), np.ones(S)
    d_stock, d_equip, d_scale, d_shipped = np.ones((D, R)), np.ones(D), np.ones(D), np.zeros(D)
    allocation.resupply_depots(d_stock, d_equip, d_open, d_scale, np.ones(R), np.ones(R), 1.0, 1.0)
    target = np.full(S, 2, i8)
    coops = (alive, np.zeros(C, i4), industry, members, matched, members.copy(), np.zeros(C, i4), equipment, capital,
             np.ones(C), stock, np.zeros(C), np.zeros(C))  # core.bundles.Coops
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
    lifecycle.fail_or_flee((alive, np.zeros(C, i4), region, members, capital, np.full(C, -1, i4), np.zeros(C, i1)),
                           np.ones(C), np.ones(C), (blocked, refuge, town_region), 0.0, 0.5, f8(1.0), 1, 0)
    lifecycle.release_members(status, town, skill, employer, alive, np.zeros(C, i4), tally)
    towns, skills, sizes = lifecycle.founding_candidates(unemployed, town_region, np.ones(G, b1), town_depot, d_stock,
                                                         recipe, blocked, 1)
    lifecycle.choose_foundings(towns, skills, sizes, np.zeros(len(towns)), town_region, np.ones(T), np.zeros(G), 0.0,
                               target, 1.0)
    lifecycle.enrol_founders(status, town, skill, employer, 0, np.zeros(1, i8), np.zeros(1, i8), np.ones(1, i8), T, S,
                             tally)
    lifecycle.open_coops(0, (np.zeros(1, i8), np.zeros(1, i8), np.zeros(1, i2), np.ones(1, i8), np.ones(1)), 0,
                         (np.zeros(C, i4), industry, region, members, members.copy(), matched, capital, np.ones(C),
                          np.ones(C), np.zeros(C, i4), alive))
    hq = np.zeros(G, i4)
    _, _, per_town = administration.supervision_load(alive, region, np.zeros(C, i4), hq, dist, G, 0.01, 0.001)
    administration.far_part(0, town_region, hq, per_town, dist, np.ones(T, b1))
    administration.update_organisers(np.ones(G, b1), np.ones(G), np.ones(G), np.zeros(G), np.zeros(G), 5.0, 0.1, 0.01,
                                     1.0, 2.0, f8(0.25))
    war.damage(np.ones(T), d_town, d_stock, d_equip, np.zeros(C, i4), stock, equipment)
    collection.collect_regions((alive, region, np.zeros(C, i4), industry, members, np.zeros(C), capital, np.zeros(C)),
                               tally, town_region, G, S, 1, f8(1.0), 4.0)
