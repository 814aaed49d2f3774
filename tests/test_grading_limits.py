"""Limits per submission (course/grader/preprocessors/limited_execute.py, course/grader/sandbox/launcher.py): a notebook
that runs too long, eats memory, crashes its kernel or reaches for the network
is still graded, with a message in its feedback and its points for what did
run, and the rest of the class grades as usual."""
import html
import os
import re
import socket
import threading

import pytest

from course.grader import grade
from course.grader.preprocessors.limited_execute import KERNEL_DIED, MEMORY_LIMIT, NO_NETWORK, NOT_RUN, TIME_LIMIT
from tests import classroom

pytestmark = pytest.mark.adversarial

STEP = "01_tensors"
# Points of 01_tensors' graded cells.
POINTS = {"check-tensors": 2, "check-slices": 2, "check-describe": 1, "check-inplace": 2}
# Generous for a loaded machine: no honest cell of step 01 comes near it.
CELL_TIMEOUT = 20


@pytest.fixture
def course(tmp_path):
    return classroom.new_course(tmp_path / "course", [STEP])


def with_answer(root, grade_id, code):
    """The reference solution with one answer cell replaced."""
    from course.grader import instructor

    return instructor.with_cells(classroom.reference(root, STEP), {grade_id: code})


def feedback_text(root, student):
    page = root / "feedback" / student / STEP / f"{STEP}.html"
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def listener():
    """A TCP server on the grader's loopback: reachable from the worker,
    but not from a kernel in its own network namespace."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def accept():
        server.settimeout(0.5)
        while not stop.is_set():
            try:
                server.accept()[0].close()
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def test_cell_memory_crash_and_network_limits(course, listener):
    root = course
    students = {
        "reference": classroom.reference(root, STEP),
        "slow-cell": with_answer(root, "slices", "import time\ntime.sleep(10**6)"),
        "deaf-to-interrupts": with_answer(root, "slices", (
            "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "while True:\n    time.sleep(0.1)")),
        "memory-hog": with_answer(root, "slices", "hog = torch.ones(2_000_000_000)"),
        "crash": with_answer(root, "slices", "import os\nos._exit(1)"),
        "network": with_answer(root, "slices", (
            # Try to rejoin the worker's network namespace first.
            "import ctypes, os, socket\n"
            "try:\n"
            "    fd = os.open(f'/proc/{os.getppid()}/ns/net', os.O_RDONLY)\n"
            "    ctypes.CDLL(None).setns(fd, 0x40000000)\n"
            "except OSError:\n"
            "    pass\n"
            f"socket.create_connection(('127.0.0.1', {listener}), timeout=5).close()\n"
            "first_row = x2[0, :]\nthird_column = x2[:, 2]\nfirst_entries = x3[:, 0, 0]")),
    }
    for student, nb in students.items():
        classroom.submit(root, student, STEP, nb)
    limits = grade.Limits(cell_timeout=CELL_TIMEOUT, notebook_timeout=0, memory_limit="2G", network="auto")
    results = {r.student: r for r in grade.grade(root, [STEP], jobs=2, limits=limits, progress=False)}
    summary = grade.format_summary(list(results.values()))
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    cells = {s: classroom.cell_scores(db_url, STEP, s) for s in students}

    assert not any(r.failed for r in results.values()), summary
    assert results["reference"].status == "graded" and results["reference"].score == 7, summary

    # Too slow: that cell is stopped and loses its check; the rest still run.
    assert results["slow-cell"].status == "limit" and TIME_LIMIT in results["slow-cell"].message, summary
    assert cells["slow-cell"] == {**POINTS, "check-slices": 0}
    assert f"ran longer than {CELL_TIMEOUT} s" in feedback_text(root, "slow-cell")

    # A kernel that ignores the interrupt cannot run anything more.
    assert cells["deaf-to-interrupts"] == {**POINTS, "check-slices": 0, "check-describe": 0, "check-inplace": 0}
    assert NOT_RUN in results["deaf-to-interrupts"].message or "not run" in results["deaf-to-interrupts"].message
    assert "did not stop when interrupted" in feedback_text(root, "deaf-to-interrupts")

    # 8 GB of floats under a 2 GiB limit: a MemoryError-like failure, explained.
    assert MEMORY_LIMIT in results["memory-hog"].message, summary
    assert cells["memory-hog"] == {**POINTS, "check-slices": 0}
    assert "ran out of memory: a notebook may use 2 GiB" in feedback_text(root, "memory-hog")

    # A dead kernel: the cells before it keep their points, the rest are not run.
    assert KERNEL_DIED in results["crash"].message, summary
    assert cells["crash"] == {"check-tensors": 2, "check-slices": 0, "check-describe": 0, "check-inplace": 0}
    assert "kernel died while running this cell" in feedback_text(root, "crash")

    # No network for student code, while the grader itself reaches the listener.
    socket.create_connection(("127.0.0.1", listener), timeout=5).close()
    assert NO_NETWORK in results["network"].message, summary
    assert cells["network"] == {**POINTS, "check-slices": 0}
    text = feedback_text(root, "network")
    assert "Network is unreachable" in text and "no network access while grading" in text


def test_notebook_time_limit_keeps_the_points_of_what_ran(course):
    root = course
    # The first two exercises are answered, then the notebook stalls.
    classroom.submit(root, "stalls", STEP, with_answer(root, "describe", "import time\ntime.sleep(10**6)"))
    limits = grade.Limits(cell_timeout=0, notebook_timeout=20)
    [result] = grade.grade(root, [STEP], jobs=1, limits=limits, progress=False)
    assert result.status == "limit" and TIME_LIMIT in result.message and "cells not run" in result.message, result
    cells = classroom.cell_scores(f"sqlite:///{root / 'gradebook.db'}", STEP, "stalls")
    assert cells == {"check-tensors": 2, "check-slices": 2, "check-describe": 0, "check-inplace": 0}
    assert result.score == 4
    text = feedback_text(root, "stalls")
    assert "time limit for a whole notebook" in text and "the notebook ran past its time limit" in text


def test_a_worker_stuck_past_the_limit_is_killed_and_the_batch_goes_on(course):
    """With no time limit in the notebook, the grader's own clock stops a
    submission: the worker and its kernel are killed, the submission is
    recorded (every cell not run, with a message), and a fresh worker grades
    the rest."""
    root = course
    classroom.submit(root, "a-stuck", STEP, with_answer(root, "make-tensors", "import time\ntime.sleep(10**6)"))
    classroom.submit(root, "b-reference", STEP, classroom.reference(root, STEP))
    limits = grade.Limits(cell_timeout=0, notebook_timeout=0)
    results = {r.student: r for r in grade.grade(root, [STEP], jobs=1, limits=limits, progress=False, kill_after=30)}
    summary = grade.format_summary(list(results.values()))
    assert results["a-stuck"].status == "killed" and results["a-stuck"].score == 0, summary
    assert "took longer than 30 s" in results["a-stuck"].message
    assert results["b-reference"].status == "graded" and results["b-reference"].score == 7, summary
    rows = classroom.gradebook_rows(f"sqlite:///{root / 'gradebook.db'}", STEP)
    assert rows["a-stuck"] == (0, 7, 4)
    assert "took longer than 30 s and was stopped" in feedback_text(root, "a-stuck")
    # No kernel of the killed worker is left behind (a kernel runs in its
    # submission's autograded folder).
    stuck = str(root / "autograded" / "a-stuck")
    left = []
    for proc in os.listdir("/proc"):
        try:
            if proc.isdigit() and os.readlink(f"/proc/{proc}/cwd").startswith(stuck):
                left.append(proc)
        except OSError:
            pass
    assert not left, f"the killed worker's kernel survived: pids {left}"
