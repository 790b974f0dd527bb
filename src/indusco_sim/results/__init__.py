"""What a run produces: the per-tick recorder (recorder.py), the tables built from it (tables.py), the
comparison with the archive (history.py), the results folder (folder.py), plots and the animation."""
