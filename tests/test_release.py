"""release/ is what nbgrader makes of source/, and holds nothing secret."""
import re
import shutil
from pathlib import Path

import nbformat
from nbgrader.utils import is_solution
import pytest

from course.grader import instructor
from tests.conftest import REPO

pytestmark = pytest.mark.unit

RELEASE_NOTEBOOKS = sorted((REPO / "release").glob("*/*.ipynb"))
SECRET_MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|hidden_check|tests/hidden")


def test_every_step_is_released():
    assert [p.parent.name for p in RELEASE_NOTEBOOKS] == instructor.assignments(REPO)


def hidden_check_lines(step="*"):
    """Every substantial line of the hidden checks' source (of one step, or all)."""
    lines = set()
    for path in (REPO / "tests" / "hidden").glob(f"check_{step}.py"):
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) > 25 and not line.startswith(("#", '"""', "import ", "from ")):
                lines.add(line)
    return lines


@pytest.mark.parametrize("path", RELEASE_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_release_holds_no_solution_or_hidden_test(path):
    text = path.read_text()
    assert not SECRET_MARKERS.search(text), f"{path} holds a solution or hidden-test marker"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        assert not cell.get("outputs"), f"{path}: cell {cell.id} ships with outputs"
    # Against this step's own checks: a common line (`except ValueError as
    # error:`) in another step's notebook is no leak.
    # Cell sources, not the file: JSON escapes the quotes of a shared line.
    sources = "\n".join(cell.source for cell in nb.cells)
    leaked = [line for line in hidden_check_lines(path.parent.name) if line in sources]
    assert not leaked, f"{path} contains hidden check source: {leaked[:3]}"


@pytest.mark.parametrize("path", RELEASE_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_reference_solutions_are_not_in_release(path):
    source = nbformat.read(REPO / "source" / path.parent.name / path.name, as_version=4)
    release = nbformat.read(path, as_version=4)
    released = {c.id: c.source for c in release.cells}
    for cell in source.cells:
        meta = instructor.nbgrader_meta(cell)
        if is_solution(cell):
            solution = instructor.strip_solution_markers(cell.source).strip()
            assert solution not in released[cell.id], f"{path}: solution of {meta['grade_id']} shipped"


def comparable(nb):
    """What matters in a notebook, without volatile metadata."""
    return [
        (cell.cell_type, cell.source, cell.get("metadata", {}).get("nbgrader"), cell.get("outputs", []))
        for cell in nb.cells
    ], nb.metadata.get("kernelspec")


def test_release_is_what_nbgrader_generates_today(course_template, steps):
    """The run's course template generates release/ from source/ (once for
    every test that copies it): it must be the committed release/."""
    course_template.release(steps)
    root = course_template.root
    for step in steps:
        fresh = nbformat.read(instructor.notebook_path(root, "release", step), as_version=4)
        committed = nbformat.read(instructor.notebook_path(REPO, "release", step), as_version=4)
        fresh_cells, fresh_kernel = comparable(fresh)
        committed_cells, committed_kernel = comparable(committed)
        assert len(fresh_cells) == len(committed_cells), f"{step}: release/ is stale; run `make release`"
        for i, (a, b) in enumerate(zip(fresh_cells, committed_cells)):
            assert a == b, f"{step}: cell {i} of release/ differs from nbgrader's output; run `make release`"
        assert fresh_kernel == committed_kernel
        extra = {p.name for p in (REPO / "release" / step).iterdir()} - {p.name for p in (root / "release" / step).iterdir()}
        assert not extra, f"{step}: release/ holds files nbgrader does not generate: {extra}"
