"""Experiments built on single runs: one run and its folder (single.py), ensembles of seeds on dask
(ensemble.py, ensemble_stream.py), calibration against the archive (calibrate.py), and sweeps: sweep files
(sweep_spec.py), designs and run ids (design.py), scalar outcomes (outcomes.py), one point (evaluate.py), the
dask window and resume (sweep_runner.py), atomic batches (sweep_store.py), sensitivity.py and discover.py."""
