# Vigie: every target creates the virtual environment itself on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SERVE ?= 1

.PHONY: demo test test-faults lint bench up clean-home chromium pdf-libs

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP) pdf-libs
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

# letters are rendered to PDF by WeasyPrint, which needs Debian's Pango (installed when missing)
pdf-libs:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's Pango for the PDF letters"; \
	    apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0; }; \
	  else \
	    echo "the PDF letters need Debian's Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; exit 1; \
	  fi; }

test: $(STAMP) chromium pdf-libs
	$(BIN)/pytest

# workers killed and servers restarted under load (tests/faults)
test-faults: $(STAMP)
	$(BIN)/pytest -m faults tests/faults

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench
