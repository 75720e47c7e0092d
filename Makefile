# The README's two commands are the contract: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres lint format bench loadtest backup restore messages clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

## run: set up (venv, migrations, real data, admin account) and serve on http://$(HOST):$(PORT)/
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_real_data --if-empty
	$(PY) manage.py ensure_admin
	$(PY) manage.py runserver $(HOST):$(PORT)

# axe-core (npm) for the browser tests' accessibility check; without npm those tests skip it
# locally (and fail in CI).
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; fi

## test: install the dev requirements and run the whole suite on SQLite
test: $(VENV)/.installed-dev node_modules/.installed
	$(PY) -m pytest

## test-postgres: the whole suite on PostgreSQL (DATABASE_URL, default the local server)
test-postgres: $(VENV)/.installed-dev node_modules/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tracker} $(PY) -m pytest

## lint: ruff (lint and format) and mypy with the Django and DRF stubs ([tool.mypy] in pyproject.toml)
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## backup: write all tracker data, its history, users and groups to backups/tracker-YYYYmmdd-HHMMSS.json
backup: $(VENV)/.installed
	$(PY) manage.py backup

## restore: load a backup into an empty database: make restore FILE=backups/tracker-....json
restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/tracker-YYYYmmdd-HHMMSS.json"; exit 2; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py restore "$(FILE)"

## bench: pages, reports, exports and a 20,000-row import on SQLite (1k-100k) and PostgreSQL
## (10k, 1m), beside their raw SQL, commit a2c1e3b and Datasette (bench/README.md; --quick: minutes)
bench: $(VENV)/.installed
	$(PY) -m bench.run $(BENCH_ARGS)

## loadtest: 50 users for 60 s on two app servers and one PostgreSQL, restarted halfway (RESTART=0:
## not), in a throw-away cluster on port LOADTEST_PG_PORT (empty: the server at 127.0.0.1:5432)
LOADTEST_PG_PORT ?= 5499
loadtest: $(VENV)/.installed
	$(PY) -m loadtest.run $(if $(filter 0,$(RESTART)),,--restart-postgres) \
		$(if $(LOADTEST_PG_PORT),--own-cluster $(LOADTEST_PG_PORT)) $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
