"""nbgrader's configuration for grading and its gradebook: the course's
limits and judge in place of nbgrader's Execute, a gradebook several workers
(and machines) write at once, and the CSV export."""
import copy
import csv
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from course.grader import instructor

GRADING_EXECUTE = "course.grader.preprocessors.GradingExecute"
GRADING_EXECUTE_NAMES = {GRADING_EXECUTE, "course.judge.GradingExecute", "GradingExecute"}
# Gradebook errors that mean "another writer got there first": try again.
RETRYABLE = ("database is locked", "database table is locked", "deadlock detected",
             "could not serialize access", "UniqueViolation", "IntegrityError", "duplicate key",
             "already exists", "DuplicateTable")
RETRIES = 5


@dataclass
class Limits:
    """Overrides for one run; None keeps nbgrader_config.py's value."""
    cell_timeout: int | None = None
    notebook_timeout: int | None = None
    memory_limit: str | None = None
    network: str | None = None


def sqlite_with_timeout(db_url, seconds=60):
    """SQLite waits this long for another writer's lock instead of 5 s."""
    if db_url.startswith("sqlite") and "timeout=" not in db_url:
        return db_url + ("&" if "?" in db_url else "?") + f"timeout={seconds}"
    return db_url


def grading_config(root, limits=None):
    """nbgrader's configuration for the workers: nbgrader_config.py, with
    GradingExecute (limits, and the judge) in place of nbgrader's Execute
    whatever the config lists, and this run's limits."""
    config = instructor.load_config(root)
    preprocessors = list(config.Autograde.get("autograde_preprocessors", []))
    if not any(getattr(p, "__name__", p) in GRADING_EXECUTE_NAMES for p in preprocessors):
        from nbgrader.converters import Autograde
        preprocessors = [GRADING_EXECUTE if getattr(p, "__name__", p) in ("Execute", "nbgrader.preprocessors.Execute") else p
                         for p in (preprocessors or Autograde.autograde_preprocessors.default_value)]
        config.Autograde.autograde_preprocessors = preprocessors
    limits = limits or Limits()
    if limits.cell_timeout is not None:
        config.Execute.timeout = limits.cell_timeout
    if limits.notebook_timeout is not None:
        config.LimitedExecute.notebook_timeout = limits.notebook_timeout
    if limits.memory_limit is not None:
        config.LimitedExecute.memory_limit = limits.memory_limit
    if limits.network is not None:
        config.LimitedExecute.network = limits.network
    db_url = config.CourseDirectory.get("db_url") or f"sqlite:///{Path(root) / 'gradebook.db'}"
    config.CourseDirectory.db_url = sqlite_with_timeout(db_url)
    return config


def effective_limits(config):
    execute, limited = config.Execute, config.LimitedExecute
    return Limits(cell_timeout=execute.get("timeout", 30), notebook_timeout=limited.get("notebook_timeout", 0),
                  memory_limit=limited.get("memory_limit", "none"), network=limited.get("network", "auto"))


def make_api(config):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    return NbGraderAPI(CourseDirectory(config=config), config=config)


def retrying(action, what):
    """Run action() -> nbgrader result dict, again (after a random pause) when
    it lost a race for the gradebook."""
    for attempt in range(RETRIES):
        result = action()
        text = f"{result.get('error') or ''}{result.get('log') or ''}"
        if result.get("success") or not any(r in text for r in RETRYABLE) or attempt == RETRIES - 1:
            return result
        time.sleep(random.uniform(0.2, 1.0) * (attempt + 1))
    return result


def prepare_gradebook(root, config, steps, students):
    """Make sure the gradebook knows the steps (nbgrader generate_assignment,
    into a scratch release folder: release/ is left alone) and the students,
    before any worker writes to it. Safe to run on several machines at once."""
    from nbgrader.api import Gradebook, MissingEntry

    db_url = config.CourseDirectory.db_url
    course_id = config.CourseDirectory.get("course_id", "default_course")
    for attempt in range(RETRIES):
        try:
            with Gradebook(db_url, course_id) as gb:
                missing = []
                for step in steps:
                    try:
                        if not gb.find_assignment(step).notebooks:
                            missing.append(step)
                    except MissingEntry:
                        missing.append(step)
            if missing:
                with tempfile.TemporaryDirectory(prefix="course-release-") as scratch:
                    config_copy = copy.deepcopy(config)
                    config_copy.CourseDirectory.release_directory = scratch
                    api = make_api(config_copy)
                    for step in missing:
                        result = api.generate_assignment(step, force=True, create=True)
                        if not result.get("success"):
                            raise instructor.NbgraderFailed(f"generate_assignment {step}:\n{result.get('error')}")
            with Gradebook(db_url, course_id) as gb:
                for student in students:
                    gb.update_or_create_student(student)
            return
        except Exception as e:  # another machine created the same rows first
            if attempt == RETRIES - 1 or not any(r in repr(e) + str(e) for r in RETRYABLE):
                raise
            time.sleep(random.uniform(0.5, 2.0))


def export_grades(root, to="grades.csv", config=None):
    """nbgrader export: the gradebook as CSV, with nbgrader's exporter (or
    the one nbgrader_config.py names in ExportApp.plugin_class)."""
    from nbgrader.apps import ExportApp
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    config = copy.deepcopy(config or grading_config(root))
    config.ExportPlugin.to = str(Path(to).resolve())
    app = ExportApp(coursedir=CourseDirectory(config=config), config=config)
    result = capture_log(app)
    if not result.get("success"):
        raise instructor.NbgraderFailed(f"nbgrader export failed:\n{result.get('error')}")
    return Path(to)


def read_grades_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
