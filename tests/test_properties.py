"""Hypothesis property tests: workers are never lost or duplicated, allocation never exceeds a depot's
stock or its transport capacity, no stock goes negative, and materials are conserved."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from indusco_sim.core.bundles import Coops, Economy, Industries
from indusco_sim.core.kernels import allocation, labour, lifecycle, movement, production
from indusco_sim.core.kernels.counts import same_tally, tally_of
from indusco_sim.core.kernels.paths import nearest_open, shortest_paths
from indusco_sim.core.state import ARRIVING, LEFT, MEMBER, UNEMPLOYED

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
amounts = st.floats(min_value=0.0, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def depots_and_coops(draw):
    n_dep, n_coop, n_res = draw(st.integers(1, 3)), draw(st.integers(1, 12)), draw(st.integers(1, 3))
    need = draw(hnp.arrays(np.float64, (n_coop, n_res), elements=amounts))
    eq_need = draw(hnp.arrays(np.float64, n_coop, elements=amounts))
    depot_of = draw(hnp.arrays(np.int64, n_coop, elements=st.integers(-1, n_dep - 1)))
    army = draw(hnp.arrays(np.bool_, n_coop))
    d_stock = draw(hnp.arrays(np.float64, (n_dep, n_res), elements=amounts))
    d_equipment = draw(hnp.arrays(np.float64, n_dep, elements=amounts))
    rule = draw(st.sampled_from([allocation.PROPORTIONAL, allocation.PRIORITY]))
    transport = draw(st.floats(min_value=0.0, max_value=5e4))
    return need, eq_need, depot_of, army, d_stock, d_equipment, rule, transport


@SETTINGS
@given(depots_and_coops())
def test_rationing_never_exceeds_stock_or_transport(case):
    need, eq_need, depot_of, army, d_stock, d_equipment, rule, transport = case
    shipped, eq_shipped = allocation.ration(need, eq_need, depot_of, army, d_stock, d_equipment, rule, transport)
    assert (shipped >= 0).all() and (eq_shipped >= 0).all()
    assert (shipped <= need * (1 + 1e-12)).all()
    for d in range(d_stock.shape[0]):
        mine = depot_of == d
        assert (shipped[mine].sum(axis=0) <= d_stock[d] * (1 + 1e-9) + 1e-9).all()
        assert shipped[mine].sum() <= transport * (1 + 1e-9) + 1e-9
        assert eq_shipped[mine].sum() <= d_equipment[d] * (1 + 1e-9) + 1e-9
    assert (shipped[depot_of < 0] == 0).all()


@SETTINGS
@given(depots_and_coops(), st.floats(min_value=0.1, max_value=100.0))
def test_delivery_conserves_materials_and_keeps_stocks_non_negative(case, price_level):
    need, eq_need, depot_of, army, d_stock, d_equipment, rule, transport = case
    shipped, eq_shipped = allocation.ration(need, eq_need, depot_of, army, d_stock, d_equipment, rule, transport)
    c_stock = np.zeros_like(need)
    c_equipment, capital = np.zeros(len(need)), np.zeros(len(need))
    before = d_stock.sum(axis=0) + c_stock.sum(axis=0)
    eq_before = d_equipment.sum()
    allocation.deliver(shipped, eq_shipped, depot_of, d_stock, d_equipment, np.zeros(len(d_stock)), c_stock,
                       c_equipment, capital, np.ones(need.shape[1]), 1.0, price_level)
    assert (d_stock >= 0).all() and (d_equipment >= 0).all() and (c_stock >= 0).all()
    np.testing.assert_allclose(d_stock.sum(axis=0) + c_stock.sum(axis=0), before, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(d_equipment.sum() + c_equipment.sum(), eq_before, rtol=1e-9, atol=1e-9)
    # what the co-ops paid is what they received, at current prices
    np.testing.assert_allclose(-capital.sum(), (c_stock.sum() + c_equipment.sum()) * price_level, rtol=1e-9,
                               atol=1e-9)


@SETTINGS
@given(hnp.arrays(np.float64, (6, 2), elements=amounts), hnp.arrays(np.float64, 6, elements=amounts),
       st.floats(min_value=0.1, max_value=50.0))
def test_production_consumes_only_what_it_holds(stock, equipment, price_level):
    n = len(stock)
    held = stock.copy()
    out, sales = np.zeros(n), np.zeros(n)
    recipe = np.array([[0.5, 0.0], [0.2, 0.1]])
    industry = (np.arange(n) % 2).astype(np.int8)
    members = np.full(n, 8, np.int32)
    zeros = np.zeros(n, np.int32)
    coops = Coops(np.ones(n, np.bool_), zeros, industry, members, members.copy(), zeros, zeros, equipment,
                  np.zeros(n), np.full(n, 1e3), stock, out, sales)
    industries = Industries(recipe, np.array([4.0, 6.0]), np.array([1.0, 0.5]), np.array([2.0, 1.0]),
                            np.zeros(2, np.bool_), np.ones(2, np.int64), np.array([1.0, 1.0]))
    economy = Economy(1, 0.5, 1.0, 1.0, 1.0, 0.3, 1.0, 0, 0.25, 1.0)
    production.produce(tuple(coops), tuple(industries), tuple(economy), price_level, 0.25)
    assert (stock >= 0).all() and (out >= 0).all()
    used = out[:, None] * recipe[industry]
    np.testing.assert_allclose(stock + used, held, rtol=1e-9, atol=1e-9)


@st.composite
def worker_population(draw):
    n_towns, n_skills = 3, 2
    n = draw(st.integers(0, 40))
    status = draw(hnp.arrays(np.int8, n, elements=st.sampled_from([ARRIVING, UNEMPLOYED, LEFT])))
    town = draw(hnp.arrays(np.int32, n, elements=st.integers(0, n_towns - 1)))
    skill = draw(hnp.arrays(np.int8, n, elements=st.integers(0, n_skills - 1)))
    n_coops = draw(st.integers(0, 6))
    c_town = draw(hnp.arrays(np.int32, n_coops, elements=st.integers(0, n_towns - 1)))
    c_ind = draw(hnp.arrays(np.int8, n_coops, elements=st.integers(0, n_skills - 1)))
    vac = draw(hnp.arrays(np.int64, n_coops, elements=st.integers(0, 5)))
    key = draw(st.integers(0, 2**64 - 1))
    blocked = draw(hnp.arrays(np.bool_, n_towns))
    return status, town, skill, c_town, c_ind, vac, key, blocked


@SETTINGS
@given(worker_population())
def test_no_worker_is_lost_or_duplicated(pop):
    status, town, skill, c_town, c_ind, vac, key, blocked = pop
    n = len(status)
    indptr, indices = np.array([0, 1, 3, 4], np.int64), np.array([1, 0, 2, 1], np.int64)
    dist, hop = shortest_paths(indptr, indices, np.array([2.0, 2.0, 3.0, 3.0]), blocked)
    hop_days = np.array([[0, 2, 0], [2, 0, 3], [0, 3, 0]], np.int16)
    dest = np.where(status == ARRIVING, 2, town).astype(np.int32)
    goals = np.array([[1, 2], [2, 0], [0, 1]], np.int32)
    sweep_blocked = bool((blocked[town] & (status == UNEMPLOYED)).any())
    tally = tally_of(status, town, skill, 3, 2, np.full(n, -1), len(c_town), width=int(vac.max(initial=0)))
    movement.move_workers(status, town, dest, np.zeros(n, np.int16), skill, np.uint64(key), goals,
                          nearest_open(dist, blocked), hop, hop_days, blocked, sweep_blocked, 7, 0.1, 0.3, tally[0],
                          tally[1])
    assert same_tally(tally, tally_of(status, town, skill, 3, 2))
    assert len(status) == n and set(np.unique(status)) <= {ARRIVING, UNEMPLOYED, LEFT}
    assert ((town >= 0) & (town < 3)).all()
    unemployed_before = int((status == UNEMPLOYED).sum())
    employer = np.full(n, -1, np.int32)
    members = np.zeros(len(c_town), np.int32)
    matched = np.zeros(len(c_town), np.int32)
    hires = labour.match_labour(status, town, skill, employer, c_town, c_ind, members, matched, vac, 3, 2, True,
                                tally)
    assert same_tally(tally, tally_of(status, town, skill, 3, 2, employer, len(c_town)), members)
    # every hire moved one unemployed worker to exactly one cooperative, within its vacancies and town
    assert hires == unemployed_before - int((status == UNEMPLOYED).sum())
    assert hires == int((status == MEMBER).sum()) == int(members.sum())
    assert (members <= vac).all()
    hired = np.flatnonzero(status == MEMBER)
    assert (c_town[employer[hired]] == town[hired]).all()
    np.testing.assert_array_equal(np.bincount(employer[hired], minlength=len(c_town)), members)
    np.testing.assert_array_equal(
        np.bincount(employer[hired], weights=skill[hired] == c_ind[employer[hired]], minlength=len(c_town)), matched)
    # closing every cooperative sends all its members back to the pool, none lost
    released = lifecycle.release_members(status, town, skill, employer, np.arange(len(c_town)),
                                         np.zeros(len(c_town), np.bool_), c_town, members, tally)
    assert released == hires
    assert int((status == MEMBER).sum()) == 0 and (employer == -1).all()
    assert int((status == UNEMPLOYED).sum()) == unemployed_before
    assert same_tally(tally, tally_of(status, town, skill, 3, 2, employer, len(c_town)))


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_model_keeps_workers_and_cooperatives_consistent(seed):
    """Over a short run of the baseline: member counts match the workers who name each co-op, and every
    arrived worker is in exactly one status."""
    from indusco_sim.model import IndusModel

    model = IndusModel("scenarios/baseline.yaml", rng=seed, mesa_agents=False,
                       overrides=("time.end=1939-03-31", "population.job_seeker_share=0.002"))
    arrived = 0
    for _ in range(model.n_ticks):
        before = model.engine.workers.n
        model.step()
        arrived += model.engine.workers.n - before
        w, c = model.engine.workers, model.engine.coops
        members = np.bincount(w.employer[w.status == MEMBER], minlength=c.n)
        np.testing.assert_array_equal(members, np.where(c.alive, c.members, 0))
        assert (w.employer[w.status != MEMBER] == -1).all()
        assert (c.alive[w.employer[w.status == MEMBER]]).all()
        assert model.engine.worker_counts().sum() == arrived
        np.testing.assert_array_equal(model.waiting, model.engine.count_unemployed())  # carried to next tick
        assert (model.engine.depots.stock >= 0).all() and (c.stock >= 0).all()
    assert c.alive.sum() > 0
