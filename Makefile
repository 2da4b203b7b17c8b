# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEED := seeds/000_680bcb4019dc53cb.txt

.PHONY: install dev run test lint typecheck pytest bench evaluate models lock clean

# The editable install is strict: a tree of links under build/ is what Python imports, so
# the checkout folder itself (named claimx) can never shadow the package as an empty
# namespace package when Python runs from its parent. A file added to or removed from the
# package changes its folder, which relinks.
PACKAGE_DIRS := $(shell find claimx models/stance -type d -not -name __pycache__)

$(BIN)/claimx: requirements-pip.lock requirements.lock pyproject.toml $(PACKAGE_DIRS)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-pip.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e . \
		--config-settings editable_mode=strict
	touch $@

$(VENV)/.dev: $(BIN)/claimx requirements-dev.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $@

install: $(BIN)/claimx  ## .venv with claimx and its pinned dependencies

dev: $(VENV)/.dev       ## install + test tools (pytest, ruff, mypy)

run: install            ## print the seed article's claims
	$(BIN)/claimx extract $(SEED)

lint: dev
	$(BIN)/ruff check claimx tests bench models
	$(BIN)/ruff format --check claimx tests bench models

typecheck: dev
	$(BIN)/mypy

pytest: dev
	$(BIN)/pytest -q

test: lint typecheck pytest  ## ruff, mypy and the whole pytest suite

bench: install          ## speed: claimx vs the bare base pipeline
	$(BIN)/python bench/speed.py

# make evaluate ARGS='--stance model' passes claimx options on (and --only seesaw, --details)
evaluate: install       ## PolNeAR and SEESAW dev figures, reference scorers (needs ../shared)
	$(BIN)/python bench/dev_eval.py $(ARGS)

MODELS_VENV := models/build/venv

# make models TEACHERS="0 1" also distils the student from two six-layer teachers (about 3
# more hours on 2 cores); the shipped model was trained on the gold pairs alone (models/README.md)
TEACHERS ?=

models: install         ## rebuild models/stance from models/data (about 40 minutes on 2 cores)
	$(PY) -m venv $(MODELS_VENV)
	$(MODELS_VENV)/bin/pip install --quiet -r models/requirements.txt
	$(MODELS_VENV)/bin/python models/distill_vectors.py --out models/build/raw-vectors
	$(BIN)/python models/build_stance.py --raw-vectors models/build/raw-vectors \
		--variants $(if $(TEACHERS),10,0)
	# the teachers side by side, one core each (a failed one leaves no labelled-SEED.jsonl,
	# which stops the student); the student learns from the mean of their probabilities
	$(foreach t,$(TEACHERS),OMP_NUM_THREADS=1 $(MODELS_VENV)/bin/python models/teacher.py --seed $(t) & ) wait
	OMP_NUM_THREADS=2 $(MODELS_VENV)/bin/python models/student.py --epochs 2 --teachers $(TEACHERS)

# Extras stay in the lock (no --strip-extras): weasel needs smart-open[http], and pip's
# --require-hashes refuses an extra that is not itself pinned once a newer smart-open exists.
# --strip-extras pins `lxml==…`, not `lxml[html_clean]==…`, as constraints should be.
lock:                   ## re-pin dependencies with hashes (needs pip-tools)
	pip-compile --strip-extras --generate-hashes --allow-unsafe -o requirements-pip.lock requirements-pip.in
	pip-compile --strip-extras --generate-hashes --allow-unsafe -o requirements.lock requirements.in
	pip-compile --strip-extras --generate-hashes --allow-unsafe -o requirements-dev.lock requirements-dev.in

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
