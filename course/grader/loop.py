"""The instructor's whole loop, as `make demo` and the tests run it: release,
students fetch and submit, collect (course.grader.instructor), then grade and
write feedback (course.grader.grade)."""
import contextlib
import time
from pathlib import Path

import nbformat

from course.grader import instructor
from course.grader.grade import default_jobs, grade


@contextlib.contextmanager
def phase(title, shown):
    """Say what the loop starts on and, when done, how long it took
    (when `shown`; silent otherwise). Lines are flushed at once, so they
    keep their place beside the grading's progress lines on stderr."""
    if shown:
        print(title, flush=True)
    start = time.perf_counter()
    yield
    if shown:
        print(f"   done in {time.perf_counter() - start:.0f} s", flush=True)


def hand_out(root, submissions, workspace, steps, progress=False):
    """Release `steps`; each student fetches, answers and submits through the
    exchange; the instructor collects. `submissions` = {student: {step: answer}},
    where `answer(fetched_notebook)` returns the notebook the student hands in.
    progress: print each phase and its time."""
    count = sum(len(notebooks) for notebooks in submissions.values())
    with phase(f"[1/4] release: {len(steps)} steps, source/ -> release/ -> the exchange", progress):
        instructor.generate_release(root, steps)
        instructor.publish(root, steps)
    with phase(f"[2/4] fetch and submit: {len(submissions)} students hand in {count} notebooks "
               "through the exchange", progress):
        for student, notebooks in submissions.items():
            for step, answer in notebooks.items():
                path = instructor.fetch(root, student, step, Path(workspace) / student)
                nbformat.write(answer(nbformat.read(path, as_version=4)), path)
                instructor.submit(root, student, step, Path(workspace) / student)
    with phase("[3/4] collect: the exchange -> submitted/", progress):
        instructor.collect(root, steps)


def run_loop(root, submissions, workspace, steps=None, with_feedback=True, jobs=None, progress=False,
             on_result=None):
    """hand_out (above), then autograde and write feedback with
    the course's grading command (nbgrader autograde in `jobs` parallel
    workers). `submissions` = {student: {step: answer}}, where
    `answer(fetched_notebook)` returns the notebook the student hands in.
    progress: print each phase and its time, and grading's progress bar
    and one line per graded notebook. on_result: as grade() takes it, called
    with each notebook's Result. Returns {step: {student: message}}
    for anything that failed to grade (empty when all graded)."""
    steps = steps or instructor.assignments(root)
    count = sum(len(notebooks) for notebooks in submissions.values())
    jobs = min(jobs or default_jobs(), max(1, count))
    hand_out(root, submissions, workspace, steps, progress)
    with phase(f"[4/4] grade{' and write feedback' if with_feedback else ''}: {count} notebooks, "
               f"{jobs} at a time (nbgrader autograde{', generate_feedback' if with_feedback else ''})",
               progress):
        results = grade(root, steps, students=list(submissions), jobs=jobs, feedback=with_feedback,
                        progress=progress, on_result=on_result)
    failures = {}
    for result in results:
        if result.failed:
            failures.setdefault(result.step, {})[result.student] = result.message
    return failures
