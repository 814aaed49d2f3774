"""Old path of course.grader.sanitize, kept for nbgrader configs that name
course.sanitize.SanitizeSubmission."""
from course.grader.sanitize import SanitizeSubmission  # noqa: F401
