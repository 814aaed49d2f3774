"""Feedback on submit (course/grader/autograde/) without a hub: students
hand in through a real nbgrader exchange, the service plans and grades.

unit: the journal and the planning (latest wins, the limit, the off switch),
no grading. grading: a round grades and releases feedback the student can
fetch; the service killed with SIGKILL while grading, started again, grades
each submission once.
"""
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course.grader import instructor
from course.grader.autograde import exchange, settings
from course.grader.autograde.journal import Journal, journal_path
from course.grader.autograde.service import Service
from tests.conftest import REPO, copy_course
from tests.hub_service import fake_hub_users, fetch_as
from tests.mistakes import all_mistakes

STEP = "01_tensors"
MISTAKE = all_mistakes()[STEP]["integer-tensors"]
MISTAKE_MESSAGE = MISTAKE["fails"]["check-tensors"]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course copy with STEP released to its own exchange."""
    root = copy_course(tmp_path / "course", [STEP])
    monkeypatch.setenv("COURSE_EXCHANGE", str(tmp_path / "exchange"))
    instructor.publish(root, [STEP])
    return Path(root)


def hand_in(root, student, answers=None, workspace=None, pause=1.1):
    """`student` fetches STEP, answers (None: the instructor's solutions;
    a dict: those cells replaced in them) and submits; the inbound name."""
    workspace = Path(workspace or root.parent / "students") / student
    with own_cache(root, student):
        path = instructor.fetch(root, student, STEP, workspace)
        nb = instructor.solve(root, STEP)(nbformat.read(path, as_version=4))
        if answers:
            nb = instructor.with_cells(nb, answers)
        nbformat.write(nb, path)
        before = {n for n, *_ in exchange.inbound(root)}
        instructor.submit(root, student, STEP, workspace)
    time.sleep(pause)  # nbgrader's timestamps: two submissions of a student must differ
    [name] = {n for n, *_ in exchange.inbound(root)} - before
    return name


@contextlib.contextmanager
def own_cache(root, student):
    """Each student's own nbgrader cache (what they submitted), as on a hub:
    fetch_feedback looks for feedback of every submission in it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_DATA_DIR", str(root.parent / "students" / student / ".jupyter-data"))
        yield


def fetched_feedback(root, student):
    """`nbgrader fetch_feedback` as `student`: {timestamp: feedback html}."""
    workspace = root.parent / "students" / student
    with own_cache(root, student):
        instructor._student_exchange_app(root, "ExchangeFetchFeedback", student, STEP, workspace).start()
    return {p.parent.name: p.read_text() for p in (workspace / STEP / "feedback").glob(f"*/{STEP}.html")}


def states(journal):
    return {s.name: s.state for s in journal.all()}


# -- unit: no grading ------------------------------------------------------------------

@pytest.mark.unit
def test_the_journal_survives_and_recovers(tmp_path):
    clock = Clock()
    journal = Journal(tmp_path / "j.sqlite", clock)
    assert journal.add("ada+01+t+r", "ada", "01", "2026-01-01T00:00:00")
    assert not journal.add("ada+01+t+r", "ada", "01", "2026-01-01T00:00:00")  # seen once
    journal.start("ada+01+t+r")
    # A new service (after kill -9) reads the journal back: the submission
    # left grading is graded again, once.
    again = Journal(tmp_path / "j.sqlite", clock)
    assert again.recover() == ["ada+01+t+r"]
    assert again.get("ada+01+t+r").state == "waiting" and again.get("ada+01+t+r").attempts == 1
    for _ in range(2):
        again.start("ada+01+t+r")
        again.recover()
    assert again.get("ada+01+t+r").state == "failed"
    assert "interrupted 3 times" in again.get("ada+01+t+r").message
    assert [e[2] for e in again.events("ada+01+t+r")] == ["waiting", "grading", "waiting", "grading", "waiting",
                                                          "grading", "failed"]


@pytest.mark.unit
def test_latest_wins_the_limit_holds_and_off_means_manual(course):
    clock = Clock()
    service = Service(course, clock=clock, log=lambda text: None)
    settings.save(course, settings.Settings(limit=2, period_minutes=60))
    first = hand_in(course, "ada")
    second = hand_in(course, "ada")
    other = hand_in(course, "bob")
    service.scan()
    service.plan()
    assert states(service.journal) == {first: "superseded", second: "waiting", other: "waiting"}
    step, due = service.due()
    assert step == STEP and [s.name for s in due] == [second, other]  # in order of arrival

    # Two of ada's gradings in the last hour: her third waits an hour after the first.
    for name in (second,):
        service.journal.start(name)
        service.journal.set(name, "done")
    clock.now += 600
    third = hand_in(course, "ada")
    service.scan()
    service.plan()
    assert service.journal.get(third).state == "waiting"
    service.journal.start(third)
    service.journal.set(third, "done")
    clock.now += 60
    fourth = hand_in(course, "ada")
    service.scan()
    service.plan()
    held = service.journal.get(fourth)
    assert held.state == "held" and held.not_before == service.journal.get(second).started_at + 3600
    assert "will be graded at" in held.message
    # The student's Fetch Feedback shows when.
    notice = exchange.feedback_page(course, fourth, STEP).read_text()
    assert "queued" in notice and "will be graded at" in notice
    assert "queued" in "".join(fetched_feedback(course, "ada").values())
    # Handed in again while held: the newer one waits its turn, the notice
    # of the older one no longer promises a grade.
    fifth = hand_in(course, "ada")
    service.scan()
    service.plan()
    assert service.journal.get(fourth).state == "superseded" and service.journal.get(fifth).state == "held"
    assert "not graded" in exchange.feedback_page(course, fourth, STEP).read_text()
    assert service.journal.get(fifth).not_before == held.not_before
    # Its time comes.
    clock.now = held.not_before + 1
    service.plan()
    assert service.journal.get(fifth).state == "waiting"

    # Off for an exam: what comes in is the instructor's to grade.
    settings.switch(course, [STEP], on=False)
    exam = hand_in(course, "bob")
    service.scan()
    service.plan()
    assert service.journal.get(exam).state == "manual"
    assert service.journal.get(fifth).state == "manual"
    assert service.due() == (None, [])
    settings.switch(course, [STEP], on=True)
    assert settings.load(course).off == []


@pytest.mark.unit
def test_the_command_switches_steps(course, monkeypatch, capsys):
    from course.grader.cli import main

    monkeypatch.chdir(course)
    assert main(["autograde-service", "off", STEP]) == 0
    assert settings.load(course).off == [STEP]
    assert main(["autograde-service", "limit", "3", "--per", "30"]) == 0
    assert (settings.load(course).limit, settings.load(course).period) == (3, 1800)
    assert main(["autograde-service", "on", STEP]) == 0
    assert settings.load(course).off == []
    assert main(["autograde-service", "off", "99_nothing"]) == 2


# -- grading: the service grades ------------------------------------------------------

@pytest.mark.grading
def test_a_round_grades_the_latest_and_releases_feedback(course):
    service = Service(course, jobs=2, log=print)
    stale = hand_in(course, "ada")  # replaced by her next submission before grading
    wrong = hand_in(course, "ada", MISTAKE["answers"])
    right = hand_in(course, "bob")
    assert service.round() == 2
    journal = service.journal
    assert states(journal) == {stale: "superseded", wrong: "done", right: "done"}
    max_points = journal.get(right).max_score
    assert journal.get(right).score == max_points and journal.get(wrong).score < max_points
    scores = instructor.scores(course, [STEP])[STEP]
    assert scores == {"ada": (journal.get(wrong).score, max_points), "bob": (max_points, max_points)}
    pages = fetched_feedback(course, "ada")
    assert len(pages) == 1
    [page] = pages.values()
    assert MISTAKE_MESSAGE in page
    assert not exchange.feedback_page(course, stale, STEP).exists()
    assert service.round() == 0  # nothing graded twice


def run_service(course, log, jobs=1):
    """`python -m course autograde-service run` in the course directory, its output to `log`."""
    return subprocess.Popen([sys.executable, "-m", "course", "autograde-service", "run", "--interval", "1",
                             *(["-j", str(jobs)] if jobs else [])], cwd=course, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} (within {timeout} s)")


def alive(pid):
    """Whether process `pid` runs (a zombie, dead and not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except (OSError, IndexError):
        return False


def children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.mark.grading
def test_killed_while_grading_each_submission_is_graded_once(course, tmp_path):
    names = [hand_in(course, "ada", MISTAKE["answers"]), hand_in(course, "bob")]
    journal = Journal(journal_path(course))
    log = open(tmp_path / "service.log", "ab")
    service = run_service(course, log)
    try:
        # Killed in the middle of a grade: a worker is on a notebook.
        wait_for(lambda: any("--- " + STEP in log.read_text()
                             for log in (course / "autograde" / "logs").glob("*/worker-*.log")), 180,
                 "no grading worker started on a notebook")
        time.sleep(1)
        workers = children(service.pid)
        service.send_signal(signal.SIGKILL)
        service.wait()
        killed = [n for n, state in states(journal).items() if state == "grading"]
        assert killed, states(journal)
        # The grading workers die with the service (none left writing autograded/).
        wait_for(lambda: not any(alive(w) for w in workers), 30,
                 f"grading workers {workers} outlived the killed service")
        service = run_service(course, log)
        wait_for(lambda: set(states(journal).values()) == {"done"}, 300,
                 f"not all graded after the restart: {states(journal)}")
    finally:
        service.kill()
        service.wait()
        log.close()
    print((tmp_path / "service.log").read_text())
    for name in names:
        history = [e[2] for e in journal.events(name)]
        assert history.count("done") == 1, (name, history)
        assert history.count("grading") == (2 if name in killed else 1), (name, history)
        assert exchange.feedback_page(course, name, STEP).is_file()
    scores = instructor.scores(course, [STEP])[STEP]
    assert set(scores) == {"ada", "bob"}
    assert scores["bob"][0] == scores["bob"][1] and scores["ada"][0] < scores["ada"][1]
    assert MISTAKE_MESSAGE in "".join(fetched_feedback(course, "ada").values())
    feedback = list((exchange.course_exchange(course) / "feedback").glob("*.html"))
    assert len(feedback) == 2, feedback


# -- unit: on the hub ----------------------------------------------------------------

from tests.test_hub_config import config, hub  # noqa: E402,F401 (fixtures: the hub's config, loaded)

QUEUE_SCOPE = "access:services!service=autograde"


@pytest.mark.unit
def test_the_hub_runs_the_service_as_the_instructor(config):  # noqa: F811
    [spec] = [s for s in config.JupyterHub.services if s["name"] == "autograde"]
    assert spec["command"][:5] == ["/srv/x/python/bin/python", "-m", "course", "autograde-service", "run"]
    port = spec["command"][spec["command"].index("--port") + 1]
    assert spec["url"] == f"http://127.0.0.1:{port}"
    # As the instructor who owns the course directory, in it; never a student.
    assert spec["user"] == "prof" and spec["cwd"] == "/srv/x/course"
    assert spec["environment"]["COURSE_DATA_DIR"] == "/srv/x/data"  # the grader's data, test sets included
    grants = [r for r in config.JupyterHub.load_roles if QUEUE_SCOPE in r["scopes"]]
    assert [(r["groups"], r.get("users", [])) for r in grants] == [(["instructors"], [])]


@pytest.mark.unit
def test_the_hub_can_leave_the_service_out(tmp_path, monkeypatch):
    from traitlets.config import Config

    from tests.test_hub_config import HUB, USERS

    settings = {"course_id": "c", "course_dir": "/srv/x/course", "exchange": "/srv/x/exchange", "users": USERS,
                "autograde": False}
    (tmp_path / "hub.json").write_text(json.dumps(settings))
    monkeypatch.setenv("COURSE_HUB_HOME", str(tmp_path))
    loaded, path = Config(), HUB / "jupyterhub_config.py"
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: loaded, "__file__": str(path)})
    assert [s["name"] for s in loaded.JupyterHub.services] == ["class-report"]


def fetch_queue(journal, root, cookies):
    """[(status, body)] of the queue page for each cookie (who the hub says is logged in)."""
    from course.grader.autograde import page

    prefix = "/services/autograde/"
    return fetch_as(page.make_app(journal, root, prefix), prefix, [(who, "") for who in cookies])


@pytest.mark.unit
def test_the_queue_page_is_for_instructors_only(tmp_path, monkeypatch):
    fake_hub_users(monkeypatch, "/services/autograde/", QUEUE_SCOPE)
    journal = Journal(tmp_path / "autograde" / "journal.sqlite")
    journal.add("ada+01+t+r", "ada", "01_tensors", "2026-12-02T04:00:00")
    journal.add("bob+01+t+r", "bob", "01_tensors", "2026-12-02T04:00:01")
    journal.start("bob+01+t+r")
    journal.set("bob+01+t+r", "failed", "the kernel died: memory limit")
    results = fetch_queue(journal, tmp_path, ["prof", "ada", "bob", ""])
    code, body = results[0]
    assert code == 200 and "1 waiting" in body and "1 failed" in body
    assert "the kernel died: memory limit" in body and "ada" in body
    assert [code for code, _ in results[1:3]] == [403, 403]
    assert not any("memory limit" in body for _, body in results[1:3])
    assert results[3][0] == 302  # nobody logged in: to the hub's login
