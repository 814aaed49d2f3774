"""Old path of course.grader.preprocessors.limited_execute, kept for nbgrader configs that name
course.limits.LimitedExecute."""
from course.grader.preprocessors.limited_execute import LimitedExecute  # noqa: F401
