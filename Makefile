# The course's commands. Each one bootstraps its environment when it is missing.
#   make lab        start JupyterLab (serving the whole course) on the welcome lecture; a learner's
#                   environment in .venv-lab: adamlib's dependencies and JupyterLab, nothing else
#   make test       the whole suite: unit tests, nbval over every notebook, browser test; the
#                   developer's environment in .venv: everything lab has plus the test and
#                   grading tools (pytest, nbval, nbgrader, Playwright, ruff, mypy, jupytext; torch
#                   where a local wheel exists)
#   make test-latest  strict nbval over lectures/ and solutions/, lax over exercises/, with the
#                   newest releases of every dependency (what Binder installs) in .venv-latest;
#                   make test-latest LATEST_REFRESH=1 upgrades it to today's releases first
#   make dev        only create .venv (make test, notebooks, bench, lint use it)
#   make notebooks  rebuild lectures/ and solutions/ from source/ (executed), regenerate exercises/
#   make bench      benchmarks (records with date and machine: benchmarks/README.md)
#   make lint       ruff check, ruff format --check, and mypy over adamlib/ (pyproject.toml)
#   make lock       re-resolve constraints.txt on Python 3.10 (then make notebooks, make test)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# torch is optional (reference data, live comparisons, benchmarks). It is installed only from
# pip's local sources (find-links in pip's configuration, e.g. a folder of wheels): the wheel
# itself with `--no-index` (never PyPI's multi-GB CUDA build), then its dependencies. Without a
# local wheel it is skipped.
# The same pin as pyproject.toml's `torch` extra (tests/test_dependencies.py checks).
TORCH := torch==2.13.0
export PYTHONHASHSEED := 0

.PHONY: lab dev test test-latest unit nbval notebooks bench lint lock clean-venv

# constraints.txt pins every package, on Python 3.10 to 3.13, to the versions the committed
# notebook outputs were made with, so that `make test` runs the same environment everywhere and
# an upgrade is a deliberate step (make lock). The notebooks print nothing that a newer release
# changes: `make test-latest` checks that with the newest releases.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -c constraints.txt -e '.[test,lab]'
	@if $(PY) -m pip install --no-index --no-deps '$(TORCH)'; then $(PY) -m pip install '$(TORCH)' && \
		$(PY) -m pip install -c constraints.txt -e '.[reference]'; \
	else echo "no local torch wheel for this Python: live torch comparisons, torch benchmarks and the reference packages (lion-pytorch, schedulefree) will be skipped"; fi
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (adamlib)"
	touch $(STAMP)

# The learner's environment: what the notebooks import, and JupyterLab. No grading or test
# tooling (nbgrader would add its menus and "Create Assignment" panel to the learner's Lab).
LAB_VENV := .venv-lab
LAB_STAMP := $(LAB_VENV)/.installed-stamp
$(LAB_STAMP): pyproject.toml constraints.txt
	test -x $(LAB_VENV)/bin/python || $(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --upgrade pip
	$(LAB_VENV)/bin/python -m pip install -c constraints.txt -e '.[lab]'
	$(LAB_VENV)/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (adamlib)"
	touch $(LAB_STAMP)

# Extra JupyterLab options, e.g. make lab LAB_ARGS="--no-browser --port 8899"
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)
# The server's root is the repository (lectures/, exercises/, solutions/ all reachable, and the
# notebooks' relative links work); the welcome lecture opens first.
lab: $(LAB_STAMP)
	$(LAB_VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS) lectures/00_welcome.ipynb

dev: $(STAMP)

# Unit tests and nbval run as three serial groups, two at a time (tools/run_tests.py).
test: $(STAMP) lint
	$(PY) -m tools.run_tests

# The newest releases: no constraints.txt, so pip takes today's release of every dependency,
# as Binder does (environment.yml has no pins). Only what the notebooks and nbval need: adamlib,
# JupyterLab and the notebook-testing tools (no nbgrader, Playwright, ruff, torch). The stamp
# is remade when pyproject.toml changes; LATEST_REFRESH=1 (CI) upgrades to today's releases.
LATEST_VENV := .venv-latest
LATEST_STAMP := $(LATEST_VENV)/.installed-stamp
LATEST_PYTHON ?= $(PYTHON)
$(LATEST_STAMP): pyproject.toml
	test -x $(LATEST_VENV)/bin/python || $(LATEST_PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/python -m pip install --upgrade pip
	$(LATEST_VENV)/bin/python -m pip install --upgrade --upgrade-strategy eager -e '.[nbval,lab]'
	$(LATEST_VENV)/bin/python -m pip list --format=freeze --exclude-editable > $(LATEST_VENV)/versions.txt
	touch $(LATEST_STAMP)

test-latest: $(if $(LATEST_REFRESH),latest-refresh,$(LATEST_STAMP))
	@echo "newest releases: $$(grep -iE '^(numpy|scipy|matplotlib|scikit-learn|ipython|ipykernel)==' $(LATEST_VENV)/versions.txt | tr '\n' ' ')"
	$(LATEST_VENV)/bin/python -m tools.run_tests --only nbval

.PHONY: latest-refresh
latest-refresh:
	rm -f $(LATEST_STAMP)
	$(MAKE) $(LATEST_STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PY) -m tools.run_tests --only unit

nbval: $(STAMP)
	$(PY) -m tools.run_tests --only nbval

notebooks: $(STAMP)
	$(PY) -m tools.build_notebooks
	$(PY) -m tools.readme_syllabus

bench: $(STAMP)
	$(PY) -m benchmarks.run_all

# Resolve on the oldest supported Python so that every pinned version installs on all of them.
LOCK_PYTHON ?= python3.10
lock:
	$(LOCK_PYTHON) -m tools.lock

clean-venv:
	rm -rf $(VENV) $(LAB_VENV) $(LATEST_VENV)
