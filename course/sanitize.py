"""Old path of course.grader.preprocessors.SanitizeSubmission, kept for
nbgrader configs that name course.sanitize.SanitizeSubmission."""
from course.grader.preprocessors import SanitizeSubmission  # noqa: F401
