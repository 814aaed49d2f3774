"""The nbgrader preprocessors the course adds, one per file, as nbgrader's own
preprocessors/ does. nbgrader_config.py names them:

    GradingExecute       runs the notebook (LimitedExecute) and judges
                         each graded cell's hidden checks outside the kernel
    LimitedExecute       nbgrader's Execute with the limits and their messages
                         (limited_execute.py; its settings are c.LimitedExecute.*)
    SanitizeSubmission   makes a student's notebook gradable before it runs
"""
from course.grader.preprocessors.grading_execute import GradingExecute  # noqa: F401
from course.grader.preprocessors.sanitize_submission import SanitizeSubmission  # noqa: F401
