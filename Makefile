# Cadence: `make demo` serves the demo, `make test` runs the whole suite. Both set everything up.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PARTICIPANTS ?= 120
CHROMIUM ?= /usr/bin/chromium
export CADENCE_DEMO_PASSWORD ?= cadence-demo-2026

.PHONY: demo test test-pg lint setup browser pdf-libs serve bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.installed

browser: pdf-libs
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

pdf-libs:
	@test -e /usr/lib/$$(uname -m)-linux-gnu/libpango-1.0.so.0 || ldconfig -p | grep -q libpangoft2-1.0 || { \
	  echo "Installing Debian's pango for PDF documents"; \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; fi; }

demo: setup pdf-libs
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	@if $(PY) manage.py seed_demo --participants $(DEMO_PARTICIPANTS) --weeks 8 --seed 7 --if-empty | tee /dev/stderr | grep -q "already present"; then \
	  echo "Reusing the existing demo database (make clean starts fresh)"; \
	else \
	  $(PY) manage.py seed_schedule_demo --weeks 2 >/dev/null && \
	  $(PY) manage.py seed_attendance_demo --weeks 8 && \
	  $(PY) manage.py seed_measures --if-empty && \
	  $(PY) manage.py seed_notes_demo --if-empty && \
	  $(PY) manage.py seed_plans_demo --if-empty && \
	  $(PY) manage.py seed_safetyplans_demo --if-empty && \
	  $(PY) manage.py seed_consents_demo --if-empty && \
	  $(PY) manage.py seed_safety_demo --if-empty; \
	fi
	@echo ""
	@echo "  Cadence demo: http://127.0.0.1:$(PORT)/"
	@echo "  Logins (password for all: $(CADENCE_DEMO_PASSWORD)):"
	@echo "    admin, director, clinician (first site), clinician2 (second site), frontdesk, billing, auditor"
	@echo "    participant (the participant portal at /me/, best on a phone-sized window)"
	@echo ""
	@echo "  Background worker (schedule builds, crisis escalation, the nightly attendance run): var/worker.log"
	@$(PY) manage.py db_worker >var/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  CADENCE_DEBUG=$${CADENCE_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

test: setup browser
	$(PY) -m pytest

test-pg: setup browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy cadence
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	$(PY) bench/foundation.py
	$(PY) bench/measures.py
	$(PY) bench/scoring.py
	$(PY) bench/attendance.py
	$(PY) bench/notes.py
	$(PY) bench/safety.py
	$(PY) bench/scheduling.py

clean:
	rm -rf $(VENV) var/*.sqlite3*
