# Every target sets itself up: a fresh clone needs only python3, terraform and make.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKOV_VENV := .venv-checkov
BUILD := build
STAMP := $(VENV)/.installed
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

export TF_CLI_CONFIG_FILE := $(abspath $(BUILD)/terraform.rc)
export TF_IN_AUTOMATION := 1
export CHECKPOINT_DISABLE := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: test demo demo-organization screenshots integration lint docs docs-check unit cli-compat bench package package-check terraform-checks terraform-test checkov time-zones clean

# The root module is validated through the examples (and `terraform test`): it takes an aws.us_east_1
# provider (configuration_aliases), which `terraform validate` cannot supply to a module on its own.
TF_DIRS := modules/region-forwarder modules/failure-handling modules/queue examples/single-account examples/login-only examples/organization

## test: everything CI runs, its parts at once (make -j), each part's time printed at the end
# Longest first: make starts them in this order. TEST_JOBS parts run at a time.
TEST_PARTS := integration terraform-test unit checkov terraform-checks cli-compat docs-check package-check lint
TEST_JOBS ?= 4
# Each integration test file applies its examples to its own emulator: files run side by side.
INTEGRATION_WORKERS ?= 2
TIMES := $(BUILD)/times
test:
	@rm -rf $(TIMES) && mkdir -p $(TIMES) && date +%s > $(TIMES)/.started
	@start=$$(date +%s); $(MAKE) --no-print-directory -j3 $(STAMP) $(CHECKOV_STAMP) $(TF_CLI_CONFIG_FILE); \
	  echo "$$(( $$(date +%s) - start )) 0" > $(TIMES)/installs
	@status=0; $(MAKE) --no-print-directory -k -j$(TEST_JOBS) --output-sync=recurse $(addprefix timed/,$(TEST_PARTS)) || status=$$?; \
	  scripts/test-times.sh $(TIMES) installs $(TEST_PARTS); exit $$status

# One part of test, timed: seconds and exit status in $(TIMES)/PART.
timed/%:
	@start=$$(date +%s); status=0; $(MAKE) --no-print-directory $* || status=$$?; \
	  echo "$$(( $$(date +%s) - start )) $$status" > $(TIMES)/$*; exit $$status

## demo: terraform apply of examples/single-account against a local AWS emulator, root events to a local Slack
demo: $(STAMP) $(TF_CLI_CONFIG_FILE)
	$(BIN)/python scripts/demo.py

## demo-organization: examples/organization on an emulated AWS Organization, member accounts' root activity to a local Slack
demo-organization: $(STAMP) $(TF_CLI_CONFIG_FILE)
	$(BIN)/python scripts/demo_organization.py

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(CHECKOV_STAMP): requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
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

## integration: each example applied to moto's server, checked, driven with events, destroyed (slow)
integration: $(STAMP) $(TF_CLI_CONFIG_FILE)
	$(BIN)/pytest -m integration -q -n $(INTEGRATION_WORKERS) --dist loadfile

## cli-compat: the handler is standard library only; render every sample on each Python here (3.10+)
cli-compat:
	scripts/cli-compat.sh

## bench: warm and cold cost of the handler (figures in README)
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

## docs: regenerate README's inputs/outputs tables from variables.tf and outputs.tf
docs: $(STAMP)
	$(BIN)/python scripts/docs.py

## docs-check: README's tables must match the .tf files
docs-check: $(STAMP)
	$(BIN)/python scripts/docs.py --check

## package: build the Lambda zip deterministically (commit the result)
package:
	$(PYTHON) scripts/package.py

## package-check: the committed zip must be exactly what the sources build
package-check:
	mkdir -p $(BUILD)
	$(PYTHON) scripts/package.py $(BUILD)/rebuilt.zip
	cmp -s $(BUILD)/rebuilt.zip package/root_activity_notifier.zip || { \
	  echo "package/root_activity_notifier.zip is stale: run 'make package' and commit it" >&2; exit 1; }

## terraform-checks: fmt, then init and validate the module, its submodule and every example
terraform-checks: $(TF_CLI_CONFIG_FILE)
	terraform fmt -check -recursive
	for dir in $(TF_DIRS); do \
	  (cd $$dir && terraform init -backend=false -input=false -no-color >/dev/null && terraform validate -no-color) || exit 1; \
	done

## terraform-test: terraform test with a mocked AWS provider
terraform-test: $(TF_CLI_CONFIG_FILE)
	terraform init -backend=false -input=false -no-color >/dev/null
	terraform test -no-color

## checkov: static security checks of the module and examples (skips only inline, with a reason; tests/ holds
## terraform test files, not configuration, and checkov cannot parse every one of them)
checkov: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov --skip-download --quiet --compact --framework terraform -d . --skip-path '\.venv' --skip-path build --skip-path tests

## screenshots: the messages as Slack shows them, into docs/images/ (installs Debian's chromium and fonts when missing; not part of test)
screenshots: $(STAMP)
	@command -v chromium >/dev/null && fc-list | grep -qi 'Noto Sans CJK' && fc-list | grep -qi 'Noto Color Emoji' || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk fonts-noto-color-emoji; }
	PYTHONPATH=lambda $(BIN)/python scripts/screenshots.py

## time-zones: regenerate data/time-zones.txt (the zones message_time_zone accepts) from the pinned tzdata
time-zones: $(STAMP)
	$(BIN)/python scripts/time_zones.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(BUILD) .pytest_cache .ruff_cache .hypothesis .terraform examples/*/.terraform
