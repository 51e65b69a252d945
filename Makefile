# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench clean package smoke storefront storefront-check storefront-dev storefront-types storefront-screenshots screenshots admin-screenshots

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required (see .python-version), found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

# The storefront (storefront/, React + Vite) needs Node.js 20 or newer; without it the API and
# the admin run as ever and the storefront's page says how to get it.
NODE_OK := $(shell node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' >/dev/null 2>&1 && echo yes)
SF := storefront
SF_SOURCES := $(shell find $(SF)/src $(SF)/public -type f 2>/dev/null) $(SF)/index.html $(SF)/vite.config.ts $(SF)/tsconfig.json
# The origin of `make storefront-dev` (Vite), allowed to call the local API.
DEV_ORIGIN := http://$(HOST):5173
CORS_ALLOWED_ORIGINS ?= $(DEV_ORIGIN)

$(SF)/node_modules/.installed: $(SF)/package.json $(SF)/package-lock.json
	cd $(SF) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(SF)/dist/index.html: $(SF)/node_modules/.installed $(SF_SOURCES)
	cd $(SF) && npm run build --silent

storefront:  ## Build the storefront when Node.js 20+ is here (make run does).
ifeq ($(NODE_OK),yes)
	@$(MAKE) --no-print-directory $(SF)/dist/index.html
else
	@echo "Node.js 20 or newer is not installed: the storefront is not built (the API and the admin run)."
endif

storefront-check:  ## The storefront's type check, lint, unit tests and build (make test runs them).
ifeq ($(NODE_OK),yes)
	@$(MAKE) --no-print-directory $(SF)/node_modules/.installed
	cd $(SF) && npm run --silent typecheck && npm run --silent lint && npm run --silent test
	@$(MAKE) --no-print-directory $(SF)/dist/index.html
else
	@echo "Node.js 20 or newer is not installed: the storefront's checks and browser tests are skipped."
endif

storefront-types: install  ## Regenerate storefront/src/api/schema.d.ts from the API's schema.
	@mkdir -p var
	$(BIN)/python manage.py spectacular --format openapi-json --file var/openapi.json
	@$(MAKE) --no-print-directory $(SF)/node_modules/.installed
	cd $(SF) && npm run --silent api:types

storefront-screenshots: install storefront-check  ## Retake docs/screenshots/storefront/ (the end-to-end run, at 375, 1280 and 1440 px).
	SHOP_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots/storefront $(BIN)/pytest -q -p no:cacheprovider tests/browser/test_storefront_e2e.py

admin-screenshots: install  ## Retake docs/screenshots/ (the admin's main pages at 1280 px, demo data).
	SHOP_ADMIN_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -q -p no:cacheprovider tests/browser/test_admin_screenshots_browser.py

screenshots: admin-screenshots storefront-screenshots  ## Retake every picture in docs/screenshots/ (the README shows them).

storefront-dev: install  ## Vite's dev server on :5173 against the local API (run `make run` beside it).
	@$(MAKE) --no-print-directory $(SF)/node_modules/.installed
	@echo "Storefront (Vite, live reload): $(DEV_ORIGIN)/  -- the API: http://$(HOST):$(PORT) (make run)"
	cd $(SF) && SHOP_API_URL=http://$(HOST):$(PORT) npm run dev

run: install storefront  ## Run the shop locally: SQLite, files under var/, demo data, the storefront, a printed admin login.
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@$(BIN)/python manage.py ensure_local_admin
	@echo "Shop:     http://$(HOST):$(PORT)/   (the storefront; sign in with any email, pay with the test buttons)"
	@echo "Admin:    http://$(HOST):$(PORT)/admin/"
	@echo "API:      http://$(HOST):$(PORT)/api/v1/products/"
	@echo "API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo "Customer sign-in (local Cognito stand-in, any email is a customer):"
	@echo "  curl -X POST http://$(HOST):$(PORT)/local-cognito/local-pool/token -d email=ann@example.com"
	@echo "  then send: Authorization: Bearer <id_token>"
	@echo "Payments (local provider, no Stripe account): POST /api/v1/orders/<reference>/payment/,"
	@echo "  then: curl -X POST http://$(HOST):$(PORT)/local-payments/<payment_intent>/pay"
	LOCAL_BASE_URL=http://$(HOST):$(PORT) CORS_ALLOWED_ORIGINS="$(CORS_ALLOWED_ORIGINS)" \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install storefront-check  ## Run the whole test suite: the storefront's checks, then Python's (PostgreSQL too when DATABASE_URL is set).
	$(BIN)/pytest --cov --cov-report=term

lint: install  ## ruff, import layers, mypy, and cfn-lint on the infrastructure template.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/cfn-lint infra/shop.yaml

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install  ## Benchmarks on PostgreSQL (BENCH_DATABASE_URL names the server; default the local one).
	$(BIN)/python bench/catalog_api.py
	$(BIN)/python bench/checkout.py
	$(BIN)/python bench/auth.py
	$(BIN)/python bench/payments.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/catalog_import.py
	$(BIN)/python bench/storefront.py
	$(BIN)/python bench/abuse.py
	$(BIN)/python bench/cold_start.py

STAGE ?= dev
PACKAGE_VENV ?= .venv-package
PACKAGE ?= build/shop-$(STAGE).zip
STATIC_BUILD ?= build/static

package:  ## Build the Lambda zip from an environment holding only requirements.txt.
	rm -rf $(PACKAGE_VENV) $(PACKAGE)
	$(PYTHON) -m venv $(PACKAGE_VENV)
	$(PACKAGE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PACKAGE_VENV)/bin/python -m pip install --quiet -r requirements.txt
	mkdir -p build
	@# Static files for S3 (infra/publish_static.py uploads them), under hashed names; their
	@# manifest goes into the zip so production resolves static URLs without reading S3.
	STATIC_ROOT=$(CURDIR)/$(STATIC_BUILD) \
		STATICFILES_BACKEND=django.contrib.staticfiles.storage.ManifestStaticFilesStorage \
		$(PACKAGE_VENV)/bin/python manage.py collectstatic --noinput --clear --verbosity 0
	@# Packaging calls no AWS API, but botocore wants a region and credentials to exist.
	. $(PACKAGE_VENV)/bin/activate && AWS_DEFAULT_REGION=eu-north-1 \
		AWS_ACCESS_KEY_ID=packaging AWS_SECRET_ACCESS_KEY=packaging \
		zappa package $(STAGE) -o $(PACKAGE)
	@# Zappa's own output, kept for bench/cold_start.py to compare against.
	cp $(PACKAGE) $(PACKAGE:.zip=-zappa-default.zip)
	$(PACKAGE_VENV)/bin/python infra/package.py $(PACKAGE) $(STATIC_BUILD)/staticfiles.json

smoke: install  ## Run the Lambda zip through Zappa's handler in an isolated interpreter.
	$(BIN)/python -m infra.smoke $(PACKAGE) $(STATIC_BUILD)

clean:
	rm -rf $(VENV) $(PACKAGE_VENV) var build
