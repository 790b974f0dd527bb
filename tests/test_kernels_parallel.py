"""The co-ops' kernels that run on numba's threads from allocation.PARALLEL_COOPS rows on (the co-ops' demand and
production) give exactly the numbers of their serial loop: every array bit for bit, and the repayments summed in
the same order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indusco_sim.core.bundles import Coops, Economy, Industries
from indusco_sim.core.kernels import allocation, production

INDUSTRIES = tuple(Industries(recipe=np.array([[0.5, 0.0, 0.2], [0.0, 1.0, 0.0], [0.3, 0.0, 0.0]]),
                              output_per_member=np.array([2.0, 1.0, 1.5]),
                              equipment_per_member=np.array([2.0, 0.0, 1.0]),
                              price=np.array([3.0, 2.5, 4.0]), army=np.zeros(3, np.bool_),
                              target_agents=np.full(3, 20, np.int64), material_price=np.array([10.0, 1.0, 3.0])))
ECONOMY = tuple(Economy(persons_per_agent=2, unskilled_productivity=0.5, stock_months=1.0, wage=1.0, wage_reserve=1.0,
                        repayment_share=0.5, equipment_price=5.0, rule=0, months_per_tick=0.25, growth_per_agent=1.0))


def random_coops(seed: int, n: int) -> Coops:
    """n co-ops of three industries: some dead, some broke (negative capital), some in debt, stocks of all sizes."""
    rng = np.random.default_rng(seed)
    members = rng.integers(0, 21, n).astype(np.int32)
    return Coops(alive=rng.random(n) < 0.9, town=rng.integers(0, 5, n).astype(np.int32),
                 industry=rng.integers(0, 3, n).astype(np.int8), members=members,
                 matched=(members * rng.random(n)).astype(np.int32), founders=members.copy(),
                 founded=np.zeros(n, np.int32), equipment=rng.random(n) * 60.0,
                 capital=rng.normal(200.0, 300.0, n), debt=rng.random(n) * 400.0 * (rng.random(n) < 0.7),
                 stock=rng.random((n, 3)) * rng.choice([0.0, 1.0, 50.0], (n, 3)), output=np.zeros(n),
                 sales=np.zeros(n))


def copied(coops: Coops) -> tuple:
    return tuple(a.copy() for a in coops)


def depots_of(seed: int, n: int) -> np.ndarray:
    return np.random.default_rng(seed + 1).integers(-1, 4, n).astype(np.int64)


def assert_same(a: tuple, b: tuple) -> None:
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(0, 200))
def test_demand_in_groups_is_the_serial_demand(seed, n):
    coops, depot_of = copied(random_coops(seed, n)), depots_of(seed, n)
    serial = np.zeros((n, 3)), np.zeros(n)
    allocation._plan_rows(0, n, coops, depot_of, INDUSTRIES, ECONOMY, 1.7, 0.25, *serial)
    grouped = np.zeros((n, 3)), np.zeros(n)
    allocation._plan_in_groups(coops, depot_of, INDUSTRIES, ECONOMY, 1.7, 0.25, *grouped)
    assert_same(serial, grouped)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(0, 200))
def test_production_in_groups_is_the_serial_production(seed, n):
    coops = random_coops(seed, n)
    one, shared = copied(coops), copied(coops)
    repaid = production._produce_rows(0, n, one, INDUSTRIES, ECONOMY, 1.7, 0.25, np.zeros(0))
    by_coop = np.zeros(n)
    production._produce_in_groups(shared, INDUSTRIES, ECONOMY, 1.7, 0.25, by_coop)
    assert_same(one, shared)
    total = 0.0
    for pay in by_coop:  # in id order, as produce adds them
        total += pay
    assert total == repaid and (by_coop >= 0).all()


def test_the_kernels_take_the_threads_from_parallel_coops_rows_and_agree_with_one_thread():
    n = allocation.PARALLEL_COOPS + 123
    coops, depot_of = random_coops(7, n), depots_of(7, n)
    serial = np.zeros((n, 3)), np.zeros(n)
    allocation._plan_rows(0, n, copied(coops), depot_of, INDUSTRIES, ECONOMY, 2.0, 0.5, *serial)
    assert_same(serial, allocation.plan_demand(copied(coops), depot_of, INDUSTRIES, ECONOMY, 2.0, 0.5))
    assert serial[0].any() and serial[1].any()
    one, shared = copied(coops), copied(coops)
    repaid = production._produce_rows(0, n, one, INDUSTRIES, ECONOMY, 2.0, 0.5, np.zeros(0))
    assert production.produce(shared, INDUSTRIES, ECONOMY, 2.0, 0.5) == repaid > 0
    assert_same(one, shared)
