# Quick start: `make demo` (install + train/test on SynthScenes) and
# `make test` (install + test suite). Both create .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_CONFIG ?= configs/encnet/synthscenes_cov.py
DEMO_DIR ?= work_dirs/encnet_synthscenes_cov

.PHONY: install test demo

$(STAMP): requirements.txt setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

install: $(STAMP)

test: $(STAMP)
	OMP_NUM_THREADS=2 $(BIN)/python -m pytest tests -q

demo: $(STAMP)
	$(BIN)/python tools/train.py $(DEMO_CONFIG) --work-dir $(DEMO_DIR)
	$(BIN)/python tools/test.py $(DEMO_CONFIG) $(DEMO_DIR)/iter_300.pth \
		--work-dir $(DEMO_DIR)
	$(BIN)/python tools/analysis/plot_weights.py $(DEMO_DIR)
