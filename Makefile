# The two set-up commands of the README:
#   make demo   install everything, then run pbgen on the example filings in data/
#   make test   install everything, then run the linter and the test suite
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint bench schema

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

# The seed filings keep their real defects, so check reports errors (exit 1): that is the job done.
demo: setup
	$(BIN)/pbgen check data/ || [ $$? -eq 1 ]

test: setup lint
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check pbgen tests bench

bench: setup
	$(BIN)/python bench/check_cold.py

schema: setup
	$(BIN)/pbgen schema -o schema/filing.schema.json
