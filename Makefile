# One command per job; each target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install reference test demo lint bench clean screenshots

$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

## Resolve (and, outside this environment, download and verify) the CMS reference data.
reference: $(STAMP)
	$(BIN)/mips reference

## The test command (CI runs exactly this). scripts/ensure-chromium installs Debian's chromium for the
## HTML report's browser test when it is missing (once; it never fails the build).
test: reference
	@scripts/ensure-chromium
	$(BIN)/pytest -n 2 --dist loadgroup

## The main job: score the example files (and CMS's own QPP JSON samples, when ../shared is beside the
## project) through the whole local event pipeline.
demo: reference
	$(BIN)/mips run-local shared/mips/examples $(wildcard ../shared/samples/qpp-json)

lint: $(STAMP)
	$(BIN)/ruff check shared functions tests scripts
	$(BIN)/ruff format --check shared functions tests scripts
	$(BIN)/mypy
	$(BIN)/python scripts/lint_template.py

## Refresh the report screenshots in docs/ (headless chromium, see scripts/report_screenshots.py).
screenshots: reference
	@scripts/ensure-chromium
	$(BIN)/python scripts/report_screenshots.py --out docs

bench: reference
	$(BIN)/mips bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .aws-sam out
