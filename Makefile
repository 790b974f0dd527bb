# indusco-sim: every target sets up .venv first (Python >= 3.12 found by tools/find-python.sh).
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SCENARIO ?= scenarios/baseline.yaml

.PHONY: run test test-fast lint bench bench-quick serve clean venv mutate

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt tools/find-python.sh
	@if [ ! -x "$(PY)" ] || ! "$(PY)" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then \
		rm -rf "$(VENV)"; \
		python=$$(sh tools/find-python.sh) || exit 1; \
		echo "creating $(VENV) with $$python"; \
		"$$python" -m venv "$(VENV)" || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(PY) -m indusco_sim.viz.assets || echo "warning: the page's browser assets are not cached (npm missing?); Solara will try its CDN"
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/indusco run $(SCENARIO) --force

serve: $(STAMP)
	$(VENV)/bin/indusco serve $(SCENARIO) $(if $(PORT),--port $(PORT))

test: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(PY) -m pytest

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow and not browser"

bench: $(STAMP)
	$(VENV)/bin/indusco bench

bench-quick: $(STAMP)
	$(VENV)/bin/indusco bench --quick --min-ratio 30

# Mutation testing of the kernels, the schema, the results writer and the archive comparison (cosmic-ray, one
# mutant at a time; 1.5 to 2 hours on one core): see docs/reliability.md. SESSIONS= names some of them only.
mutate: $(STAMP)
	$(PY) tools/mutation/mutate.py $(SESSIONS)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) results build dist .pytest_cache .hypothesis .mutation
	find src -name __pycache__ -type d -exec rm -rf {} +
