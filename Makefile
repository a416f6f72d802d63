# Every target installs what it needs into .venv first, so a fresh clone needs only `make`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: serve assess test lint typecheck pytest bench docs clean

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

## Regenerate the reference pages from the knowledge files.
docs: $(STAMP)
	$(PY) -m spinewise.reference > docs/reference.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
