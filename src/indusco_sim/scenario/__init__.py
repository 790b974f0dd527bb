"""Scenarios: the pydantic schema (schema.py, fields.py, event_schema.py), YAML files with line numbers,
`extends:` and `--set` (yaml_files.py), validation messages (validation_errors.py) and the public entry
`load_scenario` (load.py)."""
