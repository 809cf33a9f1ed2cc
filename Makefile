# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
RUN_ENV := DEBUG=1
# With no STRIPE_SECRET_KEY in the environment, `make run` starts the local
# Stripe test-mode server and points the app at it; with a key, Stripe itself.
ifeq ($(STRIPE_SECRET_KEY),)
STRIPE_ENV := STRIPE_SECRET_KEY=sk_test_local STRIPE_API_BASE=http://127.0.0.1:12111 \
	STRIPE_WEBHOOK_SECRET=whsec_local_demo_only
PROCESSES := web worker beat stripe
else
STRIPE_ENV :=
PROCESSES := web worker beat
endif

.PHONY: run test test-all test-browser screenshots lint format migrations-check install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py ensure_demo_editor
	PATH="$(CURDIR)/$(BIN):$$PATH" $(RUN_ENV) $(STRIPE_ENV) $(BIN)/honcho start -f Procfile $(PROCESSES)

# The tiers (README, "Tests"). `make test`: the tests that stay in-process, on whatever
# DATABASE_URL and CACHE_URL say (nothing: SQLite and files), with the small hypothesis
# profile. `make test-all` (CI): everything, with the full profile; the tests marked
# `alone` (they restart PostgreSQL) after the others, by themselves.
TEST_WORKERS ?= auto
test: install-dev
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not full"

test-all: install-dev
	HYPOTHESIS_PROFILE=full $(BIN)/pytest -n $(TEST_WORKERS) -m "not alone"
	HYPOTHESIS_PROFILE=full $(BIN)/pytest -m alone

test-browser: install-dev
	$(BIN)/pytest -n $(TEST_WORKERS) -m browser

# Home, article and support pages at 375 and 1280 px, and the admin pages editors use
# (start page, article form, photo library grid) at 1280 px, into test-artifacts/screenshots/.
screenshots: install-dev
	$(BIN)/pytest -m browser tests/browser/test_screenshots.py tests/browser/test_admin_pages.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install-dev
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
