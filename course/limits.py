"""Old path of course.grader.limits, kept for nbgrader configs that name
course.limits.LimitedExecute."""
from course.grader.limits import LimitedExecute  # noqa: F401
