# SCSP Reviews. The README explains each target.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=
## Test processes (pytest-xdist): one per core. PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto
## Extra flags for installing the lock file (CI: --no-compile, see .ci/run).
PIP_INSTALL_FLAGS ?=

.PHONY: run test lint format worker beat bench loadtest install assets clean-db

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PIP_INSTALL_FLAGS) -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed

## make run: set up and serve the demo partnership on SQLite, eager Celery, console e-mail.
## Without SCSP_ENV the settings are production's: the demo chooses development explicitly.
run: export SCSP_ENV := development
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py scan_waiting_files
	@echo "Serving http://$(ADDR)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(ADDR)

## make test: install what the tests need and run the whole suite (SCSP_ENV=test; pytest
## itself reads scsp.settings_test, which sets it), spread over the cores by pytest-xdist
## (--dist worksteal: a worker that runs out takes the other's remaining tests).
test: export SCSP_ENV := test
test: install assets
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## make lint: ruff; bandit on the app packages (config and justified skips: pyproject.toml
## [tool.bandit]); pip-audit on requirements.lock (.ci/pip_audit.py: fails on a known
## vulnerability, warns when no vulnerability database can be reached).
lint: install
	$(PY) -m ruff check .
	$(PY) -m bandit -q -c pyproject.toml -r scsp actions reviews audits reports demo
	$(PY) .ci/pip_audit.py requirements.lock

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## Production processes (need REDIS_URL). Only one beat schedules (a Redis lock); others wait.
worker: install
	$(VENV)/bin/celery -A scsp worker -l info --concurrency=2

beat: install
	$(VENV)/bin/celery -A scsp beat -l info

## make bench: seed 1,000 and 20,000 actions into fresh databases, time pages, the reminder
## sweep and the PDFs against their floors; prints a table and writes bench-results.json.
## make bench DB=postgres: the same on a throwaway PostgreSQL (.ci/services.sh pg_up/pg_down),
## written to bench-results-postgres.json.
DB ?= sqlite
BENCH_ARGS ?=
bench: export SCSP_ENV := development
bench: install
ifeq ($(DB),postgres)
	bash -c 'source .ci/services.sh && pg_up && trap pg_down EXIT && $(PY) tests/perf/bench.py --out bench-results-postgres.json $(BENCH_ARGS)'
else
	DATABASE_URL= $(PY) tests/perf/bench.py $(BENCH_ARGS)
endif

## make loadtest: the production-like stack (nginx, gunicorn, PostgreSQL, Redis, a worker) on
## seed_demo + seed_demo --scale large data, loaded by tests/load/locustfile.py headless for
## RUN_TIME seconds at each of USERS; writes load-results.json (README "Capacity"). Needs root
## (a throwaway PostgreSQL) and Debian's nginx and redis-server.
USERS ?= 10 50 100
RUN_TIME ?= 60
loadtest: install
	$(PY) tests/load/run.py --users $(USERS) --run-time $(RUN_TIME)

clean-db:
	rm -f db.sqlite3
