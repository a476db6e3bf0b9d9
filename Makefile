# The README's two commands: `make lab` (the tutorial) and `make test` (the whole suite).
# Both create .venv on first use and install the exact versions of requirements.lock (the
# committed notebook outputs were made with them), then the kit itself without dependencies.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LAB_HOST ?= 127.0.0.1
LAB_PORT ?= 8888
# Jupyter refuses to run as root unless told; containers and CI often are root.
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help install lab test unit dates notebooks browser lint format bench lock mutation clean

help:
	@echo "make lab     - start JupyterLab on notebooks/ (local BILL emulator by default)"
	@echo "make test    - run every test: unit, nbval notebooks, real-browser JupyterLab"
	@echo "make unit    - the fast inner loop: tests without the browser and the slow ones, on every core"
	@echo "make dates   - the unit tests under faketime on three hard days (bank holiday, leap day eve, New Year's Eve)"
	@echo "make lint    - ruff check + format check"
	@echo "make bench   - run the benchmarks (benchmarks/run.py)"
	@echo "make mutation - mutation-test the money-safety modules (mutmut, ~15 min; not in make test)"
	@echo "make lock    - re-resolve requirements*.lock (LOCK_ARGS=--upgrade to take new releases)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the lock or the package metadata changes. The venv is recreated (--clear) so
# it holds exactly the lock: pip install -r never removes a package the lock has dropped. The
# stamp holds the checksum of both files, so a file rewritten unchanged (`make lock` with nothing
# new) only refreshes the stamp.
INSTALLED_SUM = cat requirements.lock pyproject.toml | sha256sum
$(STAMP): requirements.lock pyproject.toml
	@if [ -x $(BIN)/python ] && [ "$$($(INSTALLED_SUM))" = "$$(cat $(STAMP) 2>/dev/null)" ]; then \
		touch $(STAMP); \
	else \
		set -e; \
		$(PYTHON) -m venv --clear $(VENV); \
		$(BIN)/python -m pip install --upgrade pip; \
		$(BIN)/python -m pip install -r requirements.lock; \
		$(BIN)/python -m pip install --no-deps -e .; \
		$(BIN)/python -m pip check; \
		$(INSTALLED_SUM) > $(STAMP); \
	fi

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=$(LAB_HOST) --ServerApp.port=$(LAB_PORT) \
		--ServerApp.root_dir=notebooks $(LAB_ROOT_FLAG) $(LAB_ARGS)

# Three pytest runs: the tests without a browser on every core (pytest-xdist; each test has its
# own emulator on a free port and its own folders), then the browser tests and nbval one at a
# time (JupyterLab is heavy; the chapters share one demo world and run in order).
test: $(STAMP)
	bash scripts/ensure-debian-packages.sh
	$(BIN)/ruff check billhelpers bill_emulator tests benchmarks scripts examples conftest.py
	$(BIN)/ruff format --check billhelpers bill_emulator tests benchmarks scripts examples conftest.py
	$(BIN)/python -m pytest tests -m "not browser" -n auto $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests -m browser $(PYTEST_ARGS)
	$(BIN)/python -m pytest notebooks $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser and not slow" -n auto $(PYTEST_ARGS)

# Time is an input: the unit tests must pass whatever day the machine thinks it is, here a
# Friday bank holiday (Juneteenth 2026), the Saturday before a leap day and New Year's Eve, under
# Debian's faketime (scripts/test_on_days.sh says how and what it leaves out).
DATES ?= 2026-06-19 2028-02-26 2027-12-31
dates: $(STAMP)
	command -v faketime >/dev/null || bash scripts/ensure-debian-packages.sh
	DAYS="$(DATES)" PYTHON=$(BIN)/python bash scripts/test_on_days.sh

lint: $(STAMP)
	$(BIN)/ruff check billhelpers bill_emulator tests benchmarks scripts examples conftest.py
	$(BIN)/ruff format --check billhelpers bill_emulator tests benchmarks scripts examples conftest.py

format: $(STAMP)
	$(BIN)/ruff check --fix billhelpers bill_emulator tests benchmarks scripts examples conftest.py
	$(BIN)/ruff format billhelpers bill_emulator tests benchmarks scripts examples conftest.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Mutation testing of the money-safety modules ([tool.mutmut] in pyproject.toml), one module at
# a time against its own tests (scripts/mutation_run.py); the summary and each survivor's diff
# land in artifacts/mutation/. Slow, so not part of `make test`; docs/mutation-testing.md.
# MUTATION_ARGS=rules/money.py runs one module.
MUTATION_MIN_RATE ?= 90
mutation: $(STAMP)
	$(BIN)/python scripts/mutation_run.py --min-rate $(MUTATION_MIN_RATE) $(MUTATION_ARGS)

# Re-resolve the locks from pyproject.toml's ranges with uv (installed into .venv on demand; only
# this target needs it). Current pins are kept where the ranges still allow them; pass
# LOCK_ARGS=--upgrade for the newest releases, or LOCK_ARGS='--upgrade-package pandas' for one.
# requirements.lock (runtime + test extra) is what make and CI install; requirements-runtime.lock
# is its runtime subset, at the same versions, for Binder; environment.yml's pins follow it.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--no-emit-package billhelpers --custom-compile-command 'make lock'
lock: | $(BIN)/python
	$(BIN)/python -m pip install --upgrade 'uv>=0.5'
	$(UV_COMPILE) --extra test $(LOCK_ARGS) -o requirements.lock
	$(UV_COMPILE) --annotation-style line -c requirements.lock -o requirements-runtime.lock
	$(BIN)/python scripts/pin_environment.py

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache *.egg-info
