"""Setting and reading a scenario's values by dotted key (scenario/values.py), as calibration and sweeps do."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from indusco_sim.data import scenarios_dir
from indusco_sim.scenario.load import load_scenario
from indusco_sim.scenario.values import key_parts, value_at, with_values

BASELINE = load_scenario(scenarios_dir() / "baseline.yaml").scenario


def test_key_parts_turn_list_indices_into_integers():
    assert key_parts("population.skill_shares.0") == ["population", "skill_shares", 0]


def test_values_are_set_integers_rounded_and_the_seed_only_when_given():
    changed = with_values(BASELINE, {"cooperatives.founding_members": 12.6, "administration.split_threshold": 0.7})
    assert value_at(changed, "cooperatives.founding_members") == 13
    assert value_at(changed, "administration.split_threshold") == 0.7
    assert changed.seed == BASELINE.seed
    assert with_values(BASELINE, {}, seed=7).seed == 7
    assert value_at(BASELINE, "administration.split_threshold") != 0.7  # the original is left as it was


def test_a_value_out_of_bounds_is_refused_by_the_schema():
    with pytest.raises(ValidationError):
        with_values(BASELINE, {"administration.split_threshold": -1.0})
