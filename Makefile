# CPMS portal. `make start` runs the portal, `make test` runs the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.9
ZOPE_CONF := instance/etc/zope.conf
ZOPE_INI := instance/etc/zope.ini
export CPMS_ADMIN_PASSWORD ?= admin

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# --- setup ---------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

# Re-installs only when the pins or the package metadata change.
$(VENV)/.installed: requirements.txt pyproject.toml | $(UV)
	$(UV) pip install --python $(BIN)/python -r requirements.txt
	$(UV) pip install --python $(BIN)/python --no-deps -e .
	touch $@

.PHONY: install
install: $(VENV)/.installed ## Create the virtualenv and install the pinned packages

.PHONY: system-deps
system-deps: ## Debian packages the tests and `make cluster` need (Chromium, PostgreSQL, HAProxy, Varnish); idempotent
	./scripts/system-deps.sh

.PHONY: requirements
requirements: | $(UV) ## Re-resolve requirements.txt from requirements.in (no pre-releases)
	$(UV) pip compile --prerelease=disallow --python-version 3.11 \
	  --no-header --annotation-style line requirements.in -o requirements.txt
	$(PYTHON) scripts/buildout_versions.py

.PHONY: instance
instance: install ## Render instance/etc/ (zope.conf, zope.ini, site.zcml)
	$(BIN)/python scripts/render_instance.py

.PHONY: site
site: instance ## Create the Plone site `cpms` with demo content, unless it exists
	$(BIN)/zconsole run $(ZOPE_CONF) scripts/create_site.py

# --- run -----------------------------------------------------------------

.PHONY: start
start: site ## Set everything up and serve http://127.0.0.1:8080/cpms
	@echo "Serving http://$${CPMS_HOST:-127.0.0.1}:$${CPMS_PORT:-8080}/cpms (admin password: CPMS_ADMIN_PASSWORD)"
	$(BIN)/runwsgi $(ZOPE_INI)

# --- cluster (docs/deployment.md, section 4) -------------------------------

.PHONY: cluster
cluster: install system-deps ## PostgreSQL + CPMS_CLUSTER_SIZE Zopes (RelStorage) + HAProxy + Varnish on loopback: http://127.0.0.1:8000/cpms
	$(BIN)/python scripts/cluster.py start

.PHONY: cluster-stop
cluster-stop: ## Stop what `make cluster` started (data stays in instance/var/cluster)
	$(BIN)/python scripts/cluster.py stop

# --- identity (docs/identity.md) -------------------------------------------

OIDC_DEV_PORT ?= 9400
OIDC_DEV_USER ?= {"sub": "dora.demo", "email": "dora.demo@demo.invalid", "given_name": "Dora", "family_name": "Demo (demo)"}

.PHONY: oidc-dev
oidc-dev: instance ## Serve the portal with a local OpenID Connect provider on loopback (dev/demo only)
	@$(BIN)/python -m cpms.identity.oidc_dev --host 127.0.0.1 --port $(OIDC_DEV_PORT) \
	  --user-claims '$(OIDC_DEV_USER)' & pid=$$!; \
	trap "kill $$pid" EXIT INT TERM; \
	CPMS_OIDC_ISSUER=http://127.0.0.1:$(OIDC_DEV_PORT) CPMS_OIDC_CLIENT_ID=cpms-dev \
	  CPMS_OIDC_CLIENT_SECRET=cpms-dev-secret $(MAKE) start

.PHONY: purge-guests
purge-guests: instance ## Drop expired guest grants, reindex security, warn guests (daily, from cron)
	$(BIN)/zconsole run $(ZOPE_CONF) scripts/purge_guests.py

.PHONY: send-digests
send-digests: instance ## Mail the daily digests to members who chose them (daily, from cron)
	$(BIN)/zconsole run $(ZOPE_CONF) scripts/send_digests.py

.PHONY: apply-retention
apply-retention: ## Erase the cases the retention settings say are due, then pack the database (daily, from cron; over HTTP: the portal runs)
	$(BIN)/python scripts/apply_retention.py

.PHONY: audit-verify
audit-verify: ## Walk the access audit's hash chain; name the first broken link (portal up or down)
	$(BIN)/python scripts/audit_store.py verify

.PHONY: audit-rotate
audit-rotate: ## Move old access audit records to the archive, delete expired ones (from cron)
	$(BIN)/python scripts/audit_store.py rotate

# --- zc.buildout (docs/deployment.md) -------------------------------------

BUILDOUT_VENV := buildout-venv
WHEELHOUSE := wheelhouse

$(BUILDOUT_VENV)/bin/buildout: requirements.txt
	$(PYTHON) -m venv $(BUILDOUT_VENV)
	$(BUILDOUT_VENV)/bin/pip install --quiet -c requirements.txt zc.buildout setuptools
	touch $@

.PHONY: buildout-versions
buildout-versions: ## Regenerate versions.cfg (buildout's pins) from requirements.txt
	$(PYTHON) scripts/buildout_versions.py

.PHONY: buildout-tools
buildout-tools: $(BUILDOUT_VENV)/bin/buildout install ## buildout-venv/, pinned wheels in wheelhouse/, their eggs in eggs/
	$(BIN)/python scripts/buildout_wheelhouse.py $(WHEELHOUSE)
	$(BUILDOUT_VENV)/bin/python scripts/buildout_eggs.py $(WHEELHOUSE) eggs

.PHONY: buildout
buildout: buildout-tools ## Build bin/instance with zc.buildout from the same pins (wheelhouse only)
	$(BUILDOUT_VENV)/bin/buildout buildout:index=$(CURDIR)/$(WHEELHOUSE) buildout:find-links=$(CURDIR)/$(WHEELHOUSE)

# --- benchmarks (not tests) ----------------------------------------------

.PHONY: bench
bench: install ## Front page requests/s: cpms next to a stock Plone site (benchmarks/)
	@command -v wrk >/dev/null || [ "$$(id -u)" -ne 0 ] || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || true
	$(BIN)/python benchmarks/front_page.py

# --- quality -------------------------------------------------------------

.PHONY: test
test: install system-deps ## Set everything up and run the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

# axe-core, the accessibility checker tests/browser injects into each page:
# pinned, fetched from npm (its tarball's integrity checked by npm) and
# committed, so test runs need no network. Raise the pin, run the target,
# commit tests/browser/vendor/.
AXE_CORE_VERSION := 4.14.1
AXE_VENDOR := tests/browser/vendor

.PHONY: vendor-js
vendor-js: ## Re-vendor axe-core (AXE_CORE_VERSION) from npm into tests/browser/vendor/
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && npm pack --silent axe-core@$(AXE_CORE_VERSION) >/dev/null && \
	   tar xzf axe-core-$(AXE_CORE_VERSION).tgz) && \
	  install -D -m 644 "$$tmp/package/axe.min.js" $(AXE_VENDOR)/axe.min.js && \
	  install -m 644 "$$tmp/package/LICENSE" $(AXE_VENDOR)/axe-core.LICENSE && \
	  echo "axe-core $(AXE_CORE_VERSION) in $(AXE_VENDOR)/"

# dwv, the DICOM viewer of src/cpms/imaging (and what its ES module imports:
# konva, jszip, magic-wand-tool, mapped by the viewer page's import map):
# pinned, fetched from npm, its built dist files committed.
DWV_VERSION := 0.36.4
DWV_DEPS := konva@10.2.0 jszip@3.10.1 magic-wand-tool@1.1.7
DWV_VENDOR := src/cpms/imaging/static/dwv

.PHONY: vendor-imaging-js
vendor-imaging-js: ## Re-vendor dwv (DWV_VERSION) and its dependencies from npm into src/cpms/imaging/static/dwv/
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  cd "$$tmp" && for spec in dwv@$(DWV_VERSION) $(DWV_DEPS); do \
	    name=$${spec%@*}; mkdir -p "$$name" && \
	    tar xzf "$$(npm pack --silent "$$spec")" -C "$$name" || exit 1; done; \
	  cd "$(CURDIR)" && rm -rf $(DWV_VENDOR) && mkdir -p $(DWV_VENDOR)/assets/workers && \
	  install -m 644 "$$tmp/dwv/package/dist/dwv.min.js" "$$tmp/dwv/package/license.txt" $(DWV_VENDOR)/ && \
	  install -m 644 "$$tmp"/dwv/package/dist/assets/workers/*.min.js $(DWV_VENDOR)/assets/workers/ && \
	  install -m 644 "$$tmp/konva/package/konva.min.js" $(DWV_VENDOR)/konva.min.js && \
	  install -m 644 "$$tmp/konva/package/LICENSE" $(DWV_VENDOR)/konva.LICENSE && \
	  install -m 644 "$$tmp/jszip/package/dist/jszip.min.js" $(DWV_VENDOR)/jszip.min.js && \
	  install -m 644 "$$tmp/jszip/package/LICENSE.markdown" $(DWV_VENDOR)/jszip.LICENSE && \
	  install -m 644 "$$tmp/magic-wand-tool/package/dist/magic-wand.min.js" $(DWV_VENDOR)/magic-wand.min.js && \
	  install -m 644 "$$tmp/magic-wand-tool/package/LICENSE.txt" $(DWV_VENDOR)/magic-wand.LICENSE && \
	  echo "dwv $(DWV_VERSION) in $(DWV_VENDOR)/"

# OpenSeadragon, the whole-slide viewer of src/cpms/imaging/slides: pinned,
# fetched from npm, its built file committed (the page uses its own buttons,
# not OpenSeadragon's icons).
OPENSEADRAGON_VERSION := 6.1.1
OSD_VENDOR := src/cpms/imaging/slides/static/openseadragon

.PHONY: vendor-slides-js
vendor-slides-js: ## Re-vendor OpenSeadragon (OPENSEADRAGON_VERSION) from npm into src/cpms/imaging/slides/static/openseadragon/
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && tar xzf "$$(npm pack --silent openseadragon@$(OPENSEADRAGON_VERSION))") && \
	  rm -rf $(OSD_VENDOR) && mkdir -p $(OSD_VENDOR) && \
	  install -m 644 "$$tmp/package/build/openseadragon/openseadragon.min.js" $(OSD_VENDOR)/ && \
	  install -m 644 "$$tmp/package/LICENSE.txt" $(OSD_VENDOR)/LICENSE.txt && \
	  echo "openseadragon $(OPENSEADRAGON_VERSION) in $(OSD_VENDOR)/"

# tus-js-client, the resumable uploader of a case's large files: pinned,
# fetched from npm, its built UMD file committed.
TUS_JS_VERSION := 4.3.1
TUS_VENDOR := src/cpms/collaboration/static/tus

.PHONY: vendor-upload-js
vendor-upload-js: ## Re-vendor tus-js-client (TUS_JS_VERSION) from npm into src/cpms/collaboration/static/tus/
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && tar xzf "$$(npm pack --silent tus-js-client@$(TUS_JS_VERSION))") && \
	  rm -rf $(TUS_VENDOR) && mkdir -p $(TUS_VENDOR) && \
	  install -m 644 "$$tmp/package/dist/tus.min.js" $(TUS_VENDOR)/ && \
	  install -m 644 "$$tmp/package/LICENSE" $(TUS_VENDOR)/LICENSE && \
	  echo "tus-js-client $(TUS_JS_VERSION) in $(TUS_VENDOR)/"

.PHONY: screenshots
screenshots: install system-deps ## Refresh docs/screenshots/ from the browser tests
	CPMS_UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/public/test_browser.py tests/cases/test_workspace_screens.py

.PHONY: lint
lint: install ## ruff check and format check
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

.PHONY: lint-imports
lint-imports: install ## Check the import contracts between slices ([tool.importlinter] in pyproject.toml)
	$(BIN)/lint-imports

.PHONY: format
format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests scripts benchmarks
	$(BIN)/ruff format src tests scripts benchmarks

.PHONY: workflows
workflows: install ## Regenerate profiles/default/workflows/*/definition.xml from the slices' workflow tables
	$(BIN)/python -m cpms.workflows

# --- translations (docs/i18n.md) ----------------------------------------------

.PHONY: i18n
i18n: install ## Extract src/cpms/locales/cpms.pot (i18ndude) and sync the languages' .po/.mo files
	$(BIN)/python scripts/i18n.py

# --- data ----------------------------------------------------------------

.PHONY: reset
reset: ## Delete the local database, blobs and logs (instance/var)
	rm -rf $${CPMS_DATA_DIR:-instance/var}

.PHONY: clean
clean: ## Remove the virtualenv, rendered configuration and buildout parts
	rm -rf $(VENV) instance/etc bin parts develop-eggs eggs .installed.cfg $(BUILDOUT_VENV) $(WHEELHOUSE)
