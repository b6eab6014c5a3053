# Atlas — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.atlas-installed
PACKAGES := shared gateway services/crm services/listings services/outbound services/coop services/public-portal
PYPROJECTS := $(addsuffix /pyproject.toml,$(PACKAGES))

.DEFAULT_GOAL := help
.PHONY: help install browser run check test test-fast lint bench-gateway clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): $(PYPROJECTS) requirements-dev.txt constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install every package (editable) with pinned versions

browser: ## Install Debian's chromium for the portal page tests (no-op when present)
	bash scripts/install-browser.sh

run: install ## Start the whole stack (gateway, five services, relays, consumers) with embedded defaults
	$(BIN)/atlas run

check: install ## Start the stack, run a smoke test through the gateway, stop
	$(BIN)/atlas run --check

test: install browser ## Run the whole test suite (PostgreSQL/RabbitMQ when ATLAS_TEST_DATABASE_URL/ATLAS_TEST_BROKER_URL are set)
	$(BIN)/python -m pytest -q

test-fast: install ## Run the suite without the multi-process end-to-end and reliability tests
	$(BIN)/python -m pytest -q -m "not slow"

lint: install ## ruff over the whole tree
	$(BIN)/ruff check shared gateway services tests bench

bench-gateway: install ## Benchmark: direct vs gateway vs nginx on GET /api/v1/annonces (prints figures)
	$(BIN)/python bench/gateway/run.py

clean: ## Remove local state (var/) — databases, broker folders, logs
	rm -rf var
