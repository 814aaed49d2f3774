"""The instructor's loop, on nbgrader's own API.

    generate_release   source/ -> release/            (nbgrader generate_assignment)
    publish            release/ -> exchange outbound   (nbgrader release_assignment)
    fetch, submit      as a student, through the exchange
    collect            exchange inbound -> submitted/  (nbgrader collect)
    (course.grader.loop.run_loop: all of the above, then autograde
                       and generate_feedback, in parallel workers
    scores             the gradebook, step by step

Only the notebook surgery (`reference_solution`, `with_cells`) is written by
hand: nbgrader has no "fill in the instructor's answers" command.
"""
import contextlib
import copy
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbgrader.utils import is_solution
from traitlets.config.loader import PyFileConfigLoader

# nbgrader runs `alembic` (for the gradebook) and Jupyter kernels as
# programs: find them in this Python's environment even when it is not on PATH.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

SOLUTION_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


class NbgraderFailed(RuntimeError):
    """An nbgrader command reported failure; the message holds its log."""


# -- configuration ---------------------------------------------------------------

def load_config(root):
    """The course's nbgrader_config.py, as nbgrader itself would read it."""
    root = Path(root).resolve()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config


def nbgrader_api(root, **coursedir_traits):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_config(root)
    for name, value in coursedir_traits.items():
        setattr(config.CourseDirectory, name, value)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def assignments(root):
    """Every step, in course order (the folders of source/ sort by their number)."""
    return sorted(p.name for p in (Path(root) / "source").iterdir() if p.is_dir() and not p.name.startswith("."))


def notebook_path(root, folder, assignment):
    return Path(root) / folder / assignment / f"{assignment}.ipynb"


def _check(result, what):
    if not result.get("success"):
        raise NbgraderFailed(f"{what} failed:\n{result.get('error') or ''}\n{result.get('log') or ''}")
    return result


# -- notebooks -------------------------------------------------------------------

def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def strip_solution_markers(code):
    return "\n".join(line for line in code.splitlines() if not SOLUTION_MARKERS.match(line))


def reference_solution(source_nb, release_nb):
    """The release notebook with every answer cell filled in from the source:
    what a student who solved everything exactly like the instructor submits."""
    answers = {
        nbgrader_meta(c)["grade_id"]: strip_solution_markers(c.source)
        for c in source_nb.cells
        if is_solution(c)
    }
    return with_cells(release_nb, answers)


def solve(root, step):
    """The answer of a student who solved `step` exactly like the instructor:
    fetched notebook -> the same notebook with the source's solutions."""
    source = nbformat.read(notebook_path(root, "source", step), as_version=4)
    return lambda fetched: reference_solution(source, fetched)


def leave_untouched(fetched):
    """The answer of a student who hands in what they fetched."""
    return fetched


def demo_submissions(root, steps, reference="demo-reference", untouched="demo-untouched"):
    """{student: {step: answer}} for the two demo students of the main loop."""
    return {
        reference: {step: solve(root, step) for step in steps},
        untouched: {step: leave_untouched for step in steps},
    }


def with_cells(nb, new_sources):
    """A copy of `nb` with the cells named by grade_id given new sources."""
    nb = copy.deepcopy(nb)
    missing = set(new_sources)
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in new_sources:
            cell.source = new_sources[grade_id]
            missing.discard(grade_id)
    if missing:
        raise KeyError(f"no cells with grade_id {sorted(missing)}")
    return nb


# -- the loop --------------------------------------------------------------------

def generate_release(root, steps=None):
    """Regenerate release/<step>/ from source/<step>/ with nbgrader."""
    api = nbgrader_api(root)
    for step in steps or assignments(root):
        _check(api.generate_assignment(step, force=True, create=True), f"generate_assignment {step}")


def publish(root, steps):
    """Put the release notebooks in the exchange, where students fetch them."""
    api = nbgrader_api(root)
    for step in steps:
        api.unrelease(step)  # so publishing twice replaces, not fails
        _check(api.release_assignment(step), f"release_assignment {step}")


def _student_exchange_app(root, app_name, student, step, workspace):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import default

    config = load_config(root)
    config.CourseDirectory.student_id = student
    config.CourseDirectory.assignment_id = step
    config.Exchange.assignment_dir = str(workspace)
    coursedir = CourseDirectory(config=config)
    authenticator = Authenticator(config=config)
    return getattr(default, app_name)(coursedir=coursedir, authenticator=authenticator, config=config)


def fetch(root, student, step, workspace):
    """`nbgrader fetch_assignment` as `student`, into workspace/<step>/."""
    workspace = Path(workspace)
    shutil.rmtree(workspace / step, ignore_errors=True)
    workspace.mkdir(parents=True, exist_ok=True)
    _student_exchange_app(root, "ExchangeFetchAssignment", student, step, workspace).start()
    return notebook_path(workspace.parent, workspace.name, step)


def submit(root, student, step, workspace):
    """`nbgrader submit` as `student`, from workspace/<step>/."""
    _student_exchange_app(root, "ExchangeSubmit", student, step, workspace).start()


def collect(root, steps):
    api = nbgrader_api(root)
    for step in steps:
        _check(api.collect(step, update=True), f"collect {step}")


# -- results ---------------------------------------------------------------------

def scores(root, steps=None):
    """{step: {student: (score, max_score)}} from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    config = load_config(root)
    db_url = config.CourseDirectory.get("db_url") or f"sqlite:///{Path(root) / 'gradebook.db'}"
    table = {}
    with contextlib.closing(Gradebook(db_url)) as gb:
        for step in steps or assignments(root):
            table[step] = {}
            try:
                assignment = gb.find_assignment(step)
            except MissingEntry:
                continue
            for submission in assignment.submissions:
                table[step][submission.student.id] = (submission.score, submission.max_score)
    return table


def cell_results(root, step, student):
    """{grade_id: (score, max_score, output text)} for one autograded notebook:
    what each graded cell earned and what it printed (its feedback)."""
    from nbgrader.api import Gradebook

    config = load_config(root)
    db_url = config.CourseDirectory.get("db_url") or f"sqlite:///{Path(root) / 'gradebook.db'}"
    nb = nbformat.read(notebook_path(root, f"autograded/{student}", step), as_version=4)
    outputs = {}
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id and cell.cell_type == "code":
            outputs[grade_id] = "\n".join(
                o.get("text", "") + o.get("evalue", "") + "\n".join(o.get("traceback", []))
                for o in cell.get("outputs", [])
            )
    results = {}
    with contextlib.closing(Gradebook(db_url)) as gb:
        submission = gb.find_submission_notebook(step, step, student)
        for grade in submission.grades:
            results[grade.name] = (grade.score, grade.max_score, outputs.get(grade.name, ""))
    return results


def format_scores(table, students):
    """A per-step score table, one column per student."""
    width = max([len("step")] + [len(s) for s in table])
    cols = [max(len(s), 11) for s in students]
    lines = ["  ".join(["step".ljust(width)] + [s.rjust(c) for s, c in zip(students, cols)])]
    totals = {s: [0.0, 0.0] for s in students}
    for step, row in table.items():
        cells = []
        for student, col in zip(students, cols):
            if student in row:
                score, max_score = row[student]
                totals[student][0] += score
                totals[student][1] += max_score
                cells.append(f"{score:g} / {max_score:g}".rjust(col))
            else:
                cells.append("-".rjust(col))
        lines.append("  ".join([step.ljust(width)] + cells))
    lines.append("  ".join(["total".ljust(width)] + [f"{t[0]:g} / {t[1]:g}".rjust(c) for t, c in zip(totals.values(), cols)]))
    return "\n".join(lines)
