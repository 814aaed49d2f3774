"""The class report on the demo hub, in headless Chromium: the instructor
opens /services/class-report/ through the hub's login and sees the report of
a graded step, charts included; a student gets a 403 and no report.

Two of the hub's students hand in 01_tensors (one the instructor's answers,
one with integer tensors, a catalogued mistake), and the instructor grades it
with `python -m course grade`, as the instructor, in the course directory:
the service (running as the instructor) notices and regenerates the report.
Screenshots: $COURSE_ARTIFACTS/hub-report/ (default test-artifacts/hub-report/).
Same needs as tests/test_hub_e2e.py (root, chromium, chromium-driver, npm).
"""
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from course.grader import instructor
from tests.conftest import REPO, fresh_artifacts
from tests.mistakes import all_mistakes
from tests.test_hub_e2e import (INSTRUCTOR, OTHER_STUDENT, STEP, STUDENT, as_user, browsers,  # noqa: F401
                                hub, pytestmark)

MISTAKE = all_mistakes()[STEP]["integer-tensors"]


@pytest.fixture(scope="module")
def artifacts():
    return fresh_artifacts("hub-report")


def hand_in_and_grade(hub):
    """STUDENT hands in the instructor's answers, OTHER_STUDENT the mistake;
    the instructor grades them in the course directory."""
    release = nbformat.read(instructor.notebook_path(REPO, "release", STEP), as_version=4)
    solved = instructor.solve(REPO, STEP)(release)
    answers = {STUDENT: solved, OTHER_STUDENT: instructor.with_cells(solved, MISTAKE["answers"])}
    drop = Path(tempfile.mkdtemp(prefix="report-e2e-", dir="/tmp"))
    drop.chmod(0o755)
    try:
        for student, nb in answers.items():
            nbformat.write(nb, drop / f"{student}.ipynb")
            (drop / f"{student}.ipynb").chmod(0o644)
        course = hub["course_dir"]
        copy = "; ".join(f'mkdir -p submitted/{s}/{STEP} && cp {drop}/{s}.ipynb submitted/{s}/{STEP}/{STEP}.ipynb'
                         for s in answers)
        as_user(hub, INSTRUCTOR, "/bin/sh", "-c", f"cd {course} && {copy}")
        as_user(hub, INSTRUCTOR, "/bin/sh", "-c",
                f"cd {course} && {hub['python']} -m course grade {STEP} --no-feedback --quiet -j 1")
    finally:
        shutil.rmtree(drop, ignore_errors=True)


def open_report(browser, name):
    """Open the service's page through the hub's login form, as `name`."""
    url = f"{browser.hub['url']}/services/class-report/"
    browser.driver.get(url)
    browser.find("#username_input").send_keys(name)
    browser.find("#password_input").send_keys(browser.hub["password"][name])
    browser.find("#login_submit").click()


@pytest.mark.e2e
def test_instructor_sees_the_report_and_a_student_gets_403(hub, browsers, artifacts):  # noqa: F811
    hand_in_and_grade(hub)

    teacher = browsers("instructor")
    open_report(teacher, INSTRUCTOR)
    teacher.find("img[src^='data:image/png;base64,']", timeout=180)
    body = teacher.driver.find_element("tag name", "body").text
    teacher.shot("report")
    assert "Where the class tripped" in body
    assert len(teacher.driver.find_elements("css selector", "img[src^='data:image/png;base64,']")) == 3
    assert "should hold floats (torch.float32), found torch.int64" in body, body[:3000]
    assert "check-tensors" in body
    # The answers shown carry no student's name.
    tensors = body[body.index("check-tensors (2 points)"):]
    assert STUDENT not in tensors.split("Not submitted")[0] and OTHER_STUDENT not in tensors.split("Not submitted")[0]

    student = browsers("student")
    open_report(student, STUDENT)
    student.wait(lambda d: "403" in d.find_element("tag name", "body").text, timeout=120,
                 message="the student was not refused with a 403")
    student.shot("refused")
    text = student.driver.find_element("tag name", "body").text
    assert "Where the class tripped" not in text and "check-tensors" not in text
    assert not student.driver.find_elements("css selector", "img[src^='data:image/png;base64,']")
