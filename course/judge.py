"""Old path of course.grader.preprocessors.GradingExecute, kept for nbgrader
configs that name course.judge.GradingExecute."""
from course.grader.preprocessors import GradingExecute  # noqa: F401
