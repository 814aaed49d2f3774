"""The grading service's side of nbgrader's exchange: what students handed
in (inbound/), collecting one given submission into submitted/ with
nbgrader's own collector, releasing one student's feedback with nbgrader's
release_feedback, and a "queued" page where the feedback will be.

Inbound folders are named student+step+timestamp+random by nbgrader's
submit; the feedback of a submission is exchange/<course>/feedback/<hash>.html,
hash = md5(the submission's secret + notebook name), which the student's
Fetch Feedback looks for.
"""
import html
import os
import shutil
import time
from pathlib import Path

from course.grader import instructor


def course_exchange(root):
    """exchange/<course id>/ as the course's nbgrader_config.py says."""
    config = instructor.load_config(root)
    return Path(config.Exchange.root) / config.CourseDirectory.course_id


def parse_name(name):
    """"ada+01_tensors+2026-12-02 04:30:00.123456 UTC+abc" -> (student,
    step, timestamp as ISO text), or None for anything else."""
    from nbgrader.utils import parse_utc

    parts = name.rsplit("+", 3)
    if len(parts) != 4 or not all(parts[:3]):
        return None
    try:
        stamp = parse_utc(parts[2])
    except (ValueError, TypeError, OverflowError):
        return None
    return parts[0], parts[1], stamp.isoformat()


def inbound(root):
    """[(name, student, step, submitted_at)] of every finished submission in
    the exchange. nbgrader's submit copies the notebook, writes timestamp.txt
    and submission_secret.txt, then opens the folder (mode 0777): a folder is
    taken once that is done (or its secret is a few seconds old)."""
    folder = course_exchange(root) / "inbound"
    if not folder.is_dir():
        return []
    found = []
    for entry in os.scandir(folder):
        parsed = parse_name(entry.name)
        if parsed and entry.is_dir() and finished(Path(entry.path)):
            found.append((entry.name, *parsed))
    return found


def finished(folder, settle=5):
    secret = folder / "submission_secret.txt"
    try:
        if not secret.stat().st_size:
            return False
        return folder.stat().st_mode & 0o777 == 0o777 or time.time() - secret.stat().st_mtime > settle
    except OSError:
        return False


def _exchange_app(root, kind, student, step):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import default

    config = instructor.load_config(root)
    config.CourseDirectory.student_id = student
    config.CourseDirectory.assignment_id = step
    coursedir = CourseDirectory(config=config)
    return getattr(default, kind), dict(coursedir=coursedir, authenticator=Authenticator(config=config),
                                        config=config)


def collect(root, name, student, step):
    """nbgrader's collect, of this one submission (nbgrader's own picks each
    student's newest, which may have arrived after this one was planned):
    submitted/<student>/<step>/ then holds exactly it."""
    base, kwargs = _exchange_app(root, "ExchangeCollect", student, step)

    class CollectOne(base):
        def init_src(self):
            super().init_src()
            self.src_records = [self._path_to_record(os.path.join(self.inbound_path, name))]

    dest = Path(root) / "submitted" / student / step
    wanted = (course_exchange(root) / "inbound" / name / "timestamp.txt").read_text().strip()
    if (dest / "timestamp.txt").is_file() and (dest / "timestamp.txt").read_text().strip() != wanted:
        shutil.rmtree(dest)  # another of this student's submissions: this one replaces it
    app = CollectOne(update=True, **kwargs)
    app.start()
    if (dest / "timestamp.txt").read_text().strip() != wanted:
        raise RuntimeError(f"collecting {name} left another submission in {dest}")


def release_feedback(root, student, step):
    """nbgrader release_feedback for one student and step."""
    base, kwargs = _exchange_app(root, "ExchangeReleaseFeedback", student, step)
    base(**kwargs).start()


def feedback_page(root, name, step):
    """Where the feedback of submission `name` goes in the exchange: the
    file the student's Fetch Feedback looks for."""
    from nbgrader.utils import notebook_hash

    secret = (course_exchange(root) / "inbound" / name / "submission_secret.txt").read_text()
    return course_exchange(root) / "feedback" / f"{notebook_hash(secret=secret, notebook_id=step)}.html"


def post_notice(root, name, step, title, text):
    """A page in place of feedback not made yet (a submission queued past
    the limit): the student's Fetch Feedback shows it, and the real
    feedback replaces it, at the same path, once graded."""
    page = feedback_page(root, name, step)
    if not page.parent.is_dir():
        page.parent.mkdir(parents=True, exist_ok=True)
        page.parent.chmod(0o711)  # as nbgrader's release_feedback makes it
    body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(step)}</title></head>"
            f"<body><h1>{html.escape(step)}: {html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>\n")
    tmp = page.with_name(f"{page.stem}-tmp{time.monotonic_ns()}.html")
    tmp.write_text(body)
    tmp.chmod(0o644)
    os.replace(tmp, page)
    return page
