# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    start the bot (reads .env)
#   make test   lint, format check, type check and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest seed-demo bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/kam-bot

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

seed-demo: $(STAMP)
	$(BIN)/kam-bot seed-demo --telegram-id $(TELEGRAM_ID)

bench: $(STAMP)
	@for script in bench/[a-z]*.py; do \
		args=; if [ $$script = bench/growth.py ]; then args=--short; fi; \
		echo "== $$script $$args"; $(BIN)/python $$script $$args || exit 1; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
