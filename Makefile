# One command per job; each target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install reference test demo lint bench clean screenshots emulators-up emulators-down test-endpoints sam-lint \
	soak tools audit

$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

## Resolve (and, outside this environment, download and verify) the CMS reference data.
reference: $(STAMP)
	$(BIN)/mips reference

## The test command (CI runs this first, then the endpoint stage; endpoint tests are deselected here).
## scripts/ensure-chromium installs Debian's chromium for the HTML report's browser test when it is
## missing (once; it never fails the build).
test: reference
	@scripts/ensure-chromium
	$(BIN)/pytest -n 2 --dist loadgroup

## The main job: score the example files (and CMS's own QPP JSON samples, when ../shared is beside the
## project) through the whole local event pipeline.
## The examples include a deliberately bad file, so run-local exits 1 (a file was rejected): expected here.
demo: reference
	$(BIN)/mips run-local shared/mips/examples $(wildcard ../shared/samples/qpp-json) || test $$? -eq 1

lint: $(STAMP) tools
	$(BIN)/ruff check shared functions tests scripts
	$(BIN)/ruff format --check shared functions tests scripts
	$(BIN)/mypy
	$(BIN)/python scripts/lint_template.py
	$(BIN)/python scripts/scan_template.py

## Scanners with dependencies that clash with the test environment, in their own venv (pinned).
TOOLS := .venv-tools/bin
TOOL_PINS := checkov==3.2.334 pip-audit==2.7.3
TOOLS_STAMP := .venv-tools/.installed-$(shell echo $(TOOL_PINS) | cksum | cut -d' ' -f1)
$(TOOLS_STAMP):
	@test -x $(TOOLS)/python || $(PYTHON) -m venv .venv-tools
	$(TOOLS)/pip install -q --disable-pip-version-check $(TOOL_PINS)
	@rm -f .venv-tools/.installed-*; touch $@
tools: $(TOOLS_STAMP)

## Audit every pinned package (needs the network: PyPI's or OSV's vulnerability data). --strict: a package
## the service does not know FAILS the audit instead of being skipped as "not found".
audit: tools
	$(TOOLS)/pip-audit -r requirements-dev.lock --no-deps --disable-pip --strict --progress-spinner off \
	  || { echo "make audit: FAILED or INCOMPLETE - see above (a 'not found' package could not be audited)"; exit 1; }

## 1,000+ files with seeded faults through the local pipeline; prints and asserts the ledger (lost = wrong = 0).
soak: reference
	$(BIN)/python -m mips.pipeline.soak --files $(or $(SOAK_FILES),1000) --seed $(or $(SOAK_SEED),1)

## Refresh the report screenshots in docs/ (headless chromium, see scripts/report_screenshots.py).
screenshots: reference
	@scripts/ensure-chromium
	$(BIN)/python scripts/report_screenshots.py --out docs

## `sam validate --lint` from aws-sam-cli, in its own virtualenv (it pins its own boto3 and cfn-lint).
SAM_VENV  := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed-$(shell cksum < requirements-sam.lock | cut -d' ' -f1)

$(SAM_STAMP): requirements-sam.lock
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install -q --no-compile --disable-pip-version-check -r requirements-sam.lock
	@rm -f $(SAM_VENV)/.installed-*; touch $@

sam-lint: $(SAM_STAMP)
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --lint --template template.yaml --region us-east-1

lint: sam-lint

bench: reference
	$(BIN)/mips bench $(if $(PIPELINE_ENTITIES),--pipeline-entities $(PIPELINE_ENTITIES))

## moto_server (127.0.0.1:5000) and LocalStack (127.0.0.1:4566) as local processes, state in .emulators/
## (LocalStack installs into .venv-localstack from requirements-localstack.lock on first use).
emulators-up: $(STAMP)
	bash scripts/emulators/emulators.sh up

emulators-down:
	bash scripts/emulators/emulators.sh down

## The pipeline on both emulators (needs emulators-up); results must equal `mips score`.
test-endpoints: reference
	$(BIN)/pytest -m endpoint tests/integration/test_endpoints.py

clean:
	rm -rf $(VENV) .venv-tools .venv-localstack .venv-sam .emulators .pytest_cache .mypy_cache .ruff_cache .aws-sam out
