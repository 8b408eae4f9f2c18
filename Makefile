# The two set-up commands of the README:
#   make demo   install everything, then run pbgen on the example filings in data/
#   make test   install everything, then run the linter and the test suite
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup setup-test demo test lint bench schema vsix

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml setup.py scripts/setup.sh
	bash scripts/setup.sh
	touch $@

setup-test: $(VENV)/.installed-test

$(VENV)/.installed-test: pyproject.toml setup.py scripts/setup.sh tests/tools/package.json editors/vscode/package.json
	bash scripts/setup.sh test
	touch $@ $(VENV)/.installed

# The seed filings keep their real defects, so check reports errors (exit 1): that is the job
# done. Then every filing is rendered to output/ in its own layout (DOCX, PDF; XLSX for 公开表).
demo: setup
	$(BIN)/pbgen check data/ || [ $$? -eq 1 ]
	$(BIN)/pbgen render data/ -o output/

test: setup-test lint
	$(BIN)/pytest

lint: setup-test
	$(BIN)/ruff check pbgen tests bench scripts setup.py

bench: setup
	$(BIN)/python bench/check_cold.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/render_vs_soffice.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/docx_scale.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/lsp.py

schema: setup
	$(BIN)/pbgen schema -o schema/filing.schema.json

# The VS Code extension: editors/vscode → pbgen/editors/pbgen.vsix (committed; the wheel ships it).
vsix: setup-test
	cd editors/vscode && npm run package
