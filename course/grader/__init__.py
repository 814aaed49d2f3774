"""The grader: everything an instructor or a grading runner uses, nothing a
student's notebook imports.

    cli.py          `python -m course <command>`
    instructor.py   the course directory, nbgrader's API, release/fetch/submit/collect
    loop.py         the whole loop (make demo): hand out, collect, grade
    grade/          a class graded in parallel worker processes, with limits
    judge/          hidden checks judged outside the student's kernel
    preprocessors/  the nbgrader preprocessors nbgrader_config.py names (and
                    LimitedExecute: nbgrader's Execute with the limits)
    preflight.py    what grading needs from the machine, checked first
    sandbox/        how a kernel is started: as another user, off the network,
                    with its own view of the data
    in_kernel/      code the judge sends into the student's kernel as text

Student-facing modules (course.notebook, course.data, course.vision,
course.grading) never import from here (tests/test_layout.py). The map:
docs/layout.md.
"""
