# Every target sets itself up: a fresh clone needs only python3, terraform and make.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD := build
STAMP := $(VENV)/.installed

export TF_CLI_CONFIG_FILE := $(abspath $(BUILD)/terraform.rc)
export TF_IN_AUTOMATION := 1
export CHECKPOINT_DISABLE := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: test lint unit cli-compat bench clean

## test: everything CI runs
test: lint unit cli-compat

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(TF_CLI_CONFIG_FILE): scripts/terraform-cli-config.sh
	scripts/terraform-cli-config.sh $@

## lint: ruff on the handler, tests and scripts
lint: $(STAMP)
	$(BIN)/ruff check lambda tests scripts
	$(BIN)/ruff format --check lambda tests scripts

## unit: pytest (handler unit tests, delivery against loopback, SSM via moto, hypothesis)
unit: $(STAMP)
	$(BIN)/pytest -m "not integration" -q

## cli-compat: the handler is standard library only; render every sample on each Python here (3.10+)
cli-compat:
	scripts/cli-compat.sh

## bench: warm and cold cost of the handler (figures in README)
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) $(BUILD) .pytest_cache .ruff_cache .hypothesis
