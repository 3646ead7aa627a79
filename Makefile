# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench bench-extraction install install-test system-deps screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The stamp files re-run pip only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,transformers]'
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
	@# The distributed-crawl and PostgreSQL tests start real servers (Debian's redis-server, postgresql).
	@(command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1) || \
	  (command -v apt-get >/dev/null && (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server postgresql)) || \
	  echo "system-deps: could not install redis-server and postgresql (needs apt-get and root): those tests are skipped"
	@# Debian starts the packaged servers at install time; the tests start their own on free ports.

test: install-test system-deps
	$(BIN)/pytest

# Throughput, latency and peak memory (benchmarks/run.py): a table on stdout and benchmarks/results.json.
bench: install-test
	$(BIN)/python benchmarks/run.py

# Extraction quality on the 300 real pages of ../shared/realweb against trafilatura alone (benchmarks/extraction_real.py).
bench-extraction: install-test
	$(BIN)/python benchmarks/extraction_real.py

# docs/screenshots/queue.png and item.png, made with the browser tests' machinery; report.png by the report's browser test.
screenshots: install-test system-deps
	$(BIN)/python -m tests.browser.screenshots
	SOZWATCH_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/test_report_browser.py

clean:
	rm -rf $(VENV) .pytest_cache sozwatch-demo.db
