"""Fixed runs give exactly the tables recorded in table_hashes.json: a refactoring changes no number.

When a change is meant to change the model's numbers, rerun `python tests/table_hashes.py --write` and say so
in the commit message."""

from __future__ import annotations

import json

import pytest

from table_hashes import EXPECTED, RUNS, run_hashes


@pytest.mark.slow
@pytest.mark.parametrize("name", list(RUNS))
def test_fixed_run_tables_unchanged(name):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))[name]
    assert run_hashes(name) == expected
