# One command per job; each target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install reference test demo lint bench clean soak tools audit

$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

## Resolve (and, outside this environment, download and verify) the CMS reference data.
reference: $(STAMP)
	$(BIN)/mips reference

## The test command (CI runs exactly this).
test: reference
	$(BIN)/pytest -n 2 --dist loadgroup

## The main job: score the example files (and CMS's own QPP JSON samples, when ../shared is beside the
## project) through the whole local event pipeline.
## The examples include a deliberately bad file, so run-local exits 1 (a file was rejected): expected here.
demo: reference
	$(BIN)/mips run-local shared/mips/examples $(wildcard ../shared/samples/qpp-json) || test $$? -eq 1

lint: $(STAMP)
	$(BIN)/ruff check shared functions tests scripts
	$(BIN)/ruff format --check shared functions tests scripts
	$(BIN)/mypy
	$(BIN)/python scripts/lint_template.py
	$(BIN)/python scripts/scan_template.py

## Scanners with dependencies that clash with the test environment, in their own venv (pinned).
TOOLS := .venv-tools/bin
tools:
	@test -x $(TOOLS)/python || $(PYTHON) -m venv .venv-tools
	$(TOOLS)/pip install -q --disable-pip-version-check checkov==3.2.334 pip-audit==2.7.3

## Audit every pinned package (needs the network: PyPI's or OSV's vulnerability data). --strict: a package
## the service does not know FAILS the audit instead of being skipped as "not found".
audit: tools
	$(TOOLS)/pip-audit -r requirements-dev.lock --no-deps --disable-pip --strict --progress-spinner off \
	  || { echo "make audit: FAILED or INCOMPLETE - see above (a 'not found' package could not be audited)"; exit 1; }

## 1,000+ files with seeded faults through the local pipeline; prints and asserts the ledger (lost = wrong = 0).
soak: reference
	$(BIN)/python -m mips.pipeline.soak --files $(or $(SOAK_FILES),1000) --seed $(or $(SOAK_SEED),1)

bench: reference
	$(BIN)/mips bench

clean:
	rm -rf $(VENV) .venv-tools .pytest_cache .mypy_cache .ruff_cache .aws-sam out
