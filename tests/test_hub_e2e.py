"""The course on JupyterHub, end to end in a real browser (headless Chromium).

`deploy/jupyterhub/demo.py` starts the demo hub on 127.0.0.1 with real system
users (e2eXXXX-instructor, -student1, -student2; XXXX new each run) in a fresh
folder. Then:

1. a student logs in through the hub's login form, fetches step 01_tensors
   from nbgrader's Assignments list, types the instructor's solutions into
   the answer cells, clicks Validate (it passes) and submits;
2. the instructor logs in, opens a terminal in JupyterLab, and collects,
   grades with the course's grading command (`python -m course grade`) and
   releases feedback; the formgrader lists the graded submission;
3. the student fetches the feedback, which shows their score.

Unix permissions are checked as the users themselves: a student cannot read
the course directory (source/, tests/hidden/, the gradebook), another
student's home, or the submissions in the exchange.

Screenshots of each stage go to $COURSE_ARTIFACTS/hub-e2e/ (default
test-artifacts/hub-e2e/). Needs root (the demo creates system users),
Debian's chromium and chromium-driver, and npm (for the hub's proxy).
"""
import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.utils import is_solution
import pytest

from course.grader import instructor
from tests.conftest import REPO, fresh_artifacts, selected_steps

STEP = "01_tensors"
# Names of this run's system users: two runs at once must not share them.
PREFIX = f"e2e{secrets.token_hex(2)}-"
STUDENT, OTHER_STUDENT, INSTRUCTOR = f"{PREFIX}student1", f"{PREFIX}student2", f"{PREFIX}instructor"
DEMO = REPO / "deploy" / "jupyterhub" / "demo.py"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000")


def missing_tools():
    """Why this test cannot run here, or None."""
    if STEP not in selected_steps():
        return f"COURSE_TEST_STEPS leaves out {STEP}, the step this test takes through the hub"
    if sys.platform != "linux" or os.geteuid() != 0:
        return "the demo hub creates system users: run as root"
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        return "no headless browser: apt-get install -y chromium chromium-driver"
    if not shutil.which("npm"):
        return "no npm to install the hub's configurable-http-proxy: apt-get install -y npm"
    if importlib.util.find_spec("selenium") is None:
        return "no selenium to drive the browser: pip install -r requirements.txt"
    return None


pytestmark = [pytest.mark.e2e, pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo(*args, check=True):
    result = subprocess.run([sys.executable, str(DEMO), *args], capture_output=True, text=True)
    if check and result.returncode:
        pytest.fail(f"demo.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def artifacts():
    return fresh_artifacts("hub-e2e")


@pytest.fixture(scope="module")
def hub(artifacts):
    """The demo hub, started in a fresh folder; stopped, and its users and
    folder removed, at the end."""
    setup = subprocess.run(["make", "-C", str(REPO), "hub-setup"], capture_output=True, text=True)
    if setup.returncode:
        pytest.fail(f"make hub-setup (npm ci) failed:\n{setup.stdout}\n{setup.stderr}")
    # Not under pytest's tmp folder (mode 0700): the demo users must enter it.
    state = Path(tempfile.mkdtemp(prefix="course-hub-e2e-", dir="/tmp"))
    state.chmod(0o755)
    port = free_port()
    start = time.perf_counter()
    try:
        demo("start", "--home", str(state), "--port", str(port), "--prefix", PREFIX, STEP)
        settings = json.loads((state / "hub.json").read_text())
        settings["url"] = f"http://127.0.0.1:{port}"
        settings["state"] = state
        print(f"demo hub started in {time.perf_counter() - start:.0f} s")
        yield settings
    finally:
        log = state / "hub" / "jupyterhub.log"
        if log.exists():
            shutil.copy(log, artifacts / "jupyterhub.log")
        demo("remove", "--home", str(state), check=False)


def demo_module():
    """deploy/jupyterhub/demo.py, imported (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("course_hub_demo", DEMO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_user(hub, name, *args, check=True):
    """Run a command as the demo user `name`, with what their server's environment has."""
    helpers = demo_module()
    result = helpers.run_as(name, list(args), cwd=hub["state"], env=helpers.instructor_env(hub),
                            capture_output=True, text=True, timeout=600)
    if check and result.returncode:
        pytest.fail(f"{' '.join(args)} as {name} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


# -- the browser -------------------------------------------------------------------

class Browser:
    """One person's headless Chromium, with its own profile (cookies)."""

    def __init__(self, hub, artifacts, who):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.hub, self.artifacts, self.who = hub, artifacts, who
        self.profile = tempfile.mkdtemp(prefix="chromium-e2e-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS + (f"--user-data-dir={self.profile}",):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.shots = 0

    def close(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def shot(self, name):
        """A screenshot in the artifacts, numbered in the order taken."""
        path = self.artifacts / f"{self.who}-{self.shots:02d}-{name}.png"
        self.shots += 1
        self.driver.save_screenshot(str(path))
        return path

    def wait(self, condition, timeout=60, message=""):
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            return WebDriverWait(self.driver, timeout).until(condition)
        except Exception:
            self.shot("failed")
            raise AssertionError(f"{self.who}: {message} (within {timeout} s); "
                                 f"screenshot in {self.artifacts}") from None

    def find(self, css, within=None, timeout=60):
        from selenium.webdriver.common.by import By

        root = within or self.driver
        return self.wait(lambda d: (root.find_elements(By.CSS_SELECTOR, css) or [None])[0], timeout,
                         f"no element {css!r}")

    def xpath(self, path, timeout=60):
        from selenium.webdriver.common.by import By

        return self.wait(lambda d: (d.find_elements(By.XPATH, path) or [None])[0], timeout,
                         f"no element {path!r}")

    def click(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def double_click(self, element):
        from selenium.webdriver.common.action_chains import ActionChains

        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        ActionChains(self.driver).double_click(element).perform()

    def keys(self, *keys):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        chain = ActionChains(self.driver)
        *modifiers, key = keys
        for m in modifiers:
            chain.key_down(getattr(Keys, m))
        chain.send_keys(key)
        for m in reversed(modifiers):
            chain.key_up(getattr(Keys, m))
        chain.perform()

    def log_in(self, name):
        """Through the hub's login form, then wait for JupyterLab."""
        self.driver.get(f"{self.hub['url']}/hub/login")
        self.find("#username_input").send_keys(name)
        self.find("#password_input").send_keys(self.hub["password"][name])
        self.shot("login")
        self.find("#login_submit").click()
        self.find("#jp-main-dock-panel", timeout=240)  # the hub spawns the user's server
        assert f"/user/{name}/lab" in self.driver.current_url, self.driver.current_url
        self.xpath("//div[contains(@class,'lm-MenuBar-itemLabel')][text()='Nbgrader']")

    def open_menu(self, name):
        """Open a menu of JupyterLab's menu bar; [its item labels]."""
        from selenium.webdriver.common.by import By

        def opened(driver):
            labels = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".lm-Menu .lm-Menu-itemLabel")]
            if any(labels):
                return [label for label in labels if label]
            bar = driver.find_elements(By.XPATH, f"//*[contains(@class,'lm-MenuBar-itemLabel')][text()='{name}']")
            if bar:
                bar[0].click()
                time.sleep(0.5)
            return None

        return self.wait(opened, message=f"the {name} menu did not open")

    def menu(self, name, item):
        """Click menu bar > item: menu("Nbgrader", "Assignment List")."""
        from selenium.webdriver.common.by import By

        assert item in self.open_menu(name)
        self.driver.find_element(By.XPATH, f"//*[contains(@class,'lm-Menu-itemLabel')][text()='{item}']").click()

    def menu_items(self, name):
        """The item labels of a menu of the menu bar; the menu is closed again."""
        from selenium.webdriver.common.by import By

        items = self.open_menu(name)

        def closed(driver):
            if not driver.find_elements(By.CSS_SELECTOR, ".lm-Menu"):
                return True
            # Clicking the menu's title again closes it.
            driver.find_element(By.XPATH, f"//*[contains(@class,'lm-MenuBar-itemLabel')][text()='{name}']").click()
            time.sleep(0.3)
            return False

        self.wait(closed, message=f"the {name} menu did not close")
        return items


@pytest.fixture
def browsers(hub, artifacts):
    opened = []

    def open_browser(who):
        browser = Browser(hub, artifacts, who)
        opened.append(browser)
        return browser

    hub["password"] = {n: p for group in hub["users"].values() for n, p in group.items()}
    yield open_browser
    for browser in opened:
        browser.close()


def solutions():
    """[(cell index, the instructor's answer)] for every answer cell of the step."""
    source = nbformat.read(instructor.notebook_path(REPO, "source", STEP), as_version=4)
    release = nbformat.read(instructor.notebook_path(REPO, "release", STEP), as_version=4)
    answers = {
        instructor.nbgrader_meta(c)["grade_id"]: instructor.strip_solution_markers(c.source)
        for c in source.cells if is_solution(c)
    }
    return [(i, answers[instructor.nbgrader_meta(c)["grade_id"]])
            for i, c in enumerate(release.cells) if instructor.nbgrader_meta(c).get("grade_id") in answers]


def max_points():
    source = nbformat.read(instructor.notebook_path(REPO, "source", STEP), as_version=4)
    return sum(instructor.nbgrader_meta(c).get("points", 0) for c in source.cells
               if instructor.nbgrader_meta(c).get("grade"))


# -- the tests ---------------------------------------------------------------------

def test_students_cannot_read_the_course_or_each_other(hub):
    course = Path(hub["course_dir"])
    assert course.stat().st_mode & 0o777 == 0o750
    assert course.owner() == INSTRUCTOR
    secrets = [course / "source" / STEP / f"{STEP}.ipynb", course / "tests" / "hidden" / f"check_{STEP}.py",
               course / "gradebook.db"]
    python = hub["python"]
    for path in secrets:
        assert path.exists(), path
        denied = as_user(hub, STUDENT, python, "-c", f"open({str(path)!r}).read()", check=False)
        assert denied.returncode != 0 and "PermissionError" in denied.stderr, (
            f"{STUDENT} could read {path}:\n{denied.stdout}{denied.stderr}")
        allowed = as_user(hub, INSTRUCTOR, python, "-c", f"open({str(path)!r}, 'rb').read()", check=False)
        assert allowed.returncode == 0, f"{INSTRUCTOR} cannot read {path}:\n{allowed.stderr}"
    listing = as_user(hub, STUDENT, "/bin/ls", str(course / "source"), check=False)
    assert listing.returncode != 0, f"{STUDENT} can list the instructor's source/:\n{listing.stdout}"
    other_home = Path(hub["state"]) / "home" / OTHER_STUDENT
    peek = as_user(hub, STUDENT, "/bin/ls", str(other_home), check=False)
    assert peek.returncode != 0, f"{STUDENT} can list {OTHER_STUDENT}'s home:\n{peek.stdout}"
    inbound = Path(hub["exchange"]) / hub["course_id"] / "inbound"
    peek = as_user(hub, STUDENT, "/bin/ls", str(inbound), check=False)
    assert peek.returncode != 0, f"{STUDENT} can list the submissions in {inbound}:\n{peek.stdout}"


def test_a_student_and_the_instructor_through_the_hub(hub, browsers, artifacts):
    from selenium.webdriver.common.by import By

    start = time.perf_counter()
    timings = {}

    def lap(name):
        timings[name] = round(time.perf_counter() - start)

    # The manual workflow, as without feedback on submit: the step is switched
    # off for the autograde service that `make hub` starts.
    course_command = f"cd {hub['course_dir']} && {hub['python']} -m course autograde-service"
    as_user(hub, INSTRUCTOR, "/bin/sh", "-c", f"{course_command} off {STEP}")

    # 1. The student logs in, and sees the step in nbgrader's Assignments list.
    student = browsers("student")
    student.log_in(STUDENT)
    lap("student logged in (server spawned)")
    config = Path(hub["state"]) / "home" / STUDENT / ".jupyter" / "nbgrader_config.py"
    assert f"c.CourseDirectory.student_id = {STUDENT!r}" in config.read_text(), config.read_text()
    assert config.owner() == STUDENT and config.stat().st_mode & 0o777 == 0o600
    menu = student.menu_items("Nbgrader")
    assert "Assignment List" in menu and "Formgrader" not in menu, f"a student's Nbgrader menu: {menu}"
    student.menu("Nbgrader", "Assignment List")
    student.find("#nbgrader-assignment-list")
    fetch = student.xpath(f"//div[@id='released_assignments_list']//div[contains(@class,'list_item')]"
                          f"[.//span[text()='{STEP}']]//button[text()='Fetch']")
    student.shot("assignments")
    student.click(fetch)

    # 2. Fetch, and open the notebook from the list.
    link = student.find("#fetched_assignments_list a.assignment-notebooks-link")
    assert STEP in link.text
    student.shot("fetched")
    student.click(link)
    student.click(student.xpath(f"//div[@id='fetched_assignments_list']//div[contains(@class,'nested_list_item')]"
                                f"//a[text()='{STEP}']"))
    notebook = student.find(".jp-NotebookPanel:not(.lm-mod-hidden)")
    count = len(nbformat.read(instructor.notebook_path(REPO, "release", STEP), as_version=4).cells)
    cells = student.wait(lambda d: (lambda cs: cs if len(cs) == count else None)(
        notebook.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")), message=f"the notebook's {count} cells")
    fetched = Path(hub["state"]) / "home" / STUDENT / STEP / f"{STEP}.ipynb"
    assert fetched.is_file(), f"the fetched notebook is not in the student's home: {fetched}"
    lap("fetched and opened")

    # Validate the untouched notebook first: it must fail (so the pass below
    # means something), naming the cells still to do.
    failed = validate(student, notebook, "validated-untouched")
    assert "Success!" not in failed and "NotImplementedError" in failed, failed
    lap("untouched notebook fails validation")

    # 3. Type the answers: select each answer cell's text and replace it,
    # the way a paste does (no auto-indent or auto-closed brackets).
    for index, answer in solutions():
        editor = student.find(".cm-content", within=cells[index])
        student.click(editor)
        student.keys("CONTROL", "a")
        student.driver.execute_cdp_cmd("Input.insertText", {"text": answer})
    student.shot("answered")
    student.keys("CONTROL", "s")
    student.wait(lambda d: "jp-mod-dirty" not in student.find(
        ".lm-TabBar-tab.jp-mod-current").get_attribute("class"), message="the notebook was not saved")
    saved = nbformat.read(fetched, as_version=4)
    for index, answer in solutions():
        assert saved.cells[index].source == answer, f"cell {index} was saved as:\n{saved.cells[index].source}"
    lap("answers typed and saved")

    # 4. Validate: nbgrader runs the notebook and reports.
    passed = validate(student, notebook, "validated")
    assert "Success! Your notebook passes all the tests." in passed, passed
    lap("validated")

    # 5. Submit from the Assignments list.
    student.click(student.xpath("//li[contains(@class,'lm-TabBar-tab')][.//div[text()='Assignments']]"))
    student.click(student.xpath(f"//div[@id='fetched_assignments_list']//div[contains(@class,'list_item')]"
                                f"[.//a[contains(., '{STEP}')]]//button[text()='Submit']"))
    student.xpath(f"//div[@id='submitted_assignments_list']//div[contains(@class,'list_item')]"
                  f"[.//span[text()='{STEP}']]", timeout=60)
    student.shot("submitted")
    inbound = Path(hub["exchange"]) / hub["course_id"] / "inbound"
    handed_in = [p.name for p in inbound.iterdir()]
    assert len(handed_in) == 1 and handed_in[0].startswith(f"{STUDENT}+{STEP}+"), handed_in
    lap("submitted")

    # 6. The instructor logs in (JupyterLab opens in the course directory),
    # opens a terminal there, and collects, grades with the course's grading
    # command and releases the feedback: as their own user, as the guide says.
    teacher = browsers("instructor")
    teacher.log_in(INSTRUCTOR)
    assert "Formgrader" in teacher.menu_items("Nbgrader")
    home = Path(hub["state"]) / "home" / INSTRUCTOR
    summary, status = home / "grade.txt", home / "grade.status"
    teacher.click(teacher.xpath("//div[contains(@class,'jp-LauncherCard')][.//p[text()='Terminal']]"))
    terminal = teacher.find(".jp-Terminal .xterm-helper-textarea", timeout=60)
    # Type once the shell shows its prompt (xterm's rows are text in the DOM
    # renderer; with another renderer, give the shell a few seconds).
    def prompt_shown(driver):
        rows = driver.find_elements(By.CSS_SELECTOR, ".jp-Terminal .xterm-rows")
        if not rows:
            time.sleep(3)
            return True
        return "$" in rows[0].text

    teacher.wait(prompt_shown, message="the terminal shows no prompt")
    terminal.send_keys(
        f"nbgrader collect {STEP} && python -m course grade {STEP} --quiet --log-dir ~/grade-logs | tee ~/grade.txt"
        f" && nbgrader release_feedback {STEP}; echo $? > ~/grade.status\n")
    teacher.wait(lambda d: status.exists() and status.read_text().strip(), timeout=300,
                 message="the grading commands did not finish")
    teacher.shot("graded-in-terminal")
    graded = summary.read_text() if summary.exists() else ""
    (artifacts / "grade.txt").write_text(graded)
    assert status.read_text().strip() == "0", f"collect, grade or release_feedback failed:\n{graded}"
    row = re.search(rf"^{STEP}\s+{STUDENT}\s+(\S+) / (\S+)\s+(\w+)", graded, re.M)
    assert row, f"no result for {STUDENT} in the grading summary:\n{graded}"
    assert (float(row[1]), float(row[2]), row[3]) == (max_points(), max_points(), "graded"), graded
    lap("collected, graded, feedback released (instructor's terminal)")
    queue = as_user(hub, INSTRUCTOR, "/bin/sh", "-c", f"{course_command} status").stdout
    assert re.search(rf"^manual\s+{STUDENT}\s+{STEP}", queue, re.M), f"the service touched it:\n{queue}"

    # The formgrader shows the graded submission. It opens in a browser tab
    # of its own: JupyterHub forbids framing a user's server (nbgrader issue
    # #1870), so it cannot show inside JupyterLab.
    teacher.driver.get(f"{hub['url']}/user/{INSTRUCTOR}/formgrader/manage_submissions/{STEP}")
    row = teacher.xpath(f"//tr[.//td[contains(., '{STUDENT}')]]", timeout=60)
    teacher.shot("formgrader")
    assert f"{max_points():g}" in row.text, row.text
    lap("instructor's formgrader")

    # 7. The student fetches the feedback, and it shows their score.
    student.click(student.find("#refresh_assignments_list"))
    student.click(student.xpath(f"//div[@id='submitted_assignments_list']//div[contains(@class,'list_item')]"
                                f"[.//span[text()='{STEP}']]//button[text()='Fetch Feedback']"))
    view = student.xpath("//div[@id='submitted_assignments_list']//a[contains(., 'view feedback')]", timeout=60)
    student.shot("feedback-fetched")
    pages = list((Path(hub["state"]) / "home" / STUDENT / STEP / "feedback").glob(f"*/{STEP}.html"))
    assert len(pages) == 1, f"expected one feedback page in the student's home, found {pages}"
    points = f"{float(max_points()):.1f}"
    headline = f"{STEP} (Score: {points} / {points})"
    assert headline in pages[0].read_text(), f"{pages[0]} does not say {headline!r}"
    # "view feedback" shows the feedback's folder; open the page from there.
    student.click(view)
    page = student.xpath(f"//li[contains(@class,'jp-DirListing-item')][.//span[text()='{STEP}.html']]")
    student.double_click(page)
    frame = student.find(".jp-HTMLViewer iframe", timeout=60)
    student.driver.switch_to.frame(frame)
    student.wait(lambda d: headline in d.find_element(By.TAG_NAME, "body").text, timeout=60,
                 message=f"the feedback page does not show {headline!r}")
    student.driver.switch_to.default_content()
    student.shot("feedback")
    lap("feedback shown")

    # A student's server has no formgrader at all (not only no menu entry).
    student.driver.get(f"{hub['url']}/user/{STUDENT}/formgrader")
    student.wait(lambda d: "404" in d.title or "404" in d.find_element(By.TAG_NAME, "body").text,
                 message="a student's server serves the formgrader")
    student.shot("no-formgrader")
    (artifacts / "timings.json").write_text(json.dumps(timings, indent=2))
    print(timings)


def validate(browser, notebook, shot=None):
    """Click the notebook's Validate button; the text of nbgrader's result dialog."""
    browser.click(browser.find("jp-button.validate-button", within=notebook))
    dialog = browser.xpath("//div[contains(@class,'jp-Dialog-header')][contains(., 'Validation Results')]"
                           "/ancestor::div[contains(@class,'jp-Dialog-content')]", timeout=180)
    text = dialog.text
    if shot:
        browser.shot(shot)
    browser.click(browser.xpath("//div[contains(@class,'jp-Dialog')]//button[.//*[text()='Ok'] or text()='Ok']"))
    browser.wait(lambda d: not d.find_elements("css selector", ".jp-Dialog"), message="the dialog did not close")
    return text


def test_the_hub_stops_cleanly(hub):
    demo("stop", "--home", str(hub["state"]))
    for name in (STUDENT, OTHER_STUDENT, INSTRUCTOR):
        left = subprocess.run(["ps", "-o", "pid=,args=", "-u", name], capture_output=True, text=True).stdout
        assert not left.strip(), f"processes of {name} still running after the hub stopped:\n{left}"
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", int(hub["url"].rsplit(":", 1)[1]))) != 0, "the proxy still listens"
