"""Correct answers written in other styles than the instructor's
(tests/alternatives/) earn full marks: the checks judge behaviour, not the
shape of the code. Graded in the one shared class (conftest.graded_course)."""
import re

import pytest

from course.grader import instructor
from tests.alternatives import count_answers
from tests.conftest import alternative_student, selected_alternatives, step_marks

ALTERNATIVES = [pytest.param(step, name, a, id=f"{step}-{name}", marks=step_marks(step))
                for step, alts in selected_alternatives().items() for name, a in alts.items()]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("step,name,alternative", ALTERNATIVES)
def test_alternative_earns_full_marks(graded_course, step, name, alternative):
    root, _ = graded_course
    results = instructor.cell_results(root, step, alternative_student(step, name))
    assert results, f"{step}: the alternative {name} was not graded"
    lost = {grade_id: ANSI.sub("", output)[-800:] for grade_id, (score, max_score, output) in results.items()
            if score != max_score}
    assert not lost, f"{step} {name} ({alternative['style']}) lost points in: {lost}"


@pytest.mark.unit
def test_every_step_has_three_alternative_students():
    """Issue #14: at least 3 correct answers per step, each by a student of its own style."""
    from tests.alternatives import all_alternatives
    from tests.conftest import REPO

    alternatives = all_alternatives()
    for step in instructor.assignments(REPO):
        students = alternatives.get(step, {})
        assert len(students) >= 3, f"{step}: {len(students)} alternative students in tests/alternatives/, fewer than 3"
        assert count_answers({step: students}) >= 3, f"{step}: fewer than 3 alternative answers"
