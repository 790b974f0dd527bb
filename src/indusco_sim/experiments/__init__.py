"""Experiments built on single runs: one run and its folder (single.py), ensembles of seeds on dask
(ensemble.py), calibration against the archive (calibrate.py)."""
