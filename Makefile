# Gemcare: `make run` serves the demo, `make test` runs every test. Nothing else is needed
# on the machine but python3 (3.12 or newer: Django 6 needs it) and make.

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

# The first Python that is 3.12 or newer: on PATH, or installed by pyenv.
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	>/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: install run test lint format scenarios bench bench-api schemathesis clean

# DEBUG is off unless the environment turns it on (config/settings.py); these targets are for
# development, with the development keys, so they turn it on. A deployment never uses them.
run test scenarios bench: export DEBUG = 1

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Gemcare needs Python 3.12 or newer (Django 6)." \
		"Install one, or point at it: make run PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/gemcare migrate --noinput
	$(BIN)/gemcare load-presets
	$(BIN)/gemcare load-demo
	@# Who to sign in as, and where (the provider's staff add `gemcare demo-otp USERNAME`).
	@$(BIN)/gemcare demo-logins
	@# The web server, the task worker, the webhook sweep and the policies' daily work together;
	@# stopping the server (Ctrl-C) stops them all.
	$(BIN)/gemcare db_worker --queue-name '*' & worker=$$!; \
		$(BIN)/gemcare webhooks-sweep --every 60 & sweep=$$!; \
		$(BIN)/gemcare policies-daily --every 3600 & daily=$$!; \
		trap 'kill $$worker $$sweep $$daily 2>/dev/null' EXIT INT TERM; \
		$(BIN)/gemcare runserver $(HOST)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

scenarios: install
	$(BIN)/gemcare scenarios run scenarios/

bench: install
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/api.py

# The partner API under gunicorn with the production settings, on PostgreSQL
# (BENCH_API_DATABASE_URL, default gemcare_bench_api on 127.0.0.1): requests/s and latency
# of quote and register-sale against two bare endpoints. DEBUG off: it sets its own keys.
bench-api: install
	$(BIN)/python bench/api.py $(BENCH_ARGS)

# Schemathesis against the served OpenAPI document, as CI runs it (on PostgreSQL,
# SCHEMATHESIS_DATABASE_URL; default gemcare_schemathesis on 127.0.0.1).
schemathesis: install
	$(BIN)/python .ci/run_schemathesis.py $(if $(SCHEMATHESIS_ARGS),-- $(SCHEMATHESIS_ARGS))

clean:
	rm -rf $(VENV) var build *.egg-info
