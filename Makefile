# Vigie: every target creates the virtual environment itself on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SERVE ?= 1

.PHONY: demo test lint bench up clean-home chromium

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vigie demo --serve $(SERVE)

up: $(STAMP)
	$(BIN)/vigie up

# the browser tests drive Debian's Chromium (no browser download): installed here when missing
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }; \
	  else \
	    echo "the browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; \
	  fi; }

test: $(STAMP) chromium
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench
