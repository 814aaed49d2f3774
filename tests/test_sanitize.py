"""course/grader/preprocessors/sanitize_submission.py on its own, against a small gradebook made with
nbgrader's API: no kernel, no nbgrader autograde (the slow end-to-end cases
are in tests/adversarial/)."""
import hashlib

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook
from nbgrader.preprocessors import CheckCellMetadata

from course.grader.preprocessors.sanitize_submission import MISSING_ANSWER, SanitizeSubmission

pytestmark = pytest.mark.unit

STEP = "ps1"
# The assignment's cells, in order: (name, cell type, kind, source).
CELLS = [
    ("intro", "markdown", "locked", "# Step one\nRead this first."),
    ("answer", "code", "solution", "# YOUR CODE HERE\nraise NotImplementedError()"),
    ("check-answer", "code", "test", "assert answer == 42"),
    ("setup", "code", "locked", "import math"),
    # The gradebook's source of an answer cell must never be handed back:
    # a put-back answer is empty and earns nothing.
    ("answer2", "code", "solution", "def f():\n    return 42"),
    ("check-answer2", "code", "test", "assert f() == 42"),
]


def checksum(name):
    return hashlib.md5(name.encode()).hexdigest()  # 32 characters, as nbgrader's


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        gb.add_assignment(STEP)
        gb.add_notebook(STEP, STEP)
        for name, cell_type, kind, source in CELLS:
            if kind == "test":
                gb.add_grade_cell(name, STEP, STEP, max_score=1, cell_type=cell_type)
            if kind == "solution":
                gb.add_solution_cell(name, STEP, STEP)
            gb.add_source_cell(name, STEP, STEP, cell_type=cell_type, locked=kind != "solution",
                               source=source, checksum=checksum(name))
    return url


def graded(name, source, **meta):
    """A cell as the release notebook has it (what a student may copy or rename)."""
    kind = dict((n, k) for n, _, k, _ in CELLS).get(name, "test")
    cell = (new_markdown_cell if name == "intro" else new_code_cell)(source)
    cell.metadata["nbgrader"] = {"grade": kind == "test", "grade_id": name, "locked": kind != "solution",
                                 "solution": kind == "solution", "schema_version": 3, "task": False,
                                 **({"points": 1} if kind == "test" else {}), **meta}
    return cell


def sanitize(nb, db_url):
    resources = {"nbgrader": {"db_url": db_url, "assignment": STEP, "notebook": STEP}}
    nb, _ = SanitizeSubmission().preprocess(nb, resources)
    return nb


def ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_complete_submission_is_left_alone(db_url):
    nb = new_notebook(cells=[graded(name, source) for name, _, _, source in CELLS])
    before = nbformat.writes(nb)
    assert nbformat.writes(sanitize(nb, db_url)) == before


def test_unknown_and_repeated_graded_cells_become_plain_cells(db_url):
    cells = [graded(name, source) for name, _, _, source in CELLS]
    renamed = graded("check-mine", "assert True")          # a grade_id the gradebook does not know
    copied = graded("check-answer", "assert answer == 42")  # a second copy of a test cell
    copied_answer = graded("answer", "answer = 42")          # and of an answer cell
    nb = new_notebook(cells=cells[:3] + [renamed, copied, copied_answer] + cells[3:])

    nb = sanitize(nb, db_url)

    assert ids(nb) == ["intro", "answer", "check-answer", None, None, None, "setup", "answer2", "check-answer2"]
    # Kept as plain cells, their code and all (they just earn nothing).
    assert [c.source for c in nb.cells[3:6]] == ["assert True", "assert answer == 42", "answer = 42"]
    # The first copy of each keeps its metadata.
    assert nb.cells[2].metadata["nbgrader"]["grade"] is True


def test_missing_locked_and_answer_cells_are_put_back_in_order(db_url):
    # The student deleted the intro, the setup cell, answer2 and check-answer2
    # (test cells are nbgrader's OverwriteCells' to put back, not ours).
    kept = {"answer": "answer = 42", "check-answer": "assert answer == 42"}
    nb = new_notebook(cells=[graded(name, source) for name, source in kept.items()])

    nb = sanitize(nb, db_url)

    assert ids(nb) == ["intro", "answer", "check-answer", "setup", "answer2"]
    intro, _, _, setup, answer2 = nb.cells
    assert intro.cell_type == "markdown" and intro.source == "# Step one\nRead this first."
    assert setup.cell_type == "code" and setup.source == "import math"
    for cell, name in ((intro, "intro"), (setup, "setup")):
        meta = cell.metadata["nbgrader"]
        assert meta["locked"] is True and meta["solution"] is False and meta["grade"] is False
        assert meta["checksum"] == checksum(name)
    # The missing answer comes back empty, saying so: not the gradebook's source.
    assert answer2.cell_type == "code" and answer2.source == MISSING_ANSWER
    assert "return 42" not in answer2.source
    meta = answer2.metadata["nbgrader"]
    assert meta["solution"] is True and meta["locked"] is False and meta["grade"] is False
    assert "checksum" not in meta
    # It defines nothing, so the test cell put back after it fails.
    namespace = {}
    exec(answer2.source, namespace)
    assert set(namespace) == {"__builtins__"}
    # What comes back is metadata nbgrader itself accepts.
    CheckCellMetadata().preprocess(nb, {})


def test_empty_notebook_gets_every_locked_and_answer_cell(db_url):
    nb = sanitize(new_notebook(cells=[]), db_url)
    assert ids(nb) == ["intro", "answer", "setup", "answer2"]
    assert nb.cells[1].source == nb.cells[3].source == MISSING_ANSWER


def test_missing_cells_before_every_kept_cell_go_on_top(db_url):
    # Only the last test cell is left, with a plain cell of the student's before it.
    plain = new_code_cell("print('my notes')")
    nb = new_notebook(cells=[plain, graded("check-answer2", "assert f() == 42")])

    nb = sanitize(nb, db_url)

    assert ids(nb) == ["intro", "answer", "setup", "answer2", None, "check-answer2"]
    assert nb.cells[4].source == "print('my notes')"
