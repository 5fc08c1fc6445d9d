# Two commands: `make run` starts the portal, `make test` runs every test.
# Everything else is a step they depend on.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test setup system-deps translations messages migrate demo lock bench scan clean

run: setup migrate demo  ## start the portal on http://127.0.0.1:5000 (SQLite, demo directory, demo content) with a mail catcher and the mail worker
	BIN=$(BIN) bash tools/run-dev.sh

test: setup system-deps  ## run the whole test suite (SQLite, and PostgreSQL when PORTAL_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP) translations

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

system-deps:  ## Debian packages the tests need: slapd, ldap-utils, chromium, samba (AD DC), faketime
	bash tools/system-deps.sh

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations -f

messages: $(STAMP)  ## extract and update translation catalogs after changing texts
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".*" -o portal/translations/messages.pot .  # ".*": also templates/_macros (pybabel skips "_" folders by default)
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

migrate: setup
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask portal seed-demo

lock:  ## refresh requirements.lock from a clean environment
	rm -rf /tmp/portal-lock && $(PYTHON) -m venv /tmp/portal-lock
	/tmp/portal-lock/bin/pip install --quiet '.[test]'
	/tmp/portal-lock/bin/pip freeze --exclude integrity-portal > requirements.lock

scan: setup  ## dynamic scan with Debian's wapiti, signed in, against a running portal (slow; not in CI)
	$(BIN)/python tools/scan.py

bench: setup  ## benchmark on PostgreSQL under gunicorn (see docs/performance.md)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
