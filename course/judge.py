"""Old path of course.grader.judge, kept for nbgrader configs that name
course.judge.GradingExecute."""
from course.grader.judge import GradingExecute  # noqa: F401
