"""The entry point of every hidden autograder cell.

A hidden cell in a source notebook is two lines:

    from course.grading import hidden_check
    hidden_check("03_autograd::test_product_reaches_15", globals())

It names one pytest test in `tests/hidden/check_03_autograd.py`, which gets
the notebook's variables as its `nb` fixture. When the test fails, the cell
fails with the test's own assertion message, and that message is all a student
sees: the check's code stays in `tests/`, out of the notebook and out of
nbgrader's feedback.

Under nbgrader autograde the test runs outside the student's kernel (see
course/grader/judge/); by hand, `hidden_check` runs it in the kernel.
"""
import contextlib
import os
import warnings
from pathlib import Path

import pytest

from course import find_course_root

HIDDEN_DIR = ("tests", "hidden")


class CheckFailed(AssertionError):
    """A hidden check failed; the message says why, in the check's words."""


def missing_name_message(name):
    return (f"Your notebook does not define `{name}`. Run every cell above, "
            f"and keep the name `{name}` that the exercise asks for.")


class Notebook:
    """The student's notebook variables, as attributes: `nb.model`.

    A name the notebook never defined fails the check with a message that
    says which name is missing, instead of a bare KeyError.
    """

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name):
        try:
            return self._namespace[name]
        except KeyError:
            raise CheckFailed(missing_name_message(name)) from None

    def __contains__(self, name):
        return name in self._namespace


class _NotebookPlugin:
    """Gives the hidden tests their `nb` fixture and keeps their failures."""

    def __init__(self, nb):
        self._nb = nb
        self.reports = []

    @pytest.fixture
    def nb(self):
        return self._nb

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.failed:
            self.reports.append(report)


def failure_message(report):
    """The part of a pytest failure that a student may read.

    For `assert cond, "message"` that is "message"; pytest's rewriting of the
    condition (which would quote the check's expression) is dropped. For an
    error raised by the student's own code it is the error's type and text.
    """
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    exc_type, _, message = text.partition(": ")
    if not message:
        exc_type, message = "Error", text
    if exc_type.endswith(("AssertionError", "CheckFailed")):
        # pytest appends "\nassert <expression>" to a custom message.
        return message.split("\nassert ")[0].strip()
    return f"{exc_type.rsplit('.', 1)[-1]}: {message.strip()}"


@contextlib.contextmanager
def _without_pytest_environment():
    """The grader's own PYTEST_ADDOPTS and PYTEST_PLUGINS (a test run's
    `--durations`, `-x`, a plugin) are not the hidden checks' options."""
    saved = {name: os.environ.pop(name) for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS") if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def run_check(check_id, nb, root):
    """Run the hidden check `check_id` ("<step>::<test>") with `nb` as its
    fixture. Returns None when it passes, else the message a student may read."""
    step, _, test = check_id.partition("::")
    hidden = Path(root).joinpath(*HIDDEN_DIR)
    path = hidden / f"check_{step}.py"
    if not path.is_file():
        raise FileNotFoundError(f"No hidden checks for step {step!r} at {path}")

    plugin = _NotebookPlugin(nb)
    args = [
        f"{path}::{test}",
        "-c", str(hidden / "pytest.ini"),
        "--rootdir", str(hidden),
        "--noconftest",
        "--import-mode=importlib",
        "--capture=no",
        "-p", "no:terminal",  # report through the plugin only: no output at all
        "-p", "no:cacheprovider",
        "-p", "no:faulthandler",
        # These two run gc.collect() five times a check (pytest >= 8.4): with
        # torch and nbgrader loaded, a quarter of a second and more each.
        "-p", "no:unraisableexception",
        "-p", "no:threadexception",
        "-W", "ignore",
    ]
    with warnings.catch_warnings(), _without_pytest_environment():
        warnings.simplefilter("ignore")
        exit_code = pytest.main(args, plugins=[plugin])

    failed = [r for r in plugin.reports if r.failed]
    if failed:
        return failure_message(failed[0])
    if exit_code != 0 or not plugin.reports:
        # Not the student's fault: the check itself is missing or broken.
        raise RuntimeError(f"Hidden check {check_id} did not run (pytest exit code {exit_code})")
    return None


def hidden_check(check_id, namespace):
    """The hidden cells' entry point: run one check on the notebook's variables.

    While nbgrader autogrades, the judge (course/grader/judge/) runs the check from
    outside this kernel, and this call stands aside. Run by hand (say, by an
    instructor trying the source notebook), it checks right here.
    """
    if os.environ.get("COURSE_JUDGE"):
        return
    message = run_check(check_id, Notebook(namespace), find_course_root())
    if message is not None:
        raise CheckFailed(message)
    print(f"{check_id.partition('::')[2]}: passed")
