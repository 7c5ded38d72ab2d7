# Two entry points, each self-contained on a fresh machine: `make demo` and `make test`.
# Both create the local virtualenv .venv on first use (python3 >= 3.11 required).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sop demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy --strict src/sop_engine

test: lint typecheck
	$(BIN)/sop lint examples/lapor/sop.yaml examples/dpmptsp/sop.yaml examples/buggy/sop.yaml
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_deadlines.py
	$(BIN)/python bench/bench_store.py
	$(BIN)/python bench/bench_testing.py

docs: $(STAMP)
	$(BIN)/sop schema -o docs/sop.schema.json
	$(BIN)/python -c "from sop_engine.findings import codes_markdown as m; open('docs/error-codes.md', 'w').write(m())"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
