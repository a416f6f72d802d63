# Every target installs what it needs into .venv first, so a fresh clone needs only `make`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: serve assess test lint typecheck pytest bench docs clean interop

# The embedded decision log of `make serve` (SQLite; no server to install).
export SPINEWISE_LOG_PATH ?= var/decisions.sqlite3

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,nlp,spark]'
	touch $(STAMP)

## Run the main job: the clinician's page, the REST API and the handouts on 127.0.0.1:8000.
serve: $(STAMP)
	$(VENV)/bin/spinewise serve --host 127.0.0.1 --port 8000

## Answer the red-flag questions one by one in the terminal.
assess: $(STAMP)
	$(VENV)/bin/spinewise assess

## Pass the tests: lint, type-check, then the whole test suite.
test: lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/bench_assess.py

## The EHR-side software the interop tests run against (tests/browser/interop): smart-launcher-v2
## (copied from the shared clients folder, `npm ci`) and sekmet-fhir (its own venv), in .interop/.
SHARED ?= $(or $(SPINEWISE_TEST_SHARED),../shared)
INTEROP := .interop
interop: $(INTEROP)/.installed

$(INTEROP)/.installed:
	test -d "$(SHARED)/clients/smart-launcher-v2"
	rm -rf $(INTEROP)/smart-launcher-v2 $(INTEROP)/sekmet-venv
	mkdir -p $(INTEROP)
	cp -r "$(SHARED)/clients/smart-launcher-v2" $(INTEROP)/
	chmod -R u+w $(INTEROP)/smart-launcher-v2
	cd $(INTEROP)/smart-launcher-v2 && npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON) -m venv $(INTEROP)/sekmet-venv
	$(INTEROP)/sekmet-venv/bin/pip install --quiet sekmet-fhir==0.1.1
	touch $@

## Regenerate the reference pages from the knowledge files.
docs: $(STAMP)
	$(PY) -m spinewise.reference > docs/reference.md

clean:
	rm -rf $(VENV) $(INTEROP) .pytest_cache .mypy_cache .ruff_cache
