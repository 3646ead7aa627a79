# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test system-deps screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The stamp files re-run pip only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/sozwatch demo

# The review app's browser tests drive Debian's Chromium (never a downloaded browser build).
system-deps:
	@command -v chromium >/dev/null || \
	  (command -v apt-get >/dev/null && (apt-get update && apt-get install -y chromium)) || \
	  echo "system-deps: could not install chromium (needs apt-get and root): install it at /usr/bin/chromium, or the browser tests are skipped"

test: install-test system-deps
	$(BIN)/pytest

# docs/screenshots/queue.png and item.png, made with the browser tests' machinery.
screenshots: install-test system-deps
	$(BIN)/python -m tests.browser.screenshots

clean:
	rm -rf $(VENV) .pytest_cache sozwatch-demo.db
