# Every target installs what it needs into .venv first, so a fresh clone needs only `make`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Everything: the tests exercise every extra.
STAMP := $(VENV)/.installed
comma := ,
# More extras for `make serve` or `make audit`, e.g. EXTRAS=nlp (notes) or EXTRAS=spark.
EXTRAS ?=

.PHONY: serve assess audit test lint typecheck pytest bench docs clean interop

# The embedded decision log of `make serve` (SQLite; no server to install).
export SPINEWISE_LOG_PATH ?= var/decisions.sqlite3

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,serve,nlp,audit,spark]'
	touch $(STAMP)

# Only the extras named in the stamp's name: `make serve` never installs PySpark.
$(VENV)/.extras-%: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[$*]'
	touch '$@'

## Run the main job: the clinician's page, the REST API and the handouts on 127.0.0.1:8000.
serve: $(VENV)/.extras-serve$(if $(EXTRAS),$(comma)$(EXTRAS))
	$(VENV)/bin/spinewise serve --host 127.0.0.1 --port 8000

## Answer the red-flag questions one by one in the terminal.
assess: $(VENV)/.extras-serve
	$(VENV)/bin/spinewise assess

## Audit a population's FHIR Bulk Data export: make audit EXPORT=folder YEAR=2025 [EXTRAS=spark].
audit: $(VENV)/.extras-audit$(if $(EXTRAS),$(comma)$(EXTRAS))
	$(if $(EXPORT),,$(error say which export: make audit EXPORT=folder YEAR=2025))
	$(VENV)/bin/spinewise audit '$(EXPORT)' --year $(or $(YEAR),$(shell date +%Y))

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
