"""Write an nbgrader source notebook from Python, cell by cell.

Instructors can edit source/*.ipynb in Jupyter with nbgrader's "Create
Assignment" toolbar; this module is for writing or rewriting a whole notebook
from a script, with the same cell metadata that toolbar writes:

    from tools.authoring import markdown, setup, code, answer, check, write
    write("source/01_tensors/01_tensors.ipynb", [
        markdown("# Tensors"),
        setup(),
        answer("make-x1", "### BEGIN SOLUTION\\nx1 = ...\\n### END SOLUTION"),
        check("check-x1", 1, "assert x1.shape == (4,)", hidden="01_tensors::test_x1"),
    ])
"""
from pathlib import Path

import nbformat

SETUP_SOURCE = """\
# Run this cell first. It makes every run of the notebook start from the same
# random numbers, so your results (and the autograder's) are repeatable.
from course.notebook import prepare
prepare(seed=0)"""


def _meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(text):
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(source):
    """An ordinary cell: a demonstration the student runs and reads."""
    return nbformat.v4.new_code_cell(source.strip("\n"))


def setup(extra=""):
    """The locked first code cell: seeds and quiet warnings, then imports."""
    source = SETUP_SOURCE + ("\n\n" + extra.strip("\n") if extra else "")
    return nbformat.v4.new_code_cell(source, metadata=_meta("setup", locked=True))


def answer(grade_id, source):
    """A cell the student fills in; the solution sits between
    ### BEGIN SOLUTION and ### END SOLUTION."""
    return nbformat.v4.new_code_cell(source.strip("\n"), metadata=_meta(grade_id, solution=True))


def check(grade_id, points, visible, hidden=None):
    """A graded test cell: visible asserts the student can run, then (hidden
    from students) one call to the step's pytest check in tests/hidden/."""
    source = visible.strip("\n")
    if hidden:
        source += (
            "\n\n### BEGIN HIDDEN TESTS\n"
            "from course.grading import hidden_check\n"
            f'hidden_check("{hidden}", globals())\n'
            "### END HIDDEN TESTS"
        )
    return nbformat.v4.new_code_cell(source, metadata=_meta(grade_id, grade=True, locked=True, points=points))


def write(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(cells):
        # Stable ids keep diffs of the notebook readable.
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell.id = grade_id or f"cell-{i:02d}"
    nb.cells = cells
    nbformat.validate(nb)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
