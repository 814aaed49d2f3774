"""What grading needs from this machine, checked once per process before the
first kernel starts, so that a missing piece is one line naming the fix and
never a kernel that dies ("Kernel died before replying to kernel_info")."""
import functools
import os
import subprocess
import sys
import tempfile


class NotReadyToGrade(RuntimeError):
    """Grading cannot start here; the message says what to do."""


def course_importable(python=sys.executable):
    """Whether `python` imports the course package from outside the course
    folder, as the kernel launcher must (kernels start in autograded/...)."""
    with tempfile.TemporaryDirectory() as elsewhere:
        done = subprocess.run([python, "-c", "import course.grader.sandbox.launcher"], cwd=elsewhere,
                              capture_output=True, timeout=120)
    return done.returncode == 0


def problems(root, environ=os.environ, python=sys.executable):
    """One line per thing that stops grading here, each naming its fix."""
    found = []
    if not course_importable(python):
        found.append(f"the course package is not installed in {python}: run "
                     f"`{python} -m pip install -e {root}` (`make setup` does it)")
    data_dir = environ.get("COURSE_DATA_DIR")
    if data_dir and not os.path.isdir(os.path.join(root, data_dir)):
        found.append(f"COURSE_DATA_DIR={data_dir} is not a folder: run `make data`, or point "
                     "COURSE_DATA_DIR at a provisioned data root")
    return found


@functools.lru_cache(maxsize=None)
def ensure_ready(root):
    """Raise NotReadyToGrade (once per course per process) if grading cannot start."""
    found = problems(str(root))
    if found:
        raise NotReadyToGrade("cannot grade here: " + "; ".join(found))
