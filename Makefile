# LeanHub: two commands.
#   make run   — set up and serve the demo on http://127.0.0.1:8000 (SQLite, in-memory channel layer),
#                with the background worker beside it
#   make test  — set up and run the whole test suite (under CI=true: SQLite, then PostgreSQL + Redis)
#   make serve — run as a service: migrate, collect static files, start the Procfile's processes

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint typecheck lint-imports check-migrations messages browser-deps clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python scripts/requirements.py > $(VENV)/requirements.txt
	$(BIN)/python -m pip install --quiet -r $(VENV)/requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP) messages
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo --if-empty
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "LeanHub is starting on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo ""
	@# The background worker (e-mail, digests, daily jobs) runs beside the server and stops with it.
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(BIN)/uvicorn leanhub.asgi:application --host $(HOST) --port $(PORT) --lifespan off

# The Procfile's processes under honcho, configured from the environment (README, "Running as a
# service"). SERVE_PROCESSES picks which run.
serve: $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/honcho start $${SERVE_PROCESSES:-web ws worker}

browser-deps:
	@bash scripts/ensure-chromium.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	DEBUG=1 $(BIN)/mypy

# The one-way app dependencies (leanhub <- ideas <- kaizen <- metrics); tests/test_architecture.py
# runs the same check inside the test suite.
lint-imports: $(STAMP)
	$(BIN)/lint-imports

# Compiles the translation catalogues (locale/*/LC_MESSAGES/*.po -> .mo) with GNU gettext.
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=$(VENV)

check-migrations: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

test: $(STAMP) browser-deps lint typecheck check-migrations messages
	@bash scripts/test.sh

clean:
	rm -rf $(VENV) .pytest_cache .test-db*.sqlite3* staticfiles
