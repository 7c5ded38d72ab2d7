# Two entry points, each self-contained on a fresh machine: `make demo` and `make test`.
# Both create the local virtualenv .venv on first use (python3 >= 3.11 required).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
# The plugin packages and the custom-plugin example are installed (editable) and tested with the
# engine; their source is linted and type-checked like the engine's.
# the suite runs on every core (pytest-xdist; work stealing evens out the long tests);
# PYTEST_ARGS= runs it in one process
PYTEST_ARGS ?= -n auto --dist worksteal
PLUGINS := plugins/lapor plugins/smtp plugins/webhook examples/custom-plugin
PLUGIN_SRC := $(filter-out %.egg-info,$(foreach p,$(PLUGINS),$(wildcard $(p)/src/*)))
LINTED := src tests bench plugins examples/custom-plugin tools

.PHONY: demo test lint typecheck bench bench-quick fuzz docs docs-site docs-po matrix catalogues examples clean

$(STAMP): pyproject.toml $(foreach p,$(PLUGINS),$(p)/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=25.1'
	$(BIN)/python -m pip install --quiet --group dev -e . -e plugins/lapor -e 'plugins/smtp[test]' \
		-e plugins/webhook -e examples/custom-plugin
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sop demo

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/lint-imports --no-cache --no-logo

typecheck: $(STAMP)
	$(BIN)/mypy --strict src/sop_engine $(PLUGIN_SRC)

test: lint typecheck
	$(BIN)/sop lint examples/lapor/sop.yaml examples/dpmptsp/sop.yaml examples/buggy/sop.yaml \
		examples/custom-plugin/sop-izin.yaml
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# every figure of docs/performance.md in one table (bench/results/*.json); BENCH=--full for the
# issue's sizes (tens of minutes), BENCH=--quick for a smoke test
bench: $(STAMP)
	$(BIN)/python bench/run_all.py $(BENCH)
	$(BIN)/python bench/bench_simulate.py
	$(BIN)/python bench/bench_reports.py $(if $(findstring --full,$(BENCH)),,--quick)

bench-quick: $(STAMP)
	$(BIN)/python bench/run_all.py --quick --out $(or $(TMPDIR),/tmp)/sop-bench-results

# coverage-guided fuzzing (tools/fuzz_atheris.py) of the SOP loader, the scenario reader and the
# public API, FUZZ_SECONDS split among them; the seeds are copied so libFuzzer's new inputs
# never land in the repository
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet --only-binary=:all: --group fuzz
	$(BIN)/python tools/fuzz_atheris.py all --seconds $(FUZZ_SECONDS)

docs: $(STAMP)
	$(BIN)/sop schema --core -o docs/sop.schema.json
	$(BIN)/sop schema --core --lang id -o docs/sop.schema.id.json
	$(BIN)/python tools/diagrams_doc.py
	$(BIN)/python -c "from sop_engine._core.findings import codes_markdown as m; open('docs/error-codes.md', 'w').write(m())"
	$(BIN)/python -c "from sop_engine._core.findings import codes_markdown_id as m; open('docs/id/kode-temuan.md', 'w').write(m())"
	$(BIN)/python -c "import json; from sop_engine._simulate.scenario import SCENARIO_SCHEMA as s; open('docs/scenario.schema.json', 'w').write(json.dumps(s, indent=2, ensure_ascii=False) + '\\n')"
	$(BIN)/python -c "import json; from sop_engine._simulate.scenario import scenario_schema as s; open('docs/scenario.schema.id.json', 'w').write(json.dumps(s('id'), indent=2, ensure_ascii=False) + '\\n')"

# The documentation site (Sphinx + MyST + furo): warnings are errors, as in tests/test_docs.py.
docs-site: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html
	$(BIN)/sphinx-build -W --keep-going -b html -D language=en docs docs/_build/html/en

# The English version of the Indonesian pages (docs/id/): extract their paragraphs and merge them
# into docs/locale/en/LC_MESSAGES/id/*.po (sphinx-intl); a translator then fills the new entries.
# kode-temuan is left out: both finding-code pages are generated from the message catalogue.
docs-po: $(STAMP)
	rm -rf docs/_build/gettext
	$(BIN)/sphinx-build -q -b gettext docs docs/_build/gettext
	find docs/_build/gettext -name '*.pot' ! -path '*/id/*' -delete
	rm -f docs/_build/gettext/id/kode-temuan.pot
	$(BIN)/sphinx-intl update -p docs/_build/gettext -l en -d docs/locale -w 100

# The shipped reference SOPs are package data; examples/ keeps the readable copies (a test compares).
examples:
	cp examples/lapor/sop.yaml src/sop_engine/_examples/lapor.yaml
	cp examples/dpmptsp/sop.yaml src/sop_engine/_examples/dpmptsp.yaml

# The test suite on Python 3.11, 3.12 and 3.13 (noxfile.py; each interpreter from PATH or pyenv).
matrix: $(STAMP)
	$(BIN)/nox

# Re-extract the message catalogue and compile the .mo files shipped in the wheel (CONTRIBUTING.md).
catalogues: $(STAMP)
	$(BIN)/python tools/catalogues.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
