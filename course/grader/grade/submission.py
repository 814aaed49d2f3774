"""One submission graded: nbgrader's autograde and generate_feedback, and
what came of it (score, limits broken, a notebook that could not be read)."""
import contextlib
import copy
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from course.grader import instructor
from course.grader.grade.gradebook import make_api, retrying


@dataclass
class Result:
    step: str
    student: str
    status: str = "graded"     # graded | limit | unreadable | failed | killed | not run
    score: float | None = None
    max_score: float | None = None
    message: str = ""
    seconds: float = 0.0
    worker: int = 0
    device: str | None = None
    feedback: bool = False

    @property
    def failed(self):
        return self.status == "failed"


def summary_row(r):
    """One submission's columns, in the summary and in grading's progress lines."""
    score = f"{r.score:g} / {r.max_score:g}" if r.score is not None else "-"
    return (r.step, r.student, score, r.status, f"{r.seconds:.0f}", r.message)


def progress_line(r, done, total):
    """The line grading prints as a submission is done, the done-th of total."""
    step, student, score, status, seconds, message = summary_row(r)
    return f"[{done}/{total}] {step}  {student}  {score}  {status}  {seconds} s" + (f"  {message}" if message else "")


def limit_notes(notebook_path):
    """[(ename, grade_id or cell number, message)] for the limit errors that
    LimitedExecute wrote into an autograded notebook."""
    import nbformat

    from course.grader.preprocessors.limited_execute import LIMIT_ERRORS

    notes = []
    if not Path(notebook_path).is_file():
        return notes
    nb = nbformat.read(notebook_path, as_version=4)
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in LIMIT_ERRORS:
                name = instructor.nbgrader_meta(cell).get("grade_id") or f"cell {i}"
                notes.append((output["ename"], name, output.get("evalue", "")))
    return notes


def summarize_notes(notes):
    from course.grader.preprocessors.limited_execute import NOT_RUN

    broke = [n for n in notes if n[0] != NOT_RUN]
    not_run = [n for n in notes if n[0] == NOT_RUN]
    parts = [f"{ename} in {name}" for ename, name, _ in broke]
    if not_run:
        parts.append(f"{len(not_run)} cells not run")
    return "; ".join(parts)


def unreadable(root, step, student):
    """Why nbgrader cannot grade this submission's notebook (it is missing,
    or not a notebook), or None."""
    import nbformat

    folder = Path(root) / "submitted" / student / step
    path = folder / f"{step}.ipynb"
    if not path.is_file():
        found = sorted(p.name for p in folder.glob("*.ipynb"))
        return (f"Your submission has no {step}.ipynb" + (f" (it holds {', '.join(found)})" if found else "")
                + ": it was graded as the notebook you were given, unanswered.")
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as error:  # not JSON, not a notebook
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        return (f"Your {step}.ipynb could not be read: it is not valid JSON or not a notebook ({first}). "
                "It was graded as the notebook you were given, unanswered.")
    return None


def stand_in(root, step, student, reason, scratch):
    """A submitted/ folder in `scratch` for one submission: a copy of the
    student's folder, with the release notebook (and `reason` on top) in
    place of a notebook nbgrader cannot grade, so it is graded and its
    feedback says why. submitted/ itself is left as the student handed it in."""
    import nbformat

    folder = Path(scratch) / student / step
    shutil.copytree(Path(root) / "submitted" / student / step, folder,
                    ignore=shutil.ignore_patterns("*.ipynb"))
    nb = nbformat.read(instructor.notebook_path(root, "release", step), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Not graded as handed in.** {reason}"))
    nbformat.write(nb, folder / f"{step}.ipynb")
    return Path(scratch)


def grade_submission(api, config, root, step, student, feedback=True, not_run_reason=None):
    """nbgrader autograde (and generate_feedback) for one submission, and what
    came of it, as a Result."""
    from nbgrader.api import Gradebook

    start = time.perf_counter()
    result = Result(step, student)
    reason = unreadable(root, step, student)
    scratch = tempfile.mkdtemp(prefix="course-standin-") if reason else None
    if not_run_reason or reason:
        config = copy.deepcopy(config)
        if not_run_reason:
            config.LimitedExecute.not_run_reason = not_run_reason
        if reason:
            config.CourseDirectory.submitted_directory = str(stand_in(root, step, student, reason, scratch))
        api = make_api(config)
    try:
        graded = retrying(lambda: api.autograde(step, student, force=True, create=True), "autograde")
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if not graded.get("success"):
        result.status = "failed"
        result.message = _last_line(graded.get("error") or graded.get("log") or "autograde failed")
        result.seconds = time.perf_counter() - start
        return result
    notes = limit_notes(instructor.notebook_path(root, f"autograded/{student}", step))
    if not_run_reason:
        result.status, result.message = "not run", not_run_reason
    elif reason:
        result.status, result.message = "unreadable", reason
    elif notes:
        result.status, result.message = "limit", summarize_notes(notes)
    with contextlib.closing(Gradebook(config.CourseDirectory.db_url,
                                      config.CourseDirectory.get("course_id", "default_course"))) as gb:
        submission = gb.find_submission(step, student)
        result.score, result.max_score = submission.score, submission.max_score
    if feedback:
        made = retrying(lambda: api.generate_feedback(step, student, force=True), "generate_feedback")
        result.feedback = bool(made.get("success"))
        if not result.feedback:
            result.status = "failed"
            result.message = "feedback: " + _last_line(made.get("error") or made.get("log") or "")
    result.seconds = time.perf_counter() - start
    return result


def _last_line(text):
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
