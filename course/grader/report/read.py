"""The class's results, as records: the gradebook (nbgrader's Gradebook, on
SQLite or PostgreSQL alike) for who handed in what and each graded cell's
score, and the autograded notebooks for what each failing cell said, the
answer above it, and the limits a submission hit.

Notebooks are read as plain JSON: nbformat's validation would take most of
the report's time on a large class, and nothing here writes them back.
"""
import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from course.grader import instructor
from course.grader.preprocessors.limited_execute import LIMIT_ERRORS


@dataclass
class Check:
    """A graded cell of a step."""
    step: str
    grade_id: str
    points: float


@dataclass
class CellResult:
    """What one graded cell of one submission earned, and, when it lost
    points, the error it showed and the student's answer above it."""
    score: float
    max_score: float
    ename: str = ""
    message: str = ""
    answer: str = ""

    @property
    def passed(self):
        return self.score >= self.max_score

    @property
    def limit(self):
        return self.ename in LIMIT_ERRORS


@dataclass
class Submission:
    student: str
    step: str
    timestamp: datetime | None = None
    cells: dict = field(default_factory=dict)   # grade_id -> CellResult
    limits: list = field(default_factory=list)  # [(ename, message)] for the whole notebook
    seconds: float | None = None                # kernel time, where the notebook recorded it

    @property
    def score(self):
        return sum(c.score for c in self.cells.values())

    @property
    def max_score(self):
        return sum(c.max_score for c in self.cells.values())


@dataclass
class StepData:
    step: str
    checks: list                                     # [Check], in notebook order
    submissions: dict = field(default_factory=dict)  # student -> Submission


@dataclass
class ClassData:
    students: list  # every student the gradebook knows
    steps: list     # [StepData], in course order


def db_url_of(root):
    config = instructor.load_config(root)
    return config.CourseDirectory.get("db_url") or f"sqlite:///{Path(root) / 'gradebook.db'}"


def read_gradebook(db_url, steps):
    """(students, {step: [Check]}, {step: {student: Submission}}) from the
    gradebook, in three queries whatever the size of the class."""
    from nbgrader.api import (Assignment, Grade, GradeCell, Gradebook, Notebook, Student,
                              SubmittedAssignment, SubmittedNotebook)

    checks = {step: [] for step in steps}
    submissions = {step: {} for step in steps}
    with contextlib.closing(Gradebook(db_url)) as gb:
        students = sorted(s for (s,) in gb.db.query(Student.id))
        cells = (gb.db.query(Assignment.name, GradeCell.name, GradeCell.max_score)
                 .select_from(GradeCell).join(Notebook, GradeCell.notebook_id == Notebook.id)
                 .join(Assignment, Notebook.assignment_id == Assignment.id)
                 .filter(Assignment.name.in_(steps)))
        for step, grade_id, points in cells:
            checks[step].append(Check(step, grade_id, points))
        handed_in = (gb.db.query(Assignment.name, Student.id, SubmittedAssignment.timestamp)
                     .select_from(SubmittedAssignment)
                     .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                     .join(Student, SubmittedAssignment.student_id == Student.id)
                     .filter(Assignment.name.in_(steps)))
        for step, student, timestamp in handed_in:
            submissions[step][student] = Submission(student, step, timestamp)
        grades = (gb.db.query(Assignment.name, Student.id, GradeCell.name, Grade.score, GradeCell.max_score)
                  .select_from(Grade).join(GradeCell, Grade.cell_id == GradeCell.id)
                  .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                  .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                  .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                  .join(Student, SubmittedAssignment.student_id == Student.id)
                  .filter(Assignment.name.in_(steps)))
        for step, student, grade_id, score, max_score in grades:
            submissions[step][student].cells[grade_id] = CellResult(score or 0.0, max_score or 0.0)
    return students, checks, submissions


def cell_order(root, step):
    """{grade_id: position} in the step's source notebook (the gradebook keeps
    no order); empty when there is no source/."""
    path = Path(root) / "source" / step / f"{step}.ipynb"
    if not path.is_file():
        return {}
    cells = json.loads(path.read_text())["cells"]
    ids = [instructor.nbgrader_meta(c).get("grade_id") for c in cells]
    return {g: i for i, g in enumerate(ids) if g}


def _text(source):
    return "".join(source) if isinstance(source, list) else source or ""


def _seconds(cells):
    """Kernel time from the first cell's start to the last cell's reply,
    where nbclient recorded it (cell metadata "execution"); else None."""
    starts, ends = [], []
    for cell in cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            starts.append(timing["iopub.execute_input"])
            ends.append(timing["shell.execute_reply"])
    if not starts:
        return None
    parse = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))  # noqa: E731
    return (parse(max(ends)) - parse(min(starts))).total_seconds()


def read_notebook(path, submission):
    """Fill in `submission` from its autograded notebook: each failing graded
    cell's error and the answer cells above it (back to the previous graded
    cell; for a check right under another, the answer above both), the
    limits hit, and the kernel time."""
    nb = json.loads(Path(path).read_text())
    answer, last_answer = [], ""
    for cell in nb.get("cells", []):
        meta = instructor.nbgrader_meta(cell)
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        submission.limits += [(o.get("ename", ""), o.get("evalue", "")) for o in errors
                              if o.get("ename") in LIMIT_ERRORS]
        if meta.get("solution") and not meta.get("grade"):
            answer.append(_text(cell.get("source")))
        if not meta.get("grade"):
            continue
        # A check right under another one judges the same answer: the one above both.
        last_answer = "\n\n".join(a for a in answer if a.strip()) or last_answer
        result = submission.cells.get(meta.get("grade_id"))
        if result is not None and not result.passed:
            if errors:  # the first: where the cell stopped (a hidden check's may follow)
                result.ename, result.message = errors[0].get("ename", ""), errors[0].get("evalue", "")
            result.answer = last_answer
        answer = []
    submission.seconds = _seconds(nb.get("cells", []))


def read_class(root, steps, db_url=None):
    """Everything the report shows about `steps`, as a ClassData."""
    root = Path(root)
    students, checks, submissions = read_gradebook(db_url or db_url_of(root), steps)
    data = []
    for step in steps:
        order = cell_order(root, step)
        ordered = sorted(checks[step], key=lambda c: (order.get(c.grade_id, len(order)), c.grade_id))
        for student, submission in submissions[step].items():
            for path in sorted((root / "autograded" / student / step).glob("*.ipynb")):
                read_notebook(path, submission)
        data.append(StepData(step, ordered, dict(sorted(submissions[step].items()))))
    return ClassData(students, data)
