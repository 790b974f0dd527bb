"""The Mesa reference backend gives the numba backend's run: same draws, same order, same arithmetic.

Every column of the (tick, region) time series and of the cooperatives table is compared: integers
exactly, floats to a relative 1e-9 (in practice they are bit-identical).
"""

from __future__ import annotations

import json

import mesa
import numpy as np
import pandas as pd
import pytest

from indusco_sim.backends.mesa.agents import DepotAgent, WorkerAgent
from indusco_sim.backends.mesa.coop import CoopAgent
from indusco_sim.data import scenarios_dir
from indusco_sim.model import IndusModel
from indusco_sim.results import tables

BASELINE = scenarios_dir() / "baseline.yaml"

# small scenarios that between them reach every phase's rarer paths
SCENARIOS = {
    # weekly ticks, proportional rationing, the founding boom of early 1939
    "weekly": ("time.end=1939-06-30",),
    # monthly ticks through the 1942 occupations (flight and loss), insolvency, regional splits
    "monthly": ("time.tick=month", "time.end=1942-06-30", "population.job_seeker_share=0.002",
                "cooperatives.wage_per_month=12", "cooperatives.insolvency_months=0.3", "cooperatives.flee_success=0.9",
                "depots.supply_scale=0.5",
                "administration.split_threshold=0.5", "administration.split_min_cooperatives=5"),
    # army supply served first, scarce transport, unskilled hiring, regional splits
    "priority": ("allocation.rule=priority", "population.job_seeker_share=0.002", "time.end=1940-03-31",
                 "allocation.transport_per_month=40", "administration.split_threshold=0.3",
                 "administration.split_min_cooperatives=10"),
}
SEEDS = (1, 2, 1938)


def run_both(overrides: tuple[str, ...], seed: int) -> tuple[IndusModel, IndusModel]:
    models = []
    for backend in ("numba", "mesa"):
        model = IndusModel(BASELINE, rng=seed, overrides=overrides, backend=backend)
        model.run()
        models.append(model)
    return models[0], models[1]


def assert_same_table(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """Same columns and rows; integer, bool, text and date columns equal, floats within rtol 1e-9."""
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for col in expected.columns:
        x, y = expected[col].to_numpy(), got[col].to_numpy()
        assert y.dtype == x.dtype, col
        if x.dtype.kind == "f":
            np.testing.assert_allclose(y, x, rtol=1e-9, atol=0, err_msg=col)
        else:
            np.testing.assert_array_equal(y, x, err_msg=col)


def assert_same_run(numba_model: IndusModel, mesa_model: IndusModel) -> pd.DataFrame:
    ts = tables.timeseries(numba_model)
    assert_same_table(ts, tables.timeseries(mesa_model))
    coops = tables.cooperatives(numba_model)
    assert_same_table(coops, tables.cooperatives(mesa_model))
    assert_same_table(tables.towns(numba_model), tables.towns(mesa_model))
    assert_same_table(tables.town_timeseries(numba_model), tables.town_timeseries(mesa_model))
    np.testing.assert_array_equal(mesa_model.engine.worker_counts(), numba_model.engine.worker_counts())
    assert mesa_model.fund == pytest.approx(numba_model.fund, rel=1e-9, abs=0)
    assert mesa_model.splits == numba_model.splits
    np.testing.assert_array_equal(mesa_model.regions.staff, numba_model.regions.staff)
    assert tables.national(ts)["cooperatives"].iloc[-1] > 0
    return coops


def test_seeded_start_matches():
    """Co-ops and job-seekers present at the start (as in the benchmarks), many depots per site."""
    seeded = ("time.end=1939-03-31", "cooperatives.initial=60", "population.initial_workers=900",
              "depots.copies=3", "events.0.date=1938-08-05", "events.1.date=1938-08-05")
    numba_model, mesa_model = run_both(seeded, seed=4)
    assert numba_model.engine.coops.founded.tolist().count(0) == 60
    assert_same_run(numba_model, mesa_model)


def test_short_weekly_run_matches():
    """Fast check: the first months of the baseline."""
    numba_model, mesa_model = run_both(("time.end=1938-12-31",), seed=3)
    coops = assert_same_run(numba_model, mesa_model)
    assert (coops["members"] > 0).all()


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_backends_agree(name: str, seed: int):
    numba_model, mesa_model = run_both(SCENARIOS[name], seed)
    coops = assert_same_run(numba_model, mesa_model)
    fates = set(coops["fate"])
    assert "dissolved" in fates
    if name == "monthly":
        assert {"insolvent", "lost to occupation"} <= fates
    if name in ("monthly", "priority"):
        assert numba_model.splits, "the scenario should split a region"
    if name == "priority":
        assert (coops["skilled_members"] < coops["members"]).any(), "someone should work outside their skill"


def test_agents_are_mesa_agents():
    """Workers, cooperatives and depots are Mesa agents in the model, in id order, with no duplicate views."""
    model = IndusModel(BASELINE, rng=5, overrides=("time.end=1938-11-30",), backend="mesa")
    model.run()
    eng = model.engine
    workers = list(model.agents_by_type[WorkerAgent])
    assert [w.row for w in workers] == sorted(w.row for w in workers)
    assert len(workers) + eng.n_left == eng.n_workers == int(eng.worker_counts().sum())
    live = list(model.cooperatives)
    assert live and all(isinstance(c, CoopAgent) and isinstance(c, mesa.Agent) for c in live)
    assert [c.row for c in live] == [c.row for c in eng.coop_records if c.alive]
    assert len(model.agents_by_type[DepotAgent]) == eng.n_depots()
    from indusco_sim import views

    assert views.CoopAgent not in model.agents_by_type and views.DepotAgent not in model.agents_by_type
    assert len(model.agents_by_type[views.RegionAgent]) == model.regions.n
    coop = live[0]
    assert coop.town == model.town_names[coop.town_id] and coop.cell.coordinate == coop.town_id
    assert coop.members == coop.n_members * model.spec.population.persons_per_agent == len(coop.crew)
    assert all(w.employer is coop and w.town == coop.town_id for w in coop.crew)


def test_cli_runs_mesa_backend(tmp_path):
    from typer.testing import CliRunner

    from indusco_sim.cli import app

    out = tmp_path / "m"
    result = CliRunner().invoke(app, ["run", str(BASELINE), "--backend", "mesa", "--out", str(out), "--no-plots",
                                      "-q", "--set", "time.end=1938-10-31"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["backend"] == "mesa" and manifest["memory_bytes"] > 0
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert ts["cooperatives"].sum() > 0


def contract_methods() -> dict[str, list[str]]:
    """The Engine protocol's methods and their parameter names."""
    import inspect

    from indusco_sim.backends.contract import Engine

    return {name: list(inspect.signature(fn).parameters)
            for name, fn in vars(Engine).items() if callable(fn) and not name.startswith("_")}


@pytest.mark.parametrize("backend", ["numba", "mesa"])
def test_both_engines_implement_the_contract_with_its_parameter_names(backend):
    import inspect

    from indusco_sim.backends.contract import Engine

    model = IndusModel(BASELINE, rng=1, backend=backend, overrides=("time.end=1938-09-30",))
    engine = model.engine
    assert isinstance(engine, Engine)
    assert engine.name == backend and engine.provides_agents is (backend == "mesa")
    methods = contract_methods()
    assert len(methods) >= 25
    for name, params in methods.items():
        assert list(inspect.signature(getattr(type(engine), name)).parameters) == params, name
    public = {n for n in dir(type(engine)) if not n.startswith("_") and callable(getattr(type(engine), n))}
    assert public - set(methods) <= {"coops", "workers", "depots"}, public - set(methods)


def test_the_factory_refuses_an_unknown_backend():
    from indusco_sim.backends.contract import make_engine

    with pytest.raises(ValueError, match="numba, mesa"):
        make_engine("julia", None, 0, [], [], [])


def test_engines_are_given_the_compiled_parameters_only():
    """No engine or kernel module imports the scenario package or names the pydantic Scenario: the rules are
    compiled once, in world/params.py."""
    import ast
    from pathlib import Path

    import indusco_sim.backends as backends

    root = Path(backends.__file__).parent
    paths = [*root.rglob("*.py"), *(root.parent / "core").rglob("*.py")]
    assert len(paths) > 15
    for path in paths:
        tree = ast.parse(path.read_text())
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in imported if m and m.startswith("indusco_sim.scenario")], path
        assert "Scenario" not in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}, path


def test_both_engines_give_the_same_per_town_views():
    """The town inspector's tables (co-ops and members by town and industry, workers by town and status,
    depot stocks by town) agree between backends after the same run; left workers are counted only by numba."""
    over = ("time.end=1939-03-31",)
    fast = IndusModel(BASELINE, rng=2, backend="numba", overrides=over, mesa_agents=False)
    ref = IndusModel(BASELINE, rng=2, backend="mesa", overrides=over)
    fast.run()
    ref.run()
    for a, b in zip(fast.engine.coops_by_town_industry(), ref.engine.coops_by_town_industry(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert fast.engine.coops_by_town_industry()[0].sum() > 50
    np.testing.assert_array_equal(fast.engine.workers_by_town_status()[:, :3],
                                  ref.engine.workers_by_town_status()[:, :3])
    np.testing.assert_allclose(fast.engine.depot_stock_by_town(), ref.engine.depot_stock_by_town(), rtol=1e-12)
