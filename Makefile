# The README's two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# WeasyPrint's Pango and HarfBuzz, a font, and GNU gettext for the message catalogues; Voikko and its
# Finnish dictionary for the entry quality check (the PyPI libvoikko binding loads libvoikko.so.1).
RUN_SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
	libvoikko1 voikko-fi
# Chromium for the browser tests; poppler-utils (pdftoppm) turns a printed form into a screenshot.
TEST_SYSTEM_PACKAGES := $(RUN_SYSTEM_PACKAGES) chromium poppler-utils
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/atmt
HOST_PORT ?= 127.0.0.1:8000

.PHONY: help run test check lint messages-compile messages-update lock vendor clean

help:
	@echo "make run    serve ATMT with demo data at http://$(HOST_PORT)"
	@echo "make test   lint, then the whole test suite on PostgreSQL and on SQLite"
	@echo "make check  the everyday loop: lint, then the suite without the browser on SQLite"

run: $(VENV)/.run-deps messages-compile
	@scripts/ensure-system-packages $(RUN_SYSTEM_PACKAGES)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo_data
	@echo "ATMT is at http://$(HOST_PORT)/ (Ctrl+C stops it and the log's worker and scheduler)"
	scripts/serve-dev $(PY) $(HOST_PORT)

test: $(VENV)/.dev-deps messages-compile
	@scripts/ensure-system-packages $(TEST_SYSTEM_PACKAGES)
	$(MAKE) --no-print-directory lint
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest
	DATABASE_URL= $(PY) -m pytest

# The fast loop for everyday work; `make test` stays the whole truth.
check: $(VENV)/.dev-deps messages-compile
	$(MAKE) --no-print-directory lint
	DATABASE_URL= $(PY) -m pytest -m "not browser" -q

# ruff for style, import-linter for the layers (every arrow points down), mypy for types.
lint: $(VENV)/.dev-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

$(PY):
	@python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)

# pip checks every download against the hashes in the lock file.
$(VENV)/.run-deps: requirements/run.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/run.txt
	@touch $@

$(VENV)/.dev-deps: requirements/dev.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	@touch $@ $(VENV)/.run-deps

messages-compile: $(VENV)/.run-deps
	@scripts/ensure-system-packages gettext
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var --ignore=node_modules -v 0

# For developers: refresh the catalogues after changing user-facing text, then translate.
messages-update: $(VENV)/.dev-deps
	$(PY) manage.py makemessages -l fi -l sv --no-location --ignore=$(VENV) --ignore=var --ignore=node_modules

# For developers: re-resolve the lock files after changing pyproject.toml.
lock: $(VENV)/.dev-deps
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.12 --universal --generate-hashes --no-header -o requirements/run.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.12 --universal --generate-hashes --no-header -o requirements/dev.txt

# For developers: refresh the vendored Helsinki Design System CSS, and axe-core (which only the
# browser tests inject, to check every page's accessibility), from the npm registry.
HDS_VERSION ?= 5.2.2
AXE_VERSION ?= 4.14.1
vendor:
	rm -rf var/hds && mkdir -p var/hds
	cd var/hds && npm pack --silent hds-core@$(HDS_VERSION) && tar xzf hds-core-$(HDS_VERSION).tgz
	cp var/hds/package/lib/base.min.css static/vendor/hds-core/
	cp var/hds/package/lib/components/all.min.css static/vendor/hds-core/components/
	cp var/hds/package/LICENSE static/vendor/hds-core/LICENSE
	rm -rf var/axe && mkdir -p var/axe static/vendor/axe-core
	cd var/axe && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz
	cp var/axe/package/axe.min.js static/vendor/axe-core/
	cp var/axe/package/LICENSE var/axe/package/LICENSE-3RD-PARTY.txt static/vendor/axe-core/

clean:
	rm -rf $(VENV) var
