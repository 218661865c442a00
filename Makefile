# mlops.azure: `make demo` and `make test` do all of their own set-up on a machine with Python 3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SANITY_ROOT := build/sanity/ansible_collections/mlops/azure

export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv demo test lint ruff ansible-lint docs-lint unit sanity build clean bench

help:
	@echo "make demo   set up, start the local ARM emulator, run playbooks/mlops.yml twice against it"
	@echo "make test   set up and run every check: ruff, ansible-lint, antsibull-docs, pytest, ansible-test sanity"
	@echo "make bench  benchmarks against the emulator (minutes; not part of make test): see docs/performance.md"

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

test: lint unit sanity

lint: ruff ansible-lint docs-lint

ruff: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ansible-lint: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/ansible-lint --offline

# antsibull-docs reads the collection where ansible.cfg finds it (the .collections link to this checkout).
docs-lint: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(CURDIR)/.collections" $(BIN)/antsibull-docs \
	  lint-collection-docs --plugin-docs --skip-rstcheck $(CURDIR)/.collections/ansible_collections/mlops/azure

unit: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -n 2 -q --durations=25

# ansible-test needs the collection at ansible_collections/mlops/azure: copy the tracked files there. The copy leaves
# out what the Galaxy artifact leaves out and ansible-test does not know: the emulator, the pytest suites that drive
# it (tests/emulator, tests/integration, tests/benchmarks), molecule scenarios, CI and demo scripts. tests/unit stays.
sanity: $(STAMP)
	$(BIN)/python tests/sanity/bootstrap_pip.py --install-cache
	rm -rf build/sanity && mkdir -p $(SANITY_ROOT)
	git ls-files -z --cached --others --exclude-standard \
	  | grep -zv -e '^\.collections/' -e '^emulator/' -e '^\.ci/' -e '^extensions/' -e '^scripts/' -e 'conftest\.py$$' \
	    -e '^tests/emulator/' -e '^tests/integration/' -e '^tests/benchmarks/' \
	  | xargs -0 tar -cf - | tar -xf - -C $(SANITY_ROOT)
	cd $(SANITY_ROOT) && git init --quiet && git add --all && PATH="$(CURDIR)/$(BIN):$$PATH" ansible-test sanity --color no \
	  --python $$($(CURDIR)/$(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --requirements

# Not part of test: figures (medians, ratios measured in the same run), no assertions. BENCH_ARGS: e.g. --rounds 5.
bench: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python tests/benchmarks/bench_stack.py $(BENCH_ARGS)

build: $(STAMP)
	mkdir -p dist && $(BIN)/ansible-galaxy collection build --force --output-path dist

clean:
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis
