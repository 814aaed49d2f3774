"""Where the time of the instructor's loop goes.

Runs the demo loop (`python -m course demo`: release, exchange, two demo
students, collect, autograde, feedback) in a temporary copy of the course and
splits autograde's wall time into nbgrader's own work per call and notebook
execution (kernel start plus running the cells), measured by timing nbgrader's
Execute preprocessor. Prints the figures; it asserts nothing.

    .venv/bin/python benchmarks/pipeline.py [STEP ...]
"""
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.preprocessors import Execute

from course import instructor

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.conftest import copy_course  # noqa: E402  (one definition of "the course files")

timings = defaultdict(list)


def timed(name, func):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            timings[name].append(time.perf_counter() - start)
    return wrapper


def main(steps):
    Execute.preprocess = timed("execute", Execute.preprocess)
    for name in ("generate_release", "publish", "fetch", "submit", "collect", "autograde", "feedback"):
        setattr(instructor, name, timed(name, getattr(instructor, name)))

    with tempfile.TemporaryDirectory() as tmp:
        root = copy_course(Path(tmp) / "course")
        steps = steps or instructor.assignments(root)

        def reference(step):
            source = nbformat.read(instructor.notebook_path(root, "source", step), as_version=4)
            return lambda fetched: instructor.reference_solution(source, fetched)

        submissions = {
            "demo-reference": {s: reference(s) for s in steps},
            "demo-untouched": {s: (lambda nb: nb) for s in steps},
        }
        start = time.perf_counter()
        instructor.run_loop(root, submissions, Path(tmp) / "students", steps)
        total = time.perf_counter() - start

    n_notebooks = len(timings["execute"])
    execute = sum(timings["execute"])
    autograde = sum(timings["autograde"])
    print(f"demo loop: {len(steps)} steps x 2 students = {n_notebooks} notebooks, {total:.1f} s wall")
    for name in ("generate_release", "publish", "fetch", "submit", "collect", "autograde", "feedback"):
        print(f"  {name:<17} {sum(timings[name]):7.1f} s")
    start = time.perf_counter()
    NotebookClient(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")])).execute()
    kernel = time.perf_counter() - start
    print(f"autograde: {autograde:.1f} s = notebook execution {execute:.1f} s "
          f"+ nbgrader's own work {autograde - execute:.1f} s "
          f"({(autograde - execute) / max(n_notebooks, 1):.2f} s per autograde call)")
    print(f"of each notebook's execution, starting a kernel and importing torch takes {kernel:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
