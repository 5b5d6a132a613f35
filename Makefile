# sigil's verbs. `make help` lists them. The README quick start is `make demo` and `make test`.
#
# Everything installs into a project virtual environment, $(VENV) (default .venv), made with the venv module from
# $(SYSTEM_PYTHON): a distribution's Python refuses `pip install` into itself (PEP 668), and a project should not
# change the interpreter it was handed anyway. Versions come from constraints.txt (what CI last passed with).
# VENV_FLAGS=--system-site-packages reuses packages an interpreter already has (torch, ...) where they match it.
SYSTEM_PYTHON ?= python3
VENV ?= .venv
VENV_FLAGS ?=
PYTHON := $(VENV)/bin/python
PIP := $(PYTHON) -m pip install --quiet --disable-pip-version-check --constraint constraints.txt
PLUGINS := $(wildcard plugins/*/pyproject.toml)
PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(PLUGINS))
# apt-get install, updating the package lists once when the first try does not find the package
APT_INSTALL = apt-get install -y -q $(1) >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $(1) >/dev/null; }
RUSTUP_LINE := curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --component clippy && . ~/.cargo/env

.PHONY: help tools venv install install-test demo test test-python test-rust lint docs bench constraints clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

tools: ## Check for Python >= 3.11 and Rust with clippy before any work; say what to install when missing
	@command -v $(SYSTEM_PYTHON) >/dev/null && $(SYSTEM_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "sigil needs Python >= 3.11: apt-get install python3 python3-venv (or set SYSTEM_PYTHON=/path/to/python3.11)"; exit 1; }
	@command -v cargo >/dev/null \
		|| { echo "sigil needs a Rust toolchain with clippy: $(RUSTUP_LINE)"; exit 1; }
	@cargo clippy --version >/dev/null 2>&1 \
		|| { echo "sigil needs clippy for its Rust toolchain: rustup component add clippy"; exit 1; }

$(PYTHON):
	@$(SYSTEM_PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(call APT_INSTALL,python3-venv)
	$(SYSTEM_PYTHON) -m venv $(VENV_FLAGS) $(VENV)

venv: tools $(PYTHON) ## Create the project virtual environment (.venv) with the venv module

install: venv ## Install sigil, its native evaluator, built-in plugins and the sandbox (bubblewrap) into .venv
	@command -v bwrap >/dev/null || { $(call APT_INSTALL,bubblewrap); }
	$(PIP) ./evaluator-rs -e . $(foreach d,$(PLUGIN_DIRS),-e $(d))

install-test: install ## install, plus test tools (and Chromium, which renders the HTML report in a test)
	@command -v chromium >/dev/null || { $(call APT_INSTALL,chromium); }
	$(PIP) -e '.[test]'

# DEMO=configs/ci-rsft-experiment.yaml runs the same stages at CI size (about a minute; CI's install test uses it)
DEMO ?= configs/demo.yaml

demo: install ## Install everything and run the demo experiment: does RSFT teach a tiny model Rust, beside controls (CPU)
	$(VENV)/bin/sigil run $(DEMO)

test: install-test ## Install everything, lint, and run every test suite (Python and Rust)
	$(MAKE) --no-print-directory lint test-rust test-python

test-python: ## Run the Python test suites (core, plugins, evaluator wheel)
	$(PYTHON) -m pytest tests
	@for d in $(PLUGIN_DIRS); do if [ -d $$d/tests ]; then (cd $$d && $(abspath $(PYTHON)) -m pytest tests) || exit 1; fi; done
	$(PYTHON) -m pytest evaluator-rs/tests

test-rust: ## Run the Rust tests of the native evaluator
	cargo test --quiet --workspace

lint: ## Lint Python (ruff, mypy) and Rust (clippy)
	$(VENV)/bin/ruff check sigil tests plugins evaluator-rs/tests bench
	$(VENV)/bin/mypy
	cargo clippy --workspace --all-targets -- -D warnings

docs: ## Regenerate docs/config.md from the config schema
	$(VENV)/bin/sigil config reference > docs/config.md

bench: ## Run the CPU benchmarks (see bench/RESULTS.md; GPU ones: bench/train, bench/generate)
	$(PYTHON) bench/evaluator/bench_evaluator.py --n 600 --naive-subset 60 --repeats 3
	$(PYTHON) bench/scoring/run.py --samples 600 --jobs 2
	$(PYTHON) bench/exec/bench_exec.py --jobs 2
	SIGIL_LOAD_PLUGINS= $(PYTHON) bench/data/bench_filtering.py --files 100000 --workers 2

constraints: ## Record the versions installed in .venv (after a green `make test`) in constraints.txt
	$(PYTHON) .ci/freeze_constraints.py > constraints.txt

clean: ## Remove build outputs and demo runs (not .venv: `rm -rf .venv` for a fresh install)
	rm -rf target build dist runs *.egg-info
