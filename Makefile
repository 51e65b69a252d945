# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench clean package smoke

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is required (see .python-version), found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

run: install  ## Run the shop locally: SQLite, files under var/, demo data, a printed admin login.
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@$(BIN)/python manage.py ensure_local_admin
	@echo "Admin:    http://$(HOST):$(PORT)/admin/"
	@echo "API:      http://$(HOST):$(PORT)/api/v1/products/"
	@echo "API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo "Customer sign-in (local Cognito stand-in, any email is a customer):"
	@echo "  curl -X POST http://$(HOST):$(PORT)/local-cognito/local-pool/token -d email=ann@example.com"
	@echo "  then send: Authorization: Bearer <id_token>"
	@echo "Payments (local provider, no Stripe account): POST /api/v1/orders/<reference>/payment/,"
	@echo "  then: curl -X POST http://$(HOST):$(PORT)/local-payments/<payment_intent>/pay"
	LOCAL_BASE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install  ## Run the whole test suite (PostgreSQL too when DATABASE_URL is set).
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
