"""`make demo`'s output (python -m course demo) on one cheap step, as a CI
log gets it (stdout and stderr not a terminal): each phase and its time, a
line per graded notebook, the score table, and pointers that hold up (the
feedback page exists, the make target exists, the login is the hub's, the
grading command runs). No carriage returns: no progress bar in a log."""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from course.grader.cli import REPO, _load
from tests.conftest import copy_course

STEP = "01_tensors"
pytestmark = pytest.mark.own_class  # the demo grades a class of its own: not in make test-fast


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(course root, output) of the demo on STEP, in a throwaway copy of the course."""
    root = copy_course(tmp_path_factory.mktemp("course"))
    env = {k: v for k, v in os.environ.items() if k != "COURSE_DB_URL"}  # its own SQLite gradebook
    env["COURSE_EXCHANGE"] = str(root / "exchange")
    run = subprocess.run([sys.executable, "-m", "course", "demo", STEP], cwd=root, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1200)
    out = run.stdout.decode()  # as bytes: text=True would turn each "\r" into "\n"
    assert run.returncode == 0, out
    return root, out


@pytest.mark.grading
def test_demo_prints_each_phase_and_its_time(demo):
    _, out = demo
    phases = re.findall(r"^\[(\d)/4\] (release|fetch and submit|collect|grade and write feedback):.*\n"
                        r"((?:\[\d+/\d+\] .*\n)*)   done in \d+ s$", out, re.M)
    assert [(n, name) for n, name, _ in phases] == [
        ("1", "release"), ("2", "fetch and submit"), ("3", "collect"), ("4", "grade and write feedback")], out
    graded = phases[3][2].splitlines()  # the lines between grading's start and its time
    assert [line.split("]")[0] for line in graded] == ["[1/2", "[2/2"], out  # counted as they finish
    by_student = {line.split()[2]: line for line in graded}
    assert re.fullmatch(rf"\[\d/2\] {STEP}  demo-reference  7 / 7  graded  \d+ s", by_student["demo-reference"]), graded
    assert re.fullmatch(rf"\[\d/2\] {STEP}  demo-untouched  0 / 7  graded  \d+ s", by_student["demo-untouched"]), graded
    assert re.search(rf"^{STEP} +7 / 7 +0 / 7$", out, re.M), "the score table"


@pytest.mark.grading
def test_demo_output_has_no_carriage_returns_off_a_terminal(demo):
    _, out = demo
    assert "\r" not in out


@pytest.mark.grading
def test_demo_points_at_what_exists(demo):
    root, out = demo
    page = Path(unquote(urlparse(re.search(r"Feedback.*: (file://\S+)", out).group(1)).path))
    assert page.is_file() and page.is_relative_to(root / "feedback" / "demo-reference"), page

    hub = _load(REPO / "deploy" / "jupyterhub" / "demo.py")
    line = re.search(r"`make -C (\S+) hub`.*http://127\.0\.0\.1:(\d+)/ and log in as (\S+), password (\S+)$",
                     out, re.M)
    assert line, out
    assert Path(line.group(1)) == REPO and re.search(r"^hub:", (REPO / "Makefile").read_text(), re.M)
    assert line.group(3) in hub.STUDENTS and line.group(4) == hub.password(line.group(3))

    command = re.search(r"Grade a real class.*: (.+ -m course grade .+?)   \(", out).group(1)
    usage = subprocess.run([*shlex.split(command), "--help"], cwd=root, capture_output=True, text=True)
    assert usage.returncode == 0 and "-j JOBS" in usage.stdout, usage.stdout + usage.stderr
