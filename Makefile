# Two commands do all set-up: `make run` (serve the bundled seeds) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
# where torch comes from: empty = pip's own configuration (a local CPU wheel on our build machines); on a
# machine whose pip sees only PyPI, `make run TORCH_INDEX=https://download.pytorch.org/whl/cpu` keeps the
# CUDA packages (several GB) out
TORCH_INDEX ?=

.PHONY: run test test-long install install-dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) torch==2.13.0
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) -e '.[dev]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(PIP) -e '.[dev,bench]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/qa ingest seeds
	$(BIN)/qa serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest

# the long variants of the reliability tests (README "Guarantees"): hundreds of kills, thousands of examples
test-long: install-dev
	$(BIN)/python -m pytest -m long

# the performance suite (README "Performance"): ingest per backend, query latency, scale to 1M chunks,
# txtai as the peer; tables on stdout, JSON + plot in benchmarks/results/ (~20-30 min on 2 cores)
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run_perf.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
