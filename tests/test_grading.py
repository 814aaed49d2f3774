"""Grading works: full marks for the reference, none for an untouched notebook,
and each realistic mistake loses exactly the points of the check it breaks,
with feedback that names the problem."""
import re

import pytest

from course.grader import instructor
import nbformat

from tests.mistakes import all_mistakes
from tests.conftest import REPO, mistake_student, selected_mistakes, selected_steps, step_marks, step_params, trains

MISTAKES = [pytest.param(step, name, m, id=f"{step}-{name}", marks=step_marks(step))
            for step, ms in selected_mistakes().items() for name, m in ms.items()]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.grading
def test_nothing_failed_to_grade(graded_course):
    _, failures = graded_course
    assert not failures


@pytest.mark.unit
def test_every_check_is_broken_by_a_realistic_mistake(steps):
    """Each graded cell must be shown to fail for at least one realistic mistake."""
    for step in steps:
        nb = nbformat.read(instructor.notebook_path(REPO, "source", step), as_version=4)
        graded = {instructor.nbgrader_meta(c)["grade_id"] for c in nb.cells if instructor.nbgrader_meta(c).get("grade")}
        broken = {g for m in selected_mistakes().get(step, {}).values() for g in m["fails"]}
        assert graded <= broken, f"{step}: no mistake in tests/mistakes/ fails {sorted(graded - broken)}"
        assert broken <= graded, f"{step}: tests/mistakes/ names cells that are not graded: {sorted(broken - graded)}"


@pytest.mark.parametrize("step", step_params(selected_steps()))
def test_reference_gets_full_marks(graded_course, step):
    root, _ = graded_course
    score, max_score = instructor.scores(root, [step])[step]["reference"]
    assert max_score > 0, f"{step} has no points to earn"
    assert score == max_score, f"{step}: reference scored {score} of {max_score}: " + str(
        {k: v[:2] for k, v in instructor.cell_results(root, step, "reference").items()})


@pytest.mark.parametrize("step", step_params(selected_steps()))
def test_untouched_release_gets_zero(graded_course, step):
    root, _ = graded_course
    score, max_score = instructor.scores(root, [step])[step]["untouched"]
    assert score == 0, f"{step}: the untouched notebook scored {score} of {max_score}"


@pytest.mark.parametrize("step,name,mistake", MISTAKES)
def test_mistake_loses_exactly_its_checks(graded_course, step, name, mistake):
    root, _ = graded_course
    results = instructor.cell_results(root, step, mistake_student(step, name))
    for grade_id, (score, max_score, output) in results.items():
        if grade_id in mistake["fails"]:
            assert score == 0, f"{grade_id} should fail for this mistake, but scored {score}"
            phrase = mistake["fails"][grade_id]
            assert phrase in ANSI.sub("", output), f"{grade_id}'s feedback does not say {phrase!r}:\n{output[-1500:]}"
        else:
            assert score == max_score, f"{grade_id} should be unaffected, but scored {score} of {max_score}:\n{output[-1500:]}"


@pytest.mark.grading
def test_feedback_shows_no_hidden_check_source(graded_course, steps):
    root, _ = graded_course
    from tests.test_release import hidden_check_lines

    secret = hidden_check_lines()
    pages = list((root / "feedback").glob("*/*/*.html"))
    assert len(pages) >= 2 * len(steps)
    for page in pages:
        text = page.read_text()
        leaked = [line for line in secret if line in text]
        assert not leaked, f"{page} shows hidden check source: {leaked[:3]}"


def visible_failures(root, step, student):
    """{grade_id: error text} for the graded cells whose own (visible) code
    raised: the error a student sees before submitting. A hidden check's
    failure, judged after the cell, is an error output named CheckFailed."""
    nb = nbformat.read(instructor.notebook_path(root, f"autograded/{student}", step), as_version=4)
    return {instructor.nbgrader_meta(c)["grade_id"]: ANSI.sub("", f"{o.ename}: {o.evalue}")
            for c in nb.cells if instructor.nbgrader_meta(c).get("grade")
            for o in c.get("outputs", []) if o.output_type == "error" and o.ename != "CheckFailed"}


VISIBLE_CATCH_STEPS = [s for s in selected_mistakes() if not trains(s)]  # 01-11: the 90 % is theirs


@pytest.mark.grading
@pytest.mark.skipif(not selected_mistakes(), reason="no step selected")
def test_lesson_mistakes_fail_at_the_visible_check(graded_course, capsys):
    """Each mistake marked "lesson" (the one its step teaches) fails one of its
    cells at the visible asserts, with its phrase, before the student submits
    (every selected step, the image steps too); and, when all of 01-11 are
    graded, at least 90 % of their catalogued mistakes fail visibly (each
    step's rate is printed)."""
    root, _ = graded_course
    missed, lines, caught_all, total_all = [], [], 0, 0
    for step in selected_mistakes():
        caught = lessons = lessons_caught = 0
        for name, mistake in selected_mistakes()[step].items():
            seen = visible_failures(root, step, mistake_student(step, name))
            named = [g for g, phrase in mistake["fails"].items() if g in seen and phrase in seen[g]]
            caught += bool(set(seen) & set(mistake["fails"]))
            if mistake.get("lesson"):
                lessons += 1
                lessons_caught += bool(named)
                if not named:
                    missed.append(f"{step} {name}: visible errors {seen or 'none'}, phrases {mistake['fails']}")
        n = len(selected_mistakes()[step])
        if step in VISIBLE_CATCH_STEPS:
            caught_all, total_all = caught_all + caught, total_all + n
        lines.append(f"{step}: {caught}/{n} mistakes fail at the visible check; lesson mistakes {lessons_caught}/{lessons}")
    with capsys.disabled():
        print("\nvisible-check catch rate\n" + "\n".join(lines) + (f"\n01-11: {caught_all}/{total_all}"
              f" ({100 * caught_all / total_all:.0f} %)" if total_all else ""))
    assert not missed, "lesson mistakes that pass the visible check:\n" + "\n".join(missed)
    every_step = set(VISIBLE_CATCH_STEPS) == {s for s in all_mistakes() if not trains(s)}
    assert caught_all >= 0.9 * total_all or not every_step, (  # the 90 % is for 01-11 together, not each step
        f"only {caught_all} of {total_all} mistakes of 01-11 fail at the visible check")
