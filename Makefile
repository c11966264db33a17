# Quick start: `make demo` (install + train/test on SynthScenes) and
# `make test` (install + documentation build + test suite). All create .venv
# when it is missing. `make test-fast` runs the tests not marked slow (no
# Runner, no subprocess) without building the documentation. `make docs`
# builds the site into docs/_build/html.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs
SPHINXOPTS ?= -W --keep-going
DEMO_CONFIG ?= configs/encnet/synthscenes_cov.py
DEMO_DIR ?= work_dirs/encnet_synthscenes_cov

.PHONY: install test test-fast demo docs

$(STAMP): requirements.txt setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

install: $(STAMP)

$(DOCS_STAMP): $(STAMP) requirements-docs.txt
	$(BIN)/python -m pip install -q -r requirements-docs.txt
	touch $@

# The API pages are generated from the docstrings on every build (docs/api is
# removed first, so a moved or deleted module leaves no stale page behind).
# Warnings are errors; nothing is fetched from the network.
docs: $(DOCS_STAMP)
	rm -rf docs/api docs/_build
	$(BIN)/python -m sphinx -b html $(SPHINXOPTS) docs docs/_build/html

# CI (.ci/run) calls this: the documentation must build without a warning
# before the test suite runs.
test: $(STAMP) docs
	OMP_NUM_THREADS=2 $(BIN)/python -m pytest tests -q

# The quick loop while editing: everything but the tests marked slow (runner
# runs, subprocesses, tools end to end); `make test` runs them all.
test-fast: $(STAMP)
	OMP_NUM_THREADS=2 $(BIN)/python -m pytest tests -q -m "not slow"

demo: $(STAMP)
	$(BIN)/python tools/train.py $(DEMO_CONFIG) --work-dir $(DEMO_DIR)
	$(BIN)/python tools/test.py $(DEMO_CONFIG) $(DEMO_DIR)/iter_300.pth \
		--work-dir $(DEMO_DIR)
	$(BIN)/python tools/analysis/plot_weights.py $(DEMO_DIR)
