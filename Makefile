# Two commands for a fresh Debian 12 machine, as root:
#   make run    set everything up, run the technician flow against the simulated device
#   make test   set everything up, run the whole test suite (end-to-end tests included)
# Set-up is idempotent: a second call takes seconds.

VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
EXTRAS := test,libvirt,hyperv,desktop,rapidocr,fleet
# Two pytest-xdist workers; a group of modules (tests/_groups.py: the VM ones, the Xvfb ones) stays on
# one worker. `make test WORKERS=0` runs everything in this one process.
WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run test setup system-packages venv lint format bench clean

run: setup
	$(VENV)/bin/harness run

test: setup
	$(PYTHON) -m pytest -n $(WORKERS) --dist loadscope $(PYTEST_ARGS)

setup: system-packages venv

system-packages:
	@./.ci/install-system-packages

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[$(EXTRAS)]"
	@rm -f $(VENV)/.installed-*
	@touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PYTHON) -m bench

clean:
	rm -rf $(VENV) build *.egg-info runs .pytest_cache .ruff_cache
