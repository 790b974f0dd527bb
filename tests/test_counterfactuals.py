"""The counterfactual scenarios: each extends the baseline in a few lines, validates and runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from indusco_sim.model import IndusModel
from indusco_sim.results import tables
from indusco_sim.scenario.load import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
COUNTERFACTUALS = ("no_late_refugees", "southeast_never_lost", "real_loans", "no_credit_restriction")


@pytest.mark.parametrize("name", [*COUNTERFACTUALS, "baseline_1945"])
def test_counterfactual_extends_baseline_briefly(name):
    text = (SCENARIOS / f"{name}.yaml").read_text()
    assert "extends: baseline.yaml" in text
    assert len([line for line in text.splitlines() if line.strip() and not line.startswith("#")]) <= 16
    loaded = load_scenario(SCENARIOS / f"{name}.yaml")
    assert loaded.scenario.name == name
    assert name in (SCENARIOS / "README.md").read_text()


def enabled(name: str) -> set[str]:
    return {e.id for e in load_scenario(SCENARIOS / f"{name}.yaml").scenario.events if e.enabled}


def test_counterfactuals_change_what_they_say():
    base = enabled("baseline")
    assert base - enabled("no_late_refugees") == {"wave-1939", "wave-1940", "wave-1941", "wave-zhejiang-jiangxi-1942"}
    assert {"occupy-jinhua", "occupy-lanxi"} <= base - enabled("southeast_never_lost")
    assert base - enabled("no_credit_restriction") == {"credit-restriction-1941", "alley-leaves-1942"}
    assert load_scenario(SCENARIOS / "real_loans.yaml").scenario.finance.index_linked_fund


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_counterfactual_runs(name):
    model = IndusModel(SCENARIOS / f"{name}.yaml", overrides=("time.end=1939-06-30",), mesa_agents=False)
    model.run()
    ts = tables.timeseries(model)
    assert 0 <= (ts["date"].max() - pd.Timestamp("1939-06-30")).days < 7  # the last week holds the end date
    last = tables.national(ts).iloc[-1]
    assert last["cooperatives"] > 0 and last["regions"] >= 3 and last["members"] >= 7 * last["cooperatives"]


@pytest.mark.slow
def test_southeast_keeps_its_towns():
    model = IndusModel(SCENARIOS / "southeast_never_lost.yaml", mesa_agents=False)
    model.run()
    for town in ("Jinhua", "Lanxi", "Quzhou"):
        assert not model.occupied[model.network.index[town]]
    base = IndusModel(SCENARIOS / "baseline.yaml", mesa_agents=False)
    base.run()
    assert base.occupied[base.network.index["Jinhua"]]
