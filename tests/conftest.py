"""Shared fixtures: a throwaway copy of the course, graded once per test run."""
import os
import shutil
from pathlib import Path

import pytest

from course.grader import instructor, loop
from tests.alternatives import all_alternatives
from tests.mistakes import all_mistakes

REPO = Path(__file__).resolve().parents[1]
COURSE_FILES = ("source", "tests/hidden", "nbgrader_config.py")


def copy_course(dest):
    """The parts of the course that nbgrader needs, without any grading state."""
    for name in COURSE_FILES:
        src, dst = REPO / name, dest / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return dest


def selected_steps():
    """Every step, or those named in COURSE_TEST_STEPS (comma-separated), to
    work on one step without grading the whole course."""
    steps = instructor.assignments(REPO)
    chosen = [s for s in os.environ.get("COURSE_TEST_STEPS", "").split(",") if s]
    unknown = set(chosen) - set(steps)
    if unknown:
        raise ValueError(f"COURSE_TEST_STEPS names unknown steps: {sorted(unknown)}")
    return chosen or steps


def selected_mistakes():
    """{step: {name: mistake}} for the selected steps."""
    steps = selected_steps()
    return {step: m for step, m in all_mistakes().items() if step in steps}


@pytest.fixture(scope="session")
def steps():
    return selected_steps()


def selected_alternatives():
    """{step: {name: alternative}} for the selected steps (tests/alternatives/)."""
    steps = selected_steps()
    return {step: a for step, a in all_alternatives().items() if step in steps}


def mistake_student(step, name):
    return f"mistake-{step}-{name}"


def alternative_student(step, name):
    return f"alternative-{step}-{name}"


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory, steps):
    """Every step released, submitted through the exchange and autograded, for:
    the reference solutions, the untouched release notebooks, and one student
    per realistic mistake (tests/mistakes/) and one per correct answer written in
    another style (tests/alternatives/). Done once; tests read the results."""
    root = copy_course(tmp_path_factory.mktemp("course"))
    os.environ.pop("COURSE_DB_URL", None)  # this copy gets its own SQLite gradebook
    os.environ["COURSE_EXCHANGE"] = str(root / "exchange")

    submissions = instructor.demo_submissions(root, steps, "reference", "untouched")
    for step, mistakes in selected_mistakes().items():
        for name, mistake in mistakes.items():
            solve = instructor.solve(root, step)
            submissions[mistake_student(step, name)] = {
                step: lambda fetched, solve=solve, answers=mistake["answers"]:
                    instructor.with_cells(solve(fetched), answers)
            }
    for step, alternatives in selected_alternatives().items():
        for name, alternative in alternatives.items():
            solve = instructor.solve(root, step)
            submissions[alternative_student(step, name)] = {
                step: lambda fetched, solve=solve, answers=alternative["answers"]:
                    instructor.with_cells(solve(fetched), answers)
            }
    failures = loop.run_loop(root, submissions, tmp_path_factory.mktemp("students"), steps)
    return root, failures


def pytest_terminal_summary(terminalreporter):
    """The two corpora of the grading tests, side by side, in plain output."""
    def outcomes(test):
        return [r for key in ("passed", "failed", "error") for r in terminalreporter.stats.get(key, [])
                if f"::{test}[" in getattr(r, "nodeid", "") and r.when in ("call", "setup")
                and (r.when == "call" or r.outcome != "passed")]

    mistakes, alternatives = outcomes("test_mistake_loses_exactly_its_checks"), outcomes(
        "test_alternative_earns_full_marks")
    if not (mistakes or alternatives):
        return
    terminalreporter.section("grading corpora")
    for what, reports, good in (("mistakes", mistakes, "lose exactly their points"),
                                ("alternatives", alternatives, "earn full marks")):
        passed = sum(r.outcome == "passed" for r in reports)
        terminalreporter.write_line(f"{what} corpus: {len(reports)} submissions graded, {passed} {good}"
                                    + ("" if passed == len(reports) else f", {len(reports) - passed} FAIL"))
