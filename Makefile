# MegiLance: `make run` serves the site with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test venv install install-dev migrate seed lint fmt clean worker beat

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

# SQLite, eager Celery tasks and console email: nothing but Python is needed.
run: seed
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	DJANGO_SETTINGS_MODULE=megilance.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

fmt: install-dev
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A megilance worker -l info

beat: install
	$(VENV)/bin/celery -A megilance beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
