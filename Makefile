# sigil's verbs. `make help` lists them. The README quick start is `make demo` and `make test`.
PYTHON ?= python3
PIP := $(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore
PLUGINS := $(wildcard plugins/*/pyproject.toml)
PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(PLUGINS))

.PHONY: help install install-test demo test test-python test-rust lint docs bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

install: ## Install sigil, its native evaluator, built-in plugins and the sandbox (bubblewrap)
	@command -v bwrap >/dev/null || { apt-get install -y -q bubblewrap >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q bubblewrap >/dev/null; }; }
	$(PIP) ./evaluator-rs -e . $(foreach d,$(PLUGIN_DIRS),-e $(d))

install-test: install ## install, plus test tools
	$(PIP) -e '.[test]'

demo: install ## Install everything and run the full demo pipeline on the tiny built-in model and corpus (CPU)
	sigil run configs/demo.yaml

test: install-test ## Install everything, lint, and run every test suite (Python and Rust)
	$(MAKE) --no-print-directory lint test-rust test-python

test-python: ## Run the Python test suites (core, plugins, evaluator wheel)
	$(PYTHON) -m pytest tests
	@for d in $(PLUGIN_DIRS); do if [ -d $$d/tests ]; then (cd $$d && $(PYTHON) -m pytest tests) || exit 1; fi; done
	$(PYTHON) -m pytest evaluator-rs/tests

test-rust: ## Run the Rust tests of the native evaluator
	cargo test --quiet --workspace

lint: ## Lint Python (ruff) and Rust (clippy)
	ruff check sigil tests plugins evaluator-rs/tests bench
	cargo clippy --workspace --all-targets -- -D warnings

docs: ## Regenerate docs/config.md from the config schema
	sigil config reference > docs/config.md

bench: ## Run the CPU benchmarks (see bench/RESULTS.md; GPU ones: bench/train, bench/generate)
	$(PYTHON) bench/evaluator/bench_evaluator.py --n 600 --naive-subset 60 --repeats 3
	$(PYTHON) bench/scoring/run.py --samples 600 --jobs 2
	$(PYTHON) bench/exec/bench_exec.py --jobs 2
	SIGIL_LOAD_PLUGINS= $(PYTHON) bench/data/bench_filtering.py --files 100000 --workers 2

clean: ## Remove build outputs and demo runs
	rm -rf target build dist runs *.egg-info
