# The commands the README tells people to type: make demo, make test, make lint, make bench.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# pytest-xdist workers for make test: most tests wait on processes, sockets and the browser, so more
# workers than the 2 cores pay off (docs/testing.md has the measurements). TEST_WORKERS=0 runs serially.
# The reliability tests (kill -9, outages, load) then run alone: they need the CPU their agents work with.
TEST_WORKERS ?= 4
# Re-install Python packages only when the dependency list changes.
STAMP  := $(VENV)/.installed
DASH_SRC := $(shell find dashboard/src dashboard/public -type f 2>/dev/null) \
            $(wildcard dashboard/index.html dashboard/vite.config.ts dashboard/tsconfig*.json)

.PHONY: demo test lint bench bundle setup system-deps dashboard clean api-client

demo: setup dashboard            ## the whole system at http://127.0.0.1:8000 (Ctrl-C stops it)
	$(PY) -m maintainx demo

test: setup system-deps dashboard ## the whole suite: unit, integration, e2e (headless Chromium), reliability
	cd dashboard && npm test --silent
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not reliability"
	$(PY) -m pytest -m reliability

lint: setup dashboard/node_modules/.installed ## ruff, mypy, the import layers, and the dashboard's type check, eslint and prettier
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	cd dashboard && npm run typecheck
	cd dashboard && npm run --silent lint
	cd dashboard && npm run --silent format:check
	cd ansible && ../$(VENV)/bin/ansible-lint --offline --profile production roles/maintainx_cloud

api-client: setup dashboard/node_modules/.installed ## regenerate the dashboard's API types from the OpenAPI schema
	$(PY) scripts/openapi_dump.py --client dashboard/src/types/openapi.gen.ts

bench: setup dashboard           ## benchmarks; each prints its figures as a JSON line
	$(PY) -m bench.edge
	$(PY) -m bench.ingest
	$(PY) -m bench.chaos
	$(PY) -m bench.timecheck
	$(PY) -m bench.kpis
	$(PY) -m bench.fleet_table
	$(PY) -m bench.notify

bundle: setup                    ## offline gateway bundle in dist/ (wheels, current model, keys, manifest)
	$(PY) ansible/bundle/build-bundle --out dist

.PHONY: bundle-cloud
bundle-cloud: setup dashboard     ## offline cloud bundle in dist/ (wheels of the cloud extra, built dashboard, manifest)
	$(PY) ansible/bundle/build-bundle --cloud --out dist

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

system-deps:                     ## Mosquitto, Chromium, nginx and promtool for the tests (installed with apt when missing)
	scripts/install-system-deps

dashboard: dashboard/dist/index.html

dashboard/node_modules/.installed: dashboard/package.json dashboard/package-lock.json
	cd dashboard && npm ci --no-audit --no-fund
	touch $@

dashboard/dist/index.html: dashboard/node_modules/.installed $(DASH_SRC)
	cd dashboard && npm run build

clean:                           ## remove build output and the demo's data (.maintainx)
	rm -rf $(VENV) dashboard/node_modules dashboard/dist .maintainx
