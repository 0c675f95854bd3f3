# Every target CI calls is here; CI does nothing a developer cannot run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit golden bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/redline find examples -o out/demo
	$(BIN)/redline diff examples/harbour-bridge/civic-ledger.txt examples/harbour-bridge/the-coastal-post.html --width 100
	$(BIN)/redline diff examples/harbour-bridge/civic-ledger.txt examples/harbour-bridge/the-coastal-post.html --format html -o out/demo/harbour-bridge.html
	@echo
	@echo "Redline report: out/demo/harbour-bridge.html"
	@echo "Versions found: out/demo/report/index.html (clusters in out/demo/clusters.jsonl)"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench eval
	$(BIN)/ruff format --check src tests bench eval

typecheck: $(STAMP)
	$(BIN)/mypy src

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

golden: $(STAMP)
	REDLINE_REGENERATE_GOLDEN=1 $(BIN)/pytest tests -k golden

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/bench_diff.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
