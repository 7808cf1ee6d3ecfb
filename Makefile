# QAF: `make run` to try it, `make test` to prove it. `make help` lists every target.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install install-dev run migrate demo worker beat web test lint format check-deploy check chromium bench bench-large clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## create .venv and install the pinned runtime requirements

install-dev: $(VENV)/.installed-dev ## install the runtime and test requirements

migrate: install ## apply database migrations
	$(BIN)/python manage.py migrate --noinput

demo: migrate ## build or refresh the demo authority and print its log-ins
	QAF_REQUIRE_2FA=$(DEMO_2FA) $(BIN)/python manage.py load_demo

# The demo turns two-factor authentication off, so its log-ins need no phone; production may not
# (`make check-deploy` warns). Set QAF_REQUIRE_2FA=true to try it in the demo.
DEMO_2FA ?= false

run: migrate ## install, migrate, load demo data if empty, start web + Celery worker + beat
	QAF_REQUIRE_2FA=$(DEMO_2FA) $(BIN)/python manage.py load_demo --if-empty
	QAF_REQUIRE_2FA=$(DEMO_2FA) HOST=$(HOST) PORT=$(PORT) scripts/run.sh

test: install-dev chromium ## lint, then run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: install-dev ## lint and check formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev ## fix what ruff can fix, and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

chromium: ## install Debian's chromium for the browser tests (as root, when missing)
	@scripts/ensure-chromium.sh

check-deploy: install ## Django's deployment checks with production-like settings
	DEBUG=false SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" ALLOWED_HOSTS=qaf.example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

check: install-dev ## security checks: bandit (high severity fails) and pip-audit of requirements.txt
	$(BIN)/bandit -c pyproject.toml -r . -lll -q
	$(BIN)/python scripts/pip_audit_check.py requirements.txt

bench: install-dev ## run the benchmarks under bench/
	$(BIN)/python bench/run.py

# The large-authority benchmark (issue 9) on PostgreSQL, in a database of its own.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qaf_bench
bench-large: install-dev ## ten years of data in PostgreSQL; load, figures and PDF timings
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/generate.py --reset --big-cycle 2000
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/report_large.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/load.py

clean: ## remove the virtualenv and the embedded database and queues
	rm -rf $(VENV) .run staticfiles
