"""How long each step's notebook takes, run top to bottom as a student who
solved everything would run it.

    python benchmarks/notebooks.py [step ...]      (or: make bench-notebooks)

For every step (default: all of source/), the release notebook is filled in
with the instructor's solutions (`course.grader.instructor.reference_solution`, the
same submission the tests grade) and executed with nbclient in a fresh
temporary folder, the data root (COURSE_DATA_DIR) passed through. Prints
seconds per notebook and the total, and flags a notebook over its budget:
30 s for steps 01-11, 90 s for the image steps (12 and above; issue #21's
target on 2 idle cores with the CPU budget).
The time includes starting the kernel and importing torch, as a student's
"Restart and run all" would. This is a measurement, not a test: it exits 0
unless a notebook fails to run.

Timings depend on the machine and on what else is running on it.
"""
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


from course import find_course_root
from course.grader import instructor

sys.path.insert(0, str(Path(__file__).parent))
from record import record  # noqa: E402

BUDGET_S = 30
IMAGE_FIRST_STEP = 12  # steps numbered from here on load images and train on them
IMAGE_BUDGET_S = 90
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def budget(step):
    number = int(step.split("_", 1)[0])
    return IMAGE_BUDGET_S if number >= IMAGE_FIRST_STEP else BUDGET_S


def run_reference(root, step):
    """Seconds to run `step`'s reference solution top to bottom, and the
    first error a cell raised (None when every cell ran)."""
    source = nbformat.read(instructor.notebook_path(root, "source", step), as_version=4)
    release = nbformat.read(instructor.notebook_path(root, "release", step), as_version=4)
    nb = instructor.reference_solution(source, release)
    with tempfile.TemporaryDirectory(prefix=f"bench-{step}-") as folder:
        client = NotebookClient(nb, timeout=max(600, 3 * budget(step)), kernel_name="python3",
                                resources={"metadata": {"path": folder}}, allow_errors=False)
        start = time.perf_counter()
        error = None
        try:
            client.execute()
        except CellExecutionError as exc:  # a cell raised: report it, go on
            error = ANSI.sub("", f"{exc.ename}: {exc.evalue}")
        except Exception as exc:  # a cell timed out, the kernel died
            lines = ANSI.sub("", str(exc)).strip().splitlines()
            error = f"{type(exc).__name__}: {lines[0] if lines else ''}"
        return time.perf_counter() - start, error


def main(argv):
    root = find_course_root(Path(__file__).resolve().parent)
    # Kernels inherit this process's environment: the data root passes through.
    os.environ.setdefault("COURSE_DATA_DIR", str(root / "data"))
    # Jupyter kernels are found next to this Python, even when it is not on PATH.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    steps = argv or instructor.assignments(root)
    width = max(len("step"), *(len(s) for s in steps))
    print(f"{'step'.ljust(width)}  {'seconds':>8}  {'budget':>6}  note", flush=True)
    total, failed, figures = 0.0, [], {}
    for step in steps:
        seconds, error = run_reference(root, step)
        figures[f"{step} s"] = round(seconds, 1)
        total += seconds
        limit = budget(step)
        note = "ERROR: " + error if error else ("OVER BUDGET" if seconds > limit else "")
        if error:
            failed.append(step)
        print(f"{step.ljust(width)}  {seconds:8.1f}  {limit:6d}  {note}", flush=True)
    print(f"{'total'.ljust(width)}  {total:8.1f}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{len(steps)} notebooks on {os.cpu_count()} CPU cores, load average now {load}; "
          f"python {sys.version.split()[0]}")
    figures["total s"] = round(total, 1)
    record("notebooks", figures, setting=" ".join(argv))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
