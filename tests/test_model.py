"""The model as a whole: Mesa integration, reproducibility, network, calendar, schema documentation."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import mesa
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from indusco_sim.model import IndusModel
from indusco_sim.results import tables
from indusco_sim.scenario.schema import Geography, Scenario
from indusco_sim.world.calendar import Calendar, price_levels
from indusco_sim.world.geography import build_network

ROOT = Path(__file__).resolve().parents[1]


def test_network_is_connected_and_lengths_are_positive():
    net = build_network(Geography())
    assert nx.is_connected(net.graph)
    assert net.n_towns == 56
    assert (net.routes["length_km"] > 0).all() and (net.routes["days"] > 0).all()
    sourced = net.routes.dropna(subset=["km"])
    np.testing.assert_allclose(sourced["length_km"], sourced["km"])  # sourced lengths are kept as given


def test_kernel_shortest_paths_match_networkx():
    net = build_network(Geography())
    dist, hop, _ = net.paths(np.zeros(net.n_towns, np.bool_))
    lengths = dict(nx.all_pairs_dijkstra_path_length(net.graph, weight="days"))
    for u in range(0, net.n_towns, 7):
        for v in range(net.n_towns):
            assert dist[u, v] == pytest.approx(lengths[u][v])
            if u != v:  # the first hop lies on a shortest path
                h = hop[u, v]
                assert net.graph.has_edge(u, h)
                assert net.graph[u][h]["days"] + lengths[h][v] == pytest.approx(lengths[u][v])


def test_calendar_weeks_months_and_price_index():
    cal = Calendar.build(dt.date(1938, 8, 5), dt.date(1938, 12, 31), "week")
    assert cal.date_of(0) == dt.date(1938, 8, 11)
    assert cal.date_of(cal.n_ticks - 1) >= dt.date(1938, 12, 31) > cal.date_of(cal.n_ticks - 2)
    assert cal.tick_of(dt.date(1938, 8, 12)) == 1 and cal.tick_of(dt.date(1930, 1, 1)) == 0
    months = Calendar.build(dt.date(1938, 8, 5), dt.date(1939, 8, 4), "month")
    assert months.n_ticks == 12 and months.date_of(0) == dt.date(1938, 9, 4)
    levels = price_levels(months, [(dt.date(1938, 8, 4), 100.0), (dt.date(1939, 8, 4), 400.0)])
    assert levels[-1] == pytest.approx(4.0) and levels[5] == pytest.approx(2.0, rel=0.03)  # log-linear
    flat = price_levels(months, [(dt.date(1938, 8, 4), 100.0), (dt.date(1939, 8, 4), 400.0)], scale=0.0)
    assert (flat == 1.0).all()


def test_every_schema_field_has_a_unit_and_description():
    schema = Scenario.model_json_schema()
    missing = []

    def walk(props, where):
        for name, spec in props.items():
            if "description" not in spec or "[" not in spec["description"]:
                missing.append(f"{where}.{name}")

    walk(schema["properties"], "scenario")
    for name, sub in schema["$defs"].items():
        walk(sub.get("properties", {}), name)
    assert missing == []


def test_warm_up_compiles_each_kernel_once_for_the_model():
    """In a fresh process (other tests call kernels with other types): after warm_up, a run of the baseline and a
    benchmark rung (a million workers) compile nothing more."""
    code = textwrap.dedent("""
        import numpy as np
        from indusco_sim.core.kernels import all_kernels, warm_up
        from indusco_sim.model import IndusModel
        warm_up()
        runs = (("scenarios/baseline.yaml", "1939-04-30"), ("benchmarks/scenarios/rung_1m.yaml", "1938-08-20"))
        for path, end in runs:
            model = IndusModel(path, rng=2, overrides=("time.end=" + end,))
            model.run()
        model.regions.try_split(0, model.tick - 1, np.ones(model.network.n_towns, np.int64), model.engine, model.dist)
        print({k.__name__: len(k.signatures) for k in all_kernels() if len(k.signatures) > 1})
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "{}", "a kernel was compiled again: warm_up does not match the model"


def test_same_seed_gives_identical_tables_and_other_seed_differs(short_model, tmp_path):
    again = IndusModel("scenarios/baseline.yaml", rng=7, overrides=("time.end=1939-06-30",))
    again.run()
    a, b = tables.timeseries(short_model), tables.timeseries(again)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    a.to_parquet(tmp_path / "a.parquet")
    b.to_parquet(tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    other = IndusModel("scenarios/baseline.yaml", rng=8, overrides=("time.end=1939-06-30",))
    other.run()
    assert not tables.timeseries(other).equals(a)


def test_mesa_agentsets_show_regions_depots_and_cooperatives(short_model):
    from indusco_sim.views import CoopAgent, DepotAgent, RegionAgent

    m = short_model
    regions = m.agents_by_type[RegionAgent]
    assert sorted(r.name for r in regions) == sorted(m.region_names)
    assert {r.hq for r in regions} >= {"Baoji", "Chengdu", "Kunming"}
    coops = m.agents_by_type[CoopAgent]
    assert len(coops) == int(m.engine.coops.alive.sum()) > 0
    for agent in list(coops)[:20]:
        assert agent.cell.coordinate == m.town_names.index(agent.town)
        assert agent.members >= m.spec.cooperatives.min_members
        assert agent.industry in m.p.industries
    assert len(m.agents_by_type[DepotAgent]) > 0
    assert m.cooperatives.select(lambda a: a.industry == "textiles")


def test_cooperative_agents_follow_the_arrays_every_tick(baseline_path):
    """After every tick: an agent for each live co-op and none for a closed one, each in its co-op's town's
    cell. baseline_1945 has closures, and co-ops that fled the 1944 offensive, so both paths are exercised."""
    from indusco_sim.model import IndusModel
    from indusco_sim.views import CoopAgent

    m = IndusModel(baseline_path.with_name("baseline_1945.yaml"), rng=7)
    closed = moved = 0
    towns_before = {}
    while m.running:
        m.step()
        alive, town = m.engine.coops.alive.astype(bool), m.engine.coops.town
        agents = {a.row: a for a in m.agents_by_type[CoopAgent]} if CoopAgent in m.agents_by_type else {}
        assert set(agents) == set(np.flatnonzero(alive).tolist())
        assert all(a.cell.coordinate == town[row] for row, a in agents.items())
        closed += sum(1 for row in towns_before if not alive[row])
        moved += sum(1 for row, t in towns_before.items() if alive[row] and town[row] != t)
        towns_before = {row: int(town[row]) for row in agents}
    assert closed > 0 and moved > 0, (closed, moved)


def test_timeseries_has_one_row_per_tick_and_existing_region(short_model):
    ts = tables.timeseries(short_model)
    for col in ("tick", "date", "region", "cooperatives", "members", "unemployed", "output_nominal", "output_real",
                "capital", "loans_outstanding", "coops_textiles", "coops_food"):
        assert col in ts.columns
    assert not ts.duplicated(["tick", "region"]).any()
    per_tick = ts.groupby("tick")["region"].count()
    assert per_tick.iloc[0] < per_tick.iloc[-1] == 5  # regions appear as they are founded
    coop_cols = [c for c in ts.columns if c.startswith("coops_")]
    assert (ts[coop_cols].sum(axis=1) == ts["cooperatives"]).all()
    assert (ts["output_real"] <= ts["output_nominal"] + 1e-9).all()  # prices rose from 1937


def test_mesa_batch_run_returns_rows():
    rows = mesa.batch_run(IndusModel, parameters={"scenario": "scenarios/baseline.yaml"}, rng=[1, 2],
                          max_steps=20, display_progress=False)
    assert len(rows) == 2
    assert {r["rng"] for r in rows} == {1, 2}
    assert all(r["Step"] == 20 for r in rows)
    direct = IndusModel("scenarios/baseline.yaml", rng=1)  # a row holds what the model reports after 20 steps
    for _ in range(20):
        direct.step()
    row = next(r for r in rows if r["rng"] == 1)
    national = tables.national(tables.timeseries(direct)).iloc[-1]
    assert row["cooperatives"] == direct.national_cooperatives == national["cooperatives"] > 0
    assert row["members"] == national["members"]
