"""The numba engine's tally (core.bundles.Tally: job-seekers by town and skill, travellers by town, the member
list) and the co-ops' member counts equal a full recount of the workers after every phase of every tick."""

from __future__ import annotations

import numpy as np
import pytest

from indusco_sim.backends.numba_engine import kept_counts, recount
from indusco_sim.data import scenarios_dir
from indusco_sim.model import PHASES, IndusModel

BASELINE = scenarios_dir() / "baseline.yaml"
RUNG_10K = scenarios_dir().parent / "benchmarks" / "scenarios" / "rung_10k.yaml"

CASES = {
    # the founding boom of early 1939, weekly ticks
    "baseline": (BASELINE, ("time.end=1939-06-30",), 1),
    # monthly ticks through the 1942 occupations: co-ops flee (their members follow) or are lost, insolvency,
    # regional splits (the rarer paths of tests/test_backends.py's "monthly" case)
    "occupations": (BASELINE, ("time.tick=month", "time.end=1942-06-30", "population.job_seeker_share=0.002",
                               "cooperatives.wage_per_month=12", "cooperatives.insolvency_months=0.3",
                               "cooperatives.flee_success=0.9", "depots.supply_scale=0.5",
                               "administration.split_threshold=0.5", "administration.split_min_cooperatives=5"), 2),
    # unskilled hiring, priority rationing
    "priority": (BASELINE, ("allocation.rule=priority", "population.job_seeker_share=0.002",
                            "time.end=1940-03-31", "allocation.transport_per_month=40"), 1938),
    # co-ops and job-seekers seeded before the first tick
    "rung_10k": (RUNG_10K, ("time.end=1938-12-31",), 1),
}


def check_every_phase(model: IndusModel, ticks: int | None = None) -> int:
    """Run the model phase by phase, comparing the kept tally with a recount after each; returns ticks run."""
    stop = model.n_ticks if ticks is None else min(ticks, model.n_ticks)
    for tick in range(stop):
        for name in PHASES:
            getattr(model, f"_phase_{name}")(tick)
            kept, counted = kept_counts(model.engine), recount(model.engine)
            for key, value in counted.items():
                np.testing.assert_array_equal(kept[key], value, err_msg=f"tick {tick}, after {name}: {key}")
    return stop


@pytest.mark.parametrize("case", list(CASES))
def test_kept_counts_equal_a_full_recount_every_phase(case):
    scenario, overrides, seed = CASES[case]
    model = IndusModel(scenario, rng=seed, overrides=overrides, mesa_agents=False)
    assert check_every_phase(model) == model.n_ticks
    counts = model.engine.worker_counts()
    assert counts[1] > 0 and counts[2] > 0  # both unemployed and members were tallied


@pytest.mark.slow
def test_kept_counts_equal_a_full_recount_with_every_displaced_person_an_agent():
    """Issue 14's run (every displaced person an agent, millions of workers), its first ten weeks."""
    model = IndusModel(BASELINE, rng=1, overrides=("population.job_seeker_share=1",), mesa_agents=False)
    check_every_phase(model, ticks=10)
    assert model.engine.workers.n > 1_000_000
