# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    start the bot (reads .env)
#   make test   lint, format check, type check and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest seed-demo bench bench-full clean

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

# Every benchmark in its short mode (so that none rots); bench-full: the runs of docs/benchmarks.md.
# Not part of `make test`: the short runs take a few minutes (see docs/benchmarks.md).
BENCHES := updates quick_log lookup lookup_e2e pace startup fanout report growth

bench: $(STAMP)
	@for name in $(BENCHES); do echo "== bench/$$name.py --short"; $(BIN)/python bench/$$name.py --short || exit 1; done

bench-full: $(STAMP)
	@for name in $(BENCHES); do echo "== bench/$$name.py"; $(BIN)/python bench/$$name.py || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
