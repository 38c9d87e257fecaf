# Each target bootstraps .venv on first use (or when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test test-fast lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flock run

demo: $(STAMP)
	$(BIN)/flock demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

# The edit-test loop: the same checks, SQLite only, without the tests marked by their cost
# (pyproject.toml, tests/conftest.py), spread over the cores. `test` still runs them all.
# The SQLite half of database_url asks for the session's cluster fixture too: the variable keeps
# that from starting one.
FAST := not postgres and not process and not property and not slow
WORKERS ?= auto

test-fast: lint typecheck
	FLOCK_TEST_SKIP_POSTGRES=1 $(BIN)/python -m pytest -n $(WORKERS) -m "$(FAST)"

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
