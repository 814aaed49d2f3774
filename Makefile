# One entry point for people and CI. `make demo` sets up and runs the
# instructor's whole loop; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Where datasets live; CI points this at the offline copies in ../shared/data.
export COURSE_DATA_DIR ?= $(CURDIR)/data

.PHONY: setup demo test release clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt -e .
	$(PY) -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__)"
	touch $@

demo: setup
	$(PY) -m course demo

release: setup
	$(PY) -m course release

test: setup
	$(PY) -m pytest

clean:
	rm -rf gradebook.db submitted/*/ autograded/*/ feedback exchange demo-students
