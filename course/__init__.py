"""Shared helpers for the PyTorch baby-steps course.

Students' notebooks import from here (`course.notebook`, `course.data`); the
instructor commands live in `course.grader.instructor` and run as `python -m course`.
Nothing in this package is secret: the hidden checks live in `tests/hidden/`,
which never ships to students.
"""
from pathlib import Path

__all__ = ["find_course_root"]


def find_course_root(start=None):
    """The course directory: the nearest folder above `start` (default: the
    working directory) that holds `nbgrader_config.py` and `source/`.

    Grading kernels run inside `autograded/<student>/<assignment>/`, so walking
    up from there finds the course that is grading them.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        try:
            if (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir():
                return folder
        except PermissionError:  # a grading kernel's user may not look into every folder above it
            continue
    raise FileNotFoundError(
        f"No course directory found above {here}: expected a folder with "
        "nbgrader_config.py and source/. Run this from inside the course directory."
    )
