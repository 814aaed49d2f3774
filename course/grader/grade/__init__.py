"""Grade a class in parallel (`python -m course grade`): N worker processes
each run nbgrader's own autograde and generate_feedback, one submission at
a time, into the one gradebook. What the command does for its user:
command.py's docstring (also its --help)."""

# The parts, in the order a run goes through them:
#   plan.py        which submissions, in what order, on which devices
#   gradebook.py   nbgrader's config with the course's limits and judge; the gradebook
#   pool.py        the worker processes (grade() is the entry point)
#   submission.py  one submission: autograde, feedback, and what came of it
#   command.py     python -m course grade / export
from course.grader.grade.command import add_arguments, export_main, format_summary, main, register  # noqa: F401
from course.grader.grade.gradebook import (  # noqa: F401
    GRADING_EXECUTE, RETRYABLE, Limits, effective_limits, export_grades, grading_config, make_api,
    prepare_gradebook, read_grades_csv, sqlite_with_timeout,
)
from course.grader.grade.plan import (  # noqa: F401
    assign_devices, default_jobs, detect_gpus, hard_limit, parse_shard, schedule, shard_of, submitted_students,
    threads_per_worker, worker_devices,
)
from course.grader.grade.pool import grade  # noqa: F401
from course.grader.grade.submission import Result, grade_submission, limit_notes, summarize_notes  # noqa: F401
