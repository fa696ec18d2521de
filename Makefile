# Each target sets up .venv with the pinned dependencies on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: install serve build test test-fast test-engines validate bench lint clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The preview's port: make serve PORT=8001. A port in use is reported in one line before anything starts.
PORT ?= 8000

serve: $(STAMP)
	@$(BIN)/python scripts/check_port.py '$(PORT)'
	$(BIN)/casebook validate || true
	$(BIN)/mkdocs serve --dev-addr '127.0.0.1:$(PORT)'

build: $(STAMP)
	$(BIN)/casebook validate
	$(BIN)/mkdocs build --strict

validate: $(STAMP)
	$(BIN)/casebook validate

test: $(STAMP)
	$(BIN)/python -m pytest

# The inner loop: every test but those that run MkDocs (marked build) or open Chromium (marked browser),
# spread over the machine's cores.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not build and not browser"

# The site under the engines that follow MkDocs 1.6 (README, "Engines"): ProperDocs, and Zensical on the export.
test-engines: $(STAMP)
	$(BIN)/python -m pytest -m engines

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy

clean:
	rm -rf site $(VENV)
