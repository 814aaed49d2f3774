"""The entry point of every hidden autograder cell.

A hidden cell in a source notebook is two lines:

    from course.grading import hidden_check
    hidden_check("03_autograd::test_product_reaches_15", globals())

`hidden_check` runs that one pytest test from `tests/hidden/check_03_autograd.py`
with the notebook's variables as its `nb` fixture. When the test fails, the cell
fails with the test's own assertion message, and that message is all a student
sees: the check's code stays in `tests/`, out of the notebook and out of
nbgrader's feedback.
"""
import contextlib
import io
import warnings

import pytest

from course import find_course_root

HIDDEN_DIR = ("tests", "hidden")


class CheckFailed(AssertionError):
    """A hidden check failed; the message says why, in the check's words."""


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
            raise CheckFailed(
                f"Your notebook does not define `{name}`. Run every cell above, "
                f"and keep the name `{name}` that the exercise asks for."
            ) from None

    def __contains__(self, name):
        return name in self._namespace


class _NotebookPlugin:
    """Gives the hidden tests their `nb` fixture and keeps their failures."""

    def __init__(self, namespace):
        self.namespace = namespace
        self.reports = []

    @pytest.fixture
    def nb(self):
        return Notebook(self.namespace)

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


def hidden_check(check_id, namespace):
    """Run the hidden check `check_id` ("<step>::<test>") on `namespace`."""
    step, _, test = check_id.partition("::")
    hidden = find_course_root().joinpath(*HIDDEN_DIR)
    path = hidden / f"check_{step}.py"
    if not path.is_file():
        raise FileNotFoundError(f"No hidden checks for step {step!r} at {path}")

    plugin = _NotebookPlugin(namespace)
    args = [
        f"{path}::{test}",
        "-c", str(hidden / "pytest.ini"),
        "--rootdir", str(hidden),
        "--noconftest",
        "--import-mode=importlib",
        "--capture=sys",
        "-p", "no:cacheprovider",
        "-W", "ignore",
        "-q",
    ]
    output = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        warnings.simplefilter("ignore")
        exit_code = pytest.main(args, plugins=[plugin])

    failed = [r for r in plugin.reports if r.failed]
    if failed:
        raise CheckFailed(failure_message(failed[0]))
    if exit_code != 0 or not plugin.reports:
        # Not the student's fault: the check itself is missing or broken.
        raise RuntimeError(f"Hidden check {check_id} did not run (pytest exit {exit_code}):\n"
                           + output.getvalue()[-2000:])
    print(f"{test}: passed")
