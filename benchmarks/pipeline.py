"""Where the time of the instructor's loop goes.

1. The main command's loop (`python -m course demo`: release, exchange, two
   demo students, collect, parallel autograde and feedback) in a temporary
   copy of the course: wall time.
2. The same submissions autograded again one at a time, in this process,
   through nbgrader's API, timing nbgrader's Execute preprocessor: autograde's
   time splits into notebook execution (kernel start plus cells) and
   nbgrader's own work per call.

Prints the figures; asserts nothing.

    .venv/bin/python benchmarks/pipeline.py [STEP ...]
"""
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.preprocessors import Execute

from course.grader import instructor, loop

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.conftest import copy_course  # noqa: E402  (one definition of "the course files")

STUDENTS = ("demo-reference", "demo-untouched")


def main(steps):
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_course(Path(tmp) / "course")
        steps = steps or instructor.assignments(root)

        submissions = instructor.demo_submissions(root, steps, *STUDENTS)
        start = time.perf_counter()
        loop.run_loop(root, submissions, Path(tmp) / "students", steps)
        loop_seconds = time.perf_counter() - start

        executing = []
        original = Execute.preprocess

        def timed(self, *args, **kwargs):
            begin = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                executing.append(time.perf_counter() - begin)

        Execute.preprocess = timed
        api = instructor.nbgrader_api(root)
        start = time.perf_counter()
        for step in steps:
            for student in STUDENTS:
                api.autograde(step, student, force=True, create=True)
        serial = time.perf_counter() - start

    begin = time.perf_counter()
    NotebookClient(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")])).execute()
    kernel = time.perf_counter() - begin

    calls = len(steps) * len(STUDENTS)
    execute = sum(executing)
    print(f"main loop (python -m course demo's work): {len(steps)} steps x {len(STUDENTS)} students, {loop_seconds:.1f} s wall")
    print(f"serial nbgrader autograde of the same {calls} submissions: {serial:.1f} s")
    print(f"  notebook execution (kernel start + cells): {execute:.1f} s")
    print(f"  nbgrader's own work: {serial - execute:.1f} s ({(serial - execute) / calls:.2f} s per autograde call)")
    print(f"  each notebook's execution includes ~{kernel:.1f} s to start a kernel and import torch")


if __name__ == "__main__":
    main(sys.argv[1:])
