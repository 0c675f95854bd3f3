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
	$(BIN)/redline find examples -o out/demo --canonical harbour-bridge/civic-ledger.txt
	$(BIN)/redline diff examples/harbour-bridge/civic-ledger.txt examples/harbour-bridge/the-coastal-post.html --width 100 --no-pager
	$(BIN)/redline diff examples/harbour-bridge/civic-ledger.txt examples/harbour-bridge/the-coastal-post.html --format html -o out/demo/harbour-bridge.html
	@echo
	@echo "Redline report: $(CURDIR)/out/demo/harbour-bridge.html"
	@echo "Versions found: $(CURDIR)/out/demo/report/index.html (clusters in $(CURDIR)/out/demo/clusters.jsonl)"

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

# Benchmarks and evaluations read real corpora from $$REDLINE_DATA (default ../shared/data).
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/bench_segment.py
	$(BIN)/python bench/bench_diff.py
	$(BIN)/python bench/bench_find_sign.py
	$(BIN)/python bench/bench_index.py

eval: $(STAMP)
	$(BIN)/python eval/eval_diff_generated.py
	$(BIN)/python eval/eval_iterater.py
	$(BIN)/python eval/eval_align_mrpc.py
	$(BIN)/python eval/eval_align_onestop.py
	$(BIN)/python eval/eval_c50_republished.py
	$(BIN)/python eval/eval_find_generated.py
	$(BIN)/python eval/eval_find_meter.py
	$(BIN)/python eval/eval_find_clough.py
	$(BIN)/python eval/eval_find_natural.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
