# Each target bootstraps .venv on first use (or when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test test-fast lint typecheck bench clean translations chromium
LOCALES := bot/locale
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/flock.po))

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled catalogues are built here, never committed (bot/i18n.py compiles a .po in memory
# when its .mo is missing or older).
$(LOCALES)/%/LC_MESSAGES/flock.mo: $(LOCALES)/%/LC_MESSAGES/flock.po $(STAMP)
	$(BIN)/pybabel --quiet compile -D flock -l $* -i $< -o $@

# After changing texts: extract them, bring each language's catalogue up to date (new texts
# come untranslated, tests/unit/test_catalogues.py says which), compile.
translations: $(STAMP)
	$(BIN)/pybabel --quiet extract -F $(LOCALES)/babel.cfg -k _ -k N_ -k ngettext:1,2 \
		--add-location=file --sort-by-file --no-wrap --project=Flock -o $(LOCALES)/flock.pot .
	$(BIN)/pybabel --quiet update -D flock -i $(LOCALES)/flock.pot -d $(LOCALES) --no-wrap --ignore-obsolete
	$(MAKE) $(CATALOGUES)

run: $(STAMP) $(CATALOGUES)
	$(BIN)/flock run

demo: $(STAMP) $(CATALOGUES)
	$(BIN)/flock demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser tests drive Debian's Chromium; installed here when missing (as root, quietly).
test: lint typecheck $(CATALOGUES) chromium
	$(BIN)/python -m pytest

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed: the browser tests will be skipped"

# The edit-test loop: the same checks, SQLite only, without the tests marked by their cost
# (pyproject.toml, tests/conftest.py), spread over the cores. `test` still runs them all.
# The SQLite half of database_url asks for the session's cluster fixture too: the variable keeps
# that from starting one.
FAST := not postgres and not process and not property and not slow and not browser
WORKERS ?= auto

test-fast: lint typecheck
	FLOCK_TEST_SKIP_POSTGRES=1 $(BIN)/python -m pytest -n $(WORKERS) -m "$(FAST)"

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
