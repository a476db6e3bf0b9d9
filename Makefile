# The README's two commands: `make lab` (the tutorial) and `make test` (the whole suite).
# Both create .venv and install the kit with its test extra on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LAB_HOST ?= 127.0.0.1
LAB_PORT ?= 8888
# Jupyter refuses to run as root unless told; containers and CI often are root.
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help install lab test unit notebooks browser lint format bench clean

help:
	@echo "make lab     - start JupyterLab on notebooks/ (local BILL emulator by default)"
	@echo "make test    - run every test: unit, nbval notebooks, real-browser JupyterLab"
	@echo "make lint    - ruff check + format check"
	@echo "make bench   - run the benchmarks (benchmarks/run.py)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the package metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=$(LAB_HOST) --ServerApp.port=$(LAB_PORT) \
		--ServerApp.root_dir=notebooks $(LAB_ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP)
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check billhelpers bill_emulator tests benchmarks scripts examples
	$(BIN)/ruff format --check billhelpers bill_emulator tests benchmarks scripts examples
	$(BIN)/python -m pytest tests notebooks $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check billhelpers bill_emulator tests benchmarks scripts examples
	$(BIN)/ruff format --check billhelpers bill_emulator tests benchmarks scripts examples

format: $(STAMP)
	$(BIN)/ruff check --fix billhelpers bill_emulator tests benchmarks scripts examples
	$(BIN)/ruff format billhelpers bill_emulator tests benchmarks scripts examples

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache *.egg-info
