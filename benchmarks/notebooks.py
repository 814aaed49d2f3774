"""How long each step's notebook takes, run top to bottom as a student who
solved everything would run it.

    python benchmarks/notebooks.py [--before REV] [step ...]   (or: make bench-notebooks)

For every step (default: all of source/), the release notebook is filled in
with the instructor's solutions (`course.grader.instructor.reference_solution`, the
same submission the tests grade) and executed with nbclient in a fresh
temporary folder, the data root (COURSE_DATA_DIR) passed through. Prints
seconds per notebook and the total, and flags a notebook over its budget:
30 s for steps 01-11, 90 s for the image steps (12 and above; issue #21's
target on 2 idle cores with the CPU budget).
The time includes starting the kernel and importing torch, as a student's
"Restart and run all" would. After the last step's notebook (the final CNN)
one more cell, not timed, prints the trained `model`'s accuracy on the
validation and on the test images.

With `--before REV` each step also runs as it was at git revision REV (its
notebooks, and its `course` package on the kernel's PYTHONPATH), just
before this checkout's: the two columns come from the same machine in the
same run. This is a measurement, not a test: it exits 0
unless a notebook fails to run.

Timings depend on the machine and on what else is running on it.
"""
import argparse
import contextlib
import datetime
import os
import re
import subprocess
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


# Not timed: run after the last step's notebook, in its kernel. Written for
# the names every version of the final step has (model, val_set,
# val_transform, cifar10) and nothing else, so that older versions run it too.
ACCURACY_CELL = """\
import torch as _torch
from torch.utils.data import DataLoader as _Loader

def _bench_accuracy(images):
    model.eval()
    device, hits = next(model.parameters()).device, 0
    with _torch.no_grad():
        for x, y in _Loader(images, batch_size=500):
            hits += int((model(x.to(device)).argmax(1).cpu() == y).sum())
    return hits / len(images)

print("BENCH-ACCURACY", _bench_accuracy(val_set), _bench_accuracy(cifar10("test", transform=val_transform)))
"""


def _seconds(cell):
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def run_reference(root, step, with_accuracy=False):
    """Seconds to run `step`'s reference solution top to bottom (the notebooks
    and the `course` package of `root`), the first error a cell raised (None
    when every cell ran), and with_accuracy: (validation, test) accuracy of
    the notebook's final `model`, else None."""
    source = nbformat.read(instructor.notebook_path(root, "source", step), as_version=4)
    release = nbformat.read(instructor.notebook_path(root, "release", step), as_version=4)
    nb = instructor.reference_solution(source, release)
    if with_accuracy:
        nb.cells.append(nbformat.v4.new_code_cell(ACCURACY_CELL))
    with tempfile.TemporaryDirectory(prefix=f"bench-{step}-") as folder, _course_from(root):
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
        seconds = time.perf_counter() - start
    accuracy = None
    if with_accuracy:
        seconds -= _seconds(nb.cells[-1])
        printed = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []))
        found = re.search(r"BENCH-ACCURACY (\S+) (\S+)", printed)
        accuracy = (float(found[1]), float(found[2])) if found else None
    return seconds, error, accuracy


@contextlib.contextmanager
def _course_from(root):
    """Kernels started inside import `course` from `root` (they inherit this
    process's environment): an older checkout's package for its notebooks."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), before) if p)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


@contextlib.contextmanager
def checkout(root, rev):
    """A temporary git worktree of `rev`, removed afterwards."""
    folder = tempfile.mkdtemp(prefix="bench-before-")
    subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", "-q", folder, rev], check=True)
    try:
        yield Path(folder)
    finally:
        subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", folder], check=False)


def _percent(accuracy):
    return "" if accuracy is None else f"validation {accuracy[0]:.1%}, test {accuracy[1]:.1%}"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="also run each step as it was at this git revision")
    parser.add_argument("steps", nargs="*")
    args = parser.parse_args(argv)
    root = find_course_root(Path(__file__).resolve().parent)
    # Kernels inherit this process's environment: the data root passes through.
    os.environ.setdefault("COURSE_DATA_DIR", str(root / "data"))
    # Jupyter kernels are found next to this Python, even when it is not on PATH.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    steps = args.steps or instructor.assignments(root)
    final = instructor.assignments(root)[-1]
    with contextlib.ExitStack() as stack:
        old = stack.enter_context(checkout(root, args.before)) if args.before else None
        return _run(root, steps, final, old, args.before)


def _run(root, steps, final, old, rev):
    width = max(len("step"), *(len(s) for s in steps))
    before_head = f"  {'before':>8}" if old else ""
    print(f"{'step'.ljust(width)}{before_head}  {'seconds':>8}  {'budget':>6}  note", flush=True)
    total, total_before, failed, figures = 0.0, 0.0, [], {}
    for step in steps:
        notes = []
        before_cell = ""
        if old:
            if (old / "source" / step).is_dir():
                seconds_before, error, accuracy = run_reference(old, step, with_accuracy=step == final)
                figures[f"{step} s before"] = round(seconds_before, 1)
                total_before += seconds_before
                before_cell = f"  {seconds_before:8.1f}"
                notes += [f"before: ERROR: {error}"] if error else []
                if accuracy:
                    notes.append(f"before: {_percent(accuracy)}")
                    figures["final CNN before val %"], figures["final CNN before test %"] = (
                        round(100 * accuracy[0], 1), round(100 * accuracy[1], 1))
            else:
                before_cell = f"  {'-':>8}"
        seconds, error, accuracy = run_reference(root, step, with_accuracy=step == final)
        figures[f"{step} s"] = round(seconds, 1)
        total += seconds
        limit = budget(step)
        if error:
            failed.append(step)
            notes.append("ERROR: " + error)
        elif seconds > limit:
            notes.append("OVER BUDGET")
        if accuracy:
            notes.append(_percent(accuracy))
            figures["final CNN val %"], figures["final CNN test %"] = (
                round(100 * accuracy[0], 1), round(100 * accuracy[1], 1))
        print(f"{step.ljust(width)}{before_cell}  {seconds:8.1f}  {limit:6d}  {'; '.join(notes)}", flush=True)
    total_cell = f"  {total_before:8.1f}" if old else ""
    print(f"{'total'.ljust(width)}{total_cell}  {total:8.1f}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{len(steps)} notebooks on {os.cpu_count()} CPU cores, load average now {load}; "
          f"python {sys.version.split()[0]}" + (f"; before = {rev}" if rev else ""))
    figures["total s"] = round(total, 1)
    if old:
        figures["total s before"] = round(total_before, 1)
    record("notebooks", figures, setting=" ".join(([f"--before {rev}"] if rev else []) + list(steps)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
