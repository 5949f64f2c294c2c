# Lectern: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000
LECTERN_ENV ?= demo
TEST_POSTGRES_URL ?=
DEFAULT_POSTGRES_URL := postgresql://postgres@127.0.0.1:5432/test
export FLASK_APP := app:create_app

.PHONY: run test security-lint test-sqlite test-postgres test-e2e loadtest bench install install-dev translations translate-update chromium clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	$(PY) -m babel.messages.frontend compile -d translations

translate-update: install
	LECTERN_ENV=demo $(VENV)/bin/flask translate update

run: translations
	LECTERN_ENV=$(LECTERN_ENV) $(VENV)/bin/flask db upgrade
	LECTERN_ENV=$(LECTERN_ENV) $(VENV)/bin/flask demo load --if-empty
	LECTERN_ENV=$(LECTERN_ENV) $(VENV)/bin/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) \
		--access-logfile - 'app:create_app()'

chromium:
	@command -v chromium >/dev/null || { command -v apt-get >/dev/null && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; } \
		|| { echo "Chromium is missing and cannot be installed (need apt-get as root)"; exit 1; }

test: install-dev translations chromium
	$(MAKE) --no-print-directory security-lint
	@# The two database runs are independent and each keeps one core busy: run them side by side.
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres
	$(MAKE) --no-print-directory test-e2e

security-lint: install-dev
	@echo "== bandit (static security checks; every exception is justified in a nosec comment)"
	$(VENV)/bin/bandit -q -r app.py config.py core accounts lecturers reviews meetings contests dashboards demo

test-sqlite: install-dev translations
	@echo "== Test suite on SQLite"
	$(PY) -m pytest -m "not e2e" -q

test-postgres: install-dev translations
	@url="$(TEST_POSTGRES_URL)"; \
	if [ -z "$$url" ]; then \
		if $(PY) -c "import psycopg,sys; psycopg.connect('$(DEFAULT_POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; \
		then url="$(DEFAULT_POSTGRES_URL)"; else echo "== PostgreSQL not reachable: suite not run on it"; exit 0; fi; \
	fi; \
	echo "== Test suite on PostgreSQL"; \
	TEST_DATABASE_URL="$$url" $(PY) -m pytest -m "not e2e" -q

test-e2e: install-dev translations chromium
	@echo "== Browser tests (Chromium)"
	$(PY) -m pytest -m e2e -q

# A bounded load test (not part of `make test`): demo data in a throw-away folder, gunicorn with
# 2 workers on a free loopback port, locust headless for LOADTEST_TIME with LOADTEST_USERS users.
# Prints requests served, failures and p95 latency; fails when any request failed.
LOADTEST_USERS ?= 10
LOADTEST_TIME ?= 60s
loadtest: install-dev translations
	@set -euo pipefail; \
	tmp=$$(mktemp -d -t lectern-loadtest.XXXXXX); \
	export LECTERN_ENV=demo DATABASE_URL="sqlite:///$$tmp/lectern.db" LECTERN_UPLOAD_FOLDER="$$tmp/uploads" \
		LECTERN_CHART_CACHE_FOLDER="$$tmp/chart-cache" LECTERN_EXPORT_FOLDER="$$tmp/exports"; \
	gunicorn_pid=""; \
	cleanup() { if [ -n "$$gunicorn_pid" ]; then kill "$$gunicorn_pid" 2>/dev/null || true; \
		wait "$$gunicorn_pid" 2>/dev/null || true; fi; rm -rf "$$tmp"; }; \
	trap cleanup EXIT; \
	echo "== Demo database in $$tmp"; \
	$(VENV)/bin/flask db upgrade >"$$tmp/setup.log" 2>&1; \
	$(VENV)/bin/flask demo load >>"$$tmp/setup.log" 2>&1; \
	port=$$($(PY) -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	$(VENV)/bin/gunicorn --workers 2 --bind 127.0.0.1:$$port 'app:create_app()' 2>"$$tmp/gunicorn.log" & \
	gunicorn_pid=$$!; \
	for _ in $$(seq 50); do $(PY) -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$$port/healthz', timeout=1)" \
		2>/dev/null && break; sleep 0.2; done; \
	echo "== gunicorn (2 workers) on 127.0.0.1:$$port; locust: $(LOADTEST_USERS) users for $(LOADTEST_TIME)"; \
	$(VENV)/bin/locust -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$$port" \
		--users $(LOADTEST_USERS) --spawn-rate 5 --run-time $(LOADTEST_TIME) --stop-timeout 5 --only-summary \
		--loglevel WARNING

clean:
	rm -rf $(VENV) instance/lectern.db* translations/*/LC_MESSAGES/*.mo

# Performance at province scale (issue 9; not part of `make test`): synthetic data generated once
# into instance/bench/ (and PostgreSQL database lectern_bench when BENCH_DATABASE_URL or
# DATABASE_URL is set), a bare Flask baseline and Lectern under gunicorn, wrk on each page; prints
# a table of ratios to the baseline with PASS/FAIL. BENCH_UNITS/BENCH_LECTURERS/BENCH_YEARS/BENCH_SECONDS/BENCH_ROUNDS.
bench: install-dev translations
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "wrk is missing and cannot be installed (need apt-get as root)"; exit 1; }
	$(PY) bench/run.py
