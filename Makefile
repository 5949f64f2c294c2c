# Lectern: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000
LECTERN_ENV ?= demo
TEST_POSTGRES_URL ?=
DEFAULT_POSTGRES_URL := postgresql://postgres@127.0.0.1:5432/test
export FLASK_APP := app:create_app

.PHONY: run test security-lint test-sqlite test-postgres test-e2e install install-dev translations translate-update chromium clean

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

clean:
	rm -rf $(VENV) instance/lectern.db* translations/*/LC_MESSAGES/*.mo
