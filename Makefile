# One entry point for people and CI. `make demo` sets up and runs the
# instructor's whole loop; `make test` sets up and runs every test.
# The interpreter .venv is made from: the first of these that every user
# may run (its whole prefix readable by others). Grading kernels run as an
# unprivileged user (course/grader/sandbox/kernel_user.py), who cannot start a Python
# built under a private home such as /root/.pyenv.
OPEN_PYTHON := import pathlib, sys, venv, ensurepip; p = pathlib.Path(sys.base_prefix).resolve(); sys.exit(any(q.stat().st_mode & 5 != 5 for q in [p, *p.parents]))
PYTHON ?= $(or $(shell for p in python3 /usr/bin/python3; do $$p -c '$(OPEN_PYTHON)' 2>/dev/null && { echo $$p; break; }; done),python3)
VENV := .venv
PY := $(VENV)/bin/python
# Where datasets live; CI points this at the offline copies in ../shared/data.
# Made absolute here: notebooks are graded in other folders (and in temp
# copies of the course), where a relative path would point elsewhere.
COURSE_DATA_DIR ?= $(CURDIR)/data
export COURSE_DATA_DIR := $(abspath $(COURSE_DATA_DIR))

.PHONY: setup demo test test-fast release clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt -e .
	$(PY) -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__)"
	touch $@

# `make demo STEPS="01_tensors 02_bare_minimum"`: only those steps (a first look in minutes).
demo: setup
	$(PY) -m course demo $(STEPS)

release: setup
	$(PY) -m course release

test: setup
	$(PY) -m pytest

# The quick tier (docs/testing.md): every unit test, and grading end to end
# for one step (COURSE_TEST_STEPS, default 01_tensors) in the shared class:
# no image step's training, no adversarial corpus or limits, no hub, browser
# or PostgreSQL, no class graded again on purpose (own_class: 1 worker
# against 2, concurrent writers, the demo's own run).
FAST_MARKERS := not training and not adversarial and not e2e and not own_class
test-fast: setup
	COURSE_TEST_STEPS=$${COURSE_TEST_STEPS:-01_tensors} $(PY) -m pytest -m "$(FAST_MARKERS)"

clean:
	rm -rf gradebook.db submitted/*/ autograded/*/ feedback exchange demo-students autograde

# The local JupyterHub demo (deploy/jupyterhub/README.md): `make hub` starts
# it on http://127.0.0.1:8000/ (as root: it creates the demo's system users),
# `make hub-stop` stops it. `make hub-setup` installs its proxy from npm.
HUB := deploy/jupyterhub
.PHONY: hub hub-setup hub-stop hub-remove

hub-setup: $(HUB)/node_modules/.package-lock.json

$(HUB)/node_modules/.package-lock.json: $(HUB)/package.json $(HUB)/package-lock.json
	cd $(HUB) && npm ci --no-audit --no-fund
	touch $@

hub: setup hub-setup
	$(PY) $(HUB)/demo.py start

hub-stop:
	$(PY) $(HUB)/demo.py stop

hub-remove:
	$(PY) $(HUB)/demo.py remove

# Datasets: check the data root ($COURSE_DATA_DIR), extract and decode what
# the notebooks read (downloads only where a machine has the internet).
.PHONY: data
data: setup
	$(PY) -m course data

# Seconds per notebook, each step's reference solution run top to bottom
# (budget: 30 s a step, 90 s for the image steps 12-17). Prints; not a test.
# BEFORE=REV runs each step as it was at REV too, in the same run; STEPS=... picks steps.
.PHONY: bench-notebooks
bench-notebooks: setup
	$(PY) benchmarks/notebooks.py $(if $(BEFORE),--before $(BEFORE)) $(STEPS)

# Train step 17's reference CNN on CIFAR-10: accuracy, seconds, images/s, on
# the CPU and on the GPU when there is one.
.PHONY: bench-cnn
bench-cnn: setup
	$(PY) benchmarks/cnn.py

# The class report on a synthetic class of 300 students x 17 steps: seconds.
.PHONY: bench-report
bench-report: setup
	$(PY) benchmarks/report.py

# K kernels sharing the node, each training a small CNN: torch's default
# threads against the threads of each kernel's CPU share (the hub's setting).
.PHONY: bench-kernel-threads
bench-kernel-threads: setup
	$(PY) benchmarks/kernel_threads.py

# Grading throughput: plain `nbgrader autograde` (serial) against
# `python -m course grade -j N` on the same synthetic class; prints
# submissions per minute and the ratio (goal >= 0.9 N). Not a test.
# BENCH_STUDENTS (default 4 per step) and BENCH_JOBS (default: the CPUs).
.PHONY: bench-grading
bench-grading: setup
	$(PY) benchmarks/grading.py
