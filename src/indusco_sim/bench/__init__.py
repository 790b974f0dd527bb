"""The benchmark ladder (`indusco bench`): ladder.py runs rungs against the Mesa backend, each rung in its own
process (rung.py)."""
