# Two commands: `make run` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501

.PHONY: run test bench venv browser lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m streamlit run app.py --server.headless true \
		--server.address 127.0.0.1 --server.port $(PORT) --browser.gatherUsageStats false

# Debian's chromium (and an emoji font, for the page icons in screenshots) for the browser
# tests: installed when missing and running as root.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi emoji; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			fonts-noto-color-emoji; \
	else echo "chromium is missing and this is not root: browser tests will skip (not in CI)"; fi

test: $(STAMP) browser
	$(BIN)/python -m pytest

bench: $(STAMP) browser
	$(BIN)/python bench/run.py

# ruff (lint and format), mypy on the typed core, and the layer contract (import-linter).
LINTED := kb tests app.py bench conftest.py
TYPED  := kb/model.py kb/schema.py kb/text.py kb/load.py kb/graph.py kb/checks

lint: $(STAMP)
	$(BIN)/python -m ruff check $(LINTED)
	$(BIN)/python -m ruff format --check $(LINTED)
	$(BIN)/python -m mypy $(TYPED)
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache screenshots
