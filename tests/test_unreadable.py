"""course/grader/grade/submission.py's `unreadable` and `stand_in` on their own: a submission
whose notebook nbgrader cannot read is graded as the release notebook, with
the reason on top, and submitted/ keeps what the student handed in. (The
slow end-to-end cases are in tests/adversarial/.)"""
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.grader.grade.submission import stand_in, unreadable

pytestmark = pytest.mark.unit

STEP = "01_tensors"
STUDENT = "ada"


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "course"
    release = new_notebook(cells=[new_markdown_cell("# Tensors"), new_code_cell("# YOUR CODE HERE")])
    (root / "release" / STEP).mkdir(parents=True)
    nbformat.write(release, root / "release" / STEP / f"{STEP}.ipynb")
    (root / "submitted" / STUDENT / STEP).mkdir(parents=True)
    return root


def hand_in(root, text, name=f"{STEP}.ipynb"):
    path = root / "submitted" / STUDENT / STEP / name
    path.write_text(text)
    return path


def test_a_valid_notebook_is_readable(root):
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    hand_in(root, nbformat.writes(nb))
    assert unreadable(root, STEP, STUDENT) is None


def test_a_missing_notebook_is_named(root):
    reason = unreadable(root, STEP, STUDENT)
    assert reason.startswith(f"Your submission has no {STEP}.ipynb:")
    assert "graded as the notebook you were given, unanswered" in reason


def test_a_missing_notebook_names_the_notebooks_handed_in_instead(root):
    hand_in(root, nbformat.writes(new_notebook()), name="01_tensors (1).ipynb")
    hand_in(root, "{}", name="copy.ipynb")
    reason = unreadable(root, STEP, STUDENT)
    assert f"has no {STEP}.ipynb (it holds 01_tensors (1).ipynb, copy.ipynb)" in reason


@pytest.mark.parametrize("text,says", [
    ("{\"cells\": [", "does not appear to be JSON"),
    ("", "does not appear to be JSON"),
])
def test_a_notebook_that_is_not_json_is_named(root, text, says):
    hand_in(root, text)
    reason = unreadable(root, STEP, STUDENT)
    assert reason.startswith(f"Your {STEP}.ipynb could not be read: it is not valid JSON or not a notebook (")
    assert says in reason
    assert reason.endswith("It was graded as the notebook you were given, unanswered.")


@pytest.mark.parametrize("content,says", [
    ({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "all my answers"}, "is invalid"),
    ({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
      "cells": [{"id": "a", "cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": []}]},
     "'execution_count' is a required property"),
    ({"answers": [1, 2, 3]}, "missing a key: cells"),
])
def test_an_invalid_notebook_is_named(root, content, says):
    hand_in(root, json.dumps(content))
    reason = unreadable(root, STEP, STUDENT)
    assert reason is not None and reason.startswith(f"Your {STEP}.ipynb could not be read")
    assert says in reason


def test_a_long_error_is_cut_to_one_short_line(root):
    # jsonschema's message: the whole 2000-character value on its first line,
    # then the schema and the instance on many more.
    cell = {"id": "a", "cell_type": "markdown", "source": "x", "metadata": {"tags": "t" * 2000}}
    hand_in(root, json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}))
    reason = unreadable(root, STEP, STUDENT)
    assert reason.startswith(f"Your {STEP}.ipynb could not be read")
    assert "\n" not in reason and "Failed validating" not in reason
    assert "t" * 190 in reason and "t" * 201 not in reason


def test_stand_in_grades_the_release_with_the_reason_on_top(root, tmp_path):
    broken = hand_in(root, "{ this is not json")
    extra = hand_in(root, "my notes", name="notes.txt")
    before = {p.name: p.read_bytes() for p in broken.parent.iterdir()}
    reason = unreadable(root, STEP, STUDENT)
    scratch = tmp_path / "scratch"

    assert stand_in(root, STEP, STUDENT, reason, scratch) == scratch

    # submitted/ is as the student handed it in.
    assert {p.name: p.read_bytes() for p in broken.parent.iterdir()} == before
    # The scratch copy: the release notebook, the reason on top, the other files.
    folder = scratch / STUDENT / STEP
    assert sorted(p.name for p in folder.iterdir()) == [f"{STEP}.ipynb", "notes.txt"]
    assert (folder / extra.name).read_text() == "my notes"
    nb = nbformat.read(folder / f"{STEP}.ipynb", as_version=4)
    nbformat.validate(nb)
    release = nbformat.read(root / "release" / STEP / f"{STEP}.ipynb", as_version=4)
    top, *rest = nb.cells
    assert top.cell_type == "markdown" and top.source == f"**Not graded as handed in.** {reason}"
    assert [(c.cell_type, c.source) for c in rest] == [(c.cell_type, c.source) for c in release.cells]


def test_stand_in_for_a_missing_notebook(root, tmp_path):
    hand_in(root, nbformat.writes(new_notebook()), name="wrong-name.ipynb")
    reason = unreadable(root, STEP, STUDENT)
    folder = stand_in(root, STEP, STUDENT, reason, tmp_path / "scratch") / STUDENT / STEP
    # Only the stand-in notebook: another notebook handed in is not graded.
    assert sorted(p.name for p in folder.iterdir()) == [f"{STEP}.ipynb"]
    assert nbformat.read(folder / f"{STEP}.ipynb", as_version=4).cells[0].source.endswith(reason)
    assert sorted(p.name for p in (root / "submitted" / STUDENT / STEP).iterdir()) == ["wrong-name.ipynb"]
