"""Shared fixtures: paths into the repository and small model runs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="session")
def baseline_path() -> Path:
    return BASELINE


@pytest.fixture(scope="session")
def short_model():
    """The baseline run to mid-1939 (seed 7): a model with regions, cooperatives and workers."""
    from indusco_sim.model import IndusModel

    model = IndusModel(BASELINE, rng=7, overrides=("time.end=1939-06-30",))
    model.run()
    return model
