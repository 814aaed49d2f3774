"""Feedback on submit on the demo hub, in headless Chromium, with no
instructor action: a student hands in a wrong answer to 01_tensors, clicks
Fetch Feedback until it comes, and reads the failing check's message; fixes
the answer, hands in again, and the new feedback shows full marks. The
autograde service (started by the hub, as the instructor) did the grading.
Then the queue page: the instructor sees both submissions done; a student
gets a 403.

"submit to feedback shown, no instructor action" (seconds) goes to
$COURSE_ARTIFACTS/hub-autograde/timings.json, with screenshots. Same needs
as tests/test_hub_e2e.py (root, chromium, chromium-driver, npm).
"""
import json
import re
import time
from pathlib import Path

import nbformat
import pytest

from course.grader import instructor
from tests.conftest import REPO, fresh_artifacts
from tests.mistakes import all_mistakes
from tests.test_hub_e2e import (INSTRUCTOR, STEP, STUDENT, browsers, hub, max_points,  # noqa: F401
                                pytestmark, solutions)

MISTAKE = all_mistakes()[STEP]["integer-tensors"]
MESSAGE = MISTAKE["fails"]["check-tensors"]


@pytest.fixture(scope="module")
def artifacts():
    return fresh_artifacts("hub-autograde")


def grade_ids():
    release = nbformat.read(instructor.notebook_path(REPO, "release", STEP), as_version=4)
    return {i: instructor.nbgrader_meta(c).get("grade_id") for i, c in enumerate(release.cells)}


def type_answers(student, answers):
    """Replace the text of the answer cells {cell index: text} in the open
    notebook, the way a paste does, and save."""
    from selenium.webdriver.common.by import By

    student.click(student.xpath(f"//li[contains(@class,'lm-TabBar-tab')][.//div[text()='{STEP}.ipynb']]"))
    notebook = student.find(".jp-NotebookPanel:not(.lm-mod-hidden)")
    cells = notebook.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")
    for index, text in answers.items():
        editor = student.find(".cm-content", within=cells[index])
        student.click(editor)
        student.keys("CONTROL", "a")
        student.driver.execute_cdp_cmd("Input.insertText", {"text": text})
    student.keys("CONTROL", "s")
    student.wait(lambda d: "jp-mod-dirty" not in student.find(
        ".lm-TabBar-tab.jp-mod-current").get_attribute("class"), message="the notebook was not saved")


def submit(student, count):
    """Submit from the Assignments list; wait until `count` submissions are listed."""
    from selenium.webdriver.common.by import By

    student.click(student.xpath("//li[contains(@class,'lm-TabBar-tab')][.//div[text()='Assignments']]"))
    student.click(student.xpath(f"//div[@id='fetched_assignments_list']//div[contains(@class,'list_item')]"
                                f"[.//a[contains(., '{STEP}')]]//button[text()='Submit']"))
    def listed(driver):  # one item per step, its submissions' timestamps under it
        found = driver.find_elements(By.ID, "submitted_assignments_list")
        return found and len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC", found[0].text)) >= count

    student.wait(listed, message=f"{count} submissions listed")


def fetch_feedback_until(student, home, wanted, timeout=300):
    """Click Fetch Feedback every few seconds until a fetched feedback page
    says `wanted`; (that page, seconds waited)."""
    from selenium.webdriver.common.by import By

    start = time.perf_counter()
    button = (f"//div[@id='submitted_assignments_list']//div[contains(@class,'list_item')]"
              f"[.//span[text()='{STEP}']]//button[text()='Fetch Feedback']")
    while time.perf_counter() - start < timeout:
        for page in (home / STEP / "feedback").glob(f"*/{STEP}.html"):
            if wanted in page.read_text():
                return page, time.perf_counter() - start
        found = student.driver.find_elements(By.XPATH, button)
        if found:
            student.click(found[0])
        time.sleep(3)
    student.shot("no-feedback")
    raise AssertionError(f"no feedback saying {wanted!r} within {timeout} s")


def show_feedback(student, page, wanted):
    """Open the fetched page in JupyterLab (view feedback) and wait for `wanted` on it."""
    from selenium.webdriver.common.by import By

    student.click(student.xpath("//div[@id='submitted_assignments_list']//a[contains(., 'view feedback')]"))
    item = student.xpath(f"//li[contains(@class,'jp-DirListing-item')][.//span[text()='{page.name}']]")
    student.double_click(item)
    frame = student.find(".jp-HTMLViewer:not(.lm-mod-hidden) iframe", timeout=60)
    student.driver.switch_to.frame(frame)
    student.wait(lambda d: wanted in d.find_element(By.TAG_NAME, "body").text, timeout=60,
                 message=f"the feedback page does not show {wanted!r}")
    student.driver.switch_to.default_content()


def test_feedback_on_submit_with_no_instructor_action(hub, browsers, artifacts):  # noqa: F811
    timings = {}
    home = Path(hub["state"]) / "home" / STUDENT
    student = browsers("student")
    student.log_in(STUDENT)
    student.menu("Nbgrader", "Assignment List")
    student.click(student.xpath(f"//div[@id='released_assignments_list']//div[contains(@class,'list_item')]"
                                f"[.//span[text()='{STEP}']]//button[text()='Fetch']"))
    student.click(student.find("#fetched_assignments_list a.assignment-notebooks-link"))
    student.click(student.xpath(f"//div[@id='fetched_assignments_list']//div[contains(@class,'nested_list_item')]"
                                f"//a[text()='{STEP}']"))
    student.find(".jp-NotebookPanel:not(.lm-mod-hidden)")
    time.sleep(2)  # the notebook's cells render

    # 1. A wrong answer: integer tensors where floats are asked for.
    ids = grade_ids()
    wrong = {i: MISTAKE["answers"].get(ids[i], answer) for i, answer in solutions()}
    assert wrong != dict(solutions())
    type_answers(student, wrong)
    submit(student, 1)
    submitted = time.perf_counter()
    student.shot("submitted-wrong")
    page, _ = fetch_feedback_until(student, home, MESSAGE)
    show_feedback(student, page, MESSAGE)
    timings["submit to feedback shown, no instructor action (wrong answer)"] = round(time.perf_counter() - submitted)
    student.shot("feedback-wrong")
    (artifacts / "timings.json").write_text(json.dumps(timings, indent=2))
    points = f"{float(max_points()):.1f}"
    assert f"(Score: {points} / {points})" not in page.read_text()

    # 2. Fixed, handed in again: full marks.
    type_answers(student, {i: answer for i, answer in solutions() if wrong[i] != answer})
    submit(student, 2)
    submitted = time.perf_counter()
    headline = f"{STEP} (Score: {points} / {points})"
    page, _ = fetch_feedback_until(student, home, headline)
    timings["submit to feedback fetched, no instructor action (fixed answer)"] = round(time.perf_counter() - submitted)
    student.shot("feedback-fixed")
    (artifacts / "timings.json").write_text(json.dumps(timings, indent=2))
    print(timings)

    # 3. The queue page: the instructor sees both graded; a student gets 403.
    teacher = browsers("instructor")
    for browser, name in ((teacher, INSTRUCTOR), (student, STUDENT)):
        browser.driver.get(f"{hub['url']}/services/autograde/")
        if browser is teacher:
            browser.find("#username_input").send_keys(name)
            browser.find("#password_input").send_keys(hub["password"][name])
            browser.find("#login_submit").click()
    teacher.xpath("//h1[text()='Grading queue']", timeout=120)
    body = teacher.driver.find_element("tag name", "body").text
    teacher.shot("queue")
    assert "2 done" in body and "0 failed" in body, body
    student.wait(lambda d: "403" in d.find_element("tag name", "body").text, timeout=120,
                 message="the student was not refused the queue page with a 403")
    student.shot("queue-refused")
    assert "Grading queue" not in student.driver.find_element("tag name", "body").text
