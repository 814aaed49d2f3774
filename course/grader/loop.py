"""The instructor's whole loop, as `make demo` and the tests run it: release,
students fetch and submit, collect (course.grader.instructor), then grade and
write feedback (course.grader.grade)."""
from course.grader import instructor
from course.grader.grade import grade


def run_loop(root, submissions, workspace, steps=None, with_feedback=True, jobs=None):
    """The whole loop: hand out and collect (above), then autograde and write
    feedback with the course's grading command (nbgrader autograde in `jobs`
    parallel workers). Returns {step: {student: message}} for anything that
    failed to grade (empty when all graded)."""
    steps = steps or instructor.assignments(root)
    instructor.hand_out_and_collect(root, submissions, workspace, steps)
    results = grade(root, steps, students=list(submissions), jobs=jobs, feedback=with_feedback, progress=False)
    failures = {}
    for result in results:
        if result.failed:
            failures.setdefault(result.step, {})[result.student] = result.message
    return failures
