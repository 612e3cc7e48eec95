# cfakey — one command per job; each installs what it needs first.
VENV    := .venv
PY      := $(VENV)/bin/python
CFAKEY  := $(VENV)/bin/cfakey
OPCO    ?=

.PHONY: setup demo test renew lint bench clean

setup: $(VENV)/.browser

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Playwright's own Chromium where it can be downloaded, else the distribution's.
$(VENV)/.browser: $(VENV)/.installed scripts/install-browser.sh
	PY=$(PY) sh scripts/install-browser.sh
	touch $@

demo: setup
	$(CFAKEY) demo

test: setup
	$(PY) -m pytest

renew: setup
	@test -n "$(OPCO)" || { echo "usage: make renew OPCO=<slug>   (e.g. make renew OPCO=ocapiat)" >&2; exit 2; }
	$(CFAKEY) renew $(OPCO)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) build *.egg-info
